// tests/e2e_portal/portal_e2e_test.cc — issue 12 over HTTP against the real sample-host: projects,
// shared documents and their statuses with dates, payments, the client's decisions (API session,
// JSON and form), comments on both sides, supporting files, permissions, deletion leaving no row
// and no object, and the export ZIP (unzipped, manifest and file hashes checked).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
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

namespace fs = std::filesystem;
namespace json = boost::json;
using crm_test::Bearer;
using crm_test::Day;
using crm_test::Headers;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;
using crm_test::MultipartBuilder;
using crm_test::Pdf;
using crm_test::Sha256Hex;

constexpr char kAdminEmail[] = "boss@portal-e2e.test";
constexpr char kAdminPassword[] = "portal-e2e-password-42";
constexpr char kClientPassword[] = "client-password-4242";
constexpr char kApi[] = "/api/v1/plugins/client-documents";

class PortalE2e : public crm_test::E2eSiteTest {
 protected:
  PortalE2e()
      : E2eSiteTest({CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "cd-portal-e2e", kAdminEmail,
                     kAdminPassword}) {}

  void BeforeStart() override { read_ = Token("--scope documents:read --scope clients:read"); }

  int64_t CreateClient(const std::string& first, const std::string& email) {
    json::object body{
        {"first_name", first}, {"last_name", "E2e"}, {"email", email}, {"language", "fr"}};
    HttpResponse r = api_->Post("/api/v1/clients", JsonHeaders(), json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("id").as_int64() : 0;
  }
  std::string ClientPath(int64_t client) {
    return std::string(kApi) + "/clients/" + std::to_string(client);
  }
  std::string SharedPath(int64_t client, int64_t id) {
    return ClientPath(client) + "/shared/" + std::to_string(id);
  }
  int64_t CreateProject(int64_t client, const std::string& name) {
    HttpResponse r =
        api_->Post(ClientPath(client) + "/projects", JsonHeaders(),
                   json::serialize(json::object{{"name", name}, {"reference", "P-1"}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("id").as_int64() : 0;
  }
  HttpResponse Share(int64_t client, const std::map<std::string, std::string>& fields,
                     const std::string& bytes, const std::string& token = "") {
    MultipartBuilder mb;
    for (const auto& [k, v] : fields) mb.AddField(k, v);
    mb.AddFile("file", "devis.pdf", "application/pdf", bytes);
    return api_->Post(ClientPath(client) + "/shared",
                      Bearer(token.empty() ? full_ : token, {{"Content-Type", mb.ContentType()}}),
                      mb.Build());
  }
  json::value ShareOk(int64_t client, const std::map<std::string, std::string>& fields,
                      const std::string& marker = "x") {
    HttpResponse r = Share(client, fields, Pdf(marker));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r) : json::value();
  }
  json::value Get(const std::string& path) {
    HttpResponse r = api_->Get(path, Bearer(full_));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.status == 200 ? Json(r) : json::value();
  }
  HttpResponse Pay(int64_t client, int64_t id, const std::string& amount) {
    return api_->Post(SharedPath(client, id) + "/payments", JsonHeaders(),
                      json::serialize(json::object{{"amount", amount}}));
  }
  std::vector<std::string> Actions(int64_t client) {
    json::value page =
        Get(std::string(kApi) + "/journal?per_page=500&client_id=" + std::to_string(client));
    std::vector<std::string> out;
    if (!page.is_object()) return out;
    for (const auto& e : page.at("items").as_array()) out.emplace_back(e.at("action").as_string());
    return out;
  }
  std::unique_ptr<HttpClient> ClientSession(int64_t client_id, const std::string& email,
                                            std::string* csrf) {
    return crm_test::ClientSession(host_->port(), kAdminEmail, kAdminPassword, client_id, email,
                                   kClientPassword, csrf);
  }
  HttpResponse Decide(HttpClient& b, const std::string& csrf, int64_t id,
                      const std::string& decision, const std::string& reason = "") {
    return b.Post("/account/shared/" + std::to_string(id) + "/decision",
                  {{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}},
                  json::serialize(json::object{{"decision", decision}, {"reason", reason}}));
  }

  std::string read_;
};

TEST_F(PortalE2e, ProjectsSharingAndStatuses) {
  int64_t ann = CreateClient("Ann", "ann@portal-e2e.test");
  int64_t bob = CreateClient("Bob", "bob@portal-e2e.test");
  int64_t project = CreateProject(ann, "Kitchen");
  int64_t bobs = CreateProject(bob, "Garage");
  json::value projects = Get(ClientPath(ann) + "/projects");
  ASSERT_EQ(projects.at("items").as_array().size(), 1u);
  EXPECT_EQ(projects.at("items").as_array()[0].at("status").as_string(), "open");
  const std::string ppath = ClientPath(ann) + "/projects/" + std::to_string(project);
  HttpResponse closed = api_->Patch(ppath, JsonHeaders(), R"({"status":"closed"})");
  EXPECT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Json(closed).at("status").as_string(), "closed");
  EXPECT_EQ(Json(closed).at("name").as_string(), "Kitchen");
  EXPECT_EQ(api_->Patch(ppath, JsonHeaders(), R"({"status":"gone"})").status, 422);
  EXPECT_EQ(api_->Patch(ClientPath(bob) + "/projects/" + std::to_string(project), JsonHeaders(),
                        R"({"name":"x"})")
                .status,
            404);

  const std::string p = std::to_string(project);
  json::value expired = ShareOk(ann, {{"title", "Old quote"},
                                      {"category", "quote"},
                                      {"project_id", p},
                                      {"due_on", Day(-1)},
                                      {"decision", "required"}});
  EXPECT_EQ(expired.at("status").as_string(), "expired");
  json::value quote = ShareOk(ann, {{"title", "Quote"},
                                    {"category", "quote"},
                                    {"project_id", p},
                                    {"due_on", Day(10)},
                                    {"decision", "required"}});
  EXPECT_EQ(quote.at("status").as_string(), "to_validate");
  EXPECT_TRUE(quote.at("decision").is_null());
  EXPECT_EQ(quote.at("project_id").as_int64(), project);
  json::value overdue = ShareOk(ann, {{"title", "Invoice"},
                                      {"category", "invoice"},
                                      {"due_on", Day(-3)},
                                      {"amount_due", "100.5"}});
  EXPECT_EQ(overdue.at("status").as_string(), "overdue");
  EXPECT_EQ(overdue.at("amount_due").as_string(), "100.50");
  EXPECT_EQ(overdue.at("amount_still_due").as_string(), "100.50");
  EXPECT_TRUE(overdue.at("project_id").is_null());
  EXPECT_EQ(ShareOk(ann, {{"title", "Order"}, {"category", "order"}, {"decision", "required"}})
                .at("status")
                .as_string(),
            "to_sign");
  json::value report = ShareOk(ann, {{"title", "Report"}, {"category", "report"}}, "report");
  EXPECT_EQ(report.at("status").as_string(), "available");
  const json::object& file = report.at("files").as_array()[0].as_object();
  EXPECT_EQ(file.at("sha256").as_string(), Sha256Hex(Pdf("report")));
  EXPECT_EQ(file.at("mime").as_string(), "application/pdf");
  HttpResponse dl = api_->Get(std::string(file.at("url").as_string()), Bearer(full_));
  EXPECT_EQ(dl.status, 200);
  EXPECT_EQ(dl.body, Pdf("report"));

  // Refusals store nothing.
  const long long before = SqlCount("SELECT COUNT(*) FROM cd_shared");
  EXPECT_EQ(before, 5);
  EXPECT_EQ(
      Share(ann, {{"title", "X"}, {"category", "quote"}, {"project_id", std::to_string(bobs)}},
            Pdf("y"))
          .status,
      404);
  EXPECT_EQ(Share(ann, {{"title", "X"}, {"category", "letter"}}, Pdf("y")).status, 422);
  EXPECT_EQ(Share(ann, {{"title", "X"}, {"category", "invoice"}}, Pdf("y")).status, 422);
  EXPECT_EQ(Share(ann, {{"title", "X"}, {"category", "report"}, {"due_on", "2026-02-30"}}, Pdf("y"))
                .status,
            422);
  EXPECT_EQ(Share(ann, {{"title", "X"}, {"category", "report"}}, "<html><script>x</script></html>")
                .status,
            415);
  EXPECT_EQ(Share(ann, {{"title", "X"}, {"category", "report"}}, Pdf("y"), read_).status, 403);
  EXPECT_EQ(SqlCount("SELECT COUNT(*) FROM cd_shared"), before);
  EXPECT_EQ(SqlCount("SELECT COUNT(*) FROM cd_shared_files"), before);

  EXPECT_EQ(Get(ClientPath(ann) + "/shared").at("items").as_array().size(), 5u);
  EXPECT_EQ(Get(ClientPath(ann) + "/shared?project_id=" + p).at("items").as_array().size(), 2u);
  EXPECT_EQ(api_->Get(ClientPath(ann) + "/shared", Bearer(read_)).status, 200);
  EXPECT_EQ(api_->Get(SharedPath(bob, quote.at("id").as_int64()), Bearer(full_)).status, 404);
  std::vector<std::string> actions = Actions(ann);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "shared"), 5);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "downloaded"), 1);
}

