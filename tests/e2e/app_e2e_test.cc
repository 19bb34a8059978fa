// tests/e2e/app_e2e_test.cc — the real sample-host binary on a free port: tokens (401/403), the
// client API with every filter, sort, search and a plugin's column and filter, CSV export -> import
// into a second host, deletion refused by a plugin's hook, admin form login with CSRF, the login
// rate limit (per email and per peer address), and the refusal of a client whose email is not
// confirmed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
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
constexpr char kAdminEmail[] = "boss@e2e.test";
constexpr char kAdminPassword[] = "e2e-password-42";

// One host per test: its own data folder, one admin with every permission, two tokens.
class AppE2e : public crm_test::E2eSiteTest {
 protected:
  AppE2e() : E2eSiteTest({kBinary, kPluginDir, "app-e2e", kAdminEmail, kAdminPassword}) {}

  void BeforeStart() override {
    read_token_ = Token("--scope clients:read");
    ASSERT_FALSE(read_token_.empty());
  }

  // Another host on another data folder.
  static std::unique_ptr<HostProcess> Start(const fs::path& data) {
    auto h = crm_test::StartHost(kBinary, data, kPluginDir);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    if (!h.ok()) return nullptr;
    return std::move(*h);
  }

  int64_t CreateClient(HttpClient& c, const std::string& token, const json::object& body) {
    HttpResponse r =
        c.Post("/api/v1/clients", Bearer(token, {{"Content-Type", "application/json"}}),
               json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return 0;
    return Json(r).at("id").as_int64();
  }

  std::vector<std::string> Emails(const std::string& query, int64_t* total = nullptr) {
    HttpResponse r = api_->Get("/api/v1/clients?" + query, Bearer(read_token_));
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    json::value v = Json(r);
    for (const auto& item : v.at("items").as_array())
      out.emplace_back(item.at("email").as_string());
    if (total) *total = v.at("total").as_int64();
    return out;
  }

  void SeedThree() {
    CreateClient(*api_, write_token_,
                 {{"first_name", "Marie"},
                  {"last_name", "Dupont"},
                  {"email", "marie@e2e.test"},
                  {"language", "fr"},
                  {"tags", json::array{"vip"}},
                  {"address",
                   {{"city", "Liège"},
                    {"postal_code", "4000"},
                    {"region", "Wallonie"},
                    {"country", "BE"}}}});
    CreateClient(*api_, write_token_,
                 {{"first_name", "Jan"},
                  {"last_name", "Peeters"},
                  {"email", "jan@e2e.test"},
                  {"language", "nl"},
                  {"tags", json::array{"legal-hold"}},
                  {"company", "Bakkerij Peeters"},
                  {"address",
                   {{"city", "Gent"},
                    {"postal_code", "9000"},
                    {"region", "Vlaanderen"},
                    {"country", "BE"}}}});
    CreateClient(
        *api_, write_token_,
        {{"first_name", "Emily"},
         {"last_name", "Smith"},
         {"email", "emily@e2e.test"},
         {"language", "en"},
         {"tags", json::array{"vip", "b2b"}},
         {"address",
          {{"city", "Bruxelles"}, {"postal_code", "1000"}, {"region", "Bruxelles-Capitale"}}}});
  }

  const std::string& write_token_ = full_;  // this suite's name for the full-scope token
  std::string read_token_;
};

TEST_F(AppE2e, TokensAre401WithoutAnd403WithoutScope) {
  HttpResponse none = api_->Get("/api/v1/clients");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Json(none).at("error").at("code").as_string(), "unauthenticated");
  HttpResponse bad = api_->Get("/api/v1/clients", Bearer("crm_" + std::string(64, '0')));
  EXPECT_EQ(bad.status, 401);
  HttpResponse ok = api_->Get("/api/v1/clients", Bearer(read_token_));
  EXPECT_EQ(ok.status, 200) << ok.body;
  HttpResponse forbidden =
      api_->Post("/api/v1/clients", Bearer(read_token_, {{"Content-Type", "application/json"}}),
                 R"({"last_name":"X"})");
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(Json(forbidden).at("error").at("code").as_string(), "permission_denied");
  HttpResponse del = api_->Delete("/api/v1/clients/1", Bearer(read_token_));
  EXPECT_EQ(del.status, 403);
  crm_test::CliResult root = site_.CreateToken("--scope root:all");
  EXPECT_NE(root.code, 0) << root.output;
}

