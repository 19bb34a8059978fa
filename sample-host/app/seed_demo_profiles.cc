// sample-host/app/seed_demo_profiles.cc — deterministic issue-14 demo data through the same
// stores as the API (so it obeys the same validation).
#include "sample-host/app/seed_demo_profiles.h"

#include <string>
#include <vector>

#include "sample-host/app/money.h"

namespace host {
namespace {

struct DemoOrigin {
  const char* source;
  const char* medium;
  const char* campaign;
  const char* referrer;
  const char* device;
};

constexpr DemoOrigin kOrigins[] = {
    {"google", "cpc", "spring-sale", "https://www.google.com/", "mobile · Android · Chrome"},
    {"newsletter", "email", "welcome", "", "desktop · Windows · Firefox"},
    {"facebook", "social", "launch", "https://m.facebook.com/", "mobile · iOS · Safari"},
};

// Client i (0-based) of the demo: a varied profile.
void Vary(Client& c, size_t i) {
  static const char* kGenders[] = {"female", "male", "other", ""};
  c.gender = kGenders[i % 4];
  if (i % 3 == 0) {
    c.billing_address = {"Boulevard d'Avroy 12", "4000", "Liège", "Wallonie", "BE"};
  }
  if (i % 4 == 1) c.delivery_address = {"Kouter 5", "9000", "Gent", "Vlaanderen", "BE"};
  static const char* kStatuses[] = {"subscribed", "unsubscribed", "unknown"};
  c.newsletter.status = kStatuses[i % 3];
  c.newsletter.lists.clear();
  if (i % 3 == 0) c.newsletter.lists = {"Monthly news"};
  if (i % 6 == 0) c.newsletter.lists.push_back("Promotions");
}

crm::Status AddHistory(TimelineStore& timeline, int64_t client_id, size_t i) {
  static const char* kAmounts[] = {"129.90", "1250.00", "45.50", "899.99"};
  for (size_t k = 0; k < i % 4 + 1; ++k) {
    crm::TimelineEntry purchase{client_id, "host.purchase",
                                "Order #" + std::to_string(1000 + i * 10 + k), "", "api:shop"};
    CRM_RETURN_IF_ERROR(
        timeline.AddRecorded(purchase, ParseAmountCents(kAmounts[(i + k) % 4]), 0).status());
  }
  if (i % 2 == 0) {
    crm::TimelineEntry support{client_id, "host.support_request", "Question about a delivery", "",
                               "api:helpdesk"};
    CRM_RETURN_IF_ERROR(timeline.AddRecorded(support, std::nullopt, 0).status());
  }
  return crm::Status::Ok();
}

}  // namespace

crm::Status SeedDemoProfiles(ClientStore& clients, NewsletterStore& newsletter,
                             TimelineStore& timeline, DeviceStore& devices) {
  CRM_RETURN_IF_ERROR(newsletter.Create("Monthly news").status());
  CRM_RETURN_IF_ERROR(newsletter.Create("Promotions").status());
  ClientListQuery first;
  first.sort = "id";
  first.per_page = 12;
  CRM_ASSIGN_OR_RETURN(ClientListPage page, clients.List(first));
  for (size_t i = 0; i < page.rows.size(); ++i) {
    Client c = page.rows[i].client;
    Vary(c, i);
    CRM_RETURN_IF_ERROR(clients.Update(c).status());
    CRM_RETURN_IF_ERROR(AddHistory(timeline, c.id, i));
    if (i < 2) {
      ClientDevice phone{0,
                         c.id,
                         i == 0 ? "android" : "ios",
                         i == 0 ? "Pixel 8" : "iPhone 15",
                         "demo-push-token-" + std::to_string(c.id),
                         0,
                         0};
      CRM_RETURN_IF_ERROR(devices.Register(phone).status());
    }
  }
  // Three clients who came through campaigns (the origin is recorded at creation).
  static const char* kNames[][3] = {
      {"Camille", "Lambert", "fr"}, {"Sander", "Wouters", "nl"}, {"Olivia", "Brown", "en"}};
  for (size_t i = 0; i < std::size(kOrigins); ++i) {
    Client c;
    c.first_name = kNames[i][0];
    c.last_name = kNames[i][1];
    c.language = kNames[i][2];
    c.email = std::string(kNames[i][0]) + "." + kNames[i][1] + "@campaign.example.com";
    c.mobile = "+32 470 00 00 0" + std::to_string(i);
    const DemoOrigin& o = kOrigins[i];
    c.origin = {o.source, o.medium, o.campaign, o.referrer, o.device};
    c.newsletter.lists = {"Promotions"};
    CRM_ASSIGN_OR_RETURN(Client created, clients.Create(c));
    CRM_RETURN_IF_ERROR(AddHistory(timeline, created.id, i));
  }
  return crm::Status::Ok();
}

}  // namespace host
