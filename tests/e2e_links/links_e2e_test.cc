// tests/e2e_links/links_e2e_test.cc — signed links (PT1, PT2, issue 12) over HTTP against the
// real sample-host: the API (mint, list, revoke, refusals that store nothing), the link's page
// (GET changes nothing, POST counts a use and opens a session; max uses, expiry, revocation,
// forged and truncated tokens, rate limit, headers), the rights matrix and the scope of a link
// session, uploads and comments through a link (journal actor link:<id>), the comment mail's
// link, the staff tab, and deletion. The database is read through the host's own driver, so
// the same suite runs on SQLite and (as cd_links_e2e_tests.pg) on PostgreSQL.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "sample-host/core/open_database.h"
#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace json = boost::json;
using crm_test::Bearer;
using crm_test::CsrfFrom;
using crm_test::Headers;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::IsoIn;
using crm_test::Json;
using crm_test::MultipartBuilder;
using crm_test::Pdf;
using crm_test::UrlEncode;

constexpr char kAdminEmail[] = "boss@links-e2e.test";
constexpr char kAdminPassword[] = "links-e2e-password-42";
constexpr char kApi[] = "/api/v1/plugins/client-documents";
constexpr char kP[] = "/p/client-documents";

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The path of a link URL ("http://host:port/p/client-documents/l/TOKEN" -> "/p/…/l/TOKEN").
std::string PathOf(const std::string& url) {
  size_t p = url.find(kP);
  return p == std::string::npos ? url : url.substr(p);
}
std::string TokenOf(const std::string& url) { return url.substr(url.rfind('/') + 1); }

bool IsPng(const std::string& bytes) { return bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0; }

// How many times `needle` occurs in `haystack`.
size_t Occurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

// The render directories ("render-<hex>") left anywhere under `root`.
std::vector<std::string> RenderLeftovers(const std::filesystem::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().rfind("render-", 0) == 0) out.push_back(it->path());
  }
  return out;
}

