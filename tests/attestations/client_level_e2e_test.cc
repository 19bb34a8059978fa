// tests/attestations/client_level_e2e_test.cc — end to end over HTTP in the real sample-host
// (SQLite, and PostgreSQL as the `.pg` variant): client-level attestation templates on a host
// without contracts (`serve --without-contracts`), requested by staff through the API and by the
// client from /account/attestations, shared at once or held for validation; and the specimen of
// a template (API and admin page), a real PDF whose text pdftotext reads. Stored state is checked
// through the API (list, journal), so the same test runs on both engines.
#include <gtest/gtest.h>

#include <boost/json.hpp>

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
using crm_test::Headers;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;

constexpr char kApi[] = "/api/v1/plugins/client-documents";
constexpr char kAdmin[] = "boss@client-level.test";
constexpr char kAdminPassword[] = "client-level-password-42";
constexpr char kClientPassword[] = "client-password-4242";
const Headers kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};

// The text of a PDF as poppler's pdftotext reads it (a failed expectation when it cannot).
std::string PdfText(const std::string& pdf) {
  fs::path dir = crm_test::FreshDir("client-level-pdf");
  fs::create_directories(dir);
  fs::path file = dir / "a.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  crm_test::CliResult r = crm_test::RunCli("/usr/bin/pdftotext", file.string() + " -", "");
  EXPECT_EQ(r.code, 0) << "pdftotext (poppler-utils, .ci/install-deps): " << r.output;
  fs::remove_all(dir);
  return r.output;
}

// The mails of the host's outbox (DATA/outbox/*.eml, on either engine) sent to `address`.
std::vector<std::string> MailsTo(const fs::path& data, const std::string& address) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(data / "outbox", ec)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("To: " + address) != std::string::npos) out.push_back(text);
  }
  return out;
}

class ClientLevelE2e : public cd_test::AttestationSiteTest {
 protected:
  ClientLevelE2e()
      : AttestationSiteTest(
            {CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "client-level-e2e", kAdmin, kAdminPassword}) {}

  // Each test starts the site itself, with its own `serve` arguments.
  void SetUp() override {}
  void Start(std::vector<std::string> serve_args) { StartSite({.args = std::move(serve_args)}); }

  int64_t AddClient(const std::string& first, const std::string& last, const std::string& email,
                    const std::string& language) {
    return Id(PostJson("/api/v1/clients", json::object{{"first_name", first},
                                                       {"last_name", last},
                                                       {"email", email},
                                                       {"language", language}}),
              201);
  }

  std::unique_ptr<HttpClient> Client(int64_t id, const std::string& email, std::string* csrf) {
    return crm_test::ClientSession(host_->port(), kAdmin, kAdminPassword, id, email,
                                   kClientPassword, csrf);
  }

  int64_t JournalTotal(const std::string& action, int64_t client) {
    HttpResponse r = api_->Get(
        std::string(kApi) + "/journal?action=" + action + "&client_id=" + std::to_string(client),
        Bearer(token_));
    EXPECT_EQ(r.status, 200) << r.body;
    json::value v = Json(r);
    return v.is_object() ? v.at("total").as_int64() : -1;
  }
};