TEST_F(PortalE2e, PaymentsAndDecisions) {
  int64_t ann = CreateClient("Ann", "ann@portal-e2e.test");
  int64_t bob = CreateClient("Bob", "bob@portal-e2e.test");
  ASSERT_EQ(api_->Put(std::string(kApi) + "/settings", JsonHeaders(),
                      R"({"notify_email":"office@portal-e2e.test","firm_name":"Atelier Dupont"})")
                .status,
            200);
  int64_t invoice = ShareOk(ann, {{"title", "Invoice"},
                                  {"category", "invoice"},
                                  {"due_on", Day(30)},
                                  {"amount_due", "100.00"}})
                        .at("id")
                        .as_int64();
  int64_t report = ShareOk(ann, {{"title", "Report"}, {"category", "report"}}).at("id").as_int64();

  HttpResponse part = Pay(ann, invoice, "30.00");
  ASSERT_EQ(part.status, 201) << part.body;
  EXPECT_EQ(Json(part).at("status").as_string(), "unpaid");
  EXPECT_EQ(Json(part).at("amount_still_due").as_string(), "70.00");
  for (const char* bad : {"80.00", "-5", "0", "1,50", "abc"})
    EXPECT_EQ(Pay(ann, invoice, bad).status, 422) << bad;
  EXPECT_EQ(Pay(ann, report, "1.00").status, 409);
  EXPECT_EQ(SqlCount("SELECT COUNT(*) FROM cd_shared_payments"), 1);
  HttpResponse full = Pay(ann, invoice, "70");
  ASSERT_EQ(full.status, 201) << full.body;
  EXPECT_EQ(Json(full).at("status").as_string(), "paid");
  EXPECT_EQ(Json(full).at("payments").as_array().size(), 2u);
  EXPECT_EQ(Pay(ann, invoice, "0.01").status, 422);

  int64_t quote = ShareOk(ann, {{"title", "Quote A"},
                                {"category", "quote"},
                                {"due_on", Day(5)},
                                {"decision", "required"}})
                      .at("id")
                      .as_int64();
  int64_t old = ShareOk(ann, {{"title", "Quote B"},
                              {"category", "quote"},
                              {"due_on", Day(-1)},
                              {"decision", "required"}})
                    .at("id")
                    .as_int64();
  int64_t order =
      ShareOk(ann, {{"title", "Order"}, {"category", "order"}, {"decision", "required"}})
          .at("id")
          .as_int64();
  int64_t bobs = ShareOk(bob, {{"title", "Bob's"}, {"category", "quote"}, {"decision", "required"}})
                     .at("id")
                     .as_int64();
  std::string csrf;
  auto b = ClientSession(ann, "ann@portal-e2e.test", &csrf);
  ASSERT_FALSE(csrf.empty());
  EXPECT_EQ(Decide(*b, csrf, order, "refuse").status, 422);
  EXPECT_EQ(Decide(*b, csrf, quote, "maybe").status, 422);
  EXPECT_EQ(Decide(*b, csrf, bobs, "approve").status, 404);
  EXPECT_EQ(Decide(*b, csrf, report, "approve").status, 409);
  EXPECT_EQ(Decide(*b, "0000", quote, "approve").status, 403);
  EXPECT_EQ(Decide(*b, csrf, old, "approve").status, 409);
  EXPECT_EQ(SqlCount("SELECT COUNT(*) FROM cd_shared WHERE decision_value IS NOT NULL"), 0);
  HttpResponse ok = Decide(*b, csrf, quote, "approve");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json(ok).at("status").as_string(), "validated");
  EXPECT_EQ(Json(ok).at("decision").at("value").as_string(), "approved");
  EXPECT_EQ(Json(ok).at("decision").at("by").as_string(), "Ann E2e");
  EXPECT_EQ(Decide(*b, csrf, quote, "refuse", "changed my mind").status, 409);
  // The page's form: a redirect back to the page.
  HttpResponse form = b->Post("/account/shared/" + std::to_string(order) + "/decision",
                              {{"Content-Type", "application/x-www-form-urlencoded"}},
                              "decision=refuse&reason=Too+expensive&_csrf=" + csrf);
  EXPECT_EQ(form.status, 303);
  json::value refused = Get(SharedPath(ann, order));
  EXPECT_EQ(refused.at("status").as_string(), "refused");
  EXPECT_EQ(refused.at("decision").at("reason").as_string(), "Too expensive");
  EXPECT_EQ(Get(SharedPath(bob, bobs)).at("status").as_string(), "to_validate");

  std::vector<std::string> actions = Actions(ann);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "paid"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "decided"), 2);
  // Staff were mailed each decision.
  int mails = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(site_.data() / "outbox", ec)) {
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("office@portal-e2e.test") != std::string::npos &&
        text.find("Atelier Dupont") != std::string::npos)
      ++mails;
  }
  EXPECT_EQ(mails, 2);
  // The client's page shows the documents with their statuses, in French.
  HttpResponse page = b->Get("/account/shared");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Validé"), std::string::npos);
  EXPECT_NE(page.body.find("Atelier Dupont"), std::string::npos);
  EXPECT_NE(page.body.find("Partagé avec moi"), std::string::npos);  // the menu entry
  EXPECT_EQ(page.body.find("Bob&#39;s"), std::string::npos);
}

