// tests/hooks/client_area_test.cc — the reserved area (CD2), its menu entry (CD4) and gate
// (CD3), the admin tab (CD5) and escaping of hostile type names on every page.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

using cd::UploadMode;

const char kHostileName[] = "<img src=x onerror=alert(1)>";

std::string Multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& file_name, const std::string& file_body) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body +=
        "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  body += "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
          "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + file_body + "\r\n--XyZ--\r\n";
  return body;
}

const char kPdf[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

class ClientAreaTest : public ModuleTest {
 protected:
  void SetUp() override {
    ModuleTest::SetUp();
    if (HasFatalFailure()) return;
    id_card_ = AddType("ID card", UploadMode::kRequired, true, "Date of issue, Place of issue");
    staff_ = AddType("Staff certificate", UploadMode::kAdminOnly);
    client_ = host_.AddClient("Alice", "Martin");
  }

  crm::GateDecision Gate(const std::string& path) {
    return registry_.RunGates(ClientPrincipal(client_), path);
  }

  FakeResponse Page(const std::string& language = "en") {
    FakeRequest request;
    request.caller = ClientPrincipal(client_, language);
    FakeResponse response;
    crm::Status s = Call("GET", "/account/documents", request, response);
    EXPECT_OK(s);
    EXPECT_TRUE(response.page.has_value());
    return response;
  }

  // The Documents tab of the client's profile, as an admin with every permission sees it.
  crm::Result<std::string> AdminTab() {
    FakeRequest request;
    request.caller = AdminPrincipal({"documents.read", "documents.write", "documents.settings"});
    CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, host_.FindClient(client_));
    return registry_.profile_tabs().at(0).hook.render(client, request);
  }

  int64_t id_card_ = 0, staff_ = 0, client_ = 0;
};

// Issue 15.14: every POST form of a page starts with its CSRF field (the host reads a multipart
// body's first part for it) and no URL of the page carries the token (logs, history, Referer).
void ExpectCsrfFirstAndNeverInAUrl(const std::string& html, const std::string& token) {
  EXPECT_EQ(html.find("_csrf="), std::string::npos) << html;
  const std::string field = "<input type=\"hidden\" name=\"_csrf\" value=\"" + token + "\">";
  int forms = 0;
  for (size_t at = html.find("<form"); at != std::string::npos; at = html.find("<form", at + 1)) {
    const size_t end = html.find('>', at);
    const std::string tag = html.substr(at, end - at);
    if (tag.find("method=\"post\"") == std::string::npos) continue;
    ++forms;
    size_t first = std::string::npos;
    for (const char* control : {"<input", "<textarea", "<select", "<button"})
      first = std::min(first, html.find(control, end));
    EXPECT_EQ(first, html.find(field, end)) << tag;
  }
  EXPECT_GT(forms, 0) << html;
}

TEST_F(ClientAreaTest, EveryPostFormStartsWithItsCsrfFieldAndNoUrlCarriesIt) {
  cd::TypeDraft two;
  two.name = cd::LocalizedText{"ID card two sides", "", ""};
  two.upload_mode = UploadMode::kOptional;
  two.max_files = 2;
  auto type = services_->types().Create(two);
  ASSERT_OK(type);
  FakeRequest upload;
  upload.caller = ClientPrincipal(client_);
  upload.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  upload.body = Multipart({}, "front.pdf", kPdf);
  FakeResponse uploaded;
  ASSERT_OK(Call("POST", "/account/documents/" + std::to_string(type->id), upload, uploaded));
  const std::string area = Page().page->body_html;
  EXPECT_NE(area.find("/add\""), std::string::npos) << "the add-a-file form shows";
  ExpectCsrfFirstAndNeverInAUrl(area, ClientPrincipal(client_).csrf_token);

  const crm::Principal admin =
      AdminPrincipal({"documents.read", "documents.write", "documents.settings"});
  auto tab = AdminTab();
  ASSERT_OK(tab);
  ExpectCsrfFirstAndNeverInAUrl(*tab, admin.csrf_token);
  FakeRequest settings_request;
  settings_request.caller = admin;
  auto settings = registry_.settings_pages().at("client-documents").render(settings_request);
  ASSERT_OK(settings);
  ExpectCsrfFirstAndNeverInAUrl(*settings, admin.csrf_token);
  FakeRequest form_request;
  form_request.caller = admin;
  FakeResponse form;
  ASSERT_OK(Call("GET", "/admin/plugins/client-documents/types/" + std::to_string(type->id),
                 form_request, form));
  ASSERT_TRUE(form.page);
  ExpectCsrfFirstAndNeverInAUrl(form.page->body_html, admin.csrf_token);
}