TEST_F(AppE2e, ClientApiCrudAndValidation) {
  int64_t id = CreateClient(*api_, write_token_,
                            {{"first_name", "Marie"},
                             {"last_name", "Dupont"},
                             {"email", "marie@e2e.test"},
                             {"birth_date", "1980-05-17"}});
  ASSERT_GT(id, 0);
  std::string path = "/api/v1/clients/" + std::to_string(id);
  HttpResponse got = api_->Get(path, Bearer(read_token_));
  ASSERT_EQ(got.status, 200);
  json::value v = Json(got);
  EXPECT_EQ(v.at("birth_date").as_string(), "1980-05-17");
  EXPECT_TRUE(v.at("address").is_object());
  EXPECT_TRUE(v.at("tags").is_array());

  HttpResponse patched =
      api_->Patch(path, Bearer(write_token_, {{"Content-Type", "application/json"}}),
                  R"({"address":{"city":"Namur"},"tags":["vip"]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("address").at("city").as_string(), "Namur");
  EXPECT_EQ(Json(patched).at("first_name").as_string(), "Marie");  // untouched fields stay

  HttpResponse invalid =
      api_->Post("/api/v1/clients", Bearer(write_token_, {{"Content-Type", "application/json"}}),
                 R"({"last_name":"X","email":"nope"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(Json(invalid).at("error").at("code").as_string(), "invalid_argument");
  EXPECT_NE(std::string(Json(invalid).at("error").at("message").as_string()).find("email"),
            std::string::npos);
  HttpResponse dup =
      api_->Post("/api/v1/clients", Bearer(write_token_, {{"Content-Type", "application/json"}}),
                 R"({"last_name":"Y","email":"MARIE@e2e.test"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(api_->Get("/api/v1/clients/999999", Bearer(read_token_)).status, 404);
  EXPECT_EQ(api_->Get("/api/v1/clients/abc", Bearer(read_token_)).status, 404);

  HttpResponse deleted = api_->Delete(path, Bearer(write_token_));
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(api_->Get(path, Bearer(read_token_)).status, 404);
}

TEST_F(AppE2e, ListWithEveryFilterSortSearchAndPluginColumn) {
  SeedThree();
  EXPECT_EQ(Emails("sort=email&filter[region]=Wallonie"),
            std::vector<std::string>{"marie@e2e.test"});
  EXPECT_EQ(Emails("sort=email&filter[city]=Gent"), std::vector<std::string>{"jan@e2e.test"});
  EXPECT_EQ(Emails("sort=email&filter[postal_code]=1000"),
            std::vector<std::string>{"emily@e2e.test"});
  EXPECT_EQ(Emails("sort=email&filter[language]=nl"), std::vector<std::string>{"jan@e2e.test"});
  EXPECT_EQ(Emails("sort=email&filter[tag]=vip"),
            (std::vector<std::string>{"emily@e2e.test", "marie@e2e.test"}));
  EXPECT_EQ(Emails("sort=email&filter[tag]=vip&filter[language]=fr"),
            std::vector<std::string>{"marie@e2e.test"});
  // The plugin's filter, ANDed into the same query.
  EXPECT_EQ(Emails("sort=email&filter[hold]=yes"), std::vector<std::string>{"jan@e2e.test"});
  EXPECT_EQ(Emails("sort=email&filter[hold]=no"),
            (std::vector<std::string>{"emily@e2e.test", "marie@e2e.test"}));
  EXPECT_EQ(Emails("sort=email&q=bakkerij"), std::vector<std::string>{"jan@e2e.test"});
  EXPECT_EQ(Emails("sort=last_name"),
            (std::vector<std::string>{"marie@e2e.test", "jan@e2e.test", "emily@e2e.test"}));
  EXPECT_EQ(Emails("sort=-email"),
            (std::vector<std::string>{"marie@e2e.test", "jan@e2e.test", "emily@e2e.test"}));
  int64_t total = 0;
  EXPECT_EQ(Emails("sort=email&per_page=2&page=2", &total),
            std::vector<std::string>{"marie@e2e.test"});
  EXPECT_EQ(total, 3);

  HttpResponse r = api_->Get("/api/v1/clients?sort=email&per_page=5", Bearer(read_token_));
  ASSERT_EQ(r.status, 200);
  json::value v = Json(r);
  EXPECT_EQ(v.at("page").as_int64(), 1);
  EXPECT_EQ(v.at("per_page").as_int64(), 5);
  for (const auto& item : v.at("items").as_array()) {
    const auto& cols = item.at("columns").as_object();
    ASSERT_TRUE(cols.contains("e2e-hold.hold")) << json::serialize(item);
    bool on_hold = item.at("email").as_string() == "jan@e2e.test";
    EXPECT_EQ(cols.at("e2e-hold.hold").as_int64(), on_hold ? 1 : 0);
  }

  for (const char* bad : {"filter[nope]=1", "filter[language]=de", "filter[hold]=maybe",
                          "sort=password_hash", "per_page=500", "page=abc"}) {
    HttpResponse b = api_->Get(std::string("/api/v1/clients?") + bad, Bearer(read_token_));
    EXPECT_EQ(b.status, 400) << bad << ": " << b.body;
    EXPECT_EQ(Json(b).at("error").at("code").as_string(), "invalid_argument") << bad;
  }
}

TEST_F(AppE2e, DeletionRefusedByAPluginHookDeletesNothing) {
  SeedThree();
  auto ids = [&] {
    std::map<std::string, int64_t> m;
    HttpResponse r = api_->Get("/api/v1/clients?per_page=10", Bearer(read_token_));
    json::value v = Json(r);  // named: a range-for over a temporary's member would dangle
    for (const auto& item : v.at("items").as_array()) {
      m[std::string(item.at("email").as_string())] = item.at("id").as_int64();
    }
    return m;
  }();
  std::string held = "/api/v1/clients/" + std::to_string(ids["jan@e2e.test"]);
  HttpResponse refused = api_->Delete(held, Bearer(write_token_));
  EXPECT_EQ(refused.status, 409) << refused.body;
  std::string message(Json(refused).at("error").at("message").as_string());
  EXPECT_NE(message.find("e2e-hold"), std::string::npos) << message;
  EXPECT_NE(message.find("legal hold"), std::string::npos) << message;
  HttpResponse still = api_->Get(held, Bearer(read_token_));
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(Json(still).at("tags").as_array().size(), 1u);

  std::string free = "/api/v1/clients/" + std::to_string(ids["marie@e2e.test"]);
  EXPECT_EQ(api_->Delete(free, Bearer(write_token_)).status, 204);
  EXPECT_EQ(api_->Get(free, Bearer(read_token_)).status, 404);
}

TEST_F(AppE2e, CsvExportThenImportIntoAnotherHostRoundTrips) {
  SeedThree();
  HttpResponse csv =
      api_->Get("/api/v1/clients/export.csv?sep=;&bom=1&sort=email", Bearer(read_token_));
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.Header("Content-Type").value_or("").find("text/csv"), std::string::npos);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_NE(csv.body.find("e2e-hold.hold"), std::string::npos);
  // The filtered export holds only the filtered rows.
  HttpResponse filtered =
      api_->Get("/api/v1/clients/export.csv?filter[region]=Wallonie", Bearer(read_token_));
  ASSERT_EQ(filtered.status, 200);
  EXPECT_NE(filtered.body.find("marie@e2e.test"), std::string::npos);
  EXPECT_EQ(filtered.body.find("jan@e2e.test"), std::string::npos);

  fs::path other_data = crm_test::FreshDir("app-e2e-import");
  ASSERT_EQ(crm_test::CreateAdmin(kBinary, other_data, kAdminEmail, kAdminPassword).code, 0);
  std::string other_token = crm_test::CreateToken(kBinary, other_data, kAdminEmail, "").output;
  auto other = Start(other_data);
  ASSERT_TRUE(other);
  HttpClient client(other->port());
  HttpResponse imported = client.Post(
      "/api/v1/clients/import", Bearer(other_token, {{"Content-Type", "text/csv"}}), csv.body);
  ASSERT_EQ(imported.status, 200) << imported.body;
  json::value report = Json(imported);
  EXPECT_EQ(report.at("failed").as_int64(), 0) << imported.body;
  EXPECT_EQ(report.at("rows").as_array().size(), 3u);

  auto dump = [](HttpClient& c, const std::string& token) {
    HttpResponse r = c.Get("/api/v1/clients?sort=email", Bearer(token));
    json::value v = json::parse(r.body);
    std::vector<std::string> out;
    for (auto& item : v.at("items").as_array()) {
      json::object o = item.as_object();
      o.erase("id");
      o.erase("created_at");
      out.push_back(json::serialize(o));
    }
    return out;
  };
  EXPECT_EQ(dump(*api_, read_token_), dump(client, other_token));
  other->Stop();
  std::error_code ec;
  fs::remove_all(other_data, ec);
}

TEST_F(AppE2e, CsvImportReportsBadRows) {
  std::string body =
      "last_name,email,language\nGood,good@e2e.test,fr\nBad,bad-email,fr\nWorse,worse@e2e.test,"
      "xx\n";
  HttpResponse r = api_->Post("/api/v1/clients/import",
                              Bearer(write_token_, {{"Content-Type", "text/csv"}}), body);
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("created").as_int64(), 1);
  EXPECT_EQ(v.at("failed").as_int64(), 2);
  const auto& rows = v.at("rows").as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].at("line").as_int64(), 3);
  EXPECT_FALSE(rows[1].at("ok").as_bool());
  EXPECT_NE(std::string(rows[1].at("message").as_string()).find("email"), std::string::npos);
  HttpResponse broken =
      api_->Post("/api/v1/clients/import", Bearer(write_token_, {{"Content-Type", "text/csv"}}),
                 "last_name\n\"never closed\n");
  EXPECT_EQ(broken.status, 400);
}

