// tests/attestations/attestation_e2e_test.cc — attestations end to end over HTTP in the real
// sample-host with the module and its PDF worker (SPEC §6 "Attestations"): the host's contract
// API; templates (upload, refusal, placeholders, products); a request shared at once (a real
// PDF made from a template whose placeholder Word split across runs), 422 for a missing field,
// 409 not_eligible in the client's language; with prior validation: hidden, a task in the
// inbox, refusal destroying the PDF (only who/when/why/SHA-256 remain), validation sharing it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/attestations/attestation_site.h"
#include "tests/attestations/template_fixtures.h"
#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using crm_test::Bearer;
using crm_test::Day;
using crm_test::FilesUnder;
using crm_test::Headers;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;
using crm_test::MultipartBuilder;

constexpr char kApi[] = "/api/v1/plugins/client-documents";

class AttestationE2e : public cd_test::AttestationSiteTest {
 protected:
  AttestationE2e()
      : AttestationSiteTest({CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "attest-e2e",
                             "boss@attest.test", "attest-e2e-password-42"}) {}

  HttpResponse UploadTemplate(const std::string& bytes, const std::string& validation) {
    return AttestationSiteTest::UploadTemplate("Attestation " + validation, "contract", validation,
                                               bytes);
  }

  std::string Sql(const std::string& query) {
    auto r = crm_test::RunCli("/usr/bin/sqlite3",
                              (site_.data() / "host.db").string() + " \"" + query + "\"", "");
    std::string out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

  std::string Csrf(const std::string& html) {
    std::smatch m;
    static const std::regex field("name=\"_csrf\" value=\"([0-9a-f]{64})\"");
    static const std::regex meta("name=\"csrf-token\" content=\"([0-9a-f]{64})\"");
    if (std::regex_search(html, m, field) || std::regex_search(html, m, meta)) return m[1];
    return "";
  }

  // Enables a client's reserved-area login (admin pages) and returns its logged-in session.
  std::unique_ptr<HttpClient> ClientSession(int64_t client, const std::string& email) {
    const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
    auto admin = std::make_unique<HttpClient>(host_->port(), HttpClient::Options{true, 60});
    EXPECT_EQ(
        admin
            ->Post("/admin/login", form, "email=boss%40attest.test&password=attest-e2e-password-42")
            .status,
        303);
    std::string csrf = Csrf(admin->Get("/admin/clients").body);
    std::string base = "/admin/clients/" + std::to_string(client);
    EXPECT_EQ(admin->Post(base + "/login", form, "enabled=1&_csrf=" + csrf).status, 303);
    EXPECT_EQ(admin
                  ->Post(base + "/password", form,
                         "mode=set&confirm_email=1&password=client-password-4242&_csrf=" + csrf)
                  .status,
              303);
    auto b = std::make_unique<HttpClient>(host_->port(), HttpClient::Options{true, 60});
    EXPECT_EQ(b->Post("/account/login", form,
                      "email=" + crm_test::UrlEncode(email) + "&password=client-password-4242")
                  .status,
              303);
    return b;
  }
};

TEST_F(AttestationE2e, BothFlowsOverHttp) {
  int64_t client = Id(PostJson("/api/v1/clients", json::object{{"first_name", "Léa"},
                                                               {"last_name", "Martin"},
                                                               {"email", "lea@attest.test"},
                                                               {"language", "fr"}}),
                      201);
  ASSERT_EQ(PostJson("/api/v1/products", json::object{{"code", "AUTO"}, {"name", "Auto"}}).status,
            201);
  std::string contracts = "/api/v1/clients/" + std::to_string(client) + "/contracts";
  int64_t paid = Id(PostJson(contracts, json::object{{"product", "AUTO"},
                                                     {"number", "A-1"},
                                                     {"status", "active"},
                                                     {"start_on", Day(-100)}}),
                    201);
  int64_t unpaid = Id(PostJson(contracts, json::object{{"product", "AUTO"},
                                                       {"number", "A-2"},
                                                       {"status", "active"},
                                                       {"start_on", Day(-10)}}),
                      201);
  ASSERT_EQ(PostJson("/api/v1/contracts/" + std::to_string(paid) + "/receipts",
                     json::object{{"period_start", Day(-100)},
                                  {"period_end", Day(100)},
                                  {"amount", "120.00"},
                                  {"paid", true}})
                .status,
            201);
  ASSERT_EQ(PostJson("/api/v1/contracts/" + std::to_string(unpaid) + "/receipts",
                     json::object{{"period_start", Day(-10)},
                                  {"period_end", Day(300)},
                                  {"amount", "99.00"},
                                  {"paid", false}})
                .status,
            201);

  // Templates: a broken one is refused and nothing is stored.
  EXPECT_EQ(UploadTemplate("not a zip at all", "none").status, 422);
  std::string docx = cd_test::MakeDocx(cd_test::DocxParagraph(
      {"Attestation pour {{client.last_name}}, contrat {{contract.number}}, motif {{mo", "tif}}"}));
  HttpResponse created = UploadTemplate(docx, "none");
  int64_t direct = Id(created, 201);
  json::value tpl = Json(created);
  ASSERT_EQ(tpl.at("placeholders").as_array().size(), 3u);
  EXPECT_EQ(tpl.at("placeholders").as_array()[2].at("key").as_string(), "motif");
  EXPECT_FALSE(tpl.at("placeholders").as_array()[2].at("known").as_bool());
  EXPECT_EQ(Json(api_->Get(std::string(kApi) + "/templates", Bearer(token_)))
                .at("items")
                .as_array()
                .size(),
            1u);
  ASSERT_EQ(api_->Put(std::string(kApi) + "/products/AUTO/templates",
                      Bearer(token_, {{"Content-Type", "application/json"}}),
                      json::serialize(json::object{{"template_ids", json::array{direct}}}))
                .status,
            200);

  // Without validation: shared at once, a real PDF; 422 without the field; 409 when unpaid.
  std::string base = std::string(kApi) + "/clients/" + std::to_string(client) + "/contracts/";
  HttpResponse missing = PostJson(base + std::to_string(paid) + "/attestations",
                                  json::object{{"template_id", direct}});
  EXPECT_EQ(missing.status, 422) << missing.body;
  HttpResponse not_eligible =
      PostJson(base + std::to_string(unpaid) + "/attestations",
               json::object{{"template_id", direct}, {"values", json::object{{"motif", "x"}}}});
  ASSERT_EQ(not_eligible.status, 409) << not_eligible.body;
  EXPECT_EQ(Json(not_eligible).at("error").at("code").as_string(), "not_eligible");
  EXPECT_NE(not_eligible.body.find("quittance"), std::string::npos)
      << "French: " << not_eligible.body;
  HttpResponse shared = PostJson(
      base + std::to_string(paid) + "/attestations",
      json::object{{"template_id", direct}, {"values", json::object{{"motif", "Voyage"}}}});
  ASSERT_EQ(shared.status, 201) << shared.body;
  EXPECT_EQ(Json(shared).at("status").as_string(), "shared");
  std::string url(Json(shared).at("pdf").at("url").as_string());
  HttpResponse pdf = api_->Get(url, Bearer(token_));
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);