TEST_F(ClientAreaTest, GateIsOpenWhenTheSettingIsOff) {
  SetSettings(true, false);
  EXPECT_TRUE(Gate("/account/profile").allow);
}

TEST_F(ClientAreaTest, GateSendsAClientMissingARequiredDocumentToMyDocuments) {
  SetSettings(true, true);
  for (const char* path :
       {"/account", "/account/profile", "/account/invoices/3", "/account/documentsX"}) {
    crm::GateDecision d = Gate(path);
    EXPECT_FALSE(d.allow) << path;
    EXPECT_EQ(d.redirect_to.rfind("/account/documents", 0), 0u) << path;
  }
  for (const char* path : {"/account/documents", "/account/documents/3",
                           "/account/documents/3/files/9", "/account/logout", "/account/login",
                           "/assets/app.css", "/assets/plugins/client-documents/documents.js"}) {
    EXPECT_TRUE(Gate(path).allow) << path;
  }
  // The admin-only type is not the client's to provide; the required one is.
  GiveDocument(client_, id_card_);
  EXPECT_TRUE(Gate("/account/profile").allow);
}

// Issue 15.11: the gate's banner stays as long as the client is held back (not only on the
// redirect that brought them), and the page starts with what is still to provide.
TEST_F(ClientAreaTest, GateBannerAndWhatIsMissingStayUntilProvided) {
  SetSettings(true, true);
  int64_t optional = AddType("Bank card", UploadMode::kOptional);
  std::string html = Page("fr").page->body_html;
  EXPECT_NE(html.find("cd-notice-gate"), std::string::npos) << html;
  size_t top = html.find("cd-missing-list");
  ASSERT_NE(top, std::string::npos) << html;
  EXPECT_LT(top, html.find("class=\"cd-documents\""));
  EXPECT_NE(html.find("<a href=\"#cd-doc-" + std::to_string(id_card_) + "\">ID card</a>", top),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("Encore à fournir"), std::string::npos);
  // Issue 15.14: the module's buttons wear the host's classes.
  EXPECT_NE(html.find("class=\"btn btn-primary cd-button\""), std::string::npos);
  const size_t list_end = html.find("</ul>", top);
  EXPECT_EQ(html.substr(top, list_end - top).find("Bank card"), std::string::npos)
      << "an optional document is not missing";
  EXPECT_EQ(html.substr(top, list_end - top).find("Staff certificate"), std::string::npos)
      << "the staff's documents are not the client's to provide";
  (void)optional;

  GiveDocument(client_, id_card_);
  html = Page("fr").page->body_html;
  EXPECT_EQ(html.find("cd-notice-gate"), std::string::npos);
  EXPECT_EQ(html.find("cd-missing-list"), std::string::npos);

  SetSettings(true, false);  // no gate: no banner, the list alone
  int64_t more = AddType("Proof of address", UploadMode::kRequired);
  html = Page("en").page->body_html;
  EXPECT_EQ(html.find("cd-notice-gate"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#cd-doc-" + std::to_string(more) + "\">Proof of address</a>"),
            std::string::npos);
}

TEST_F(ClientAreaTest, MenuEntryAppearsOnlyWhenEnabled) {
  SetSettings(false, false);
  std::vector<crm::MenuItem> base = {{"host.profile", "Profile", "/account/profile", 10}};
  auto items = registry_.BuildMenu(crm::MenuArea::kAccount, base, ClientPrincipal(client_, "fr"));
  EXPECT_EQ(items.size(), 1u);

  SetSettings(true, false);
  items = registry_.BuildMenu(crm::MenuArea::kAccount, base, ClientPrincipal(client_, "fr"));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].path, "/account/documents");
  EXPECT_EQ(items[1].label, "Mes documents");
  items = registry_.BuildMenu(crm::MenuArea::kAccount, base, ClientPrincipal(client_, "nl"));
  EXPECT_EQ(items.at(1).label, "Mijn documenten");
  // The admin menu is not touched.
  EXPECT_EQ(registry_.BuildMenu(crm::MenuArea::kAdmin, base, AdminPrincipal({})).size(), 1u);
}