TEST_F(ClientLevelE2e, StaffAndClientRequestClientTemplatesOnAHostWithoutContracts) {
  Start({"--without-contracts"});
  if (HasFatalFailure()) return;
  EXPECT_EQ(api_->Get("/api/v1/products", Bearer(token_)).status, 404) << "no contract API";
  int64_t lea = AddClient("Léa", "Martin", "lea@client-level.test", "fr");
  int64_t eve = AddClient("Eve", "Janssens", "eve@client-level.test", "nl");
  int64_t tpl = Id(UploadTemplate("Attestation de domicile", "client", "none",
                                  cd_test::MakeDocx(cd_test::DocxParagraph(
                                      {"Nous attestons que {{client.first_name}} ",
                                       "{{client.last_name}} est client, motif {{mo", "tif}}."}))),
                   201);
  ASSERT_EQ(api_->Patch(std::string(kApi) + "/templates/" + std::to_string(tpl),
                        Bearer(token_, {{"Content-Type", "application/json"}}),
                        R"({"placeholders":[{"key":"motif","label":"Motif","required":true}]})")
                .status,
            200);

  // Staff, through the API: 422 without the required field, then a real PDF.
  std::string route = std::string(kApi) + "/clients/" + std::to_string(lea) + "/attestations";
  EXPECT_EQ(PostJson(route, json::object{{"template_id", tpl}}).status, 422);
  EXPECT_EQ(
      PostJson(std::string(kApi) + "/clients/" + std::to_string(lea) + "/contracts/1/attestations",
               json::object{{"template_id", tpl}})
          .status,
      404)
      << "no contracts on this host";
  HttpResponse made = PostJson(
      route, json::object{{"template_id", tpl}, {"values", json::object{{"motif", "Banque"}}}});
  ASSERT_EQ(made.status, 201) << made.body;
  json::value a = Json(made);
  EXPECT_EQ(a.at("status").as_string(), "shared");
  EXPECT_TRUE(a.at("contract_id").is_null());
  HttpResponse pdf = api_->Get(std::string(a.at("pdf").at("url").as_string()), Bearer(token_));
  ASSERT_EQ(pdf.status, 200);
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(crm_test::Sha256Hex(pdf.body), a.at("pdf").at("sha256").as_string());
  std::string text = PdfText(pdf.body);
  EXPECT_NE(text.find("Léa Martin"), std::string::npos) << text;
  EXPECT_NE(text.find("motif Banque"), std::string::npos) << text;
  EXPECT_EQ(JournalTotal("attestation_requested", lea), 1);
  std::vector<std::string> mails = MailsTo(site_.data(), "lea@client-level.test");
  ASSERT_EQ(mails.size(), 1u) << "the client is told";
  EXPECT_NE(mails[0].find("/account/attestations"), std::string::npos) << mails[0];

  // The client, from the reserved area: the menu entry, the form, the PDF; no Contracts page.
  std::string csrf;
  auto b = Client(lea, "lea@client-level.test", &csrf);
  HttpResponse page = b->Get("/account/attestations");
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 400);
  EXPECT_NE(page.body.find("href=\"/account/attestations\""), std::string::npos) << "menu entry";
  EXPECT_EQ(page.body.find("/account/contracts"), std::string::npos) << "no Contracts entry";
  EXPECT_NE(page.body.find("name=\"value.motif\""), std::string::npos);
  EXPECT_NE(page.body.find(std::string("/account/attestations/") +
                           std::to_string(a.at("id").as_int64()) + "/pdf"),
            std::string::npos)
      << "the staff-made attestation is listed";
  EXPECT_EQ(b->Get("/account/contracts").status, 404);
  csrf = crm_test::CsrfFrom(page.body);
  HttpResponse sent =
      b->Post("/account/attestations", kForm,
              "template_id=" + std::to_string(tpl) + "&value.motif=Logement&_csrf=" + csrf);
  ASSERT_EQ(sent.status, 200) << sent.body.substr(0, 400);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sent.body, m, std::regex("/account/attestations/([0-9]+)/pdf")));
  HttpResponse mine = b->Get(m[0].str());
  ASSERT_EQ(mine.status, 200);
  EXPECT_NE(PdfText(mine.body).find("motif Logement"), std::string::npos);
  HttpResponse missing = b->Post("/account/attestations", kForm,
                                 "template_id=" + std::to_string(tpl) + "&_csrf=" + csrf);
  EXPECT_EQ(missing.status, 422) << "a required field left empty";
  EXPECT_NE(missing.body.find("Veuillez remplir « Motif »"), std::string::npos)
      << "in the client's language, the field by its label: " << missing.body.substr(0, 600);

  // Another client sees neither PDF; its own page offers the template too.
  std::string eve_csrf;
  auto e = Client(eve, "eve@client-level.test", &eve_csrf);
  EXPECT_EQ(e->Get(m[0].str()).status, 404);
  EXPECT_EQ(
      e->Get(std::string("/account/attestations/") + std::to_string(a.at("id").as_int64()) + "/pdf")
          .status,
      404);
  EXPECT_NE(e->Get("/account/attestations").body.find("name=\"value.motif\""), std::string::npos);

  // Stored: two shared attestations of Léa, none of Eve; both journaled.
  json::value list = Json(api_->Get(std::string(kApi) + "/attestations", Bearer(token_)));
  ASSERT_EQ(list.at("items").as_array().size(), 2u);
  for (const auto& item : list.at("items").as_array()) {
    EXPECT_EQ(item.at("client_id").as_int64(), lea);
    EXPECT_EQ(item.at("status").as_string(), "shared");
  }
  EXPECT_EQ(JournalTotal("attestation_requested", lea), 2);
  EXPECT_EQ(JournalTotal("attestation_requested", eve), 0);
}

TEST_F(ClientLevelE2e, ClientTemplatesWithPriorValidationWaitForStaff) {
  Start({"--without-contracts"});
  if (HasFatalFailure()) return;
  int64_t tom = AddClient("Tom", "Peeters", "tom@client-level.test", "en");
  int64_t tpl =
      Id(UploadTemplate(
             "Certificate", "client", "prior",
             cd_test::MakeDocx(cd_test::DocxParagraph({"Certificate for {{client.last_name}}"}))),
         201);
  std::string csrf;
  auto b = Client(tom, "tom@client-level.test", &csrf);
  csrf = crm_test::CsrfFrom(b->Get("/account/attestations").body);
  HttpResponse sent = b->Post("/account/attestations",
                              {{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}},
                              json::serialize(json::object{{"template_id", tpl}}));
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(Json(sent).at("status").as_string(), "awaiting_validation");
  EXPECT_TRUE(Json(sent).at("pdf").is_null()) << "hidden from the client";
  int64_t id = Json(sent).at("id").as_int64();
  EXPECT_EQ(b->Get("/account/attestations/" + std::to_string(id) + "/pdf").status, 404);

  // The task inbox links to it (host without contracts, inbox still there); staff validate.
  std::string admin_csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdmin, kAdminPassword, &admin_csrf);
  HttpResponse tasks = admin->Get("/admin/tasks");
  ASSERT_EQ(tasks.status, 200);
  EXPECT_NE(tasks.body.find("/admin/plugins/client-documents/attestations/" + std::to_string(id) +
                            "/pdf"),
            std::string::npos);
  HttpResponse decided =
      PostJson(std::string(kApi) + "/attestations/" + std::to_string(id) + "/decision",
               json::object{{"decision", "validate"}});
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(Json(decided).at("status").as_string(), "shared");
  HttpResponse pdf = b->Get("/account/attestations/" + std::to_string(id) + "/pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_NE(PdfText(pdf.body).find("Certificate for Peeters"), std::string::npos);
  EXPECT_EQ(JournalTotal("attestation_validated", tom), 1);
}