TEST_F(PortalE2e, CommentsSupportingFilesAndScopes) {
  int64_t ann = CreateClient("Ann", "ann@portal-e2e.test");
  int64_t bob = CreateClient("Bob", "bob@portal-e2e.test");
  int64_t id = ShareOk(ann, {{"title", "Invoice"}, {"category", "invoice"}, {"amount_due", "10"}})
                   .at("id")
                   .as_int64();
  int64_t bobs = ShareOk(bob, {{"title", "Other"}, {"category", "report"}}).at("id").as_int64();
  HttpResponse staff = api_->Post(SharedPath(ann, id) + "/comments", JsonHeaders(),
                                  R"({"body":"Please pay by Friday"})");
  ASSERT_EQ(staff.status, 201) << staff.body;
  EXPECT_EQ(Json(staff).at("author").at("kind").as_string(), "staff");
  EXPECT_EQ(
      api_->Post(SharedPath(ann, id) + "/comments", JsonHeaders(read_), R"({"body":"x"})").status,
      403);
  EXPECT_EQ(api_->Post(SharedPath(ann, id) + "/comments", JsonHeaders(), R"({"body":"  "})").status,
            422);

  std::string csrf;
  auto b = ClientSession(ann, "ann@portal-e2e.test", &csrf);
  const Headers json_csrf{{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}};
  HttpResponse mine = b->Post("/account/shared/" + std::to_string(id) + "/comments", json_csrf,
                              R"({"body":"Paid yesterday"})");
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_EQ(Json(mine).at("author").at("kind").as_string(), "client");
  EXPECT_EQ(b->Post("/account/shared/" + std::to_string(bobs) + "/comments", json_csrf,
                    R"({"body":"hi"})")
                .status,
            404);
  json::value list = Get(SharedPath(ann, id) + "/comments");
  ASSERT_EQ(list.at("items").as_array().size(), 2u);
  EXPECT_EQ(list.at("items").as_array()[1].at("body").as_string(), "Paid yesterday");

  // A supporting file from the client area, through the same pipeline.
  MultipartBuilder mb;
  mb.AddFile("file", "preuve.png", "image/png", crm_test::kPng);
  HttpResponse up = b->Post(
      "/account/shared/" + std::to_string(id) + "/files",
      {{"Content-Type", mb.ContentType()}, {"Accept", "application/json"}, {"X-CSRF-Token", csrf}},
      mb.Build());
  ASSERT_EQ(up.status, 201) << up.body;
  const json::value added = Json(up);
  const json::array& files = added.at("files").as_array();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].at("added_by").at("kind").as_string(), "client");
  EXPECT_EQ(files[1].at("sha256").as_string(), Sha256Hex(crm_test::kPng));
  MultipartBuilder bad;
  bad.AddFile("file", "x.pdf", "application/pdf", "MZ\x90\x00 not a pdf at all");
  EXPECT_EQ(b->Post("/account/shared/" + std::to_string(id) + "/files",
                    {{"Content-Type", bad.ContentType()},
                     {"Accept", "application/json"},
                     {"X-CSRF-Token", csrf}},
                    bad.Build())
                .status,
            415);
  EXPECT_EQ(b->Post("/account/shared/" + std::to_string(bobs) + "/files",
                    {{"Content-Type", mb.ContentType()},
                     {"Accept", "application/json"},
                     {"X-CSRF-Token", csrf}},
                    mb.Build())
                .status,
            404);
  EXPECT_EQ(SqlCount("SELECT COUNT(*) FROM cd_shared_files"), 3);
  // The client downloads its own files, never another client's.
  std::string own = "/account/shared/" + std::to_string(id) + "/files/" +
                    std::to_string(files[0].at("id").as_int64());
  EXPECT_EQ(b->Get(own).status, 200);
  json::value other = Get(SharedPath(bob, bobs));
  EXPECT_EQ(b->Get("/account/shared/" + std::to_string(bobs) + "/files/" +
                   std::to_string(other.at("files").as_array()[0].at("id").as_int64()))
                .status,
            404);
  // Clients never pay, share or delete through staff routes, and read-only tokens neither.
  EXPECT_EQ(
      api_->Post(SharedPath(ann, id) + "/payments", JsonHeaders(read_), R"({"amount":"1"})").status,
      403);
  EXPECT_EQ(api_->Delete(SharedPath(ann, id), Bearer(read_)).status, 403);
  EXPECT_EQ(api_->Post(ClientPath(ann) + "/projects", JsonHeaders(read_), R"({"name":"x"})").status,
            403);
  EXPECT_EQ(api_->Get(ClientPath(ann) + "/shared").status, 401);
  std::vector<std::string> actions = Actions(ann);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "commented"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "uploaded"), 1);

  // Staff delete a shared document: its rows and objects go.
  EXPECT_EQ(api_->Delete(SharedPath(ann, id), Bearer(full_)).status, 204);
  EXPECT_EQ(api_->Get(SharedPath(ann, id), Bearer(full_)).status, 404);
  EXPECT_EQ(
      SqlCount("SELECT COUNT(*) FROM cd_shared_files WHERE client_id = " + std::to_string(ann)), 0);
  EXPECT_EQ(SqlCount("SELECT COUNT(*) FROM cd_comments WHERE client_id = " + std::to_string(ann)),
            0);
  EXPECT_TRUE(crm_test::ClientObjects(site_, ann).empty());
}