TEST_F(ClientAreaTest, AdminOnlyDocumentsAreReadOnlyForTheClient) {
  FakeResponse response = Page();
  const std::string& html = response.page->body_html;
  EXPECT_EQ(response.page->layout, crm::PageReply::Layout::kAccount);
  // The required type has an upload form with its extra fields; the admin-only one none.
  // Issue 15.14: the form's first field is its CSRF token, never in its URL.
  const size_t form = html.find("action=\"/account/documents/" + std::to_string(id_card_) + "\"");
  ASSERT_NE(form, std::string::npos) << html;
  EXPECT_EQ(html.find("<input", form),
            html.find("<input type=\"hidden\" name=\"_csrf\" value=\"csrf-client\">", form));
  EXPECT_EQ(html.find("_csrf="), std::string::npos) << html;
  EXPECT_NE(html.find("name=\"date_of_issue\""), std::string::npos);
  EXPECT_NE(html.find("Staff certificate"), std::string::npos);
  // No upload form (the comment form, PT3, stays: a client may ask about any document).
  EXPECT_EQ(html.find("action=\"/account/documents/" + std::to_string(staff_) + "\""),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("action=\"/account/documents/" + std::to_string(staff_) + "/comments\""),
            std::string::npos);
  EXPECT_NE(html.find("provided by our staff"), std::string::npos);

  // And the route refuses an upload to it before reading the body.
  FakeRequest request;
  request.caller = ClientPrincipal(client_);
  request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  request.body = Multipart({}, "cert.pdf", kPdf);
  FakeResponse refused;
  crm::Status s = Call("POST", "/account/documents/" + std::to_string(staff_), request, refused);
  ASSERT_OK(s);
  EXPECT_EQ(refused.status, 403);
  ASSERT_TRUE(refused.page);
  EXPECT_NE(refused.page->body_html.find("not allowed to change this document"), std::string::npos);
  auto row = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_documents");
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((**row).Int(0), 0);
}