// AT1's specimen: sample values for known placeholders, defaults, else "[label]"; through the
// API and the admin page (which also takes the upload as a multipart form with its CSRF token).
TEST_F(ClientLevelE2e, SpecimenIsARealPdfWithSampleValues) {
  Start({});
  if (HasFatalFailure()) return;
  std::string admin_csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdmin, kAdminPassword, &admin_csrf);
  const std::string pages = "/admin/plugins/client-documents/attestation-templates";
  ASSERT_EQ(PostJson("/api/v1/products", json::object{{"code", "AUTO"}, {"name", "Car"}}).status,
            201);
  HttpResponse list = admin->Get(pages);
  ASSERT_EQ(list.status, 200) << list.body.substr(0, 300);
  EXPECT_NE(list.body.find("data-product=\"AUTO\""), std::string::npos)
      << "the host's products (ContractView::Products) each get a form";
  EXPECT_NE(list.body.find("Car (AUTO)"), std::string::npos);
  std::string upload_action;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      list.body, m,
      std::regex("action=\"(/admin/plugins/client-documents/attestation-templates)\"")));
  EXPECT_EQ(list.body.find("_csrf="), std::string::npos) << "a token in a URL (issue 15.14)";
  crm_test::MultipartBuilder mb;
  mb.AddField("_csrf", admin_csrf);
  mb.AddField("name", "Vehicle").AddField("entity", "beneficiary").AddField("validation", "none");
  mb.AddFile("file", "v.docx", "application/octet-stream",
             cd_test::MakeDocx(cd_test::DocxParagraph(
                 {"{{client.first_name}} {{client.last_name}}, {{beneficiary.label}}, ",
                  "{{contract.number}}, {{reason}}, {{plate}}"})));
  HttpResponse created = admin->Post(m[1].str(), {{"Content-Type", mb.ContentType()}}, mb.Build());
  ASSERT_EQ(created.status, 303) << created.body.substr(0, 400);
  std::string location = created.Header("Location").value_or("");
  std::smatch idm;
  ASSERT_TRUE(std::regex_search(location, idm, std::regex("attestation-templates/([0-9]+)")))
      << location;
  int64_t id = std::stoll(idm[1].str());
  ASSERT_EQ(
      api_->Patch(
              std::string(kApi) + "/templates/" + std::to_string(id),
              Bearer(token_, {{"Content-Type", "application/json"}}),
              R"({"placeholders":[{"key":"reason","label":"Reason","default":"Travel abroad","required":true},)"
              R"({"key":"plate","label":"Plate of the trailer","required":false}]})")
          .status,
      200);

  HttpResponse api_pdf = api_->Get(
      std::string(kApi) + "/templates/" + std::to_string(id) + "/specimen", Bearer(token_));
  ASSERT_EQ(api_pdf.status, 200) << api_pdf.body.substr(0, 300);
  EXPECT_EQ(api_pdf.Header("Content-Type").value_or("").rfind("application/pdf", 0), 0u);
  ASSERT_EQ(api_pdf.body.rfind("%PDF-", 0), 0u);
  std::string text = PdfText(api_pdf.body);
  EXPECT_NE(text.find("Marie Dupont, AB-123-CD"), std::string::npos) << text;
  EXPECT_NE(text.find("SPEC-0001, Travel abroad, [Plate of the trailer]"), std::string::npos)
      << text;
  HttpResponse page_pdf = admin->Get(pages + "/" + std::to_string(id) + "/specimen");
  ASSERT_EQ(page_pdf.status, 200);
  EXPECT_EQ(page_pdf.body.rfind("%PDF-", 0), 0u);
  // Nothing is stored by a specimen.
  EXPECT_EQ(Json(api_->Get(std::string(kApi) + "/attestations", Bearer(token_)))
                .at("items")
                .as_array()
                .size(),
            0u);
  // A client cannot reach the admin page's specimen.
  EXPECT_NE(api_->Get(pages + "/" + std::to_string(id) + "/specimen").status, 200);
}

}  // namespace
