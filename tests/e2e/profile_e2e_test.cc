// tests/e2e/profile_e2e_test.cc — issue 14 against the real sample-host binary: the client's new
// fields through the API (POST, GET, PATCH, list) and the CSV round trip, the newsletter (lists
// API and page, filters and column, unsubscribe link of the host's mails: GET asks, POST
// unsubscribes), the history fed through the API and the sidebar's statistics (money in the
// reader's format), quick contact links.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using crm_test::Bearer;
using crm_test::CsrfFrom;
using crm_test::HostProcess;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;

constexpr char kBinary[] = CRM_E2E_SAMPLE_HOST;
constexpr char kPluginDir[] = CRM_E2E_PLUGIN_DIR;
constexpr char kAdminEmail[] = "boss@profile.test";
constexpr char kAdminPassword[] = "e2e-password-42";
const std::string kForm = "application/x-www-form-urlencoded";

using crm_test::OutboxMails;

class ProfileE2e : public crm_test::E2eSiteTest {
 protected:
  ProfileE2e() : E2eSiteTest({kBinary, kPluginDir, "profile-e2e", kAdminEmail, kAdminPassword}) {}

  void BeforeStart() override { read_token_ = Token("--scope clients:read"); }

  HttpResponse PostJson(const std::string& path, const json::value& body,
                        const std::string& token = "") {
    return api_->Post(
        path, Bearer(token.empty() ? token_ : token, {{"Content-Type", "application/json"}}),
        json::serialize(body));
  }
  HttpResponse Get(const std::string& path) { return api_->Get(path, Bearer(token_)); }

  // An admin browser, logged in, and the CSRF token of its session.
  std::unique_ptr<HttpClient> AdminBrowser(std::string& csrf) {
    auto b = std::make_unique<HttpClient>(host_->port(), HttpClient::Options{true, 60});
    HttpResponse in = b->Post("/admin/login", {{"Content-Type", kForm}},
                              std::string("email=boss%40profile.test&password=") + kAdminPassword);
    EXPECT_EQ(in.status, 303) << in.body.substr(0, 300);
    csrf = CsrfFrom(b->Get("/admin/clients").body);
    EXPECT_EQ(csrf.size(), 64u);
    return b;
  }

  const std::string& token_ = full_;  // this suite's name for the full-scope token
  std::string read_token_;
};

json::object Address(const char* street, const char* city) {
  return {{"street", street}, {"postal_code", "4000"}, {"city", city}, {"country", "BE"}};
}

