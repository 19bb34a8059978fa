// tests/e2e_review/review_e2e_test.cc — issue 11 over HTTP against the real sample-host: the
// journal (entries of every writer and reader, filters, pages, CSV, verify finding an edited
// row, erasure keeping the chain) and review and expiry (states, 409/422, column, filters, the
// client area in French, the admin tab and the review queue).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
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

namespace json = boost::json;
using crm_test::Bearer;
using crm_test::CsrfFrom;
using crm_test::Day;
using crm_test::Headers;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::IsoIn;
using crm_test::Json;
using crm_test::MultipartBuilder;
using crm_test::Pdf;
using crm_test::UrlEncode;

constexpr char kAdminEmail[] = "boss@review-e2e.test";
constexpr char kAdminPassword[] = "review-e2e-password-42";
constexpr char kClientPassword[] = "client-password-4242";
constexpr char kApi[] = "/api/v1/plugins/client-documents";

class ReviewE2e : public crm_test::E2eSiteTest {
 protected:
  ReviewE2e()
      : E2eSiteTest({CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "cd-review-e2e", kAdminEmail,
                     kAdminPassword}) {}

  void BeforeStart() override { write_only_ = Token("--scope documents:write"); }

  int64_t CreateClient(const std::string& first, const std::string& email,
                       const std::string& language = "en") {
    return crm_test::CreateE2eClient(*api_, full_, first, email, language);
  }
  int64_t CreateType(const json::object& body) {
    return crm_test::CreateDocumentType(*api_, full_, body);
  }
  std::string DocPath(int64_t client, int64_t type) { return crm_test::DocumentPath(client, type); }
  HttpResponse Upload(int64_t client, int64_t type, const std::string& marker,
                      const std::map<std::string, std::string>& fields = {}) {
    return crm_test::UploadPdf(*api_, full_, client, type, marker, fields);
  }
  HttpResponse Review(int64_t client, int64_t type, const std::string& body,
                      const std::string& token = "") {
    return api_->Post(DocPath(client, type) + "/review",
                      Bearer(token.empty() ? full_ : token, {{"Content-Type", "application/json"}}),
                      body);
  }
  json::value Journal(const std::string& query) {
    HttpResponse r = api_->Get(std::string(kApi) + "/journal" + query, Bearer(full_));
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return Json(r);
  }
  json::value Verify() {
    HttpResponse r = api_->Get(std::string(kApi) + "/journal/verify", Bearer(full_));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }
  std::vector<std::string> Actions(const json::value& page) {
    std::vector<std::string> out;
    if (!page.is_object()) return out;
    for (const auto& e : page.at("items").as_array()) out.emplace_back(e.at("action").as_string());
    return out;
  }
  // The list's column value per client, with `query` (filters).
  std::map<int64_t, std::string> Column(const std::string& query) {
    HttpResponse r = api_->Get("/api/v1/clients?per_page=50&" + query, Bearer(full_));
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::map<int64_t, std::string> out;
    if (r.status != 200) return out;
    const json::value list = Json(r);
    for (const auto& item : list.at("items").as_array()) {
      const json::value& v = item.at("columns").at("client-documents.status");
      out[item.at("id").as_int64()] = v.is_string() ? std::string(v.as_string()) : "?";
    }
    return out;
  }
  // Runs SQL on the host's database with the sqlite3 tool; returns its exit status.
  int Sql(const std::string& sql) {
    std::string cmd =
        "sqlite3 '" + (site_.data() / "host.db").string() + "' \"" + sql + "\" 2>/dev/null";
    return std::system(cmd.c_str());
  }

  std::unique_ptr<HttpClient> AdminSession(std::string* csrf) {
    return crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, csrf);
  }
  std::unique_ptr<HttpClient> ClientSession(int64_t client_id, const std::string& email,
                                            std::string* csrf) {
    return crm_test::ClientSession(host_->port(), kAdminEmail, kAdminPassword, client_id, email,
                                   kClientPassword, csrf);
  }

  std::string write_only_;
};

// ---- Journal (PT4, X5) ---------------------------------------------------------------------