TEST_F(AppE2e, AdminFormLoginCsrfAndLogout) {
  HttpClient browser(host_->port(), {true, 60});
  HttpResponse form = browser.Get("/admin/login");
  ASSERT_EQ(form.status, 200);
  HttpResponse wrong =
      browser.Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   "email=boss%40e2e.test&password=nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(browser.cookies().count("sid"), 0u);
  HttpResponse login =
      browser.Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   std::string("email=boss%40e2e.test&password=") + kAdminPassword);
  ASSERT_EQ(login.status, 303) << login.body;
  std::string cookie = login.Header("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  ASSERT_EQ(browser.cookies().count("sid"), 1u);

  HttpResponse list = browser.Get("/admin/clients");
  ASSERT_EQ(list.status, 200) << list.body.substr(0, 500);
  std::string csrf = CsrfFrom(list.body);
  ASSERT_EQ(csrf.size(), 64u) << "no _csrf field in the client list page";

  // An unsafe request of a session without the token is refused.
  HttpResponse forged =
      browser.Post("/admin/logout", {{"Content-Type", "application/x-www-form-urlencoded"}}, "");
  EXPECT_EQ(forged.status, 403);
  HttpResponse bad_token =
      browser.Post("/admin/logout", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   "_csrf=" + std::string(64, 'a'));
  EXPECT_EQ(bad_token.status, 403);
  EXPECT_EQ(browser.Get("/admin/clients").status, 200) << "still logged in";

  HttpResponse out = browser.Post(
      "/admin/logout", {{"Content-Type", "application/x-www-form-urlencoded"}}, "_csrf=" + csrf);
  EXPECT_EQ(out.status, 303);
  HttpResponse after = browser.Get("/admin/clients");
  EXPECT_EQ(after.status, 303);
  EXPECT_NE(after.Header("Location").value_or("").find("/admin/login"), std::string::npos);
}