TEST_F(PortalE2e, TheClientViewsASharedPdfInAPageAndMayDownloadIt) {
  int64_t ann = CreateClient("Ann", "ann@portal-e2e.test");
  int64_t bob = CreateClient("Bob", "bob@portal-e2e.test");
  HttpResponse shared =
      Share(ann, {{"title", "Plan"}, {"category", "report"}}, crm_test::PagedPdf(3, "plan"));
  ASSERT_EQ(shared.status, 201) << shared.body;
  const json::value doc = Json(shared);
  const std::string base = "/account/shared/" + std::to_string(doc.at("id").as_int64());
  const std::string file = std::to_string(doc.at("files").at(0).at("id").as_int64());
  const json::value bobs = ShareOk(bob, {{"title", "Other"}, {"category", "report"}});
  std::string csrf;
  auto b = ClientSession(ann, "ann@portal-e2e.test", &csrf);

  HttpResponse list = b->Get("/account/shared");
  EXPECT_NE(list.body.find("href=\"" + base + "/view/" + file + "\""), std::string::npos);
  HttpResponse page = b->Get(base + "/view/" + file);
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 500);
  size_t pictures = 0;
  for (size_t at = page.body.find("class=\"cd-view-page\""); at != std::string::npos;
       at = page.body.find("class=\"cd-view-page\"", at + 1))
    ++pictures;
  EXPECT_EQ(pictures, 3u);
  EXPECT_NE(page.body.find("href=\"" + base + "/files/" + file + "\""), std::string::npos)
      << "the client may download";
  EXPECT_EQ(page.body.find("data-cd-view-only"), std::string::npos);
  HttpResponse png = b->Get(base + "/view/" + file + "/pages/3");
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.Header("Content-Type").value_or(""), "image/png");
  EXPECT_EQ(png.body.rfind("\x89PNG\r\n\x1a\n", 0), 0u);
  EXPECT_EQ(b->Get(base + "/view/" + file + "/pages/4").status, 404);
  const std::string bob_base = "/account/shared/" + std::to_string(bobs.at("id").as_int64());
  const std::string bob_file = std::to_string(bobs.at("files").at(0).at("id").as_int64());
  EXPECT_EQ(b->Get(bob_base + "/view/" + bob_file).status, 404);
  EXPECT_EQ(b->Get(bob_base + "/view/" + bob_file + "/pages/1").status, 404);
  // A long PDF: 30 pictures at most, and how many pages are not shown.
  HttpResponse book =
      Share(ann, {{"title", "Book"}, {"category", "report"}}, crm_test::PagedPdf(31, "book"));
  ASSERT_EQ(book.status, 201) << book.body;
  const std::string book_view = "/account/shared/" +
                                std::to_string(Json(book).at("id").as_int64()) + "/view/" +
                                std::to_string(Json(book).at("files").at(0).at("id").as_int64());
  HttpResponse long_page = b->Get(book_view);
  EXPECT_EQ(long_page.status, 200);
  EXPECT_NE(long_page.body.find("data-cd-page=\"30\""), std::string::npos);
  EXPECT_EQ(long_page.body.find("data-cd-page=\"31\""), std::string::npos);
  EXPECT_NE(long_page.body.find("data-cd-more-pages"), std::string::npos);
  EXPECT_NE(long_page.body.find("non affichées ici : 1."), std::string::npos)
      << "in the client's language";
  EXPECT_EQ(b->Get(book_view + "/pages/31").status, 404);
  std::vector<std::string> actions = Actions(ann);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "viewed"), 2);
}