class LinksE2e : public crm_test::E2eSiteTest {
 protected:
  LinksE2e()
      : E2eSiteTest(
            {CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "cd-links-e2e", kAdminEmail, kAdminPassword}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eSiteTest::SetUp());
    auto db = host::OpenHostDatabase(crm_test::SiteDatabaseUrl(site_.data()), site_.data());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    anne_ = CreateClient("Anne", "anne@links-e2e.test", "fr");
    bob_ = CreateClient("Bob", "bob@links-e2e.test", "en");
    id_card_ = CreateType("ID card");
    payslip_ = CreateType("Payslip");
  }

  int64_t CreateClient(const std::string& first, const std::string& email,
                       const std::string& language) {
    json::object body{
        {"first_name", first}, {"last_name", "Links"}, {"email", email}, {"language", language}};
    HttpResponse r = api_->Post("/api/v1/clients", JsonHeaders(), json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("id").as_int64() : 0;
  }
  int64_t CreateType(const std::string& name) {
    json::object body{{"name", name}, {"upload_mode", "optional"}};
    HttpResponse r = api_->Post(std::string(kApi) + "/types", JsonHeaders(), json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("id").as_int64() : 0;
  }
  std::string LinksPath(int64_t client) {
    return std::string(kApi) + "/clients/" + std::to_string(client) + "/links";
  }
  HttpResponse Mint(int64_t client, const json::object& body) {
    return api_->Post(LinksPath(client), JsonHeaders(), json::serialize(body));
  }
  // A link's URL (asserting the 201).
  std::string MintUrl(int64_t client, const json::object& body, int64_t* id = nullptr) {
    HttpResponse r = Mint(client, body);
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return "";
    json::value v = Json(r);
    if (id) *id = v.at("id").as_int64();
    return std::string(v.at("url").as_string());
  }
  // The API's upload of a PDF for `client`'s document `type`; the file's id.
  int64_t UploadByApi(int64_t client, int64_t type, const std::string& marker,
                      const std::string& bytes = "") {
    MultipartBuilder mb;
    mb.AddFile("file", "scan.pdf", "application/pdf", bytes.empty() ? Pdf(marker) : bytes);
    HttpResponse r = api_->Post(std::string(kApi) + "/clients/" + std::to_string(client) +
                                    "/documents/" + std::to_string(type),
                                Bearer(full_, {{"Content-Type", mb.ContentType()}}), mb.Build());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("files").at(0).at("id").as_int64() : 0;
  }
  // A cookie-keeping browser that opened `url` (GET, then the page's POST); its CSRF token.
  std::unique_ptr<HttpClient> OpenSession(const std::string& url, std::string* csrf) {
    auto b = std::make_unique<HttpClient>(host_->port(), HttpClient::Options{true, 60});
    EXPECT_EQ(b->Get(PathOf(url)).status, 200);
    HttpResponse post =
        b->Post(PathOf(url), {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(post.status, 303) << post.body.substr(0, 300);
    HttpResponse space = b->Get(std::string(kP) + "/space");
    EXPECT_EQ(space.status, 200) << space.body.substr(space.body.find("<main"), 700);
    std::smatch m;
    // Issue 15.14: the token is a form field, never in a URL.
    EXPECT_EQ(space.body.find("_csrf="), std::string::npos);
    static const std::regex kCsrf("name=\"_csrf\" value=\"([A-Za-z0-9_-]+)\"");
    *csrf = std::regex_search(space.body, m, kCsrf) ? m[1].str() : "";
    return b;
  }
  HttpResponse LinkUpload(HttpClient& b, int64_t type, const std::string& csrf,
                          const std::string& marker) {
    MultipartBuilder mb;
    if (!csrf.empty()) mb.AddField("_csrf", csrf);  // first, as the page's form sends it
    mb.AddFile("file", "from-link.pdf", "application/pdf", Pdf(marker));
    std::string path = std::string(kP) + "/documents/" + std::to_string(type);
    return b.Post(path, {{"Content-Type", mb.ContentType()}}, mb.Build());
  }
  HttpResponse LinkComment(HttpClient& b, int64_t type, const std::string& csrf,
                           const std::string& text) {
    return b.Post(std::string(kP) + "/documents/" + std::to_string(type) + "/comments",
                  {{"Content-Type", "application/x-www-form-urlencoded"}},
                  (csrf.empty() ? "" : "_csrf=" + csrf + "&") + "body=" + UrlEncode(text));
  }

  int64_t Count(const std::string& sql, const crm::SqlParams& params = {}) {
    auto row = db_->QueryOne(sql, params);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() && *row ? (*row)->Int(0) : -1;
  }
  int64_t JournalCount(const std::string& action) {
    return Count("SELECT COUNT(*) FROM cd_journal WHERE action = ?", {action});
  }
  bool OnPostgres() const { return !crm_test::SiteDatabaseUrl(site_.data()).empty(); }
  // True when `needle` appears anywhere in the stored tables (SQLite: the database files;
  // PostgreSQL: every row of the module's link and journal tables as text).
  bool Stored(const std::string& needle) {
    if (!OnPostgres()) {
      std::string bytes;
      for (const char* f : {"host.db", "host.db-wal"}) bytes += ReadFile(site_.data() / f);
      return bytes.find(needle) != std::string::npos;
    }
    for (const char* t : {"cd_links", "cd_link_sessions", "cd_journal", "cd_journal_personal",
                          "cd_link_throttle"}) {
      if (Count(std::string("SELECT COUNT(*) FROM ") + t + " r WHERE position(? in r::text) > 0",
                {needle}) != 0)
        return true;
    }
    return false;
  }
  std::string RunJobs(const std::string& now) {
    crm_test::CliResult r = site_.RunJobs("--now " + now);
    EXPECT_EQ(r.code, 0) << r.output;
    return r.output;
  }
  // Every outbox mail to `address`, quoted-printable soft breaks undone.
  std::vector<std::string> MailsTo(const std::string& address) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(site_.data() / "outbox", ec)) {
      std::string text = std::regex_replace(ReadFile(e.path()), std::regex("=\r?\n"), "");
      if (text.find("To: " + address) != std::string::npos) out.push_back(text);
    }
    return out;
  }

  std::unique_ptr<crm::Database> db_;
  int64_t anne_ = 0, bob_ = 0, id_card_ = 0, payslip_ = 0;
};

// ---- The API -------------------------------------------------------------------------------

TEST_F(LinksE2e, ApiMintsListsRevokesAndRefusesBadInputStoringNothing) {
  const std::vector<json::object> refused = {
      {{"rights", json::array{"view", "print"}}},
      {{"rights", json::array{}}},
      {{"rights", json::array{"view"}}, {"expires_in_days", 0}},
      {{"rights", json::array{"view"}}, {"expires_in_days", 366}},
      {{"rights", json::array{"view"}}, {"scope", "everything"}},
      {{"rights", json::array{"view"}}, {"scope", "document"}},
      {{"rights", json::array{"view"}}, {"max_uses", 0}},
  };
  for (const json::object& body : refused) {
    HttpResponse r = Mint(anne_, body);
    EXPECT_EQ(r.status, 422) << json::serialize(body) << " " << r.body;
    EXPECT_TRUE(Json(r).at("error").at("code").is_string()) << r.body;
  }
  EXPECT_EQ(Mint(anne_, {{"scope", "document"}, {"type_id", 9999}, {"rights", json::array{"view"}}})
                .status,
            404);
  // A project of another client: 404; of this client: 201.
  ASSERT_TRUE(db_->Exec("INSERT INTO cd_projects (client_id, name, created_at, updated_at)"
                        " VALUES (?, 'Roof', 1, 1)",
                        {bob_})
                  .ok());
  int64_t bobs_project = Count("SELECT MAX(id) FROM cd_projects");
  EXPECT_EQ(
      Mint(anne_,
           {{"scope", "project"}, {"project_id", bobs_project}, {"rights", json::array{"view"}}})
          .status,
      404);
  EXPECT_EQ(Mint(999999, {{"rights", json::array{"view"}}}).status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links"), 0) << "a refusal stored a link";
  EXPECT_EQ(JournalCount("link_created"), 0);
  EXPECT_EQ(
      Mint(bob_,
           {{"scope", "project"}, {"project_id", bobs_project}, {"rights", json::array{"view"}}})
          .status,
      201);

  HttpResponse made =
      Mint(anne_, {{"rights", json::array{"comment", "view"}},
                   {"max_uses", 3},
                   {"contact", {{"name", "Anne's accountant"}, {"email", "acc@links-e2e.test"}}}});
  ASSERT_EQ(made.status, 201) << made.body;
  json::value link = Json(made);
  const std::string url(link.at("url").as_string());
  EXPECT_NE(url.find("/p/client-documents/l/"), std::string::npos) << url;
  const std::string token = TokenOf(url);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_TRUE(std::regex_match(token, std::regex("[A-Za-z0-9_-]{43}"))) << token;
  EXPECT_EQ(link.at("scope").as_string(), "space");
  EXPECT_EQ(json::serialize(link.at("rights")), R"(["view","comment"])");
  EXPECT_EQ(link.at("revoked").as_bool(), false);
  EXPECT_TRUE(link.at("expires_at").is_string());
  // Stored only hashed: not in the database, its SHA-256 is.
  EXPECT_FALSE(Stored(token)) << "the token is stored in clear";
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM cd_links WHERE token_hash = ?", {crm_test::Sha256Hex(token)}), 1);

  HttpResponse list = api_->Get(LinksPath(anne_), Bearer(full_));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find(token), std::string::npos) << "the list gives the token";
  EXPECT_EQ(list.body.find("\"url\""), std::string::npos);
  ASSERT_EQ(Json(list).at("items").as_array().size(), 1u);
  EXPECT_EQ(Json(list).at("items").at(0).at("contact").at("name").as_string(), "Anne's accountant");
  EXPECT_EQ(Json(list).at("items").at(0).at("uses").as_int64(), 0);

  const int64_t id = link.at("id").as_int64();
  EXPECT_EQ(api_->Delete(LinksPath(bob_) + "/" + std::to_string(id), Bearer(full_)).status, 404);
  EXPECT_EQ(api_->Delete(LinksPath(anne_) + "/" + std::to_string(id), Bearer(full_)).status, 204);
  EXPECT_EQ(Json(api_->Get(LinksPath(anne_), Bearer(full_))).at("items").at(0).at("revoked"),
            json::value(true));
  EXPECT_EQ(JournalCount("link_created"), 2);
  EXPECT_EQ(JournalCount("link_revoked"), 1);
  crm_test::CliResult writer = site_.CreateToken("--scope documents:write");
  EXPECT_EQ(
      api_->Post(LinksPath(anne_), Bearer(writer.output, {{"Content-Type", "application/json"}}),
                 R"({"rights":["view"]})")
          .status,
      201);
  crm_test::CliResult reader = site_.CreateToken("--scope documents:read");
  EXPECT_EQ(Mint(anne_, {{"rights", json::array{"view"}}}).status, 201);
  EXPECT_EQ(
      api_->Post(LinksPath(anne_), Bearer(reader.output, {{"Content-Type", "application/json"}}),
                 R"({"rights":["view"]})")
          .status,
      403);
}

// ---- The link's page -----------------------------------------------------------------------

TEST_F(LinksE2e, GetChangesNothingPostCountsAndMaxUsesThenGone) {
  int64_t id = 0;
  const std::string url = MintUrl(anne_, {{"rights", json::array{"view"}}, {"max_uses", 2}}, &id);
  const int64_t journal_before = Count("SELECT COUNT(*) FROM cd_journal");
  HttpClient scanner(host_->port());
  for (int i = 0; i < 3; ++i) {
    HttpResponse page = scanner.Get(PathOf(url));
    ASSERT_EQ(page.status, 200) << page.body.substr(0, 300);
    EXPECT_EQ(page.Header("Referrer-Policy").value_or(""), "no-referrer");
    EXPECT_EQ(page.Header("Cache-Control").value_or(""), "no-store");
    EXPECT_NE(page.body.find("method=\"post\""), std::string::npos);
    EXPECT_NE(page.body.find("Continuer"), std::string::npos) << "not in the contact's language";
    EXPECT_FALSE(page.Header("Set-Cookie").has_value());
  }
  EXPECT_EQ(Count("SELECT uses FROM cd_links WHERE id = ?", {id}), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links WHERE id = ? AND last_used_at IS NULL", {id}), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_link_sessions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_journal"), journal_before) << "a GET was journaled";

  HttpClient browser(host_->port(), HttpClient::Options{true, 60});
  HttpResponse opened =
      browser.Post(PathOf(url), {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(opened.status, 303) << opened.body.substr(0, 300);
  EXPECT_EQ(opened.Header("Location").value_or(""), "/p/client-documents/space");
  EXPECT_EQ(opened.Header("Referrer-Policy").value_or(""), "no-referrer");
  const std::string cookie = opened.Header("Set-Cookie").value_or("");
  EXPECT_EQ(cookie.rfind("cd_link=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Path=/p/client-documents"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "Secure on plain http: " << cookie;
  EXPECT_EQ(cookie.find(TokenOf(url)), std::string::npos);
  EXPECT_EQ(Count("SELECT uses FROM cd_links WHERE id = ?", {id}), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links WHERE id = ? AND last_used_at IS NOT NULL", {id}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_journal WHERE action = 'link_opened' AND"
                  " actor_kind = 'link' AND actor_id = ?",
                  {id}),
            1);
  // The session id is stored hashed too.
  const std::string session = cookie.substr(8, cookie.find(';') - 8);
  EXPECT_FALSE(Stored(session));
  HttpResponse space = browser.Get(std::string(kP) + "/space");
  EXPECT_EQ(space.status, 200);
  EXPECT_EQ(space.Header("Referrer-Policy").value_or(""), "no-referrer");

  HttpClient second(host_->port());
  EXPECT_EQ(
      second.Post(PathOf(url), {{"Content-Type", "application/x-www-form-urlencoded"}}).status,
      303);
  HttpResponse third =
      second.Post(PathOf(url), {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(third.status, 410);
  EXPECT_NE(third.body.find("n’est plus valable"), std::string::npos) << third.body.substr(0, 500);
  EXPECT_EQ(third.Header("Referrer-Policy").value_or(""), "no-referrer");
  EXPECT_EQ(second.Get(PathOf(url)).status, 410);
  EXPECT_EQ(Count("SELECT uses FROM cd_links WHERE id = ?", {id}), 2);
  // A used-up link's open session goes on.
  EXPECT_EQ(browser.Get(std::string(kP) + "/space").status, 200);
}

// max_uses holds under concurrency: 8 browsers continue at once on a link of 3 uses.
TEST_F(LinksE2e, MaxUsesHoldsWhenManyOpenAtOnce) {
  int64_t id = 0;
  const std::string url = MintUrl(bob_, {{"rights", json::array{"view"}}, {"max_uses", 3}}, &id);
  std::vector<int> statuses(8, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(host_->port());
      statuses[i] =
          c.Post(PathOf(url), {{"Content-Type", "application/x-www-form-urlencoded"}}).status;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 303), 3);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 410), 5);
  EXPECT_EQ(Count("SELECT uses FROM cd_links WHERE id = ?", {id}), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_link_sessions WHERE link_id = ?", {id}), 3);
  EXPECT_EQ(JournalCount("link_opened"), 3);
}

// The host's public URL (--base-url) makes the links' URLs; https makes the cookie Secure.
TEST_F(LinksE2e, AnHttpsBaseUrlGivesHttpsLinksAndSecureCookies) {
  ASSERT_NO_FATAL_FAILURE(StartHost({.args = {"--base-url", "https://crm.example.test/"}}));
  const std::string url = MintUrl(bob_, {{"rights", json::array{"view"}}});
  EXPECT_EQ(url.rfind("https://crm.example.test/p/client-documents/l/", 0), 0u) << url;
  HttpClient b(host_->port());
  HttpResponse opened =
      b.Post(PathOf(url), {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(opened.status, 303);
  EXPECT_NE(opened.Header("Set-Cookie").value_or("").find("; Secure"), std::string::npos);
}

TEST_F(LinksE2e, RevocationAndExpiryEndOpenSessionsOnTheNextRequest) {
  int64_t revoked_id = 0, expiring_id = 0;
  std::string csrf;
  const std::string revoked_url = MintUrl(anne_, {{"rights", json::array{"view"}}}, &revoked_id);
  const std::string expiring_url = MintUrl(anne_, {{"rights", json::array{"view"}}}, &expiring_id);
  auto a = OpenSession(revoked_url, &csrf);
  auto b = OpenSession(expiring_url, &csrf);
  ASSERT_EQ(api_->Delete(LinksPath(anne_) + "/" + std::to_string(revoked_id), Bearer(full_)).status,
            204);
  HttpResponse gone = a->Get(std::string(kP) + "/space");
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(a->Get(PathOf(revoked_url)).status, 410);
  EXPECT_EQ(b->Get(std::string(kP) + "/space").status, 200);
  // Expiry: the link's end moved into the past (the clock the host reads is the wall clock).
  ASSERT_TRUE(db_->Exec("UPDATE cd_links SET expires_at = ? WHERE id = ?",
                        {static_cast<int64_t>(std::time(nullptr)) - 5, expiring_id})
                  .ok());
  EXPECT_EQ(b->Get(std::string(kP) + "/space").status, 410);
  EXPECT_EQ(b->Get(PathOf(expiring_url)).status, 410);
  EXPECT_EQ(
      b->Post(PathOf(expiring_url), {{"Content-Type", "application/x-www-form-urlencoded"}}).status,
      410);
  EXPECT_EQ(Count("SELECT uses FROM cd_links WHERE id = ?", {expiring_id}), 1);
  // No session at all: the same 410 page.
  HttpClient stranger(host_->port());
  EXPECT_EQ(stranger.Get(std::string(kP) + "/space").status, 410);
}

TEST_F(LinksE2e, ForgedTruncatedAndUnknownTokensAreGoneAlike) {
  int64_t id = 0;
  const std::string url = MintUrl(bob_, {{"rights", json::array{"view"}}}, &id);
  ASSERT_EQ(api_->Delete(LinksPath(bob_) + "/" + std::to_string(id), Bearer(full_)).status, 204);
  HttpClient c(host_->port());
  HttpResponse revoked = c.Get(PathOf(url));
  EXPECT_EQ(revoked.status, 410);
  const std::string token = TokenOf(url);
  std::string forged = token;
  forged[5] = forged[5] == 'A' ? 'B' : 'A';
  // The module's part of the page (the host's layout around it may name the path).
  auto part = [](const std::string& html) {
    size_t from = html.find("cd-link-page");
    return from == std::string::npos ? html : html.substr(from, html.find("</div>", from) - from);
  };
  for (const std::string& t :
       {token.substr(0, 20), forged, std::string(300, 'x'), std::string("not-a-token")}) {
    HttpResponse r = c.Get(std::string(kP) + "/l/" + t);
    EXPECT_EQ(r.status, 410) << t;
    EXPECT_EQ(part(r.body), part(revoked.body))
        << "a forged token's page differs from a revoked one's";
    EXPECT_EQ(r.Header("Referrer-Policy").value_or(""), "no-referrer");
    EXPECT_EQ(
        c.Post(std::string(kP) + "/l/" + t, {{"Content-Type", "application/x-www-form-urlencoded"}})
            .status,
        410);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_link_sessions"), 0);
}

TEST_F(LinksE2e, RateLimitPerToken) {
  const std::string url = MintUrl(anne_, {{"rights", json::array{"view"}}});
  HttpClient c(host_->port());
  int last = 0;
  for (int i = 0; i < 21; ++i) last = c.Get(PathOf(url)).status;
  EXPECT_EQ(last, 429);
  HttpResponse refused =
      c.Post(PathOf(url), {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(Count("SELECT uses FROM cd_links"), 0);
  // Another token from the same address still opens.
  const std::string other = MintUrl(anne_, {{"rights", json::array{"view"}}});
  EXPECT_EQ(c.Get(PathOf(other)).status, 200);
}

// ---- Rights and scope of a link session ----------------------------------------------------

TEST_F(LinksE2e, EachMissingRightIsRefusedAndGivenItIsAllowed) {
  const std::string card = crm_test::PagedPdf(1, "card");
  const int64_t file = UploadByApi(anne_, id_card_, "card", card);
  const std::string f = std::to_string(file);
  struct Case {
    std::string right;
    std::function<int(HttpClient&, const std::string&)> act;
    int allowed;
  };
  const std::vector<Case> cases = {
      {"download",
       [&](HttpClient& b, const std::string&) {
         return b.Get(std::string(kP) + "/files/" + f).status;
       },
       200},
      {"view",
       [&](HttpClient& b, const std::string&) {
         return b.Get(std::string(kP) + "/read/" + f).status;
       },
       200},
      {"upload",
       [&](HttpClient& b, const std::string& csrf) {
         return LinkUpload(b, payslip_, csrf, "up").status;
       },
       303},
      {"comment",
       [&](HttpClient& b, const std::string& csrf) {
         return LinkComment(b, payslip_, csrf, "hello").status;
       },
       303},
  };
  for (const Case& c : cases) {
    json::array without;
    for (const char* r : {"view", "download", "upload", "comment", "decide"}) {
      // "download" lets a file be shown too: without "view", take "download" away as well.
      if (r != c.right && !(c.right == "view" && std::string(r) == "download"))
        without.push_back(json::value(r));
    }
    std::string csrf;
    auto lacking = OpenSession(MintUrl(anne_, {{"rights", without}}), &csrf);
    EXPECT_EQ(c.act(*lacking, csrf), 403) << "without " << c.right;
    auto having =
        OpenSession(MintUrl(anne_, {{"rights", json::array{json::value(c.right)}}}), &csrf);
    EXPECT_EQ(c.act(*having, csrf), c.allowed) << "with " << c.right;
  }
  // View only: the PDF's pages as pictures in a page; the PDF itself is never sent (a browser's
  // PDF viewer downloads); no download link anywhere.
  std::string csrf;
  int64_t viewer_link = 0;
  auto viewer = OpenSession(MintUrl(anne_, {{"rights", json::array{"view"}}}, &viewer_link), &csrf);
  EXPECT_EQ(viewer->Get(std::string(kP) + "/view/" + f).status, 403);
  HttpResponse read = viewer->Get(std::string(kP) + "/read/" + f);
  EXPECT_EQ(read.status, 200);
  EXPECT_NE(read.body.find("src=\"/p/client-documents/read/" + f + "/pages/1\""), std::string::npos)
      << read.body;
  EXPECT_EQ(read.body.find("/p/client-documents/files/"), std::string::npos);
  EXPECT_NE(read.body.find("data-cd-view-only"), std::string::npos);
  HttpResponse picture = viewer->Get(std::string(kP) + "/read/" + f + "/pages/1");
  EXPECT_EQ(picture.status, 200);
  EXPECT_EQ(picture.Header("Content-Type").value_or(""), "image/png");
  EXPECT_EQ(picture.body.rfind("\x89PNG\r\n\x1a\n", 0), 0u);
  EXPECT_EQ(viewer->Get(std::string(kP) + "/read/" + f + "/pages/2").status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_journal WHERE action = 'viewed' AND actor_kind = 'link'"
                  " AND actor_id = ?",
                  {viewer_link}),
            1)
      << "one entry for the page, none per picture";
  HttpResponse page = viewer->Get(std::string(kP) + "/space");
  EXPECT_NE(page.body.find("href=\"/p/client-documents/read/" + f + "\""), std::string::npos);
  EXPECT_EQ(page.body.find("/p/client-documents/files/"), std::string::npos);
  EXPECT_NE(page.body.find("data-cd-view-only"), std::string::npos);
  EXPECT_EQ(page.body.find("data-cd-upload"), std::string::npos);
  HttpResponse attachment = [&] {
    auto d = OpenSession(MintUrl(anne_, {{"rights", json::array{"download"}}}), &csrf);
    return d->Get(std::string(kP) + "/files/" + f);
  }();
  EXPECT_EQ(attachment.Header("Content-Disposition").value_or("").rfind("attachment", 0), 0u);
  EXPECT_EQ(attachment.body, card);
  // Every POST of the session needs its CSRF token.
  auto writer = OpenSession(MintUrl(anne_, {{"rights", json::array{"upload", "comment"}}}), &csrf);
  EXPECT_EQ(LinkUpload(*writer, id_card_, "", "x").status, 403);
  EXPECT_EQ(LinkUpload(*writer, id_card_, "wrong", "x").status, 403);
  EXPECT_EQ(LinkComment(*writer, id_card_, "", "x").status, 403);
  EXPECT_EQ(LinkComment(*writer, id_card_, "wrong", "x").status, 403);
  // Issue 15.14: never from the URL, where it would leak.
  MultipartBuilder mb;
  mb.AddFile("file", "from-link.pdf", "application/pdf", Pdf("q"));
  EXPECT_EQ(
      writer
          ->Post(std::string(kP) + "/documents/" + std::to_string(id_card_) + "?_csrf=" + csrf,
                 {{"Content-Type", mb.ContentType()}}, mb.Build())
          .status,
      403);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM cd_files WHERE client_id = ? AND type_id = ?", {anne_, id_card_}),
      1)
      << "only the API's upload";
}

TEST_F(LinksE2e, NothingOutsideTheScope) {
  const int64_t card = UploadByApi(anne_, id_card_, "card");
  const int64_t slip = UploadByApi(anne_, payslip_, "slip");
  const int64_t bobs = UploadByApi(bob_, id_card_, "bob");
  std::string csrf;
  auto doc = OpenSession(
      MintUrl(anne_, {{"scope", "document"},
                      {"type_id", id_card_},
                      {"rights", json::array{"view", "download", "upload", "comment"}}}),
      &csrf);
  EXPECT_EQ(doc->Get(std::string(kP) + "/files/" + std::to_string(card)).status, 200);
  EXPECT_EQ(doc->Get(std::string(kP) + "/files/" + std::to_string(slip)).status, 404);
  EXPECT_EQ(doc->Get(std::string(kP) + "/view/" + std::to_string(slip)).status, 404);
  EXPECT_EQ(doc->Get(std::string(kP) + "/read/" + std::to_string(slip)).status, 404);
  EXPECT_EQ(doc->Get(std::string(kP) + "/read/" + std::to_string(slip) + "/pages/1").status, 404);
  EXPECT_EQ(doc->Get(std::string(kP) + "/files/" + std::to_string(bobs)).status, 404);
  EXPECT_EQ(doc->Get(std::string(kP) + "/read/" + std::to_string(bobs)).status, 404);
  EXPECT_EQ(LinkUpload(*doc, payslip_, csrf, "x").status, 404);
  EXPECT_EQ(LinkComment(*doc, payslip_, csrf, "x").status, 404);
  HttpResponse page = doc->Get(std::string(kP) + "/space");
  EXPECT_NE(page.body.find("ID card"), std::string::npos);
  EXPECT_EQ(page.body.find("Payslip"), std::string::npos);
  auto space = OpenSession(MintUrl(anne_, {{"rights", json::array{"view", "download"}}}), &csrf);
  EXPECT_EQ(space->Get(std::string(kP) + "/files/" + std::to_string(slip)).status, 200);
  EXPECT_EQ(space->Get(std::string(kP) + "/files/" + std::to_string(bobs)).status, 404);
  EXPECT_EQ(space->Get(std::string(kP) + "/files/99999").status, 404);
}

TEST_F(LinksE2e, UploadAndCommentThroughALinkAreTheClientsWithTheLinkAsActor) {
  int64_t id = 0;
  std::string csrf;
  auto b = OpenSession(MintUrl(anne_,
                               {{"scope", "document"},
                                {"type_id", payslip_},
                                {"rights", json::array{"view", "upload", "comment"}},
                                {"contact", {{"name", "Marc Compta"}}}},
                               &id),
                       &csrf);
  HttpResponse up = LinkUpload(*b, payslip_, csrf, "through-link");
  ASSERT_EQ(up.status, 303) << up.body.substr(0, 400);
  HttpResponse doc = api_->Get(std::string(kApi) + "/clients/" + std::to_string(anne_) +
                                   "/documents/" + std::to_string(payslip_),
                               Bearer(full_));
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(Json(doc).at("status").as_string(), "uploaded");
  EXPECT_EQ(Json(doc).at("uploaded_by").as_string(), "link:" + std::to_string(id));
  EXPECT_EQ(Json(doc).at("files").at(0).at("sha256").as_string(),
            crm_test::Sha256Hex(Pdf("through-link")));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_journal WHERE action = 'uploaded' AND"
                  " actor_kind = 'link' AND actor_id = ? AND client_id = ?",
                  {id, anne_}),
            1);
  HttpResponse journal = api_->Get(std::string(kApi) + "/journal?action=uploaded", Bearer(full_));
  EXPECT_EQ(Json(journal).at("items").at(0).at("actor").at("kind").as_string(), "link");

  ASSERT_EQ(LinkComment(*b, payslip_, csrf, "Here is the payslip").status, 303);
  HttpResponse comments = api_->Get(std::string(kApi) + "/clients/" + std::to_string(anne_) +
                                        "/documents/" + std::to_string(payslip_) + "/comments",
                                    Bearer(full_));
  const json::value c = Json(comments).at("items").at(0);
  EXPECT_EQ(c.at("author").at("kind").as_string(), "contact");
  EXPECT_EQ(c.at("author").at("name").as_string(), "Marc Compta");
  // A refused upload (not a PDF nor an image) stores nothing.
  MultipartBuilder mb;
  mb.AddField("_csrf", csrf);
  mb.AddFile("file", "x.pdf", "application/pdf", "MZ not a pdf at all");
  HttpResponse bad = b->Post(std::string(kP) + "/documents/" + std::to_string(payslip_),
                             {{"Content-Type", mb.ContentType()}}, mb.Build());
  EXPECT_EQ(bad.status, 415) << bad.body.substr(0, 300);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_files WHERE client_id = ?", {anne_}), 1);
}

// ---- Mails, the staff tab, deletion --------------------------------------------------------

TEST_F(LinksE2e, CommentMailCarriesADocumentLinkThatOpens) {
  ASSERT_EQ(api_->Post(std::string(kApi) + "/clients/" + std::to_string(anne_) + "/documents/" +
                           std::to_string(id_card_) + "/comments",
                       JsonHeaders(), R"({"body":"Please send the back side"})")
                .status,
            201);
  RunJobs(IsoIn(700));
  std::vector<std::string> mails = MailsTo("anne@links-e2e.test");
  ASSERT_EQ(mails.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(mails[0], m, std::regex("/p/client-documents/l/([A-Za-z0-9_-]{43})")))
      << mails[0];
  const std::string token = m[1].str();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links WHERE client_id = ? AND scope = 'document' AND"
                  " type_id = ? AND rights = 'view,comment'",
                  {anne_, id_card_}),
            1);
  std::string csrf;
  auto b = OpenSession(std::string(kP) + "/l/" + token, &csrf);
  EXPECT_EQ(LinkComment(*b, id_card_, csrf, "Voilà").status, 303);
  EXPECT_EQ(LinkUpload(*b, id_card_, csrf, "no").status, 403);
}

TEST_F(LinksE2e, StaffTabMintsShowsTheUrlOnceMailsAndRevokes) {
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  const std::string tab = "/admin/clients/" + std::to_string(anne_) + "/tabs/links";
  HttpResponse page = admin->Get(tab);
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 300);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("action=\"([^\"]*/links)\"")));
  std::string action = std::regex_replace(m[1].str(), std::regex("&amp;"), "&");
  HttpResponse made = admin->Post(
      action, {{"Content-Type", "application/x-www-form-urlencoded"}},
      "_csrf=" + UrlEncode(csrf) + "&scope=space&right_view=1&right_upload=1&expires_in_days=7" +
          "&contact_name=" + UrlEncode("Jean") +
          "&contact_email=" + UrlEncode("jean@links-e2e.test") + "&send_mail=1");
  ASSERT_EQ(made.status, 201) << made.body.substr(0, 500);
  ASSERT_TRUE(
      std::regex_search(made.body, m, std::regex("/p/client-documents/l/([A-Za-z0-9_-]{43})")));
  const std::string token = m[1].str();
  std::vector<std::string> mails = MailsTo("jean@links-e2e.test");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find(token), std::string::npos);
  EXPECT_NE(mails[0].find("Bonjour Jean"), std::string::npos) << "not in the client's language";
  HttpResponse listed = admin->Get(tab);
  EXPECT_NE(listed.body.find("jean@links-e2e.test"), std::string::npos);
  EXPECT_EQ(listed.body.find(token), std::string::npos) << "the URL is shown again";
  EXPECT_EQ(admin
                ->Post(action, {{"Content-Type", "application/x-www-form-urlencoded"}},
                       "_csrf=" + UrlEncode(csrf) + "&scope=space&expires_in_days=7")
                .status,
            422);
  ASSERT_TRUE(std::regex_search(listed.body, m, std::regex("action=\"([^\"]*/revoke)\"")));
  HttpResponse revoked = admin->Post(std::regex_replace(m[1].str(), std::regex("&amp;"), "&"),
                                     {{"Content-Type", "application/x-www-form-urlencoded"}},
                                     "_csrf=" + UrlEncode(csrf));
  EXPECT_EQ(revoked.status, 303);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links WHERE revoked_at IS NOT NULL"), 1);
  HttpClient c(host_->port());
  EXPECT_EQ(c.Get(std::string(kP) + "/l/" + token).status, 410);
}