  // With prior validation: hidden, a task, refusal destroys, validation shares.
  int64_t prior = Id(UploadTemplate(docx, "prior"), 201);
  ASSERT_EQ(api_->Put(std::string(kApi) + "/products/AUTO/templates",
                      Bearer(token_, {{"Content-Type", "application/json"}}),
                      json::serialize(json::object{{"template_ids", json::array{direct, prior}}}))
                .status,
            200);
  fs::path files = site_.data() / "plugins" / "client-documents" / "files";
  size_t before = FilesUnder(files).size();
  HttpResponse held =
      PostJson(base + std::to_string(unpaid) + "/attestations",
               json::object{{"template_id", prior}, {"values", json::object{{"motif", "Prêt"}}}});
  ASSERT_EQ(held.status, 201) << held.body;
  int64_t held_id = Json(held).at("id").as_int64();
  EXPECT_EQ(Json(held).at("status").as_string(), "awaiting_validation");
  EXPECT_EQ(FilesUnder(files).size(), before + 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM tasks WHERE state = 'open' AND owner = 'client-documents'"),
            "1");
  auto waiting = Json(
      api_->Get(std::string(kApi) + "/attestations?status=awaiting_validation", Bearer(token_)));
  ASSERT_EQ(waiting.at("items").as_array().size(), 1u);
  std::string decision =
      std::string(kApi) + "/attestations/" + std::to_string(held_id) + "/decision";
  HttpResponse refused =
      PostJson(decision, json::object{{"decision", "refuse"}, {"reason", "Pièce manquante"}});
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_TRUE(Json(refused).at("pdf").is_null());
  EXPECT_EQ(Json(refused).at("sha256").as_string().size(), 64u);
  EXPECT_EQ(FilesUnder(files).size(), before) << "the refused PDF is destroyed";
  EXPECT_EQ(api_->Get(std::string(kApi) + "/attestations/" + std::to_string(held_id) + "/pdf",
                      Bearer(token_))
                .status,
            404);
  EXPECT_EQ(PostJson(decision, json::object{{"decision", "validate"}}).status, 409);
  EXPECT_EQ(Sql("SELECT count(*) FROM tasks WHERE state = 'open'"), "0");
  EXPECT_EQ(Sql("SELECT count(*) FROM tasks WHERE state = 'closed'"), "1");
  EXPECT_EQ(
      Sql("SELECT count(*) FROM timeline WHERE type = 'client-documents.attestation_refused'"),
      "1");