TEST_F(ReviewE2e, JournalRecordsFiltersPagesExportsAndVerifies) {
  int64_t ann = CreateClient("Ann", "ann@review-e2e.test");
  int64_t bob = CreateClient("Bob", "bob@review-e2e.test");
  int64_t type = CreateType({{"name", "Contract"}, {"upload_mode", "required"}});
  ASSERT_EQ(Upload(ann, type, "a1").status, 201);
  ASSERT_EQ(Upload(ann, type, "a2").status, 200);
  ASSERT_EQ(Upload(bob, type, "b1").status, 201);
  EXPECT_EQ(api_->Get(DocPath(ann, type) + "/file", Bearer(full_)).status, 200);
  EXPECT_EQ(api_->Get(DocPath(ann, type) + "/file?inline=1", Bearer(full_)).status, 200);
  EXPECT_EQ(api_->Delete(DocPath(bob, type), Bearer(full_)).status, 204);

  json::value all = Journal("");
  EXPECT_EQ(all.at("total").as_int64(), 6);
  EXPECT_EQ(Actions(all), (std::vector<std::string>{"deleted", "viewed", "downloaded", "uploaded",
                                                    "replaced", "uploaded"}));
  const json::object& newest = all.at("items").as_array()[0].as_object();
  EXPECT_EQ(newest.at("seq").as_int64(), 6);
  EXPECT_EQ(newest.at("client_id").as_int64(), bob);
  EXPECT_EQ(newest.at("object").as_string(), "document:" + std::to_string(type));
  EXPECT_EQ(newest.at("actor").at("kind").as_string(), "token");
  EXPECT_EQ(newest.at("ip").as_string(), "127.0.0.1");
  EXPECT_EQ(newest.at("hash").as_string().size(), 64u);
  EXPECT_EQ(all.at("items").as_array()[1].at("hash"), newest.at("prev_hash"));

  EXPECT_EQ(Actions(Journal("?client_id=" + std::to_string(ann) + "&action=uploaded")),
            std::vector<std::string>{"uploaded"});
  json::value page2 = Journal("?per_page=2&page=2");
  EXPECT_EQ(page2.at("total").as_int64(), 6);
  EXPECT_EQ(page2.at("page").as_int64(), 2);
  EXPECT_EQ(Actions(page2), (std::vector<std::string>{"downloaded", "uploaded"}));
  EXPECT_EQ(Journal("?from=" + Day(1)).at("total").as_int64(), 0);
  EXPECT_EQ(Journal("?from=" + Day(0) + "&to=" + Day(0)).at("total").as_int64(), 6);
  EXPECT_EQ(api_->Get(std::string(kApi) + "/journal?from=yesterday", Bearer(full_)).status, 400);
  EXPECT_EQ(api_->Get(std::string(kApi) + "/journal?per_page=501", Bearer(full_)).status, 400);
  EXPECT_EQ(api_->Get(std::string(kApi) + "/journal", Bearer(write_only_)).status, 403);
  EXPECT_EQ(api_->Get(std::string(kApi) + "/journal/verify").status, 401);

  HttpResponse csv = api_->Get(std::string(kApi) + "/journal?format=csv", Bearer(full_));
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBFseq;at;actor_kind", 0), 0u) << csv.body.substr(0, 100);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 7);

  json::value ok = Verify();
  EXPECT_TRUE(ok.at("ok").as_bool());
  EXPECT_EQ(ok.at("entries").as_int64(), 6);
  EXPECT_TRUE(ok.at("first_bad_seq").is_null());
  EXPECT_EQ(ok.at("head"), newest.at("hash"));

  // The database refuses to change or remove an entry...
  EXPECT_NE(Sql("UPDATE cd_journal SET action = 'viewed' WHERE seq = 3"), 0);
  EXPECT_NE(Sql("DELETE FROM cd_journal WHERE seq = 3"), 0);
  EXPECT_TRUE(Verify().at("ok").as_bool());
  // ...and one who drops the trigger and flips one byte of entry 3 is found out.
  ASSERT_EQ(Sql("DROP TRIGGER cd_journal_no_update; UPDATE cd_journal SET detail = "
                "substr(detail, 1, 10) || 'X' || substr(detail, 12) WHERE seq = 3"),
            0);
  json::value bad = Verify();
  EXPECT_FALSE(bad.at("ok").as_bool());
  EXPECT_EQ(bad.at("first_bad_seq").as_int64(), 3);
  EXPECT_EQ(bad.at("entries").as_int64(), 6);
}