TEST_F(PortalE2e, ExportZipAndDeletionLeaveNothing) {
  int64_t ann = CreateClient("Ann", "ann@portal-e2e.test");
  int64_t project = CreateProject(ann, "Roof");
  json::value quote = ShareOk(ann,
                              {{"title", "Quote"},
                               {"category", "quote"},
                               {"project_id", std::to_string(project)},
                               {"decision", "required"}},
                              "quote-bytes");
  int64_t invoice =
      ShareOk(ann, {{"title", "Invoice"}, {"category", "invoice"}, {"amount_due", "50.00"}},
              "invoice-bytes")
          .at("id")
          .as_int64();
  ASSERT_EQ(Pay(ann, invoice, "20.00").status, 201);
  ASSERT_EQ(
      api_->Post(SharedPath(ann, invoice) + "/comments", JsonHeaders(), R"({"body":"Hi"})").status,
      201);
  EXPECT_EQ(api_->Get(ClientPath(ann) + "/export").status, 401);
  // A signed link: the export lists it, never its token.
  HttpResponse link = api_->Post(ClientPath(ann) + "/links", JsonHeaders(),
                                 R"({"scope":"space","rights":["view"],"contact":{"name":"Bob",)"
                                 R"("email":"bob@portal-e2e.test"}})");
  ASSERT_EQ(link.status, 201) << link.body;
  const std::string url(crm_test::Json(link).at("url").as_string());
  const std::string token = url.substr(url.rfind('/') + 1);

  HttpResponse zip = api_->Get(ClientPath(ann) + "/export", Bearer(read_));
  ASSERT_EQ(zip.status, 200) << zip.body.substr(0, 300);
  EXPECT_EQ(zip.Header("Content-Type").value_or(""), "application/zip");
  fs::path dir = crm_test::FreshDir("cd-portal-export");
  fs::create_directories(dir);
  { std::ofstream(dir / "x.zip", std::ios::binary) << zip.body; }
  ASSERT_EQ(std::system(("cd '" + dir.string() + "' && unzip -q x.zip -d out").c_str()), 0);
  std::ifstream in(dir / "out" / "manifest.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json::value m = json::parse(text);
  EXPECT_EQ(m.at("client_id").as_int64(), ann);
  ASSERT_EQ(m.at("links").as_array().size(), 1u);
  EXPECT_EQ(m.at("links").as_array()[0].at("contact").at("name").as_string(), "Bob");
  EXPECT_EQ(text.find(token), std::string::npos) << "the export holds a link's token";
  EXPECT_EQ(zip.body.find(token), std::string::npos);
  EXPECT_TRUE(m.at("documents").is_array());
  EXPECT_EQ(m.at("projects").as_array().size(), 1u);
  EXPECT_EQ(m.at("comments").as_array().size(), 1u);
  const json::array& shared = m.at("shared_documents").as_array();
  ASSERT_EQ(shared.size(), 2u);
  EXPECT_EQ(shared[1].at("payments").as_array().size(), 1u);
  for (const auto& d : shared) {
    for (const auto& f : d.at("files").as_array()) {
      std::ifstream fin(dir / "out" / std::string(f.at("path").as_string()), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(fin)), std::istreambuf_iterator<char>());
      EXPECT_EQ(Sha256Hex(bytes), f.at("sha256").as_string()) << f.at("path");
    }
  }
  EXPECT_EQ(shared[0].at("files").as_array()[0].at("sha256").as_string(),
            Sha256Hex(Pdf("quote-bytes")));
  bool exported = false;
  for (const auto& e : m.at("journal").as_array())
    exported = exported || e.at("action").as_string() == "exported";
  EXPECT_TRUE(exported);
  fs::remove_all(dir);
  EXPECT_FALSE(crm_test::ClientObjects(site_, ann).empty());

  // CD9: deleting the client leaves no portal row and no object.
  ASSERT_EQ(api_->Delete("/api/v1/clients/" + std::to_string(ann), Bearer(full_)).status, 204);
  const std::string where = " WHERE client_id = " + std::to_string(ann);
  for (const char* table : {"cd_projects", "cd_shared", "cd_shared_files", "cd_shared_payments",
                            "cd_comments", "cd_comment_notices"})
    EXPECT_EQ(SqlCount(std::string("SELECT COUNT(*) FROM ") + table + where), 0) << table;
  EXPECT_TRUE(crm_test::ClientObjects(site_, ann).empty());
  EXPECT_EQ(api_->Get(ClientPath(ann) + "/shared", Bearer(full_)).status, 404);
  (void)quote;
}