  HttpResponse held2 =
      PostJson(base + std::to_string(unpaid) + "/attestations",
               json::object{{"template_id", prior}, {"values", json::object{{"motif", "Prêt"}}}});
  ASSERT_EQ(held2.status, 201) << held2.body;
  int64_t id2 = Json(held2).at("id").as_int64();
  HttpResponse validated =
      PostJson(std::string(kApi) + "/attestations/" + std::to_string(id2) + "/decision",
               json::object{{"decision", "validate"}});
  ASSERT_EQ(validated.status, 200) << validated.body;
  EXPECT_EQ(Json(validated).at("status").as_string(), "shared");
  EXPECT_EQ(
      api_->Get(std::string(kApi) + "/attestations/" + std::to_string(id2) + "/pdf", Bearer(token_))
          .status,
      200);

  // Each step is in the module's journal (PT4), its chain intact.
  for (const char* action :
       {"attestation_requested", "attestation_refused", "attestation_validated"}) {
    HttpResponse journal =
        api_->Get(std::string(kApi) + "/journal?action=" + action, Bearer(token_));
    ASSERT_EQ(journal.status, 200) << journal.body;
    EXPECT_GE(Json(journal).at("total").as_int64(), 1) << action;
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM cd_journal WHERE action = 'attestation_refused'"), "1");
  HttpResponse verify = api_->Get(std::string(kApi) + "/journal/verify", Bearer(token_));
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_TRUE(Json(verify).at("ok").as_bool()) << verify.body;
}

TEST_F(AttestationE2e, ClientRequestsFromTheReservedAreaAndDownloads) {
  int64_t client = Id(PostJson("/api/v1/clients", json::object{{"first_name", "Tom"},
                                                               {"last_name", "Peeters"},
                                                               {"email", "tom@attest.test"},
                                                               {"language", "en"}}),
                      201);
  int64_t other = Id(PostJson("/api/v1/clients",
                              json::object{{"first_name", "Eve"}, {"email", "eve@attest.test"}}),
                     201);
  ASSERT_EQ(PostJson("/api/v1/products", json::object{{"code", "HOME"}, {"name", "Home"}}).status,
            201);
  int64_t contract = Id(PostJson("/api/v1/clients/" + std::to_string(client) + "/contracts",
                                 json::object{{"product", "HOME"},
                                              {"number", "H-9"},
                                              {"status", "active"},
                                              {"start_on", Day(-30)}}),
                        201);
  ASSERT_EQ(PostJson("/api/v1/contracts/" + std::to_string(contract) + "/receipts",
                     json::object{{"period_start", Day(-30)},
                                  {"period_end", Day(30)},
                                  {"amount", "50.00"},
                                  {"paid", true}})
                .status,
            201);
  int64_t tpl = Id(
      UploadTemplate(cd_test::MakeDocx(cd_test::DocxParagraph({"Motif: {{motif}}"})), "none"), 201);
  ASSERT_EQ(
      api_->Patch(
              std::string(kApi) + "/templates/" + std::to_string(tpl),
              Bearer(token_, {{"Content-Type", "application/json"}}),
              R"({"placeholders":[{"key":"motif","label":"Reason","default":"Travel","required":true}]})")
          .status,
      200);
  ASSERT_EQ(api_->Put(std::string(kApi) + "/products/HOME/templates",
                      Bearer(token_, {{"Content-Type", "application/json"}}),
                      json::serialize(json::object{{"template_ids", json::array{tpl}}}))
                .status,
            200);
  auto b = ClientSession(client, "tom@attest.test");
  HttpResponse list = b->Get("/account/contracts");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("H-9"), std::string::npos);
  std::string form_path = "/account/contracts/" + std::to_string(contract) + "/attestation";
  EXPECT_NE(list.body.find(form_path), std::string::npos);
  HttpResponse form = b->Get(form_path);
  ASSERT_EQ(form.status, 200) << form.body.substr(0, 400);
  EXPECT_NE(form.body.find("name=\"value.motif\""), std::string::npos);
  EXPECT_NE(form.body.find("Reason"), std::string::npos);
  std::string csrf = Csrf(form.body);
  ASSERT_EQ(csrf.size(), 64u);
  HttpResponse sent =
      b->Post("/account/contracts/" + std::to_string(contract) + "/attestations",
              {{"Content-Type", "application/x-www-form-urlencoded"}},
              "template_id=" + std::to_string(tpl) + "&value.motif=Holiday&_csrf=" + csrf);
  ASSERT_EQ(sent.status, 200) << sent.body.substr(0, 400);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sent.body, m, std::regex("/account/attestations/([0-9]+)/pdf")));
  HttpResponse pdf = b->Get(m[0].str());
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  // Another client sees neither the contract's page nor the PDF.
  auto eve = ClientSession(other, "eve@attest.test");
  EXPECT_EQ(eve->Get(form_path).status, 404);
  EXPECT_EQ(eve->Get(m[0].str()).status, 404);
}