TEST_F(ClientAreaTest, PageShowsStatusInTheClientsLanguage) {
  SetSettings(true, false, "Bring **both sides** <script>alert(1)</script>");
  std::string html = Page("fr").page->body_html;
  EXPECT_NE(html.find("Manquant"), std::string::npos);
  EXPECT_NE(html.find("<strong>both sides</strong>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  GiveDocument(client_, id_card_);
  html = Page("nl").page->body_html;
  EXPECT_NE(html.find("Geüpload op 18/11/2026"), std::string::npos) << html;
}

// Issue 15.12: who uploaded is a name, "you" or "API" in the reader's language, never the
// stored label ("admin:...", "client", "api:token of ...").
TEST_F(ClientAreaTest, UploadersAreShownAsPeopleReadThem) {
  const int64_t address = AddType("Proof of address", UploadMode::kOptional);
  GiveDocument(client_, id_card_);  // stored as "client"
  GiveDocument(client_, staff_);
  GiveDocument(client_, address);
  ASSERT_OK(host_.Db().Exec("UPDATE cd_documents SET uploaded_by = ? WHERE type_id = ?",
                            {std::string("admin:Marie Dupont"), staff_}));
  ASSERT_OK(host_.Db().Exec("UPDATE cd_documents SET uploaded_by = ? WHERE type_id = ?",
                            {std::string("api:token of robot@example.com"), address}));

  const std::string fr = Page("fr").page->body_html;
  EXPECT_NE(fr.find("par vous"), std::string::npos) << fr;
  EXPECT_NE(fr.find("par Marie Dupont"), std::string::npos);
  EXPECT_NE(fr.find("par API"), std::string::npos);
  EXPECT_NE(Page("nl").page->body_html.find("door u"), std::string::npos);
  for (const char* raw : {"admin:", "api:token", "robot@example.com", ">client<", " client "})
    EXPECT_EQ(fr.find(raw), std::string::npos) << raw;

  auto tab = AdminTab();
  ASSERT_OK(tab);
  EXPECT_NE(tab->find("by Alice Martin"), std::string::npos) << *tab;
  EXPECT_NE(tab->find("by Marie Dupont"), std::string::npos);
  EXPECT_NE(tab->find("by API"), std::string::npos);
  for (const char* raw : {"admin:", "api:token", "robot@example.com", "by client"})
    EXPECT_EQ(tab->find(raw), std::string::npos) << raw;
}

// Issue 4: field labels and the intro in the client's language, English when not translated.
TEST_F(ClientAreaTest, LabelsAndIntroInTheClientsLanguageWithFallback) {
  cd::Settings settings;
  settings.intro_markdown =
      cd::LocalizedText{"Please send **both sides**.", "Merci d'envoyer **les deux faces**.", ""};
  ASSERT_OK(services_->settings().Save(settings));
  cd::TypeDraft labels;
  labels.fields =
      std::vector<cd::FieldDef>{{"date_of_issue",
                                 {"Date of issue", "Date de délivrance", "Datum van afgifte"},
                                 cd::FieldType::kDate,
                                 false},
                                {"place_of_issue",
                                 {"Place of issue", "Lieu de délivrance", ""},
                                 cd::FieldType::kText,
                                 false}};
  ASSERT_OK(services_->types().Update(id_card_, labels));

  std::string fr = Page("fr").page->body_html;
  EXPECT_NE(fr.find("Date de délivrance"), std::string::npos) << fr;
  EXPECT_NE(fr.find("Lieu de délivrance"), std::string::npos);
  EXPECT_EQ(fr.find("Date of issue"), std::string::npos);
  EXPECT_NE(fr.find("<strong>les deux faces</strong>"), std::string::npos);
  EXPECT_EQ(fr.find("both sides"), std::string::npos);

  std::string nl = Page("nl").page->body_html;
  EXPECT_NE(nl.find("Datum van afgifte"), std::string::npos) << nl;
  EXPECT_NE(nl.find("Place of issue"), std::string::npos);               // no Dutch label: English
  EXPECT_NE(nl.find("<strong>both sides</strong>"), std::string::npos);  // no Dutch intro: English
  EXPECT_EQ(nl.find("les deux faces"), std::string::npos);

  std::string en = Page("en").page->body_html;
  EXPECT_NE(en.find("Date of issue"), std::string::npos);
  EXPECT_EQ(en.find("Date de délivrance"), std::string::npos);
}

TEST_F(ClientAreaTest, UploadThroughTheFormStoresTheDocument) {
  FakeRequest request;
  request.caller = ClientPrincipal(client_);
  request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  request.body =
      Multipart({{"date_of_issue", "2024-01-02"}, {"place_of_issue", "Namur"}}, "id.pdf", kPdf);
  FakeResponse response;
  crm::Status s = Call("POST", "/account/documents/" + std::to_string(id_card_), request, response);
  ASSERT_OK(s);
  ASSERT_EQ(response.status, 303) << (response.page ? response.page->body_html : response.body);
  // Issue 15.11: back to the document itself, where the confirmation is.
  EXPECT_EQ(response.redirect, "/account/documents?uploaded=" + std::to_string(id_card_) +
                                   "#cd-doc-" + std::to_string(id_card_));

  auto doc = services_->documents().Get(ClientPrincipal(client_), client_, id_card_);
  ASSERT_OK(doc);
  EXPECT_EQ(doc->status, cd::DocumentStatus::kUploaded);
  EXPECT_EQ(doc->fields["place_of_issue"], "Namur");
  ASSERT_EQ(doc->files.size(), 1u);
  EXPECT_EQ(doc->files[0].mime, "application/pdf");

  // The client can fetch its own file, not with another client's session.
  FakeRequest get;
  get.caller = ClientPrincipal(client_);
  FakeResponse file;
  std::string file_path = "/account/documents/" + std::to_string(id_card_) + "/files/" +
                          std::to_string(doc->files[0].id);
  ASSERT_OK(Call("GET", file_path, get, file));
  ASSERT_TRUE(file.file.has_value());
  EXPECT_EQ(file.file->mime, "application/pdf");

  int64_t other = host_.AddClient("Bruno", "Peeters");
  FakeRequest intruder;
  intruder.caller = ClientPrincipal(other);
  FakeResponse none;
  EXPECT_EQ(Call("GET", file_path, intruder, none).code(), crm::StatusCode::kNotFound);
  EXPECT_FALSE(none.file.has_value());
}

TEST_F(ClientAreaTest, ImagesGetAThumbnailOnThePage) {
  static const unsigned char kPng[] = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
      0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
      0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
      0xda, 0x63, 0x64, 0xf8, 0xcf, 0x50, 0x0f, 0x00, 0x03, 0x86, 0x01, 0x80, 0x5a, 0x34,
      0x7d, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
  FakeRequest request;
  request.caller = ClientPrincipal(client_);
  request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  request.body =
      Multipart({}, "front.png", std::string(reinterpret_cast<const char*>(kPng), sizeof kPng));
  FakeResponse response;
  ASSERT_OK(Call("POST", "/account/documents/" + std::to_string(id_card_), request, response));
  ASSERT_EQ(response.status, 303) << (response.page ? response.page->body_html : "");

  auto doc = services_->documents().Get(ClientPrincipal(client_), client_, id_card_);
  ASSERT_OK(doc);
  ASSERT_EQ(doc->files.size(), 1u);
  ASSERT_FALSE(doc->files[0].thumbnail_key.empty()) << "libvips made no thumbnail";
  const std::string thumb = "/account/documents/thumbnails/" + std::to_string(doc->files[0].id);
  std::string html = Page().page->body_html;
  EXPECT_NE(html.find("src=\"" + thumb + "\""), std::string::npos) << html;

  FakeRequest get;
  get.caller = ClientPrincipal(client_);
  FakeResponse file;
  ASSERT_OK(Call("GET", thumb, get, file));
  ASSERT_TRUE(file.file.has_value());
  EXPECT_TRUE(std::filesystem::exists(file.file->path));

  FakeRequest other;
  other.caller = ClientPrincipal(host_.AddClient("Bruno", "Peeters"));
  FakeResponse none;
  EXPECT_EQ(Call("GET", thumb, other, none).code(), crm::StatusCode::kNotFound);
}

TEST_F(ClientAreaTest, UploadErrorsAreShownInTheClientsLanguage) {
  FakeRequest request;
  request.caller = ClientPrincipal(client_, "fr");
  request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  request.body =
      Multipart({{"date_of_issue", "2024-01-02"}}, "evil.exe", "MZ\x90\x00 not a pdf at all");
  FakeResponse response;
  ASSERT_OK(Call("POST", "/account/documents/" + std::to_string(id_card_), request, response));
  EXPECT_EQ(response.status, 415);
  ASSERT_TRUE(response.page);
  EXPECT_NE(response.page->body_html.find("Ce type de fichier n’est pas accepté"),
            std::string::npos)
      << response.page->body_html;

  // The page's script asks for JSON and gets the same text.
  FakeRequest xhr;
  xhr.caller = ClientPrincipal(client_, "nl");
  xhr.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  xhr.headers["accept"] = "application/json";
  xhr.body = request.body;
  FakeResponse json;
  ASSERT_OK(Call("POST", "/account/documents/" + std::to_string(id_card_), xhr, json));
  ASSERT_TRUE(json.error.has_value());
  EXPECT_EQ(json.status, 415);
  EXPECT_NE(json.error->message().find("niet aanvaard"), std::string::npos)
      << json.error->message();
}

TEST_F(ClientAreaTest, HostileTypeNamesAreEscapedEverywhere) {
  int64_t hostile = AddType(kHostileName, UploadMode::kRequired, true, "<b>Field</b>");
  GiveDocument(client_, hostile);
  auto escaped = [](const std::string& html) {
    return html.find("<img src=x") == std::string::npos &&
           html.find("<b>Field") == std::string::npos &&
           html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos;
  };

  EXPECT_TRUE(escaped(Page().page->body_html)) << Page().page->body_html;

  FakeRequest tab_request;
  tab_request.caller = AdminPrincipal({"documents.read", "documents.write", "documents.settings"});
  auto client = host_.FindClient(client_);
  ASSERT_OK(client);
  auto tab = registry_.profile_tabs().at(0).hook.render(*client, tab_request);
  ASSERT_OK(tab);
  EXPECT_TRUE(escaped(*tab)) << *tab;

  FakeRequest settings_request;
  settings_request.caller = tab_request.caller;
  auto settings = registry_.settings_pages().at("client-documents").render(settings_request);
  ASSERT_OK(settings);
  EXPECT_TRUE(escaped(*settings)) << *settings;

  FakeRequest form_request;
  form_request.caller = tab_request.caller;
  FakeResponse form;
  ASSERT_TRUE(Call("GET", "/admin/plugins/client-documents/types/" + std::to_string(hostile),
                   form_request, form)
                  .ok());
  ASSERT_TRUE(form.page);
  EXPECT_EQ(form.page->body_html.find("<img src=x"), std::string::npos);

  for (const auto& f : registry_.ListFilters("en")) {
    // Filter labels are plain text (the host escapes them), so they keep the name as is.
    if (f.id == "doc." + std::to_string(hostile)) {
      EXPECT_EQ(f.label, kHostileName);
    }
  }
}

TEST_F(ClientAreaTest, AdminTabActionsGoThroughTheServiceAndTheTimeline) {
  crm::Principal admin = AdminPrincipal({"documents.read", "documents.write"});
  const std::string base = "/admin/plugins/client-documents/clients/" + std::to_string(client_) +
                           "/documents/" + std::to_string(id_card_);
  FakeRequest upload;
  upload.caller = admin;
  upload.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  upload.body = Multipart({{"date_of_issue", "2024-01-02"}}, "id.pdf", kPdf);
  FakeResponse uploaded;
  ASSERT_OK(Call("POST", base, upload, uploaded));
  EXPECT_EQ(uploaded.redirect.rfind(
                "/admin/clients/" + std::to_string(client_) + "/tabs/documents?flash=uploaded", 0),
            0u)
      << uploaded.redirect;

  FakeRequest fields;
  fields.caller = admin;
  fields.form = {
      {"_csrf", "csrf-admin"}, {"date_of_issue", "2025-03-04"}, {"place_of_issue", "Liège"}};
  FakeResponse saved;
  ASSERT_OK(Call("POST", base + "/fields", fields, saved));
  EXPECT_NE(saved.redirect.find("flash=fields_saved"), std::string::npos) << saved.redirect;
  auto doc = services_->documents().Get(admin, client_, id_card_);
  ASSERT_OK(doc);
  EXPECT_EQ(doc->fields["place_of_issue"], "Liège");

  FakeRequest del;
  del.caller = admin;
  FakeResponse deleted;
  ASSERT_OK(Call("POST", base + "/delete", del, deleted));
  EXPECT_NE(deleted.redirect.find("flash=deleted"), std::string::npos);

  // The tab shows the flash and the archived version.
  FakeRequest tab_request;
  tab_request.caller = admin;
  tab_request.query["flash"] = "deleted";
  auto client = host_.FindClient(client_);
  auto tab = registry_.profile_tabs().at(0).hook.render(*client, tab_request);
  ASSERT_OK(tab);
  EXPECT_NE(tab->find("The document has been deleted."), std::string::npos);
  EXPECT_NE(tab->find("/archive/files/"), std::string::npos) << *tab;

  auto types =
      host_.Db().QueryAll("SELECT type FROM timeline WHERE client_id = ? ORDER BY id", {client_});
  ASSERT_OK(types);
  std::vector<std::string> seen;
  for (const auto& r : *types) seen.push_back(r.Text(0));
  EXPECT_NE(std::find(seen.begin(), seen.end(), "client-documents.upload"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "client-documents.delete"), seen.end());
}

TEST_F(ClientAreaTest, AdminErrorsComeBackAsCodesNotText) {
  crm::Principal admin = AdminPrincipal({"documents.read", "documents.write"});
  FakeRequest upload;
  upload.caller = admin;
  upload.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  upload.body = Multipart({}, "x.bin", "MZ\x90 nope");
  FakeResponse response;
  ASSERT_TRUE(Call("POST",
                   "/admin/plugins/client-documents/clients/" + std::to_string(client_) +
                       "/documents/" + std::to_string(id_card_),
                   upload, response)
                  .ok());
  EXPECT_NE(response.redirect.find("error="), std::string::npos) << response.redirect;

  FakeRequest tab_request;
  tab_request.caller = admin;
  tab_request.query["error"] = "unsupported_type";
  tab_request.query["type"] = std::to_string(id_card_);
  tab_request.query["flash"] = "<script>";
  auto client = host_.FindClient(client_);
  auto tab = registry_.profile_tabs().at(0).hook.render(*client, tab_request);
  ASSERT_OK(tab);
  EXPECT_NE(tab->find("This kind of file is not accepted"), std::string::npos);
  EXPECT_EQ(tab->find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace cd_test

namespace cd_test {
namespace {

// A field error on the client's page names the field by its label, in the client's
// language, not by its key ("fields.date_of_issue: required").
// Issue 15.9: a message the person sees is in their language, never the API's technical English
// ("Des informations manquent … : at most 2 file(s)").
TEST_F(ClientAreaTest, TooManyFilesAndAnEmptyFileAreSaidInTheClientsLanguage) {
  const std::string part =
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n" +
      std::string(kPdf) + "\r\n";
  int64_t single = AddType("Single", UploadMode::kOptional);
  auto post = [&](const std::string& language, const std::string& body) {
    FakeRequest request;
    request.caller = ClientPrincipal(client_, language);
    request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
    request.body = body;
    FakeResponse response;
    EXPECT_OK(Call("POST", "/account/documents/" + std::to_string(single), request, response));
    EXPECT_EQ(response.status, 422);
    return response.page ? response.page->body_html : response.body;
  };
  std::string fr = post("fr", part + part + "--XyZ--\r\n");
  EXPECT_NE(fr.find("1 fichier(s) au maximum pour ce document."), std::string::npos) << fr;
  EXPECT_EQ(fr.find("at most"), std::string::npos) << fr;
  std::string nl = post("nl", part + part + "--XyZ--\r\n");
  EXPECT_NE(nl.find("maximaal 1 bestand(en) voor dit document."), std::string::npos) << nl;
  std::string empty =
      post("fr",
           "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
           "filename=\"e.pdf\"\r\nContent-Type: application/pdf\r\n\r\n\r\n--XyZ--\r\n");
  EXPECT_NE(empty.find("le fichier est vide."), std::string::npos) << empty;
  EXPECT_EQ(empty.find("the file is empty"), std::string::npos) << empty;
  auto row = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_documents");
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((**row).Int(0), 0);
}

// Issue 15.13: a two-file document sent with one file is completed later, the first file kept
// and nothing archived; a file past the type's limit is refused in the client's language.
// Issue 15.11 (host API 1.5): the reserved area's home gets the same "still to provide" list, in
// the reader's language, each document linked to its place on My documents; nothing for anyone but
// a client, nothing while the section is hidden, nothing once everything is provided.
TEST_F(ClientAreaTest, HomeSectionListsWhatIsMissingWithLinksToMyDocuments) {
  SetSettings(true, false);
  const auto& sections = registry_.account_home_sections();
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].owner + "." + sections[0].hook.id, "client-documents.missing");
  auto render = [&](const crm::Principal& who, const std::string& lang) {
    crm::Result<std::string> html = sections[0].hook.render(who, lang);
    EXPECT_OK(html.status());
    return html.ok() ? *html : std::string("error");
  };
  std::string fr = render(ClientPrincipal(client_, "fr"), "fr");
  EXPECT_NE(
      fr.find("<a href=\"/account/documents#cd-doc-" + std::to_string(id_card_) + "\">ID card</a>"),
      std::string::npos)
      << fr;
  EXPECT_NE(fr.find("Encore à fournir"), std::string::npos);
  EXPECT_EQ(fr.find("Staff certificate"), std::string::npos);
  // The page itself shows the same list (one template), anchored on itself.
  std::string page = Page("fr").page->body_html;
  EXPECT_NE(page.find("<a href=\"#cd-doc-" + std::to_string(id_card_) + "\">ID card</a>"),
            std::string::npos);

  EXPECT_EQ(render(AdminPrincipal({"documents.read"}), "en"), "");
  SetSettings(false, false);
  EXPECT_EQ(render(ClientPrincipal(client_), "en"), "") << "the section is hidden";
  SetSettings(true, false);
  GiveDocument(client_, id_card_);
  EXPECT_EQ(render(ClientPrincipal(client_), "en"), "") << "nothing is missing";
}

TEST_F(ClientAreaTest, TheMissingSecondFileCanBeAddedLater) {
  cd::TypeDraft d;
  d.name = cd::LocalizedText{"Identity card", "Carte d’identité", "Identiteitskaart"};
  d.upload_mode = UploadMode::kRequired;
  d.max_files = 2;
  auto type = services_->types().Create(d);
  ASSERT_OK(type);
  const std::string base = "/account/documents/" + std::to_string(type->id);
  auto post = [&](const std::string& path, const std::string& name, const std::string& marker) {
    FakeRequest request;
    request.caller = ClientPrincipal(client_, "fr");
    request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
    request.body = Multipart({}, name, std::string(kPdf) + "% " + marker + "\n");
    FakeResponse response;
    EXPECT_OK(Call("POST", path, request, response));
    return response;
  };
  EXPECT_EQ(post(base + "/add", "back.pdf", "b").status, 404) << "nothing to complete yet";
  ASSERT_EQ(post(base, "front.pdf", "f").status, 303);
  std::string html = Page("fr").page->body_html;
  EXPECT_NE(html.find("action=\"" + base + "/add\""), std::string::npos) << html;
  EXPECT_EQ(html.find("_csrf="), std::string::npos) << html;
  FakeResponse added = post(base + "/add", "back.pdf", "b");
  ASSERT_EQ(added.status, 303) << (added.page ? added.page->body_html : added.body);
  EXPECT_EQ(added.redirect, "/account/documents?uploaded=" + std::to_string(type->id) + "#cd-doc-" +
                                std::to_string(type->id));
  auto doc = services_->documents().Get(ClientPrincipal(client_), client_, type->id);
  ASSERT_OK(doc);
  ASSERT_EQ(doc->files.size(), 2u);
  EXPECT_EQ(doc->files[0].name, "front.pdf");
  EXPECT_EQ(doc->files[1].name, "back.pdf");
  auto versions = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_versions");
  ASSERT_TRUE(versions.ok() && *versions);
  EXPECT_EQ((**versions).Int(0), 0) << "completing is not replacing";
  // Complete now: no form to add, and a third file is refused.
  html = Page("fr").page->body_html;
  EXPECT_EQ(html.find(base + "/add?"), std::string::npos);
  FakeResponse third = post(base + "/add", "more.pdf", "m");
  EXPECT_EQ(third.status, 422);
  std::string text = third.page ? third.page->body_html : third.body;
  EXPECT_NE(text.find("2 fichier(s) au maximum pour ce document."), std::string::npos) << text;
  auto files = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_files WHERE client_id = ?", {client_});
  ASSERT_TRUE(files.ok() && *files);
  EXPECT_EQ((**files).Int(0), 2);
}

TEST_F(ClientAreaTest, FieldErrorsNameTheFieldInTheClientsLanguage) {
  cd::TypeDraft d;
  d.name = cd::LocalizedText{"Residence permit", "Titre de séjour", "Verblijfsvergunning"};
  d.upload_mode = UploadMode::kRequired;
  cd::FieldDef date;
  date.key = "valid_until";
  date.label = cd::LocalizedText{"Valid until", "Valable jusqu’au", "Geldig tot"};
  date.type = cd::FieldType::kDate;
  date.required = true;
  d.fields = std::vector<cd::FieldDef>{date};
  auto type = services_->types().Create(d);
  ASSERT_OK(type);

  auto post = [&](const std::string& language, const std::string& value) {
    FakeRequest request;
    request.caller = ClientPrincipal(client_, language);
    request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
    request.body = Multipart({{"valid_until", value}}, "permit.pdf", kPdf);
    FakeResponse response;
    crm::Status s =
        Call("POST", "/account/documents/" + std::to_string(type->id), request, response);
    EXPECT_OK(s);
    EXPECT_EQ(response.status, 422);
    return response.page ? response.page->body_html : response.body;
  };
  std::string fr = post("fr", "");
  EXPECT_NE(fr.find("« Valable jusqu’au » est obligatoire."), std::string::npos) << fr;
  EXPECT_EQ(fr.find("fields.valid_until"), std::string::npos) << fr;
  std::string nl = post("nl", "31-12-2030");
  EXPECT_NE(nl.find("„Geldig tot” moet een datum zijn (JJJJ-MM-DD)."), std::string::npos) << nl;
  std::string en = post("en", "");
  EXPECT_NE(en.find("“Valid until” is required."), std::string::npos) << en;
  auto row = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_documents");
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((**row).Int(0), 0);
}

}  // namespace
}  // namespace cd_test

namespace cd_test {
namespace {

// Every upload route refuses a declared Content-Length above the type's limit before
// reading the body (it used to be the API only): a 1.2 MiB body for a type of 1000 bytes
// answers 413, not the 422 the oversize field would give once read.
TEST_F(ClientAreaTest, EveryUploadRouteRefusesAnOversizeBodyBeforeReadingIt) {
  cd::TypeDraft small;
  small.max_size = 1000;
  ASSERT_OK(services_->types().Update(id_card_, small));
  const std::string body =
      Multipart({{"date_of_issue", std::string(1200 * 1024, 'a')}}, "id.pdf", kPdf);

  FakeRequest client_post;
  client_post.caller = ClientPrincipal(client_);
  client_post.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  client_post.headers["accept"] = "application/json";
  client_post.body = body;
  FakeResponse client_reply;
  ASSERT_TRUE(
      Call("POST", "/account/documents/" + std::to_string(id_card_), client_post, client_reply)
          .ok());
  EXPECT_EQ(client_reply.status, 413);

  FakeRequest admin_post;
  admin_post.caller = AdminPrincipal({"documents.read", "documents.write"});
  admin_post.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  admin_post.body = body;
  FakeResponse admin_reply;
  ASSERT_TRUE(Call("POST",
                   "/admin/plugins/client-documents/clients/" + std::to_string(client_) +
                       "/documents/" + std::to_string(id_card_),
                   admin_post, admin_reply)
                  .ok());
  EXPECT_NE(admin_reply.redirect.find("error=too_large"), std::string::npos)
      << admin_reply.redirect;
}

}  // namespace
}  // namespace cd_test