// The Portal tab: an admin with documents.write shares and records payments from it; one with
// documents.read only sees the tab without its forms and is refused by their routes.
TEST_F(PortalE2e, PortalTabFollowsPermissions) {
  int64_t ann = CreateClient("Ann", "ann@portal-e2e.test");
  std::string csrf;
  auto boss = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  const std::string tab = "/admin/clients/" + std::to_string(ann) + "/tabs/portal";
  const std::string base =
      "/admin/plugins/client-documents/clients/" + std::to_string(ann) + "/portal";
  const Headers form{{"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(boss->Post(base + "/projects", form, "name=Attic&_csrf=" + csrf).status, 303);
  MultipartBuilder mb;
  mb.AddField("_csrf", csrf);  // first, as the page's form sends it
  mb.AddField("title", "Invoice 7");
  mb.AddField("category", "invoice");
  mb.AddField("amount_due", "12.00");
  mb.AddFile("file", "f.pdf", "application/pdf", Pdf("tab"));
  HttpResponse shared =
      boss->Post(base + "/shared", {{"Content-Type", mb.ContentType()}}, mb.Build());
  EXPECT_EQ(shared.status, 303) << shared.body.substr(0, 300);
  EXPECT_EQ(shared.Header("Location").value_or("").find("error"), std::string::npos);
  json::value list = Get(ClientPath(ann) + "/shared");
  ASSERT_EQ(list.at("items").as_array().size(), 1u);
  const int64_t id = list.at("items").as_array()[0].at("id").as_int64();
  EXPECT_EQ(boss->Post(base + "/shared/" + std::to_string(id) + "/payments", form,
                       "amount=12.00&_csrf=" + csrf)
                .status,
            303);
  EXPECT_EQ(Get(SharedPath(ann, id)).at("status").as_string(), "paid");
  HttpResponse page = boss->Get(tab);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Invoice 7"), std::string::npos);
  EXPECT_NE(page.body.find("Attic"), std::string::npos);
  EXPECT_NE(page.body.find("action=\"" + base + "/shared\""), std::string::npos);
  EXPECT_EQ(page.body.find("_csrf="), std::string::npos) << "a token in a URL (issue 15.14)";
  HttpResponse zip = boss->Get(base + "/export");
  EXPECT_EQ(zip.status, 200);
  EXPECT_EQ(zip.body.rfind("PK", 0), 0u);

  // A reader: clients.read and documents.read only.
  ASSERT_EQ(
      boss->Post("/admin/users", form,
                 "email=reader%40portal-e2e.test&name=Reader&password=reader-pass-42&_csrf=" + csrf)
          .status,
      303);
  std::smatch m;
  std::string users = boss->Get("/admin/users").body;
  ASSERT_TRUE(std::regex_search(users, m,
                                std::regex("data-admin=\"(\\d+)\">\\s*<h2 class=\"h3\">reader@")));
  ASSERT_EQ(boss->Post("/admin/users/" + std::string(m[1]) + "/permissions", form,
                       "perm_clients.read=1&perm_documents.read=1&_csrf=" + csrf)
                .status,
            303);
  std::string reader_csrf;
  auto reader = crm_test::AdminSession(host_->port(), "reader@portal-e2e.test", "reader-pass-42",
                                       &reader_csrf);
  HttpResponse seen = reader->Get(tab);
  ASSERT_EQ(seen.status, 200);
  EXPECT_NE(seen.body.find("Invoice 7"), std::string::npos);
  EXPECT_EQ(seen.body.find("action=\"" + base + "/shared\""), std::string::npos);
  EXPECT_EQ(
      reader->Post(base + "/shared/" + std::to_string(id) + "/delete", form, "_csrf=" + reader_csrf)
          .status,
      403);
  EXPECT_EQ(reader->Post(base + "/projects", form, "name=X&_csrf=" + reader_csrf).status, 403);
  EXPECT_EQ(Get(ClientPath(ann) + "/projects").at("items").as_array().size(), 1u);
  EXPECT_EQ(api_->Get(SharedPath(ann, id), Bearer(full_)).status, 200);
}

}  // namespace