TEST_F(AppE2e, WrongPasswordsAreRateLimited) {
  HttpClient browser(host_->port(), {true, 60});
  for (int i = 0; i < 5; ++i) {
    HttpResponse r =
        browser.Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                     "email=boss%40e2e.test&password=wrong" + std::to_string(i));
    EXPECT_EQ(r.status, 401) << i;
  }
  HttpResponse refused =
      browser.Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   std::string("email=boss%40e2e.test&password=") + kAdminPassword);
  EXPECT_EQ(refused.status, 429) << refused.body.substr(0, 300);
  EXPECT_EQ(browser.cookies().count("sid"), 0u);
}

// 127.0.0.1 reaches the limiter as the peer: many emails from it get the address blocked.
TEST_F(AppE2e, ManyEmailsFromOneAddressAreRateLimited) {
  HttpClient browser(host_->port(), {true, 60});
  for (int i = 0; i < 20; ++i) {  // kMaxFailedLoginsPerIp, each email far below its own limit
    HttpResponse r =
        browser.Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                     "email=guess" + std::to_string(i) + "%40e2e.test&password=wrong");
    ASSERT_EQ(r.status, 401) << i;
  }
  HttpResponse refused =
      browser.Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   std::string("email=boss%40e2e.test&password=") + kAdminPassword);
  EXPECT_EQ(refused.status, 429) << refused.body.substr(0, 300);
  EXPECT_NE(refused.body.find("Too many failed attempts"), std::string::npos);
  EXPECT_EQ(browser.cookies().count("sid"), 0u);
  // A forged X-Forwarded-For does not get around it.
  HttpResponse forged = browser.Post(
      "/admin/login",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Forwarded-For", "203.0.113.50"}},
      std::string("email=boss%40e2e.test&password=") + kAdminPassword);
  EXPECT_EQ(forged.status, 429);
}