TEST_F(ProfileE2e, ClientFieldsThroughTheApi) {
  ASSERT_EQ(PostJson("/api/v1/newsletter-lists", {{"name", "Promotions"}}).status, 201);
  HttpResponse created =
      PostJson("/api/v1/clients", {{"first_name", "Marie"},
                                   {"last_name", "Dupont"},
                                   {"email", "marie@profile.test"},
                                   {"gender", "female"},
                                   {"billing_address", Address("Rue du Compte 1", "Liège")},
                                   {"delivery_address", Address("Quai des Colis 2", "Namur")},
                                   {"origin",
                                    {{"source", "google"},
                                     {"medium", "cpc"},
                                     {"campaign", "spring"},
                                     {"referrer", "https://www.google.com/"},
                                     {"device", "mobile · Android"}}},
                                   {"newsletter", {{"lists", json::array{"promotions"}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  json::value c = Json(created);
  std::string path = "/api/v1/clients/" + std::to_string(c.at("id").as_int64());
  json::value got = Json(Get(path));
  EXPECT_EQ(got.at("gender"), "female");
  EXPECT_EQ(got.at("billing_address").at("street"), "Rue du Compte 1");
  EXPECT_EQ(got.at("delivery_address").at("city"), "Namur");
  EXPECT_EQ(got.at("origin").at("campaign"), "spring");
  EXPECT_EQ(got.at("origin").at("device"), "mobile · Android");
  EXPECT_EQ(got.at("newsletter").at("status"), "subscribed");
  EXPECT_EQ(got.at("newsletter").at("lists"), (json::array{"Promotions"}));
  EXPECT_TRUE(got.at("avatar_url").is_null());

  // PATCH: the delivery address changes; the origin recorded at creation stays.
  HttpResponse patched =
      api_->Patch(path, Bearer(token_, {{"Content-Type", "application/json"}}),
                  json::serialize(json::object{{"delivery_address", Address("Rue Neuve 3", "Mons")},
                                               {"origin", {{"source", "forged"}}},
                                               {"newsletter", {{"status", "unsubscribed"}}}}));
  ASSERT_EQ(patched.status, 200) << patched.body;
  got = Json(Get(path));
  EXPECT_EQ(got.at("delivery_address").at("city"), "Mons");
  EXPECT_EQ(got.at("billing_address").at("city"), "Liège");
  EXPECT_EQ(got.at("origin").at("source"), "google");
  EXPECT_EQ(got.at("newsletter").at("status"), "unsubscribed");
  EXPECT_EQ(got.at("newsletter").at("lists"), json::array());

  // Refusals store nothing.
  HttpResponse bad_gender = PostJson(
      "/api/v1/clients", {{"last_name", "X"}, {"email", "x@profile.test"}, {"gender", "robot"}});
  EXPECT_EQ(bad_gender.status, 400) << bad_gender.body;
  EXPECT_NE(bad_gender.body.find("gender"), std::string::npos);
  HttpResponse bad_list = PostJson(
      "/api/v1/clients",
      {{"last_name", "Y"}, {"email", "y@profile.test"}, {"newsletter", {{"lists", {"Nope"}}}}});
  EXPECT_EQ(bad_list.status, 400) << bad_list.body;
  EXPECT_NE(bad_list.body.find("newsletter.lists"), std::string::npos);
  json::value all = Json(Get("/api/v1/clients"));
  EXPECT_EQ(all.at("total"), 1);
  // SPEC H17's list columns: phone and login status.
  ASSERT_EQ(all.at("items").as_array().size(), 1u);
  EXPECT_EQ(all.at("items").at(0).at("columns").at("host.login"), "off");
  EXPECT_TRUE(all.at("items").at(0).at("columns").at("host.phone").is_string());
}

TEST_F(ProfileE2e, NewsletterListsFiltersColumnAndCsv) {
  HttpResponse list = PostJson("/api/v1/newsletter-lists", {{"name", "Monthly news"}});
  ASSERT_EQ(list.status, 201) << list.body;
  EXPECT_EQ(Json(list).at("name"), "Monthly news");
  EXPECT_EQ(PostJson("/api/v1/newsletter-lists", {{"name", "monthly NEWS"}}).status, 409);
  EXPECT_EQ(PostJson("/api/v1/newsletter-lists", {{"name", "a,b"}}).status, 400);
  EXPECT_EQ(PostJson("/api/v1/newsletter-lists", {{"name", "Other"}}, read_token_).status, 403);
  for (auto [email, body] :
       {std::pair{"in@profile.test", json::object{{"lists", json::array{"Monthly news"}}}},
        std::pair{"out@profile.test", json::object{{"status", "unsubscribed"}}},
        std::pair{"never@profile.test", json::object{}}}) {
    ASSERT_EQ(
        PostJson("/api/v1/clients", {{"last_name", email}, {"email", email}, {"newsletter", body}})
            .status,
        201);
  }
  json::value lists = Json(api_->Get("/api/v1/newsletter-lists", Bearer(read_token_)));
  ASSERT_EQ(lists.at("items").as_array().size(), 1u);
  EXPECT_EQ(lists.at("items").at(0).at("subscribers"), 1);

  auto emails = [&](const std::string& query) {
    std::vector<std::string> out;
    json::value v = Json(Get("/api/v1/clients?" + query));
    for (const auto& item : v.at("items").as_array()) {
      out.emplace_back(item.at("email").as_string());
      EXPECT_EQ(item.at("columns").at("host.newsletter"), item.at("newsletter").at("status"));
    }
    return out;
  };
  EXPECT_EQ(emails("filter%5Bnewsletter_list%5D=Monthly%20news"),
            std::vector<std::string>{"in@profile.test"});
  EXPECT_EQ(emails("filter%5Bnewsletter_status%5D=unsubscribed"),
            std::vector<std::string>{"out@profile.test"});
  EXPECT_EQ(emails("filter%5Bnewsletter_status%5D=unknown"),
            std::vector<std::string>{"never@profile.test"});
  EXPECT_EQ(Get("/api/v1/clients?filter%5Bnewsletter_status%5D=maybe").status, 400);

  HttpResponse csv = Get("/api/v1/clients/export.csv?filter%5Bnewsletter_list%5D=Monthly%20news");
  ASSERT_EQ(csv.status, 200);
  std::string header = csv.body.substr(0, csv.body.find('\n'));
  for (const char* col : {"billing_street", "delivery_city", "origin_source", "newsletter_status",
                          "newsletter_lists"}) {
    EXPECT_NE(header.find(col), std::string::npos) << col << " in " << header;
  }
  EXPECT_NE(csv.body.find("subscribed,Monthly news"), std::string::npos) << csv.body;

  // Import: a new client subscribed through the CSV's columns.
  HttpResponse imported = api_->Post(
      "/api/v1/clients/import", Bearer(token_, {{"Content-Type", "text/csv"}}),
      "last_name,email,delivery_city,newsletter_lists\nImported,imp@profile.test,Gent,Monthly "
      "news\n");
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(Json(imported).at("created"), 1) << imported.body;
  EXPECT_EQ(emails("filter%5Bnewsletter_list%5D=monthly%20news"),
            (std::vector<std::string>{"imp@profile.test", "in@profile.test"}));
}

TEST_F(ProfileE2e, NewsletterAdminPageAndUnsubscribeLink) {
  std::string csrf;
  auto admin = AdminBrowser(csrf);
  HttpResponse page = admin->Get("/admin/newsletter-lists");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("href=\"/admin/newsletter-lists\""), std::string::npos) << "menu entry";
  ASSERT_EQ(
      admin->Post("/admin/newsletter-lists", {{"Content-Type", kForm}}, "name=Weekly&_csrf=" + csrf)
          .status,
      303);
  HttpResponse refused = admin->Post("/admin/newsletter-lists", {{"Content-Type", kForm}},
                                     "name=weekly&_csrf=" + csrf);
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("already exists"), std::string::npos);
  json::value lists = Json(Get("/api/v1/newsletter-lists"));
  ASSERT_EQ(lists.at("items").as_array().size(), 1u);
  std::string list_id = std::to_string(lists.at("items").at(0).at("id").as_int64());
  ASSERT_EQ(admin
                ->Post("/admin/newsletter-lists/" + list_id, {{"Content-Type", kForm}},
                       "name=Weekly%20digest&_csrf=" + csrf)
                .status,
            303);
  EXPECT_EQ(Json(Get("/api/v1/newsletter-lists")).at("items").at(0).at("name"), "Weekly digest");

  HttpResponse c = PostJson("/api/v1/clients", {{"last_name", "Leclercq"},
                                                {"email", "leclercq@profile.test"},
                                                {"language", "fr"},
                                                {"newsletter", {{"lists", {"Weekly digest"}}}}});
  ASSERT_EQ(c.status, 201);
  std::string base = "/admin/clients/" + std::to_string(Json(c).at("id").as_int64());
  // A mail of the host to the client (a generated password) carries the link.
  ASSERT_EQ(
      admin->Post(base + "/password", {{"Content-Type", kForm}}, "mode=generate&_csrf=" + csrf)
          .status,
      303);
  std::vector<std::string> mails = OutboxMails(site_.data());
  ASSERT_FALSE(mails.empty());
  std::smatch m;
  static const std::regex re("/newsletter/unsubscribe\\?token=([A-Za-z0-9_-]{43})");
  ASSERT_TRUE(std::regex_search(mails.back(), m, re)) << mails.back();
  EXPECT_NE(mails.back().find("Pour ne plus recevoir nos newsletters"), std::string::npos);
  std::string token = m[1];

  HttpClient visitor(host_->port());
  HttpResponse ask = visitor.Get("/newsletter/unsubscribe?token=" + token);
  EXPECT_EQ(ask.status, 200);
  EXPECT_NE(ask.body.find("method=\"post\""), std::string::npos);
  std::string client_path = "/api/v1/clients/" + std::to_string(Json(c).at("id").as_int64());
  EXPECT_EQ(Json(Get(client_path)).at("newsletter").at("status"), "subscribed")
      << "a GET (a mail scanner) changes nothing";
  HttpResponse done =
      visitor.Post("/newsletter/unsubscribe", {{"Content-Type", kForm}}, "token=" + token);
  EXPECT_EQ(done.status, 200);
  EXPECT_NE(done.body.find("id=\"unsubscribed\""), std::string::npos);
  json::value after = Json(Get(client_path));
  EXPECT_EQ(after.at("newsletter").at("status"), "unsubscribed");
  EXPECT_EQ(after.at("newsletter").at("lists"), json::array());
  EXPECT_EQ(visitor.Get("/newsletter/unsubscribe?token=forged").status, 404);
  EXPECT_EQ(admin
                ->Post("/admin/newsletter-lists/" + list_id + "/delete", {{"Content-Type", kForm}},
                       "_csrf=" + csrf)
                .status,
            303);
  EXPECT_EQ(Json(Get("/api/v1/newsletter-lists")).at("items").as_array().size(), 0u);
}

TEST_F(ProfileE2e, TimelineFeedsStatsAndTheSidebar) {
  HttpResponse c = PostJson("/api/v1/clients", {{"first_name", "Luc"},
                                                {"last_name", "Martin"},
                                                {"email", "luc@profile.test"},
                                                {"mobile", "0475 12 34 56"},
                                                {"address", {{"country", "Belgique"}}}});
  ASSERT_EQ(c.status, 201);
  std::string id = std::to_string(Json(c).at("id").as_int64());
  std::string api = "/api/v1/clients/" + id;
  json::value empty = Json(Get(api + "/stats"));
  EXPECT_TRUE(empty.at("last_action_at").is_null());
  EXPECT_EQ(empty.at("revenue"), "0.00");

  HttpResponse p1 = PostJson(api + "/timeline", {{"type", "host.purchase"},
                                                 {"title", "Order 1"},
                                                 {"amount", "1000.25"},
                                                 {"occurred_at", "2026-03-01T10:00:00Z"}});
  ASSERT_EQ(p1.status, 201) << p1.body;
  EXPECT_EQ(Json(p1).at("amount"), "1000.25");
  EXPECT_EQ(Json(p1).at("occurred_at"), "2026-03-01T10:00:00Z");
  ASSERT_EQ(PostJson(api + "/timeline",
                     {{"type", "host.purchase"}, {"title", "Order 2"}, {"amount", "234.25"}})
                .status,
            201);
  ASSERT_EQ(PostJson(api + "/timeline", {{"type", "host.support_request"},
                                         {"title", "Broken lid"},
                                         {"occurred_at", "2026-04-02T08:30:00Z"}})
                .status,
            201);
  // Refusals: a float amount, three decimals, a bad date, no title, an unknown client.
  for (json::object bad :
       {json::object{{"type", "host.purchase"}, {"title", "x"}, {"amount", 1.5}},
        json::object{{"type", "host.purchase"}, {"title", "x"}, {"amount", "1.005"}},
        json::object{
            {"type", "host.purchase"}, {"title", "x"}, {"occurred_at", "2026-02-30T00:00:00Z"}},
        json::object{{"type", "host.purchase"}}}) {
    HttpResponse r = PostJson(api + "/timeline", bad);
    EXPECT_TRUE(r.status == 400 || r.status == 422) << json::serialize(bad) << " " << r.body;
  }
  EXPECT_EQ(PostJson("/api/v1/clients/9999/timeline", {{"type", "host.x"}, {"title", "x"}}).status,
            404);
  json::value stats = Json(Get(api + "/stats"));
  EXPECT_EQ(stats.at("purchases"), 2);
  EXPECT_EQ(stats.at("revenue"), "1234.50");
  EXPECT_EQ(stats.at("support_requests"), 1);
  EXPECT_TRUE(stats.at("last_action_at").is_string());

  std::string csrf;
  auto admin = AdminBrowser(csrf);
  ASSERT_EQ(
      admin->Post("/lang/fr", {{"Content-Type", kForm}}, "next=%2Fadmin&_csrf=" + csrf).status,
      303);
  HttpResponse profile = admin->Get("/admin/clients/" + id);
  ASSERT_EQ(profile.status, 200);
  EXPECT_NE(profile.body.find("1\u00a0234,50\u00a0€"), std::string::npos)
      << profile.body.substr(profile.body.find("host-stats"), 600);
  EXPECT_NE(profile.body.find("href=\"tel:+32475123456\""), std::string::npos);
  EXPECT_NE(profile.body.find("href=\"sms:+32475123456\""), std::string::npos);
  EXPECT_NE(profile.body.find("href=\"https://wa.me/32475123456\""), std::string::npos);
}

}  // namespace

namespace {

// SPEC H14: start and stop, the banner, the history, and the limits.
TEST_F(ProfileE2e, AdminLogsInAsTheClientAndBack) {
  HttpResponse c = PostJson("/api/v1/clients", {{"first_name", "Inès"},
                                                {"last_name", "Renard"},
                                                {"email", "ines@profile.test"},
                                                {"language", "fr"}});
  ASSERT_EQ(c.status, 201);
  int64_t id = Json(c).at("id").as_int64();
  std::string base = "/admin/clients/" + std::to_string(id);
  std::string csrf;
  auto admin = AdminBrowser(csrf);
  // No login yet: refused, and the admin stays an admin.
  EXPECT_EQ(admin->Post(base + "/impersonate", {{"Content-Type", kForm}}, "_csrf=" + csrf).status,
            409);
  ASSERT_EQ(
      admin->Post(base + "/login", {{"Content-Type", kForm}}, "enabled=1&_csrf=" + csrf).status,
      303);
  HttpResponse profile = admin->Get(base);
  EXPECT_NE(profile.body.find("action=\"" + base + "/impersonate\""), std::string::npos);
  HttpResponse start =
      admin->Post(base + "/impersonate", {{"Content-Type", kForm}}, "_csrf=" + csrf);
  ASSERT_EQ(start.status, 303) << start.body.substr(0, 300);
  EXPECT_EQ(start.Header("Location").value_or(""), "/account");

  // The browser is now the client, with the banner on every reserved-area page.
  for (const char* page : {"/account", "/account/profile"}) {
    HttpResponse r = admin->Get(page);
    ASSERT_EQ(r.status, 200) << page;
    EXPECT_NE(r.body.find("id=\"impersonation-banner\""), std::string::npos) << page;
    EXPECT_NE(r.body.find("Inès Renard"), std::string::npos);
  }
  EXPECT_EQ(admin->Get("/admin/clients").status, 303) << "no admin session meanwhile";
  // The client's own login shows no banner.
  std::string client_csrf = CsrfFrom(admin->Get("/account").body);
  ASSERT_EQ(client_csrf.size(), 64u);

  HttpResponse back =
      admin->Post("/account/impersonation/end", {{"Content-Type", kForm}}, "_csrf=" + client_csrf);
  ASSERT_EQ(back.status, 303) << back.body.substr(0, 300);
  EXPECT_EQ(back.Header("Location").value_or(""), base);
  HttpResponse again = admin->Get(base);
  ASSERT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("host.impersonation_start"), std::string::npos);
  EXPECT_NE(again.body.find("host.impersonation_end"), std::string::npos);
  EXPECT_EQ(admin->Get("/account").status, 303) << "the client session is over";

  // A real client session cannot "go back to admin".
  HttpClient real(host_->port(), HttpClient::Options{true, 60});
  std::string new_csrf = CsrfFrom(admin->Get("/admin/clients").body);
  ASSERT_EQ(admin
                ->Post(base + "/password", {{"Content-Type", kForm}},
                       "mode=set&password=client-pass-123&confirm_email=1&_csrf=" + new_csrf)
                .status,
            303);
  ASSERT_EQ(real.Post("/account/login", {{"Content-Type", kForm}},
                      "email=ines%40profile.test&password=client-pass-123")
                .status,
            303);
  HttpResponse home = real.Get("/account");
  EXPECT_EQ(home.body.find("impersonation-banner"), std::string::npos);
  EXPECT_EQ(real.Post("/account/impersonation/end", {{"Content-Type", kForm}},
                      "_csrf=" + CsrfFrom(home.body))
                .status,
            403);

  // An admin without clients.impersonate (a second admin has no permission) gets 403.
  crm_test::CliResult second =
      crm_test::CreateAdmin(kBinary, site_.data(), "helper@profile.test", "helper-pass-42");
  ASSERT_EQ(second.code, 0) << second.output;
  HttpClient helper(host_->port(), HttpClient::Options{true, 60});
  ASSERT_EQ(helper
                .Post("/admin/login", {{"Content-Type", kForm}},
                      "email=helper%40profile.test&password=helper-pass-42")
                .status,
            303);
  std::smatch m;
  std::string page = helper.Get("/admin/clients").body;
  ASSERT_TRUE(
      std::regex_search(page, m, std::regex("name=\"csrf-token\" content=\"([0-9a-f]{64})\"")));
  std::string helper_csrf = m[1];
  HttpResponse denied =
      helper.Post(base + "/impersonate", {{"Content-Type", kForm}}, "_csrf=" + helper_csrf);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(helper.Get("/account").status, 303) << "no client session was opened";
}

}  // namespace

namespace {

// SPEC H15: register, refresh (same token), list, remove; refusals; the sidebar lists them.
TEST_F(ProfileE2e, DevicesThroughTheApiAndTheSidebar) {
  HttpResponse c =
      PostJson("/api/v1/clients", {{"last_name", "Device"}, {"email", "dev@profile.test"}});
  ASSERT_EQ(c.status, 201);
  int64_t id = Json(c).at("id").as_int64();
  std::string api = "/api/v1/clients/" + std::to_string(id) + "/devices";
  HttpResponse added =
      PostJson(api, {{"platform", "android"}, {"label", "Pixel"}, {"token", "tok-1"}});
  ASSERT_EQ(added.status, 201) << added.body;
  int64_t device_id = Json(added).at("id").as_int64();
  HttpResponse again = PostJson(api, {{"platform", "android"},
                                      {"label", "Pixel 8"},
                                      {"token", "tok-1"},
                                      {"last_seen_at", "2026-05-01T12:00:00Z"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again).at("id").as_int64(), device_id);
  EXPECT_EQ(PostJson(api, {{"platform", "symbian"}, {"token", "t"}}).status, 422);
  EXPECT_EQ(PostJson(api, {{"platform", "ios"}, {"token", "has space"}}).status, 422);
  EXPECT_EQ(PostJson(api, {{"platform", "ios"}, {"token", "t"}}, read_token_).status, 403);
  EXPECT_EQ(PostJson("/api/v1/clients/9999/devices", {{"platform", "ios"}, {"token", "t"}}).status,
            404);
  json::value listed = Json(Get(api));
  ASSERT_EQ(listed.at("items").as_array().size(), 1u);
  EXPECT_EQ(listed.at("items").at(0).at("label"), "Pixel 8");
  EXPECT_EQ(listed.at("items").at(0).at("last_seen_at"), "2026-05-01T12:00:00Z");

  std::string csrf;
  auto admin = AdminBrowser(csrf);
  HttpResponse profile = admin->Get("/admin/clients/" + std::to_string(id));
  EXPECT_NE(profile.body.find("id=\"host-devices\""), std::string::npos);
  EXPECT_NE(profile.body.find("Pixel 8"), std::string::npos);

  std::string one = api + "/" + std::to_string(device_id);
  EXPECT_EQ(api_->Delete(one, Bearer(token_)).status, 204);
  EXPECT_EQ(api_->Delete(one, Bearer(token_)).status, 404);
  EXPECT_EQ(Json(Get(api)).at("items").as_array().size(), 0u);
}

}  // namespace

namespace {

// SPEC H16: off by default; on, the form carries the campaign, the client is created with its
// origin and device, confirms by email; a taken email gets the same answer; rate-limited.
TEST_F(ProfileE2e, SelfRegistrationRecordsOriginAndDevice) {
  EXPECT_EQ(api_->Get("/account/register").status, 404) << "off by default";

  fs::path data = crm_test::FreshDir("profile-e2e-register");
  ASSERT_EQ(crm_test::CreateAdmin(kBinary, data, kAdminEmail, kAdminPassword).code, 0);
  crm_test::CliResult token = crm_test::CreateToken(kBinary, data, kAdminEmail, "");
  ASSERT_EQ(token.code, 0);
  HostProcess::Options o;
  o.binary = kBinary;
  o.data_dir = data;
  o.extra_args = {"--plugins", kPluginDir, "--self-registration"};
  auto started = HostProcess::Start(o);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<HostProcess> host = std::move(*started);
  HttpClient visitor(host->port(), HttpClient::Options{true, 60});
  HttpResponse form =
      visitor.Get("/account/register?utm_source=facebook&utm_medium=social&utm_campaign=spring",
                  {{"Referer", "https://m.facebook.com/"}});
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("name=\"utm_campaign\" value=\"spring\""), std::string::npos);
  EXPECT_NE(form.body.find("value=\"https://m.facebook.com/\""), std::string::npos);

  const std::string android =
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0 Mobile Safari/537.36";
  std::string body =
      "first_name=Zo%C3%A9&last_name=Martin&email=zoe%40profile.test&password=zoe-pass-123"
      "&utm_source=facebook&utm_medium=social&utm_campaign=spring"
      "&referrer=https%3A%2F%2Fm.facebook.com%2F";
  HttpResponse done =
      visitor.Post("/account/register", {{"Content-Type", kForm}, {"User-Agent", android}}, body);
  ASSERT_EQ(done.status, 200) << done.body.substr(0, 400);
  EXPECT_NE(done.body.find("id=\"registered\""), std::string::npos);
  std::vector<std::string> mails = OutboxMails(data);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("/account/confirm?token="), std::string::npos);

  HttpClient api(host->port());
  json::value list = Json(api.Get("/api/v1/clients", Bearer(token.output)));
  ASSERT_EQ(list.at("total"), 1);
  const json::value& c = list.at("items").at(0);
  EXPECT_EQ(c.at("origin").at("source"), "facebook");
  EXPECT_EQ(c.at("origin").at("campaign"), "spring");
  EXPECT_EQ(c.at("origin").at("referrer"), "https://m.facebook.com/");
  EXPECT_EQ(c.at("origin").at("device"), "mobile · Android · Chrome");
  EXPECT_EQ(c.at("login_enabled"), true);
  EXPECT_EQ(c.at("email_confirmed"), false);

  // The same email again: the same answer, nothing changes, no mail.
  HttpResponse again = visitor.Post("/account/register", {{"Content-Type", kForm}}, body);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("id=\"registered\""), std::string::npos);
  EXPECT_EQ(Json(api.Get("/api/v1/clients", Bearer(token.output))).at("total"), 1);
  EXPECT_EQ(OutboxMails(data).size(), 1u);
  // A short password stores nothing.
  HttpResponse weak = visitor.Post("/account/register", {{"Content-Type", kForm}},
                                   "last_name=W&email=w%40profile.test&password=short");
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(Json(api.Get("/api/v1/clients", Bearer(token.output))).at("total"), 1);
  // Rate-limited per email like logins.
  int last = 0;
  for (int i = 0; i < 7; ++i) {
    last = visitor.Post("/account/register", {{"Content-Type", kForm}}, body).status;
  }
  EXPECT_EQ(last, 429);
  host.reset();
  std::error_code ec;
  fs::remove_all(data, ec);
}

}  // namespace

