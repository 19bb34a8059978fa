// tests/e2e/actions_e2e_test.cc — issue 14 (SPEC H13) against the real sample-host: custom actions
// in the history through the API and the profile page. The formatted note is stored and served
// sanitised (script, event handlers, javascript: links and styles gone; the row itself checked);
// attachments are sniffed against the allow-list (a disguised executable 415, over 20 MiB 413,
// nothing stored on refusal), kept in the host's store under generated names and downloaded as
// attachments with the same bytes; an action's deletion and the client's remove rows and objects;
// system entries cannot be deleted (409). On SQLite, and as .pg on PostgreSQL + S3.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <string>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace json = boost::json;
using crm_test::Bearer;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;

constexpr char kBinary[] = CRM_E2E_SAMPLE_HOST;
constexpr char kPluginDir[] = CRM_E2E_PLUGIN_DIR;
constexpr char kAdminEmail[] = "boss@actions.test";
constexpr char kAdminPassword[] = "e2e-password-42";
const std::string kBoundary = "----e2eActionBoundary";

// A multipart body: each {name, filename, bytes}; filename "" for a plain field.
struct Part {
  std::string name, filename, bytes;
};
std::string Multipart(const std::vector<Part>& parts) {
  std::string body;
  for (const Part& p : parts) {
    body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
    body += "\r\nContent-Type: application/pdf\r\n\r\n" + p.bytes + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}
const crm_test::Headers kMultipart{{"Content-Type", "multipart/form-data; boundary=" + kBoundary}};

std::string Elf() {
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01\x00",
      8);
  return elf + std::string(400, '\0');
}

class ActionsE2e : public crm_test::E2eSiteTest {
 protected:
  ActionsE2e() : E2eSiteTest({kBinary, kPluginDir, "actions-e2e", kAdminEmail, kAdminPassword}) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eSiteTest::SetUp());
    client_id_ = crm_test::CreateE2eClient(*api_, token_, "Anaïs", "anais@actions.test", "fr");
    ASSERT_GT(client_id_, 0);
    base_ = "/api/v1/clients/" + std::to_string(client_id_) + "/timeline";
  }
  // POST .../timeline with `body`; the entry's JSON.
  json::value AddEntry(const std::string& body, int expected = 201) {
    HttpResponse r =
        api_->Post(base_, Bearer(token_, {{"Content-Type", "application/json"}}), body);
    EXPECT_EQ(r.status, expected) << r.body;
    return Json(r);
  }
  HttpResponse Attach(int64_t entry, const std::string& name, const std::string& bytes) {
    return api_->Post(base_ + "/" + std::to_string(entry) + "/attachments",
                      Bearer(token_, kMultipart), Multipart({{"file", name, bytes}}));
  }
  std::string Sql(const std::string& sql) { return crm_test::SiteQuery(site_, sql); }
  std::set<std::string> Objects() { return crm_test::HostObjects(site_, "attachments"); }

  const std::string& token_ = full_;
  int64_t client_id_ = 0;
  std::string base_;
};

TEST_F(ActionsE2e, TheNoteIsStoredAndServedSanitised) {
  json::object body{
      {"type", "host.call"},
      {"title", "Called about the renewal"},
      {"note_html",
       "<p style=\"color:red\">Agreed on <strong>March</strong> <em>prices</em></p>"
       "<script>alert(1)</script><img src=x onerror=\"alert(2)\">"
       "<ul><li><a href=\"javascript:alert(3)\">bad</a></li>"
       "<li><a href=\"https://example.com/offer\" onclick=\"x()\">offer</a></li></ul>"}};
  json::value entry = AddEntry(json::serialize(body));
  int64_t id = entry.at("id").as_int64();
  std::string served(entry.at("note_html").as_string());
  std::string stored = Sql("SELECT note_html FROM timeline WHERE id = " + std::to_string(id));
  EXPECT_EQ(stored, served);
  for (const std::string& s : {served, stored}) {
    EXPECT_NE(s.find("<strong>March</strong>"), std::string::npos) << s;
    EXPECT_NE(s.find("<em>prices</em>"), std::string::npos) << s;
    EXPECT_NE(s.find("href=\"https://example.com/offer\""), std::string::npos) << s;
    for (const char* bad : {"<script", "alert(1)", "onerror", "onclick", "javascript:", "style="})
      EXPECT_EQ(s.find(bad), std::string::npos) << bad << " in " << s;
  }
  // The profile page shows the sanitised note as HTML.
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  std::string page = admin->Get("/admin/clients/" + std::to_string(client_id_)).body;
  EXPECT_NE(page.find("<strong>March</strong>"), std::string::npos);
  EXPECT_EQ(page.find("alert(1)"), std::string::npos);
  EXPECT_EQ(page.find("javascript:alert"), std::string::npos);
  // A type that is not a custom action's and a note too long are refused, nothing stored.
  AddEntry(R"({"type":"host.call","title":"x","note_html":")" + std::string(70000, 'a') + "\"}",
           422);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM timeline WHERE client_id = " + std::to_string(client_id_) +
                " AND title = 'x'"),
            "0");
}