// The confirmation token of a mail of crm_test::OutboxMails.
std::string ConfirmationToken(const std::string& mail) {
  return crm_test::MailedToken(mail, "/account/confirm?token=");
}

TEST_F(AppE2e, UnconfirmedClientIsRefusedUntilConfirmedAndConfirmedOneGetsIn) {
  int64_t pending = CreateClient(
      *api_, write_token_,
      {{"first_name", "Paula"}, {"last_name", "Pending"}, {"email", "paula@e2e.test"}});
  int64_t vouched = CreateClient(
      *api_, write_token_,
      {{"first_name", "Victor"}, {"last_name", "Vouched"}, {"email", "victor@e2e.test"}});
  ASSERT_GT(pending, 0);
  ASSERT_GT(vouched, 0);

  HttpClient admin(host_->port(), {true, 60});
  ASSERT_EQ(admin
                .Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                      std::string("email=boss%40e2e.test&password=") + kAdminPassword)
                .status,
            303);
  std::string csrf = CsrfFrom(admin.Get("/admin/clients").body);
  ASSERT_EQ(csrf.size(), 64u);
  const std::string kForm = "application/x-www-form-urlencoded";
  for (int64_t id : {pending, vouched}) {
    std::string base = "/admin/clients/" + std::to_string(id);
    ASSERT_EQ(
        admin.Post(base + "/login", {{"Content-Type", kForm}}, "enabled=1&_csrf=" + csrf).status,
        303);
    // The admin vouches for Victor's address (the box of the set-password form), not for Paula's.
    std::string confirm = id == vouched ? "&confirm_email=1" : "";
    ASSERT_EQ(admin
                  .Post(base + "/password", {{"Content-Type", kForm}},
                        "mode=set&password=client-pass-123" + confirm + "&_csrf=" + csrf)
                  .status,
              303);
  }

  // Paula: right password, refused with the message and the offer to resend.
  HttpClient paula(host_->port(), {true, 60});
  HttpResponse refused = paula.Post("/account/login", {{"Content-Type", kForm}},
                                    "email=paula%40e2e.test&password=client-pass-123");
  EXPECT_EQ(refused.status, 403) << refused.body.substr(0, 300);
  EXPECT_NE(refused.body.find("not confirmed yet"), std::string::npos);
  EXPECT_NE(refused.body.find("action=\"/account/confirm/resend\""), std::string::npos);
  EXPECT_EQ(paula.cookies().count("sid"), 0u);

  // She asks for the link again, and opens it.
  size_t mails_before = crm_test::OutboxMails(site_.data()).size();
  HttpResponse resent =
      paula.Post("/account/confirm/resend", {{"Content-Type", kForm}}, "email=paula%40e2e.test");
  EXPECT_EQ(resent.status, 303);
  EXPECT_EQ(resent.Header("Location").value_or(""), "/account/login?notice=confirmation_resent");
  std::vector<std::string> mails = crm_test::OutboxMails(site_.data());
  ASSERT_EQ(mails.size(), mails_before + 1);
  std::string token;
  for (const auto& m : mails) {
    if (m.find("paula@e2e.test") != std::string::npos && !ConfirmationToken(m).empty())
      token = ConfirmationToken(m);
  }
  ASSERT_EQ(token.size(), 64u) << mails.back();
  // The same answer for an address that is not a client's, and no mail.
  HttpResponse unknown =
      paula.Post("/account/confirm/resend", {{"Content-Type", kForm}}, "email=nobody%40e2e.test");
  EXPECT_EQ(unknown.status, 303);
  EXPECT_EQ(unknown.Header("Location"), resent.Header("Location"));
  EXPECT_EQ(crm_test::OutboxMails(site_.data()).size(), mails_before + 1);

  HttpResponse confirmed = paula.Get("/account/confirm?token=" + token);
  EXPECT_EQ(confirmed.status, 303);
  EXPECT_NE(confirmed.Header("Location").value_or("").find("confirmed=1"), std::string::npos);
  HttpResponse in = paula.Post("/account/login", {{"Content-Type", kForm}},
                               "email=paula%40e2e.test&password=client-pass-123");
  EXPECT_EQ(in.status, 303) << in.body.substr(0, 300);
  EXPECT_EQ(paula.Get("/account").status, 200);

  // Victor, confirmed by the admin, gets in at once.
  HttpClient victor(host_->port(), {true, 60});
  HttpResponse victor_in = victor.Post("/account/login", {{"Content-Type", kForm}},
                                       "email=victor%40e2e.test&password=client-pass-123");
  EXPECT_EQ(victor_in.status, 303) << victor_in.body.substr(0, 300);
  EXPECT_EQ(victor.cookies().count("sid"), 1u);
  EXPECT_EQ(victor.Get("/account").status, 200);
}

TEST_F(AppE2e, EmailConfirmationLinkRedirects) {
  HttpResponse r = api_->Get("/account/confirm?token=" + std::string(64, 'f'));
  EXPECT_EQ(r.status, 303);
  EXPECT_NE(r.Header("Location").value_or("").find("confirmed=0"), std::string::npos);
}

}  // namespace