// Staff decide from the module's validation page (CSRF forms); the task inbox shows the task.
TEST_F(AttestationE2e, StaffValidateFromThePage) {
  int64_t client = Id(PostJson("/api/v1/clients",
                               json::object{{"first_name", "Ana"}, {"email", "ana@attest.test"}}),
                      201);
  ASSERT_EQ(PostJson("/api/v1/products", json::object{{"code", "LIFE"}, {"name", "Life"}}).status,
            201);
  int64_t contract = Id(
      PostJson(
          "/api/v1/clients/" + std::to_string(client) + "/contracts",
          json::object{
              {"product", "LIFE"}, {"number", "L-1"}, {"status", "pending"}, {"start_on", Day(5)}}),
      201);
  int64_t tpl =
      Id(UploadTemplate(cd_test::MakeDocx(cd_test::DocxParagraph({"Life {{contract.number}}"})),
                        "prior"),
         201);
  ASSERT_EQ(api_->Put(std::string(kApi) + "/products/LIFE/templates",
                      Bearer(token_, {{"Content-Type", "application/json"}}),
                      json::serialize(json::object{{"template_ids", json::array{tpl}}}))
                .status,
            200);
  HttpResponse held = PostJson(std::string(kApi) + "/clients/" + std::to_string(client) +
                                   "/contracts/" + std::to_string(contract) + "/attestations",
                               json::object{{"template_id", tpl}});
  ASSERT_EQ(held.status, 201) << held.body;  // prior validation: eligibility is not required
  int64_t id = Json(held).at("id").as_int64();
  const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  HttpClient admin(host_->port(), HttpClient::Options{true, 60});
  ASSERT_EQ(
      admin.Post("/admin/login", form, "email=boss%40attest.test&password=attest-e2e-password-42")
          .status,
      303);
  HttpResponse tab = admin.Get("/admin/clients/" + std::to_string(client) + "/tabs/host.contracts");
  ASSERT_EQ(tab.status, 200);
  EXPECT_NE(tab.body.find("L-1"), std::string::npos) << "the profile's Contracts tab";
  HttpResponse tasks = admin.Get("/admin/tasks");
  ASSERT_EQ(tasks.status, 200);
  EXPECT_NE(tasks.body.find("/admin/plugins/client-documents/attestations/" + std::to_string(id) +
                            "/pdf"),
            std::string::npos);
  EXPECT_EQ(admin.Get("/admin/plugins/client-documents/attestations/" + std::to_string(id) + "/pdf")
                .status,
            200);
  HttpResponse page = admin.Get("/admin/plugins/client-documents/attestations");
  ASSERT_EQ(page.status, 200);
  std::string csrf = Csrf(page.body);
  ASSERT_EQ(csrf.size(), 64u);
  HttpResponse decided =
      admin.Post("/admin/plugins/client-documents/attestations/" + std::to_string(id) + "/decision",
                 form, "decision=validate&_csrf=" + csrf);
  EXPECT_EQ(decided.status, 303) << decided.body.substr(0, 300);
  auto shared = Json(api_->Get(std::string(kApi) + "/attestations?status=shared", Bearer(token_)));
  ASSERT_EQ(shared.at("items").as_array().size(), 1u);
  EXPECT_EQ(Sql("SELECT count(*) FROM tasks WHERE state = 'open'"), "0");
}