TEST_F(ActionsE2e, AttachmentsAreSniffedStoredAndDownloaded) {
  int64_t entry = AddEntry(R"({"type":"host.meeting","title":"Meeting"})").at("id").as_int64();
  std::string pdf = crm_test::Pdf("action-attachment");
  // The caller's name is sanitised (path and bidi control gone); the stored name is generated.
  HttpResponse added = Attach(entry, "../../minutes\xE2\x80\xAEtxt.pdf", pdf);
  ASSERT_EQ(added.status, 201) << added.body;
  json::value a = Json(added);
  EXPECT_EQ(a.at("file_name"), json::value("minutestxt.pdf"));
  EXPECT_EQ(a.at("media_type"), json::value("application/pdf"));
  EXPECT_EQ(a.at("sha256"), json::value(crm_test::Sha256Hex(pdf)));
  std::set<std::string> objects = Objects();
  ASSERT_EQ(objects.size(), 1u);
  std::string key = *objects.begin();
  EXPECT_EQ(key.rfind(std::to_string(client_id_) + "/", 0), 0u) << key;
  EXPECT_EQ(key.find("minutes"), std::string::npos) << "a generated name";
  EXPECT_EQ(
      Sql("SELECT file_name || '|' || media_type FROM timeline_attachments WHERE entry_id = " +
          std::to_string(entry)),
      "minutestxt.pdf|application/pdf");

  HttpResponse download = api_->Get(std::string(a.at("url").as_string()), Bearer(token_));
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, pdf);
  EXPECT_EQ(download.Header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(download.Header("Content-Disposition").value_or("").rfind("attachment", 0), 0u);
  EXPECT_NE(api_->Get(std::string(a.at("url").as_string())).status, 200) << "needs a token";

  // Refusals: a disguised executable, over the limit, a system entry; nothing stored.
  HttpResponse exe = Attach(entry, "invoice.pdf", Elf());
  EXPECT_EQ(exe.status, 415) << exe.body;
  EXPECT_EQ(crm_test::ErrorCode(exe), "unsupported_type");
  std::string big = pdf;
  big.resize(20 * 1024 * 1024 + 1, ' ');
  EXPECT_EQ(Attach(entry, "big.pdf", big).status, 413);
  int64_t system =
      AddEntry(R"({"type":"host.purchase","title":"Order","amount":"10.00"})").at("id").as_int64();
  EXPECT_EQ(Attach(system, "a.pdf", pdf).status, 409);
  EXPECT_EQ(Attach(999999, "a.pdf", pdf).status, 404);
  EXPECT_EQ(Objects().size(), 1u);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM timeline_attachments"), "1");

  // Deleting: a system entry is refused; the action goes with its rows and objects.
  EXPECT_EQ(api_->Delete(base_ + "/" + std::to_string(system), Bearer(token_)).status, 409);
  EXPECT_EQ(api_->Delete(base_ + "/" + std::to_string(entry), Bearer(token_)).status, 204);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM timeline WHERE id = " + std::to_string(entry)), "0");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM timeline_attachments"), "0");
  EXPECT_TRUE(Objects().empty());
  EXPECT_EQ(api_->Get(std::string(a.at("url").as_string()), Bearer(token_)).status, 404);
}

TEST_F(ActionsE2e, DeletingTheClientDeletesItsAttachments) {
  int64_t entry = AddEntry(R"({"type":"host.email","title":"Sent the offer"})").at("id").as_int64();
  ASSERT_EQ(Attach(entry, "offer.pdf", crm_test::Pdf("one")).status, 201);
  ASSERT_EQ(Attach(entry, "scan.png", crm_test::kPng).status, 201);
  EXPECT_EQ(Objects().size(), 2u);
  ASSERT_EQ(api_->Delete("/api/v1/clients/" + std::to_string(client_id_), Bearer(token_)).status,
            204);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM timeline_attachments"), "0");
  EXPECT_TRUE(Objects().empty());
}

// The profile's "Add an action" form: a note with bold text (the editor's HTML) and a file, then
// the history shows both; a refused file keeps nothing, not even the action.
TEST_F(ActionsE2e, TheProfileFormAddsAnActionWithItsFiles) {
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  const std::string profile = "/admin/clients/" + std::to_string(client_id_);
  std::string pdf = crm_test::Pdf("form");
  HttpResponse refused = admin->Post(profile + "/actions", kMultipart,
                                     Multipart({{"_csrf", "", csrf},
                                                {"type", "", "host.note"},
                                                {"title", "", "Refused"},
                                                {"files", "a.pdf", Elf()}}));
  EXPECT_EQ(refused.status, 415);
  EXPECT_NE(refused.body.find("Nothing was saved."), std::string::npos) << refused.body;
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM timeline WHERE title = 'Refused'"), "0");
  EXPECT_TRUE(Objects().empty());

  HttpResponse sent = admin->Post(profile + "/actions", kMultipart,
                                  Multipart({{"_csrf", "", csrf},
                                             {"type", "", "host.meeting"},
                                             {"title", "", "Signed at the office"},
                                             {"note_html", "", "<b>Signed</b><script>x()</script>"},
                                             {"files", "contract.pdf", pdf}}));
  ASSERT_EQ(sent.status, 303) << sent.body.substr(0, 300);
  std::string page = admin->Get(profile).body;
  EXPECT_NE(page.find("Signed at the office"), std::string::npos);
  EXPECT_NE(page.find("<b>Signed</b>"), std::string::npos);
  EXPECT_EQ(page.find("x()"), std::string::npos);
  size_t link = page.find("/attachments/");
  ASSERT_NE(link, std::string::npos);
  size_t start = page.rfind("href=\"", link) + 6;
  std::string href = page.substr(start, page.find('"', start) - start);
  HttpResponse file = admin->Get(href);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body, pdf);
  EXPECT_NE(page.find(">contract.pdf</a>"), std::string::npos);
  // Without JavaScript the textarea's text is escaped.
  ASSERT_EQ(admin
                ->Post(profile + "/actions", kMultipart,
                       Multipart({{"_csrf", "", csrf},
                                  {"type", "", "host.note"},
                                  {"title", "", "Plain"},
                                  {"note", "", "<i>not html</i>\nline two"}}))
                .status,
            303);
  EXPECT_NE(admin->Get(profile).body.find("&lt;i&gt;not html&lt;/i&gt;<br>line two"),
            std::string::npos);
}

}  // namespace