TEST_F(ReviewE2e, ClientDeletionErasesPersonalDataAndKeepsTheChain) {
  int64_t ann = CreateClient("Ann", "ann@review-e2e.test");
  int64_t type = CreateType({{"name", "Contract"}, {"upload_mode", "optional"}});
  std::string csrf;
  auto browser = ClientSession(ann, "ann@review-e2e.test", &csrf);
  MultipartBuilder mb;
  mb.AddField("_csrf", csrf);
  mb.AddFile("file", "scan.pdf", "application/pdf", Pdf("c"));
  HttpResponse up = browser->Post("/account/documents/" + std::to_string(type),
                                  {{"Content-Type", mb.ContentType()}}, mb.Build());
  ASSERT_LT(up.status, 400) << up.body.substr(0, 300);
  json::value before = Journal("?client_id=" + std::to_string(ann));
  ASSERT_EQ(before.at("total").as_int64(), 1);
  EXPECT_EQ(before.at("items").as_array()[0].at("actor").at("name").as_string(), "Ann E2e");
  EXPECT_EQ(before.at("items").as_array()[0].at("ip").as_string(), "127.0.0.1");

  ASSERT_EQ(api_->Delete("/api/v1/clients/" + std::to_string(ann), Bearer(full_)).status, 204);
  json::value after = Journal("?client_id=" + std::to_string(ann));
  EXPECT_EQ(Actions(after), (std::vector<std::string>{"erased", "uploaded"}));
  const json::value& upload = after.at("items").as_array()[1];
  EXPECT_EQ(upload.at("actor").at("name").as_string(), "");
  EXPECT_EQ(upload.at("ip").as_string(), "");
  EXPECT_EQ(upload.at("actor").at("kind").as_string(), "client");
  EXPECT_TRUE(Verify().at("ok").as_bool());
}

// ---- Review and expiry (PT5, X1) -----------------------------------------------------------

TEST_F(ReviewE2e, ReviewStatesColumnFiltersAndErrors) {
  int64_t ann = CreateClient("Ann", "ann@review-e2e.test");
  int64_t type = CreateType({{"name", "ID card"}, {"upload_mode", "required"}, {"review", true}});
  std::string f = "filter[doc." + std::to_string(type) + "]=";
  EXPECT_EQ(Review(ann, type, R"({"decision":"approve"})").status, 409);  // nothing uploaded
  json::value doc = Json(Upload(ann, type, "1"));
  EXPECT_EQ(doc.at("status").as_string(), "pending");
  EXPECT_EQ(doc.at("review").at("state").as_string(), "pending");
  EXPECT_EQ(Column("")[ann], "no");
  EXPECT_EQ(Column(f + "pending").count(ann), 1u);
  EXPECT_EQ(Column(f + "uploaded").count(ann), 1u);
  EXPECT_EQ(Column(f + "approved").count(ann), 0u);

  EXPECT_EQ(Review(ann, type, R"({"decision":"reject"})").status, 422);
  EXPECT_EQ(Review(ann, type, R"({"decision":"reject","reason":"   "})").status, 422);
  EXPECT_EQ(Review(ann, type, R"({"decision":"perhaps"})").status, 422);
  EXPECT_EQ(Review(999999, type, R"({"decision":"approve"})").status, 404);
  EXPECT_EQ(Review(ann, type, R"({"decision":"approve"})", Token("--scope documents:read")).status,
            403);
  EXPECT_EQ(Json(api_->Get(DocPath(ann, type), Bearer(full_))).at("status").as_string(), "pending");

  HttpResponse rejected = Review(ann, type, R"({"decision":"reject","reason":"Blurred photo"})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Json(rejected).at("status").as_string(), "rejected");
  EXPECT_EQ(Json(rejected).at("review").at("reason").as_string(), "Blurred photo");
  EXPECT_EQ(Review(ann, type, R"({"decision":"approve"})").status, 409);
  EXPECT_EQ(Column(f + "rejected").count(ann), 1u);
  EXPECT_EQ(Column("")[ann], "no");

  EXPECT_EQ(Json(Upload(ann, type, "2")).at("status").as_string(), "pending");
  HttpResponse approved = Review(ann, type, R"({"decision":"approve"})");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Json(approved).at("status").as_string(), "approved");
  EXPECT_EQ(Column("")[ann], "yes");
  EXPECT_EQ(Column(f + "approved").count(ann), 1u);
  EXPECT_EQ(api_->Get("/api/v1/clients?" + f + "maybe", Bearer(full_)).status, 400);
  EXPECT_EQ(Actions(Journal("?action=rejected")), std::vector<std::string>{"rejected"});
}