TEST_F(LinksE2e, DeletingTheClientLeavesNoLinkNorSession) {
  std::string csrf;
  const std::string url = MintUrl(anne_, {{"rights", json::array{"view"}}});
  auto b = OpenSession(url, &csrf);
  MintUrl(bob_, {{"rights", json::array{"view"}}});
  ASSERT_EQ(Count("SELECT COUNT(*) FROM cd_link_sessions"), 1);
  HttpResponse del = api_->Delete("/api/v1/clients/" + std::to_string(anne_), Bearer(full_));
  ASSERT_TRUE(del.status == 200 || del.status == 204) << del.status << " " << del.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links WHERE client_id = ?", {anne_}), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_link_sessions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links"), 1);  // Bob's stays
  EXPECT_EQ(b->Get(std::string(kP) + "/space").status, 410);
  EXPECT_EQ(b->Get(PathOf(url)).status, 410);
}

// ---- Shared documents through a link (issue 12: PT8 in a link session) ---------------------

// The fixture's helpers for projects and shared documents, staff side through the API.
class LinksSharedE2e : public LinksE2e {
 protected:
  std::string ClientApi(int64_t client) {
    return std::string(kApi) + "/clients/" + std::to_string(client);
  }
  int64_t CreateProject(int64_t client, const std::string& name) {
    HttpResponse r = api_->Post(ClientApi(client) + "/projects", JsonHeaders(),
                                json::serialize(json::object{{"name", name}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("id").as_int64() : 0;
  }
  // A shared PDF (its bytes Pdf(marker)); `fields` as the API's multipart fields.
  json::value Share(int64_t client, const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::string& marker) {
    return ShareFile(client, fields, marker + ".pdf", "application/pdf", Pdf(marker));
  }
  json::value ShareFile(int64_t client,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::string& name, const std::string& mime,
                        const std::string& bytes) {
    MultipartBuilder mb;
    for (const auto& [k, v] : fields) mb.AddField(k, v);
    mb.AddFile("file", name, mime, bytes);
    HttpResponse r = api_->Post(ClientApi(client) + "/shared",
                                Bearer(full_, {{"Content-Type", mb.ContentType()}}), mb.Build());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r) : json::value(json::object{{"id", 0}});
  }
  int64_t Quote(int64_t client, int64_t project, const std::string& marker,
                const std::string& due_on = "") {
    std::vector<std::pair<std::string, std::string>> f = {
        {"title", "Quote " + marker}, {"category", "quote"}, {"decision", "required"}};
    if (project != 0) f.emplace_back("project_id", std::to_string(project));
    if (!due_on.empty()) f.emplace_back("due_on", due_on);
    return Share(client, f, marker).at("id").as_int64();
  }
  // OpenSession, with the CSRF token also read from a form's hidden field (a page whose only
  // forms are the shared documents' has no "_csrf=" in a URL).
  std::unique_ptr<HttpClient> Session(const std::string& url, std::string* csrf) {
    auto b = OpenSession(url, csrf);
    if (csrf->empty()) {
      std::smatch m;
      const std::string page = b->Get(std::string(kP) + "/space").body;
      static const std::regex kField("name=\"_csrf\" value=\"([^\"]+)\"");
      if (std::regex_search(page, m, kField)) *csrf = m[1].str();
    }
    return b;
  }
  std::string SharedLink(int64_t id) { return std::string(kP) + "/shared/" + std::to_string(id); }
  HttpResponse Form(HttpClient& b, const std::string& path, const std::string& csrf,
                    const std::string& fields) {
    return b.Post(path, {{"Content-Type", "application/x-www-form-urlencoded"}},
                  (csrf.empty() ? "" : "_csrf=" + csrf + "&") + fields);
  }
  HttpResponse Decide(HttpClient& b, int64_t id, const std::string& csrf,
                      const std::string& decision, const std::string& reason = "") {
    return Form(b, SharedLink(id) + "/decision", csrf,
                "decision=" + decision + "&reason=" + UrlEncode(reason));
  }
  HttpResponse DecideJson(HttpClient& b, int64_t id, const std::string& csrf,
                          const std::string& decision, const std::string& reason = "") {
    return b.Post(SharedLink(id) + "/decision",
                  {{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}},
                  json::serialize(json::object{{"decision", decision}, {"reason", reason}}));
  }
  HttpResponse SupportingFile(HttpClient& b, int64_t id, const std::string& csrf,
                              const std::string& marker) {
    MultipartBuilder mb;
    if (!csrf.empty()) mb.AddField("_csrf", csrf);  // the first part (issue 15.14)
    mb.AddFile("file", "proof.pdf", "application/pdf", Pdf(marker));
    return b.Post(SharedLink(id) + "/files", {{"Content-Type", mb.ContentType()}}, mb.Build());
  }
  int64_t FirstFile(const json::value& shared) {
    return shared.at("files").at(0).at("id").as_int64();
  }
  int64_t LinkJournal(const std::string& action, int64_t link_id, int64_t shared_id) {
    return Count(
        "SELECT COUNT(*) FROM cd_journal WHERE action = ? AND actor_kind = 'link' AND"
        " actor_id = ? AND object = ?",
        {action, link_id, "shared:" + std::to_string(shared_id)});
  }
  // Every right but `right` ("download" shows files too: without "view", no "download").
  static json::array AllBut(const std::string& right) {
    json::array out;
    for (const char* r : {"view", "download", "upload", "comment", "decide"})
      if (r != right && !(right == "view" && std::string(r) == "download"))
        out.push_back(json::value(r));
    return out;
  }
};

TEST_F(LinksSharedE2e, EachMissingRightIsRefusedOnSharedDocumentsAndGivenItWorks) {
  const int64_t project = CreateProject(anne_, "Kitchen");
  const std::string pid = std::to_string(project);
  const int64_t quote = Quote(anne_, project, "quote");
  json::value invoice = Share(anne_,
                              {{"title", "Invoice"},
                               {"category", "invoice"},
                               {"amount_due", "120.00"},
                               {"project_id", pid}},
                              "invoice");
  const int64_t inv = invoice.at("id").as_int64();
  const std::string file = std::to_string(FirstFile(invoice));
  auto scoped = [&](json::array rights, int64_t* id) {
    return MintUrl(anne_, {{"scope", "project"}, {"project_id", project}, {"rights", rights}}, id);
  };
  std::string csrf;
  int64_t link = 0;

  // decide
  auto b = Session(scoped(AllBut("decide"), &link), &csrf);
  EXPECT_EQ(Decide(*b, quote, csrf, "approve").status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared WHERE decision_value IS NOT NULL"), 0);
  b = Session(scoped(json::array{"decide"}, &link), &csrf);
  HttpResponse decided = Decide(*b, quote, csrf, "approve");
  EXPECT_EQ(decided.status, 303) << decided.body.substr(0, 300);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM cd_shared WHERE id = ? AND decision_value = 'approved'", {quote}),
      1);
  EXPECT_EQ(LinkJournal("decided", link, quote), 1);
  HttpResponse got =
      api_->Get(ClientApi(anne_) + "/shared/" + std::to_string(quote), Bearer(full_));
  EXPECT_EQ(Json(got).at("status").as_string(), "validated");

  // comment
  b = Session(scoped(AllBut("comment"), &link), &csrf);
  EXPECT_EQ(Form(*b, SharedLink(inv) + "/comments", csrf, "body=hello").status, 403);
  b = Session(scoped(json::array{"comment"}, &link), &csrf);
  EXPECT_EQ(
      Form(*b, SharedLink(inv) + "/comments", csrf, "body=" + UrlEncode("Paid Monday")).status,
      303);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_comments WHERE shared_id = ? AND author_kind = "
                  "'contact' AND body = 'Paid Monday'",
                  {inv}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_comments"), 1);

  // upload: a supporting file, through the same pipeline, stored and readable by staff
  b = Session(scoped(AllBut("upload"), &link), &csrf);
  EXPECT_EQ(SupportingFile(*b, inv, csrf, "nope").status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared_files WHERE shared_id = ?", {inv}), 1);
  b = Session(scoped(json::array{"upload"}, &link), &csrf);
  HttpResponse up = SupportingFile(*b, inv, csrf, "proof-of-payment");
  EXPECT_EQ(up.status, 303) << up.body.substr(0, 300);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared_files WHERE shared_id = ? AND added_by_kind ="
                  " 'contact' AND sha256 = ?",
                  {inv, crm_test::Sha256Hex(Pdf("proof-of-payment"))}),
            1);
  EXPECT_EQ(LinkJournal("uploaded", link, inv), 1);
  const int64_t proof = Count("SELECT MAX(id) FROM cd_shared_files WHERE shared_id = ?", {inv});
  HttpResponse stored = api_->Get(
      ClientApi(anne_) + "/shared/" + std::to_string(inv) + "/files/" + std::to_string(proof),
      Bearer(full_));
  EXPECT_EQ(stored.status, 200);
  EXPECT_EQ(stored.body, Pdf("proof-of-payment")) << "the object is not in the store";

  // download and view
  const std::string dl = SharedLink(inv) + "/files/" + file;
  const std::string view = SharedLink(inv) + "/view/" + file;
  b = Session(scoped(AllBut("download"), &link), &csrf);
  EXPECT_EQ(b->Get(dl).status, 403);
  HttpResponse shown = b->Get(view);  // view only: a page (Pdf() has no page: 422, said so)
  EXPECT_EQ(shown.status, 422);
  EXPECT_EQ(shown.Header("Content-Type").value_or("").rfind("text/html", 0), 0u);
  EXPECT_NE(shown.body.find("data-cd-view-only"), std::string::npos);
  EXPECT_EQ(shown.body.find(dl), std::string::npos) << "a download link without download";
  HttpResponse page = b->Get(std::string(kP) + "/space");
  EXPECT_NE(page.body.find(view), std::string::npos);
  EXPECT_EQ(page.body.find(dl), std::string::npos) << "a download link without download";
  b = Session(scoped(AllBut("view"), &link), &csrf);
  EXPECT_EQ(b->Get(view).status, 403);
  EXPECT_EQ(b->Get(dl).status, 403);
  b = Session(scoped(json::array{"download"}, &link), &csrf);
  HttpResponse attachment = b->Get(dl);
  EXPECT_EQ(attachment.status, 200);
  EXPECT_EQ(attachment.Header("Content-Disposition").value_or("").rfind("attachment", 0), 0u);
  EXPECT_EQ(attachment.body, Pdf("invoice"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_journal WHERE action = 'downloaded' AND actor_kind ="
                  " 'link' AND actor_id = ?",
                  {link}),
            1);
  // Every POST needs the session's CSRF token.
  b = Session(scoped(json::array{"comment", "upload", "decide"}, &link), &csrf);
  EXPECT_EQ(Form(*b, SharedLink(inv) + "/comments", "", "body=x").status, 403);
  EXPECT_EQ(SupportingFile(*b, inv, "wrong", "x").status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_comments"), 1);
}

TEST_F(LinksSharedE2e, NothingOutsideTheLinksScopeNorOfAnotherClient) {
  const int64_t a = CreateProject(anne_, "Kitchen");
  const int64_t other = CreateProject(anne_, "Garden");
  const int64_t in_a = Quote(anne_, a, "in-a");
  json::value in_b_doc = Share(
      anne_,
      {{"title", "Garden report"}, {"category", "report"}, {"project_id", std::to_string(other)}},
      "in-b");
  const int64_t in_b = in_b_doc.at("id").as_int64();
  const int64_t loose = Quote(anne_, 0, "loose");
  json::value bobs_doc = Share(bob_, {{"title", "Bob's quote"}, {"category", "report"}}, "bob");
  const int64_t bobs = bobs_doc.at("id").as_int64();
  const json::array all{"view", "download", "upload", "comment", "decide"};
  std::string csrf;

  auto project =
      Session(MintUrl(anne_, {{"scope", "project"}, {"project_id", a}, {"rights", all}}), &csrf);
  for (int64_t id : {in_b, loose, bobs, int64_t{999999}}) {
    EXPECT_EQ(Decide(*project, id, csrf, "approve").status, 404) << id;
    EXPECT_EQ(Form(*project, SharedLink(id) + "/comments", csrf, "body=x").status, 404) << id;
    EXPECT_EQ(SupportingFile(*project, id, csrf, "x").status, 404) << id;
  }
  const std::string b_file = std::to_string(FirstFile(in_b_doc));
  EXPECT_EQ(project->Get(SharedLink(in_b) + "/files/" + b_file).status, 404);
  EXPECT_EQ(project->Get(SharedLink(in_b) + "/view/" + b_file).status, 404);
  // A file of another document, asked through a document in scope: 404.
  EXPECT_EQ(project->Get(SharedLink(in_a) + "/files/" + b_file).status, 404);
  const std::string bobs_file = std::to_string(FirstFile(bobs_doc));
  EXPECT_EQ(project->Get(SharedLink(bobs) + "/files/" + bobs_file).status, 404);
  HttpResponse page = project->Get(std::string(kP) + "/space");
  EXPECT_NE(page.body.find("Quote in-a"), std::string::npos) << page.body.substr(0, 2000);
  EXPECT_NE(page.body.find("Kitchen"), std::string::npos);
  EXPECT_EQ(page.body.find("Garden report"), std::string::npos);
  EXPECT_EQ(page.body.find("Quote loose"), std::string::npos);
  EXPECT_EQ(page.body.find("ID card"), std::string::npos) << "a project link lists documents";

  auto doc = Session(
      MintUrl(anne_, {{"scope", "document"}, {"type_id", id_card_}, {"rights", all}}), &csrf);
  EXPECT_EQ(Decide(*doc, in_a, csrf, "approve").status, 404);
  EXPECT_EQ(doc->Get(SharedLink(in_a) + "/files/" + std::to_string(in_a)).status, 404);
  EXPECT_EQ(doc->Get(std::string(kP) + "/space").body.find("Quote in-a"), std::string::npos);

  auto space = Session(MintUrl(anne_, {{"rights", json::array{"view"}}}), &csrf);
  HttpResponse everything = space->Get(std::string(kP) + "/space");
  for (const char* title : {"Quote in-a", "Garden report", "Quote loose"})
    EXPECT_NE(everything.body.find(title), std::string::npos) << title;
  EXPECT_EQ(everything.body.find("Bob&#39;s quote"), std::string::npos);
  EXPECT_EQ(everything.body.find("/decision"), std::string::npos) << "a decide form without decide";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared WHERE decision_value IS NOT NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_comments"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared_files"), 4);
}