namespace {

TEST_F(ProfileE2e, TheHostServesItsOpenApiDocument) {
  HttpClient anonymous(host_->port());
  HttpResponse r = anonymous.Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  json::value doc = Json(r);
  EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/clients/{id}/stats"));
  EXPECT_EQ(std::string(doc.at("openapi").as_string()).rfind("3.", 0), 0u);
}

}  // namespace

namespace {

// SPEC H17: create an admin, give it permissions, disable it; never oneself; 403 without
// admins.manage.
TEST_F(ProfileE2e, AdminUsersPage) {
  std::string csrf;
  auto boss = AdminBrowser(csrf);
  HttpResponse page = boss->Get("/admin/users");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("boss@profile.test"), std::string::npos);
  ASSERT_EQ(boss->Post("/admin/users", {{"Content-Type", kForm}},
                       "email=clerk%40profile.test&name=Clerk&password=clerk-pass-42&_csrf=" + csrf)
                .status,
            303);
  std::smatch m;
  page = boss->Get("/admin/users");
  ASSERT_TRUE(std::regex_search(page.body, m,
                                std::regex("data-admin=\"(\\d+)\">\\s*<h2 class=\"h3\">clerk@")));
  std::string clerk_id = m[1];
  // The clerk may read clients only.
  ASSERT_EQ(boss->Post("/admin/users/" + clerk_id + "/permissions", {{"Content-Type", kForm}},
                       "perm_clients.read=1&_csrf=" + csrf)
                .status,
            303);
  HttpClient clerk(host_->port(), HttpClient::Options{true, 60});
  ASSERT_EQ(clerk
                .Post("/admin/login", {{"Content-Type", kForm}},
                      "email=clerk%40profile.test&password=clerk-pass-42")
                .status,
            303);
  EXPECT_EQ(clerk.Get("/admin/clients").status, 200);
  EXPECT_EQ(clerk.Get("/admin/users").status, 403);
  // The boss cannot disable itself; disabling the clerk ends its session.
  page = boss->Get("/admin/users");
  ASSERT_TRUE(std::regex_search(page.body, m,
                                std::regex("data-admin=\"(\\d+)\">\\s*<h2 class=\"h3\">boss@")));
  EXPECT_EQ(boss->Post("/admin/users/" + std::string(m[1]) + "/active", {{"Content-Type", kForm}},
                       "active=0&_csrf=" + csrf)
                .status,
            422);
  ASSERT_EQ(boss->Post("/admin/users/" + clerk_id + "/active", {{"Content-Type", kForm}},
                       "active=0&_csrf=" + csrf)
                .status,
            303);
  EXPECT_EQ(clerk.Get("/admin/clients").status, 303) << "a disabled admin is signed out";
  EXPECT_EQ(boss->Get("/admin/clients").status, 200);
}

}  // namespace
