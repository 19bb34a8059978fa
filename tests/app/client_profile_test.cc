// tests/app/client_profile_test.cc — issue 14 in sample-host/app: the client's new fields stored
// with it (and refused without a trace), the newsletter lists, filters and unsubscribe tokens,
// the history's statistics, money in cents, international phone numbers and ISO times.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample-host/app/client_profile.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/money.h"
#include "sample-host/app/newsletter.h"
#include "sample-host/app/profile_api.h"
#include "sample-host/app/timeline_store.h"
#include "sample-host/core/hook_registry.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(Money, ParsesDecimalStringsExactly) {
  EXPECT_EQ(ParseAmountCents("100"), 10000);
  EXPECT_EQ(ParseAmountCents("100.5"), 10050);
  EXPECT_EQ(ParseAmountCents("0.10"), 10);
  EXPECT_EQ(ParseAmountCents("-12.30"), -1230);
  EXPECT_EQ(ParseAmountCents("999999999999.99"), 99999999999999);
  for (const char* bad : {"", "-", "1.", ".5", "1.005", "1,50", "1e3", " 1", "1 000", "+1",
                          "1000000000000.00", "0x10", "--1"}) {
    EXPECT_FALSE(ParseAmountCents(bad).has_value()) << bad;
  }
  // 0.1 + 0.2 in cents is exactly 0.30 (never floating point).
  EXPECT_EQ(CentsToDecimal(*ParseAmountCents("0.1") + *ParseAmountCents("0.2")), "0.30");
  EXPECT_EQ(CentsToDecimal(123450), "1234.50");
  EXPECT_EQ(CentsToDecimal(-5), "-0.05");
  EXPECT_EQ(CentsToDecimal(0), "0.00");
}

TEST(Money, FormatsInTheReadersLanguage) {
  EXPECT_EQ(FormatMoney(123450, "fr"), "1\u00a0234,50\u00a0€");
  EXPECT_EQ(FormatMoney(123450, "nl"), "1\u00a0234,50\u00a0€");
  EXPECT_EQ(FormatMoney(123450, "en"), "€1,234.50");
  EXPECT_EQ(FormatMoney(100000000, "en"), "€1,000,000.00");
  EXPECT_EQ(FormatMoney(5, "fr"), "0,05\u00a0€");
  EXPECT_EQ(FormatMoney(-123456, "fr"), "-1\u00a0234,56\u00a0€");
}

TEST(Phones, BecomeInternational) {
  EXPECT_EQ(InternationalPhone("0475 12 34 56", "BE"), "+32475123456");
  EXPECT_EQ(InternationalPhone("0475/12.34.56", "Belgique"), "+32475123456");
  EXPECT_EQ(InternationalPhone("06 12 34 56 78", "France"), "+33612345678");
  EXPECT_EQ(InternationalPhone("+32 (0)475 12 34 56", ""), "+32475123456");
  EXPECT_EQ(InternationalPhone("0032 475 12 34 56", ""), "+32475123456");
  EXPECT_EQ(InternationalPhone("06 12 34 56 78", "België"), "+32612345678");
  EXPECT_EQ(InternationalPhone("0475 12 34 56", ""), "") << "no country: cannot tell";
  EXPECT_EQ(InternationalPhone("0475 12 34 56", "Peru"), "");
  EXPECT_EQ(InternationalPhone("call me", "BE"), "");
  EXPECT_EQ(InternationalPhone("+32 475 12 34 56 ext 3", "BE"), "");
  EXPECT_EQ(InternationalPhone("+1 2", ""), "");
}

TEST(Devices, FromTheUserAgent) {
  EXPECT_EQ(DeviceFromUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
                                "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
                                "Mobile/15E148 Safari/604.1"),
            "mobile · iOS · Safari");
  EXPECT_EQ(DeviceFromUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
                                "Gecko/20100101 Firefox/121.0"),
            "desktop · Windows · Firefox");
  EXPECT_EQ(DeviceFromUserAgent("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 "
                                "(KHTML, like Gecko) Chrome/120.0 Safari/537.36"),
            "tablet · Android · Chrome");
  EXPECT_EQ(DeviceFromUserAgent("curl/8.0"), "desktop");
  EXPECT_EQ(DeviceFromUserAgent(""), "");
}