TEST_F(LinksSharedE2e, DecisionsThroughALinkRefuseAsTheClientsAndMailStaffInTheFirmsLanguage) {
  HttpResponse bad = api_->Put(std::string(kApi) + "/settings", JsonHeaders(),
                               R"({"notify_email":"office@links-e2e.test","firm_language":"de"})");
  EXPECT_EQ(bad.status, 422) << bad.body;
  HttpResponse set = api_->Put(std::string(kApi) + "/settings", JsonHeaders(),
                               R"({"notify_email":"office@links-e2e.test","firm_language":"fr",)"
                               R"("firm_name":"Atelier Dupont"})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Json(set).at("firm_language").as_string(), "fr");
  const int64_t quote = Quote(anne_, 0, "to-refuse");
  const int64_t expired = Quote(anne_, 0, "expired", crm_test::Day(-2));
  json::value report = Share(anne_, {{"title", "Report"}, {"category", "report"}}, "report");
  int64_t link = 0;
  std::string csrf;
  auto b = Session(
      MintUrl(anne_, {{"rights", json::array{"view", "decide"}}, {"contact", {{"name", "Marc"}}}},
              &link),
      &csrf);
  HttpResponse no_reason = DecideJson(*b, quote, csrf, "refuse", "  ");
  EXPECT_EQ(no_reason.status, 422) << no_reason.body;
  EXPECT_EQ(crm_test::ErrorCode(no_reason), "unprocessable") << no_reason.body;
  HttpResponse form_no_reason = Decide(*b, quote, csrf, "refuse");
  EXPECT_EQ(form_no_reason.status, 422);
  EXPECT_NE(form_no_reason.body.find("motif"), std::string::npos)
      << "not in the contact's language";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared WHERE decision_value IS NOT NULL"), 0);
  EXPECT_EQ(Decide(*b, expired, csrf, "approve").status, 409);
  EXPECT_EQ(DecideJson(*b, report.at("id").as_int64(), csrf, "approve").status, 409);
  EXPECT_EQ(JournalCount("decided"), 0);

  HttpResponse refused = DecideJson(*b, quote, csrf, "refuse", "Trop cher");
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_EQ(Json(refused).at("status").as_string(), "refused");
  EXPECT_EQ(Json(refused).at("decision").at("reason").as_string(), "Trop cher");
  EXPECT_EQ(Json(refused).at("decision").at("by").as_string(), "Marc");
  EXPECT_EQ(DecideJson(*b, quote, csrf, "approve").status, 409);
  EXPECT_EQ(LinkJournal("decided", link, quote), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared WHERE id = ? AND decision_value = 'refused' AND"
                  " decision_reason = 'Trop cher'",
                  {quote}),
            1);
  // The host's history has it; staff are mailed in the firm's language (French here).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM timeline WHERE client_id = ? AND type ="
                  " 'client-documents.decided' AND actor = ?",
                  {anne_, "link:" + std::to_string(link)}),
            1);
  std::vector<std::string> mails = MailsTo("office@links-e2e.test");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("Le client a refus"), std::string::npos) << mails[0];
  EXPECT_NE(mails[0].find("Trop cher"), std::string::npos);
  EXPECT_NE(mails[0].find("Atelier Dupont"), std::string::npos);
  // The batched mail of a contact's comment to staff is in the firm's language too.
  auto commenter = Session(MintUrl(anne_, {{"rights", json::array{"comment"}}}), &csrf);
  ASSERT_EQ(Form(*commenter, SharedLink(quote) + "/comments", csrf, "body=Pourquoi").status, 303);
  RunJobs(IsoIn(700));
  mails = MailsTo("office@links-e2e.test");
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_TRUE(mails[0].find("Un client a comment") != std::string::npos ||
              mails[1].find("Un client a comment") != std::string::npos)
      << mails[0] << mails[1];
}