TEST_F(ReviewE2e, ExpiryDrivesStatusColumnAndFilters) {
  int64_t ann = CreateClient("Ann", "ann@review-e2e.test");
  json::object body{
      {"name", "Passport"},
      {"upload_mode", "required"},
      {"fields", json::array{json::object{
                     {"key", "valid_until"}, {"label", "Valid until"}, {"type", "date"}}}},
      {"expiry_field", "valid_until"},
      {"expiry_warn_days", 30}};
  int64_t type = CreateType(body);
  std::string f = "filter[doc." + std::to_string(type) + "]=";
  HttpResponse bad = api_->Patch(std::string(kApi) + "/types/" + std::to_string(type),
                                 JsonHeaders(), R"({"expiry_field":"nope"})");
  EXPECT_EQ(bad.status, 422);

  json::value far = Json(Upload(ann, type, "1", {{"valid_until", Day(100)}}));
  EXPECT_EQ(far.at("status").as_string(), "uploaded");
  EXPECT_EQ(far.at("expires_on").as_string(), Day(100));
  json::value soon = Json(Upload(ann, type, "2", {{"valid_until", Day(10)}}));
  EXPECT_EQ(soon.at("status").as_string(), "expiring");
  EXPECT_EQ(Column("")[ann], "yes");
  EXPECT_EQ(Column(f + "expiring").count(ann), 1u);
  json::value past = Json(Upload(ann, type, "3", {{"valid_until", Day(-1)}}));
  EXPECT_EQ(past.at("status").as_string(), "expired");
  EXPECT_EQ(Column("")[ann], "no");
  EXPECT_EQ(Column(f + "expired").count(ann), 1u);
  EXPECT_EQ(Column(f + "expiring").count(ann), 0u);
  // A shorter warning moves the stored dates of existing documents.
  json::value again = Json(Upload(ann, type, "4", {{"valid_until", Day(10)}}));
  EXPECT_EQ(again.at("status").as_string(), "expiring");
  ASSERT_EQ(api_->Patch(std::string(kApi) + "/types/" + std::to_string(type), JsonHeaders(),
                        R"({"expiry_warn_days":5})")
                .status,
            200);
  EXPECT_EQ(Json(api_->Get(DocPath(ann, type), Bearer(full_))).at("status").as_string(),
            "uploaded");
}

TEST_F(ReviewE2e, ClientSeesRejectionInFrenchStaffDecidesFromTabAndQueue) {
  int64_t ann = CreateClient("Anne", "anne@review-e2e.test", "fr");
  int64_t type = CreateType({{"name", "ID card"}, {"upload_mode", "required"}, {"review", true}});
  ASSERT_EQ(Upload(ann, type, "1").status, 201);
  std::string admin_csrf;
  auto admin = AdminSession(&admin_csrf);
  HttpResponse queue = admin->Get("/admin/plugins/client-documents/review");
  ASSERT_EQ(queue.status, 200);
  EXPECT_NE(queue.body.find("Anne E2e"), std::string::npos);
  const std::string tab_action = "/admin/plugins/client-documents/clients/" + std::to_string(ann) +
                                 "/documents/" + std::to_string(type) + "/review";
  HttpResponse tab = admin->Get("/admin/clients/" + std::to_string(ann) + "/tabs/documents");
  EXPECT_NE(tab.body.find("data-cd-reject"), std::string::npos);
  HttpResponse reject = admin->Post(
      tab_action, {{"Content-Type", "application/x-www-form-urlencoded"}},
      "_csrf=" + admin_csrf + "&decision=reject&reason=" + UrlEncode("Photo floue <b>"));
  EXPECT_EQ(reject.status, 303);

  std::string csrf;
  auto client = ClientSession(ann, "anne@review-e2e.test", &csrf);
  HttpResponse area = client->Get("/account/documents");
  EXPECT_NE(area.body.find("Refusé"), std::string::npos) << area.body.substr(0, 2000);
  EXPECT_NE(area.body.find("Photo floue &lt;b&gt;"), std::string::npos);
  EXPECT_EQ(area.body.find("Photo floue <b>"), std::string::npos);
  // The client cannot review (the admin route is not theirs).
  HttpResponse self = client->Post(
      tab_action, {{"Content-Type", "application/x-www-form-urlencoded"}}, "decision=approve");
  EXPECT_NE(self.status, 200);
  EXPECT_NE(self.status, 303);

  ASSERT_EQ(Upload(ann, type, "2").status, 200);
  HttpResponse approve =
      admin->Post(tab_action, {{"Content-Type", "application/x-www-form-urlencoded"}},
                  "_csrf=" + admin_csrf + "&decision=approve");
  EXPECT_EQ(approve.status, 303);
  EXPECT_EQ(Json(api_->Get(DocPath(ann, type), Bearer(full_))).at("status").as_string(),
            "approved");
  EXPECT_EQ(admin->Get("/admin/plugins/client-documents/review").body.find("Anne E2e"),
            std::string::npos);
  EXPECT_EQ(Column("")[ann], "yes");
}

}  // namespace