TEST(IsoTimes, ParseOnlyRealUtcTimes) {
  EXPECT_EQ(ParseIsoUtc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIsoUtc("2026-03-01T10:00:00Z"), 1772359200);
  for (const char* bad : {"2026-02-30T00:00:00Z", "2026-03-01T10:00:00", "2026-03-01 10:00:00Z",
                          "2026-03-01T25:00:00Z", "2026-03-01", "x"}) {
    EXPECT_FALSE(ParseIsoUtc(bad).has_value()) << bad;
  }
}

class ProfileStoreTest : public ::testing::Test {
 protected:
  Client Sample(std::string email) {
    Client c;
    c.last_name = "Dupont";
    c.email = std::move(email);
    return c;
  }

  testing::TestDb tdb_;
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  ClientStore store_{tdb_.db(), registry_, [this] { return now_; }};
  NewsletterStore newsletter_{tdb_.db(), [this] { return now_; }};
  TimelineStore timeline_{tdb_.db(), [this] { return now_; }};
};

TEST_F(ProfileStoreTest, FieldsAreStoredWithTheClientAndOriginKept) {
  ASSERT_OK(newsletter_.Create("News"));
  ASSERT_OK(newsletter_.Create("Offers"));
  Client c = Sample("a@example.com");
  c.gender = " Female ";
  c.billing_address = {"Rue 1", "4000", "Liège", "Wallonie", "BE"};
  c.delivery_address.city = "Namur";
  c.origin = {"google", "cpc", "spring", "https://google.com/", "desktop · Linux"};
  c.newsletter.lists = {"offers", "News", "news"};
  auto created = store_.Create(c);
  ASSERT_OK(created);
  auto got = store_.Get(created->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->gender, "female");
  EXPECT_EQ(got->billing_address.city, "Liège");
  EXPECT_EQ(got->delivery_address.city, "Namur");
  EXPECT_EQ(got->origin.referrer, "https://google.com/");
  EXPECT_EQ(got->newsletter.status, "subscribed");
  EXPECT_EQ(got->newsletter.lists, (std::vector<std::string>{"News", "Offers"}));

  Client edited = *got;
  edited.origin.source = "changed";
  edited.newsletter.lists = {"News"};
  ASSERT_OK(store_.Update(edited));
  got = store_.Get(created->id);
  EXPECT_EQ(got->origin.source, "google") << "the origin is recorded at creation only";
  EXPECT_EQ(got->newsletter.lists, std::vector<std::string>{"News"});

  // The list page reads them in its one statement.
  auto page = store_.List({});
  ASSERT_OK(page);
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].client.billing_address.street, "Rue 1");
  EXPECT_EQ(page->rows[0].client.newsletter.lists, std::vector<std::string>{"News"});

  ASSERT_OK(store_.Delete(created->id));
  auto left = tdb_.db().QueryOne(
      "SELECT (SELECT count(*) FROM client_profiles) + (SELECT count(*) FROM "
      "newsletter_subscriptions)");
  EXPECT_EQ((*left)->Int(0), 0);
}

TEST_F(ProfileStoreTest, RefusalsStoreNothing) {
  Client unknown_list = Sample("b@example.com");
  unknown_list.newsletter.lists = {"Nope"};
  auto r = store_.Create(unknown_list);
  EXPECT_EQ(r.status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("newsletter.lists:", 0), 0u) << r.status().message();
  struct Case {
    void (*mutate)(Client&);
    const char* field;
  };
  const Case cases[] = {
      {[](Client& c) { c.gender = "robot"; }, "gender:"},
      {[](Client& c) { c.newsletter.status = "maybe"; }, "newsletter.status:"},
      {[](Client& c) { c.billing_address.city = "a\nb"; }, "billing_address.city:"},
      {[](Client& c) { c.origin.referrer = std::string(501, 'x'); }, "origin.referrer:"},
  };
  for (const auto& tc : cases) {
    Client c = Sample("c@example.com");
    tc.mutate(c);
    auto s = store_.Create(c);
    EXPECT_EQ(s.status().code(), crm::StatusCode::kInvalidArgument) << tc.field;
    EXPECT_EQ(s.status().message().rfind(tc.field, 0), 0u) << s.status().message();
  }
  auto count = tdb_.db().QueryOne(
      "SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM client_profiles)");
  EXPECT_EQ((*count)->Int(0), 0);
}

TEST_F(ProfileStoreTest, UnsubscribedKeepsNoList) {
  ASSERT_OK(newsletter_.Create("News"));
  Client c = Sample("d@example.com");
  c.newsletter = {"unsubscribed", {"News"}};
  auto created = store_.Create(c);
  ASSERT_OK(created);
  EXPECT_TRUE(store_.Get(created->id)->newsletter.lists.empty());
}