TEST_F(LinksSharedE2e, ARevokedLinkIsRefusedOnItsNextSharedRequest) {
  const int64_t quote = Quote(anne_, 0, "revoked");
  int64_t link = 0;
  std::string csrf;
  auto b =
      Session(MintUrl(anne_, {{"rights", json::array{"view", "decide", "comment"}}}, &link), &csrf);
  ASSERT_EQ(api_->Delete(LinksPath(anne_) + "/" + std::to_string(link), Bearer(full_)).status, 204);
  EXPECT_EQ(Decide(*b, quote, csrf, "approve").status, 410);
  EXPECT_EQ(Form(*b, SharedLink(quote) + "/comments", csrf, "body=x").status, 410);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_shared WHERE decision_value IS NOT NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_comments"), 0);
}

// ---- "View only": the file shown IN a page (issue 12, PT2) ---------------------------------

TEST_F(LinksSharedE2e, ViewOnlyShowsAPdfsPagesAsPicturesWithoutADownload) {
  json::value doc = ShareFile(anne_, {{"title", "Plan"}, {"category", "report"}}, "plan.pdf",
                              "application/pdf", crm_test::PagedPdf(2, "plan"));
  const int64_t id = doc.at("id").as_int64();
  const std::string file = std::to_string(FirstFile(doc));
  json::value bobs = ShareFile(bob_, {{"title", "Bob plan"}, {"category", "report"}}, "b.pdf",
                               "application/pdf", crm_test::PagedPdf(2, "bob"));
  int64_t link = 0;
  std::string csrf;
  auto b = Session(MintUrl(anne_, {{"rights", json::array{"view"}}}, &link), &csrf);
  const std::string view = SharedLink(id) + "/view/" + file;

  HttpResponse space = b->Get(std::string(kP) + "/space");
  EXPECT_NE(space.body.find("href=\"" + view + "\""), std::string::npos);
  HttpResponse page = b->Get(view);
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 500);
  EXPECT_EQ(page.Header("Content-Type").value_or("").rfind("text/html", 0), 0u);
  EXPECT_EQ(Occurrences(page.body, "class=\"cd-view-page\""), 2u) << page.body;
  EXPECT_NE(page.body.find("src=\"" + view + "/pages/1\""), std::string::npos);
  EXPECT_NE(page.body.find("src=\"" + view + "/pages/2\""), std::string::npos);
  EXPECT_NE(page.body.find("capture d’écran"), std::string::npos) << "the honest line, in French";
  EXPECT_EQ(page.body.find("data-cd-download"), std::string::npos);
  EXPECT_EQ(page.body.find("/files/"), std::string::npos) << "a download link without download";
  for (const char* n : {"1", "2"}) {
    HttpResponse png = b->Get(view + "/pages/" + n);
    EXPECT_EQ(png.status, 200) << n << png.body.substr(0, 200);
    EXPECT_EQ(png.Header("Content-Type").value_or(""), "image/png");
    EXPECT_EQ(png.Header("Cache-Control").value_or(""), "no-store");
    EXPECT_TRUE(IsPng(png.body)) << n;
  }
  for (const char* n : {"3", "0", "31", "x"}) EXPECT_EQ(b->Get(view + "/pages/" + n).status, 404);
  EXPECT_EQ(b->Get(SharedLink(id) + "/files/" + file).status, 403);
  // Another client's document, or this document with another's file: 404.
  const std::string bob_file = std::to_string(FirstFile(bobs));
  const std::string bob_view = SharedLink(bobs.at("id").as_int64()) + "/view/" + bob_file;
  EXPECT_EQ(b->Get(bob_view).status, 404);
  EXPECT_EQ(b->Get(bob_view + "/pages/1").status, 404);
  EXPECT_EQ(b->Get(SharedLink(id) + "/view/" + bob_file + "/pages/1").status, 404);
  // One journal entry for the view, none per picture.
  EXPECT_EQ(LinkJournal("viewed", link, id), 1);
  EXPECT_EQ(JournalCount("viewed"), 1);
  EXPECT_TRUE(RenderLeftovers(site_.data()).empty());

  // A link without "view" (nor "download"): 403 on the page and its pictures.
  auto blind = Session(MintUrl(anne_, {{"rights", json::array{"comment"}}}), &csrf);
  EXPECT_EQ(blind->Get(view).status, 403);
  EXPECT_EQ(blind->Get(view + "/pages/1").status, 403);
  // "download" shows the page too, with its download link.
  auto full = Session(MintUrl(anne_, {{"rights", json::array{"download"}}}), &csrf);
  HttpResponse with = full->Get(view);
  EXPECT_EQ(with.status, 200);
  EXPECT_NE(with.body.find("href=\"" + SharedLink(id) + "/files/" + file + "\""),
            std::string::npos);
  EXPECT_EQ(with.body.find("data-cd-view-only"), std::string::npos);
  // Revoked: 410 on the next request.
  ASSERT_EQ(api_->Delete(LinksPath(anne_) + "/" + std::to_string(link), Bearer(full_)).status, 204);
  EXPECT_EQ(b->Get(view).status, 410);
  EXPECT_EQ(b->Get(view + "/pages/1").status, 410);
  EXPECT_EQ(LinkJournal("viewed", link, id), 1);
}