namespace {

// ---- run-jobs (SPEC §6 Jobs) ----------------------------------------------------------------

TEST_F(ReviewE2e, RunJobsRunsThePluginsJobsOnceAndExitsZero) {
  // A temp file a crashed upload left two hours ago: the module's scrub job removes it.
  const std::filesystem::path tmp = site_.data() / "plugins" / "client-documents" / "tmp";
  std::filesystem::create_directories(tmp);
  const std::filesystem::path stale = tmp / "stale.part";
  { std::ofstream(stale) << "half an upload"; }
  std::filesystem::last_write_time(
      stale, std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  const std::string data =
      "--data '" + site_.data().string() + "' --plugins '" + std::string(CD_E2E_PLUGIN_DIR) + "'";
  crm_test::CliResult bad =
      crm_test::RunCli(CD_E2E_SAMPLE_HOST, "run-jobs " + data + " --now yesterday", "");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.output.find("--now"), std::string::npos) << bad.output;
  EXPECT_TRUE(std::filesystem::exists(stale));
  crm_test::CliResult ran =
      crm_test::RunCli(CD_E2E_SAMPLE_HOST, "run-jobs " + data + " --now 2026-12-31T08:00:00Z", "");
  EXPECT_EQ(ran.code, 0) << ran.output;
  EXPECT_FALSE(std::filesystem::exists(stale)) << ran.output;
}

}  // namespace

namespace {

// ---- Comments (PT3) ------------------------------------------------------------------------

TEST_F(ReviewE2e, CommentsOnEveryRouteAndOneBatchedMail) {
  int64_t ann = CreateClient("Anne", "anne@review-e2e.test", "fr");
  int64_t type = CreateType({{"name", "ID card"}, {"upload_mode", "required"}});
  const std::string path = DocPath(ann, type) + "/comments";
  EXPECT_EQ(api_->Post(path, JsonHeaders(), R"({"body":""})").status, 422);
  EXPECT_EQ(api_->Post(path, JsonHeaders(),
                       json::serialize(json::object{{"body", std::string(5001, 'x')}}))
                .status,
            422);
  HttpResponse first = api_->Post(path, JsonHeaders(), R"({"body":"Please send the back side"})");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Json(first).at("author").at("kind").as_string(), "staff");
  ASSERT_EQ(api_->Post(path, JsonHeaders(), R"({"body":"<b>and</b> the front"})").status, 201);

  std::string csrf;
  auto client = ClientSession(ann, "anne@review-e2e.test", &csrf);
  HttpResponse page = client->Get("/account/documents");
  EXPECT_NE(page.body.find("&lt;b&gt;and&lt;/b&gt; the front"), std::string::npos);
  HttpResponse reply = client->Post("/account/documents/" + std::to_string(type) + "/comments",
                                    {{"Content-Type", "application/x-www-form-urlencoded"}},
                                    "_csrf=" + csrf + "&body=" + UrlEncode("Voilà"));
  EXPECT_EQ(reply.status, 303) << reply.body.substr(0, 300);
  json::value list = Json(api_->Get(path, Bearer(full_)));
  ASSERT_EQ(list.at("items").as_array().size(), 3u);
  EXPECT_EQ(list.at("items").as_array()[2].at("author").at("kind").as_string(), "client");
  EXPECT_EQ(list.at("items").as_array()[2].at("body").as_string(), "Voilà");

  const std::string data =
      "--data '" + site_.data().string() + "' --plugins '" + std::string(CD_E2E_PLUGIN_DIR) + "'";
  auto mails_to = [&](const std::string& address) {
    int n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(site_.data() / "outbox", ec)) {
      std::ifstream in(e.path());
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find("To: " + address) != std::string::npos) ++n;
    }
    return n;
  };
  // Within the quiet window: nothing yet; after it, one mail for both staff comments.
  EXPECT_EQ(
      crm_test::RunCli(CD_E2E_SAMPLE_HOST, "run-jobs " + data + " --now " + IsoIn(300), "").code,
      0);
  EXPECT_EQ(mails_to("anne@review-e2e.test"), 0);
  EXPECT_EQ(
      crm_test::RunCli(CD_E2E_SAMPLE_HOST, "run-jobs " + data + " --now " + IsoIn(700), "").code,
      0);
  EXPECT_EQ(mails_to("anne@review-e2e.test"), 1);
  EXPECT_EQ(
      crm_test::RunCli(CD_E2E_SAMPLE_HOST, "run-jobs " + data + " --now " + IsoIn(900), "").code,
      0);
  EXPECT_EQ(mails_to("anne@review-e2e.test"), 1);  // not twice
  EXPECT_EQ(Actions(Journal("?action=commented")).size(), 3u);
}

}  // namespace