TEST_F(ProfileStoreTest, NewsletterListsAndTokens) {
  auto news = newsletter_.Create("  News  ");
  ASSERT_OK(news);
  EXPECT_EQ(news->name, "News");
  EXPECT_EQ(newsletter_.Create("NEWS").status().code(), crm::StatusCode::kConflict);
  EXPECT_EQ(newsletter_.Create("").status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(newsletter_.Create("a,b").status().code(), crm::StatusCode::kInvalidArgument);
  Client c = Sample("e@example.com");
  c.newsletter.lists = {"News"};
  auto created = store_.Create(c);
  ASSERT_OK(created);
  auto lists = newsletter_.List();
  ASSERT_OK(lists);
  ASSERT_EQ(lists->size(), 1u);
  EXPECT_EQ((*lists)[0].subscribers, 1);
  ASSERT_OK(newsletter_.Rename(news->id, "Weekly"));
  EXPECT_EQ(store_.Get(created->id)->newsletter.lists, std::vector<std::string>{"Weekly"});
  EXPECT_EQ(newsletter_.Rename(999, "x").code(), crm::StatusCode::kNotFound);

  auto token = newsletter_.NewUnsubscribeToken(created->id);
  ASSERT_OK(token);
  auto stored = tdb_.db().QueryOne("SELECT token_hash FROM newsletter_unsubscribe_tokens");
  EXPECT_NE((*stored)->Text(0), *token) << "stored hashed";
  EXPECT_EQ(newsletter_.ClientOfToken(*token).value(), created->id);
  EXPECT_EQ(store_.Get(created->id)->newsletter.status, "subscribed") << "looking changes nothing";
  EXPECT_EQ(newsletter_.UnsubscribeWithToken(*token).value(), created->id);
  auto after = store_.Get(created->id);
  EXPECT_EQ(after->newsletter.status, "unsubscribed");
  EXPECT_TRUE(after->newsletter.lists.empty());
  EXPECT_EQ(newsletter_.UnsubscribeWithToken("forged").status().code(), crm::StatusCode::kNotFound);

  ASSERT_OK(newsletter_.Delete(news->id));
  EXPECT_EQ(newsletter_.Delete(news->id).code(), crm::StatusCode::kNotFound);
}

TEST_F(ProfileStoreTest, MailsToClientsGetAnUnsubscribeLink) {
  auto created = store_.Create(Sample("f@example.com"));
  ASSERT_OK(created);
  auto footer = [](std::string_view language, std::string_view url) {
    return std::string(language) + " " + std::string(url);
  };
  crm::MailMessage to_client{"F@example.com", "Hello", "Body"};
  crm::MailMessage out = newsletter_.WithUnsubscribeLink(to_client, "http://h", footer);
  EXPECT_NE(out.text_body.find("en http://h/newsletter/unsubscribe?token="), std::string::npos)
      << out.text_body;
  crm::MailMessage to_admin{"boss@example.com", "Hello", "Body"};
  EXPECT_EQ(newsletter_.WithUnsubscribeLink(to_admin, "http://h", footer).text_body, "Body");
}

TEST_F(ProfileStoreTest, StatsComeFromTheHistory) {
  auto created = store_.Create(Sample("g@example.com"));
  ASSERT_OK(created);
  auto empty = timeline_.Stats(created->id);
  ASSERT_OK(empty);
  EXPECT_EQ(empty->last_action_at, 0);
  crm::TimelineEntry purchase{created->id, "host.purchase", "Order", "", "api"};
  ASSERT_OK(timeline_.AddRecorded(purchase, 1000025, 1600000000));
  ASSERT_OK(timeline_.AddRecorded(purchase, 23425, 0));
  ASSERT_OK(timeline_.AddRecorded({created->id, "host.support_request", "Help", "", "api"},
                                  std::nullopt, 1500000000));
  ASSERT_OK(timeline_.AddNote(created->id, "Called", "", "admin"));
  auto stats = timeline_.Stats(created->id);
  ASSERT_OK(stats);
  EXPECT_EQ(stats->purchases, 2);
  EXPECT_EQ(stats->revenue_cents, 1023450);
  EXPECT_EQ(stats->support_requests, 1);
  EXPECT_EQ(stats->last_action_at, now_);
  TimelineQuery query;
  query.client_id = created->id;
  auto records = timeline_.List(query);
  ASSERT_OK(records);
  EXPECT_EQ(records->back().created_at, 1500000000) << "occurred_at kept";
}

}  // namespace
}  // namespace host