// A converter that crashes: the request fails cleanly (503, nothing stored, no file), the
// worker is started again and the next request succeeds. The host runs a fake worker (a shell
// script through $CD_PDF_WORKER) that dies on its first job and then answers like the real one.
TEST(AttestationCrashE2e, AConverterCrashFailsCleanlyAndTheWorkerRestarts) {
  fs::path dir = crm_test::FreshDir("attest-crash-worker");
  fs::create_directories(dir);
  fs::path script = dir / "worker.sh";
  std::ofstream(script) << "#!/bin/sh\necho ready\n"
                           "while IFS='\t' read -r in out; do\n"
                           "  if [ ! -e "
                        << (dir / "crashed").string() << " ]; then touch "
                        << (dir / "crashed").string()
                        << "; exit 3; fi\n"
                           "  printf '%%PDF-1.4\\n%%%% fake attestation fake attestation fake "
                           "attestation fake\\n%%%%EOF\\n' > \"$out\"\n"
                           "  echo ok\n"
                           "done\n";
  fs::permissions(script, fs::perms::owner_all);
  ::setenv("CD_PDF_WORKER", script.c_str(), 1);
  crm_test::E2eSite site({CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "attest-crash", "boss@crash.test",
                          "attest-crash-password-42"});
  ASSERT_EQ(site.CreateAdmin().code, 0);
  std::string token = site.CreateToken("").output;
  auto host = site.Start();
  ::unsetenv("CD_PDF_WORKER");
  ASSERT_TRUE(host.ok()) << host.status().ToString();
  HttpClient api((*host)->port());
  Headers json_headers = Bearer(token, {{"Content-Type", "application/json"}});
  auto post = [&](const std::string& path, const json::value& body) {
    return api.Post(path, json_headers, json::serialize(body));
  };
  HttpResponse c =
      post("/api/v1/clients", json::object{{"first_name", "Crash"}, {"email", "c@crash.test"}});
  ASSERT_EQ(c.status, 201);
  int64_t client = Json(c).at("id").as_int64();
  ASSERT_EQ(post("/api/v1/products", json::object{{"code", "P"}, {"name", "P"}}).status, 201);
  HttpResponse k =
      post("/api/v1/clients/" + std::to_string(client) + "/contracts",
           json::object{
               {"product", "P"}, {"number", "C-1"}, {"status", "active"}, {"start_on", Day(-5)}});
  int64_t contract = Json(k).at("id").as_int64();
  ASSERT_EQ(post("/api/v1/contracts/" + std::to_string(contract) + "/receipts",
                 json::object{{"period_start", Day(-5)},
                              {"period_end", Day(5)},
                              {"amount", "1.00"},
                              {"paid", true}})
                .status,
            201);
  MultipartBuilder mb;
  mb.AddField("name", "T").AddField("entity", "contract").AddField("validation", "none");
  mb.AddFile("file", "t.docx", "application/octet-stream",
             cd_test::MakeDocx(cd_test::DocxParagraph({"Hello {{client.first_name}}"})));
  HttpResponse t = api.Post(std::string(kApi) + "/templates",
                            Bearer(token, {{"Content-Type", mb.ContentType()}}), mb.Build());
  ASSERT_EQ(t.status, 201) << t.body;
  int64_t tpl = Json(t).at("id").as_int64();
  ASSERT_EQ(api.Put(std::string(kApi) + "/products/P/templates", json_headers,
                    json::serialize(json::object{{"template_ids", json::array{tpl}}}))
                .status,
            200);
  std::string path = std::string(kApi) + "/clients/" + std::to_string(client) + "/contracts/" +
                     std::to_string(contract) + "/attestations";
  fs::path files = site.data() / "plugins" / "client-documents" / "files";
  HttpResponse failed = post(path, json::object{{"template_id", tpl}});
  EXPECT_EQ(failed.status, 503) << failed.body;
  EXPECT_EQ(FilesUnder(files).size(), 0u) << "nothing half-made is stored";
  EXPECT_EQ(Json(api.Get(std::string(kApi) + "/attestations", Bearer(token)))
                .at("items")
                .as_array()
                .size(),
            0u);
  EXPECT_TRUE(fs::exists(dir / "crashed"));
  HttpResponse ok = post(path, json::object{{"template_id", tpl}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(FilesUnder(files).size(), 1u);
  fs::remove_all(dir);
}

}  // namespace