TEST_F(LinksSharedE2e, ViewOnlyOfABrokenPdfSaysSoAndAnImageIsShown) {
  json::value broken = ShareFile(anne_, {{"title", "Broken"}, {"category", "report"}}, "bad.pdf",
                                 "application/pdf", Pdf("no pages, no xref"));
  const std::string bad_view =
      SharedLink(broken.at("id").as_int64()) + "/view/" + std::to_string(FirstFile(broken));
  json::value photo = ShareFile(anne_, {{"title", "Photo"}, {"category", "report"}}, "photo.png",
                                "image/png", crm_test::kPng);
  const std::string photo_view =
      SharedLink(photo.at("id").as_int64()) + "/view/" + std::to_string(FirstFile(photo));
  std::string csrf;
  auto b = Session(MintUrl(anne_, {{"rights", json::array{"view"}}}), &csrf);

  HttpResponse page = b->Get(bad_view);
  EXPECT_EQ(page.status, 422) << page.body.substr(0, 300);
  EXPECT_NE(page.body.find("data-cd-not-shown"), std::string::npos);
  EXPECT_NE(page.body.find("illisible"), std::string::npos) << "not in the contact's language";
  EXPECT_EQ(page.body.find("cd-view-page"), std::string::npos);
  HttpResponse picture = b->Get(bad_view + "/pages/1");
  EXPECT_EQ(picture.status, 422) << picture.body.substr(0, 300);
  EXPECT_EQ(picture.Header("Content-Type").value_or("").find("image/"), std::string::npos);
  EXPECT_EQ(JournalCount("viewed"), 0) << "nothing was shown";
  EXPECT_TRUE(RenderLeftovers(site_.data()).empty());

  HttpResponse shown = b->Get(photo_view);
  EXPECT_EQ(shown.status, 200);
  EXPECT_EQ(Occurrences(shown.body, "class=\"cd-view-page\""), 1u);
  EXPECT_NE(shown.body.find("<img class=\"cd-view-page\" src=\"" + photo_view + "/pages/1\""),
            std::string::npos);
  HttpResponse image = b->Get(photo_view + "/pages/1");
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.Header("Content-Type").value_or("").rfind("image/png", 0), 0u);
  EXPECT_EQ(image.Header("Cache-Control").value_or(""), "no-store");
  EXPECT_EQ(crm_test::Sha256Hex(image.body), photo.at("files").at(0).at("sha256").as_string());
  EXPECT_TRUE(IsPng(image.body));
  EXPECT_EQ(b->Get(photo_view + "/pages/2").status, 404);
  EXPECT_EQ(JournalCount("viewed"), 1);
}

TEST_F(LinksSharedE2e, TheStaffTabMintsAProjectLinkWithDecide) {
  const int64_t project = CreateProject(anne_, "Roof");
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  HttpResponse page = admin->Get("/admin/clients/" + std::to_string(anne_) + "/tabs/links");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("value=\"project\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"project_id\""), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("action=\"([^\"]*/links)\"")));
  HttpResponse made = admin->Post(std::regex_replace(m[1].str(), std::regex("&amp;"), "&"),
                                  {{"Content-Type", "application/x-www-form-urlencoded"}},
                                  "_csrf=" + UrlEncode(csrf) +
                                      "&scope=project&project_id=" + std::to_string(project) +
                                      "&right_view=1&right_decide=1&expires_in_days=7");
  ASSERT_EQ(made.status, 201) << made.body.substr(0, 500);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_links WHERE client_id = ? AND scope = 'project' AND"
                  " project_id = ? AND rights = 'view,decide'",
                  {anne_, project}),
            1);
}

}  // namespace
