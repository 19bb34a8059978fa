// tests/hooks/settings_page_test.cc — the settings page (CD4) and the document-type admin
// routes (CD1): save, create from the seeds' comma-separated form, reorder, archive, errors.
#include <algorithm>
#include <string>
#include <vector>

#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

class SettingsPageTest : public ModuleTest {
 protected:
  FakeRequest AdminRequest() {
    FakeRequest request;
    request.caller = AdminPrincipal({"documents.read", "documents.write", "documents.settings"});
    return request;
  }

  std::vector<std::string> Names() {
    std::vector<std::string> names;
    auto types = services_->types().List(true);
    EXPECT_OK(types);
    if (types.ok())
      for (const auto& t : *types) names.push_back(t.name.en);
    return names;
  }
};

TEST_F(SettingsPageTest, SaveStoresTheThreeSettings) {
  const crm::SettingsPage& page = registry_.settings_pages().at("client-documents");
  FakeRequest request = AdminRequest();
  request.method = "POST";
  request.form = {{"_csrf", "csrf-admin"},
                  {"mandatory_gate", "1"},
                  {"intro", "Welcome *here*"},
                  {"notify_email", " office@example.com "},
                  {"firm_language", "fr"}};
  ASSERT_OK(page.save(request));
  auto settings = services_->settings().Get();
  ASSERT_OK(settings);
  EXPECT_EQ(settings->notify_email, "office@example.com");
  EXPECT_EQ(settings->firm_language, "fr");
  EXPECT_FALSE(settings->show_menu_entry);  // unchecked box: absent from the form
  EXPECT_TRUE(settings->mandatory_gate);
  EXPECT_EQ(settings->intro_markdown.en, "Welcome *here*");

  auto html = page.render(request);
  ASSERT_OK(html);
  EXPECT_NE(html->find("name=\"mandatory_gate\" value=\"1\" checked"), std::string::npos) << *html;
  EXPECT_EQ(html->find("name=\"show_menu_entry\" value=\"1\" checked"), std::string::npos);
  EXPECT_NE(html->find("Welcome *here*</textarea>"), std::string::npos);
  EXPECT_NE(html->find("value=\"office@example.com\""), std::string::npos);
  EXPECT_NE(html->find("<option value=\"fr\" selected>"), std::string::npos) << *html;
}

TEST_F(SettingsPageTest, CreatesATypeFromTheForm) {
  FakeRequest request = AdminRequest();
  request.form = {{"_csrf", "csrf-admin"},
                  {"name_en", "Identity document"},
                  {"name_fr", "Document d’identité"},
                  {"name_nl", "Identiteitsbewijs"},
                  {"upload_mode", "required"},
                  {"ask_fields", "1"},
                  {"fields", "Date of issue, Place of issue"},
                  {"field_type.date_of_issue", "date"},
                  {"field_required.date_of_issue", "1"},
                  {"accept", "application/pdf"},
                  {"accept", "image/jpeg"},
                  {"max_size_mb", "2.5"},
                  {"max_files", "2"}};
  FakeResponse response;
  crm::Status s = Call("POST", "/admin/plugins/client-documents/types", request, response);
  ASSERT_OK(s);
  ASSERT_EQ(response.redirect, "/admin/plugins/client-documents/settings?flash=type_saved")
      << (response.page ? response.page->body_html : "");

  auto types = services_->types().List(true);
  ASSERT_OK(types);
  ASSERT_EQ(types->size(), 1u);
  const cd::DocumentType& t = (*types)[0];
  EXPECT_EQ(t.name.fr, "Document d’identité");
  EXPECT_EQ(t.upload_mode, cd::UploadMode::kRequired);
  ASSERT_EQ(t.fields.size(), 2u);
  EXPECT_EQ(t.fields[0].key, "date_of_issue");
  EXPECT_EQ(t.fields[0].type, cd::FieldType::kDate);
  EXPECT_TRUE(t.fields[0].required);
  EXPECT_EQ(t.fields[1].type, cd::FieldType::kText);
  EXPECT_FALSE(t.fields[1].required);
  EXPECT_EQ(t.accept, (std::vector<std::string>{"application/pdf", "image/jpeg"}));
  EXPECT_EQ(t.max_size, 2621440);
  EXPECT_EQ(t.max_files, 2);
}

// SPEC X3: the form's "keep image metadata" box, stored and shown, translated.
TEST_F(SettingsPageTest, TypeFormKeepsImageMetadataOnlyWhenTicked) {
  FakeRequest request = AdminRequest();
  request.form = {{"_csrf", "csrf-admin"},  {"name_en", "Site photo"}, {"upload_mode", "optional"},
                  {"accept", "image/jpeg"}, {"max_size_mb", "2"},      {"max_files", "1"},
                  {"keep_metadata", "1"}};
  FakeResponse response;
  ASSERT_OK(Call("POST", "/admin/plugins/client-documents/types", request, response));
  auto types = services_->types().List(true);
  ASSERT_OK(types);
  ASSERT_EQ(types->size(), 1u);
  const int64_t id = (*types)[0].id;
  EXPECT_TRUE((*types)[0].keep_metadata);

  const std::string path = "/admin/plugins/client-documents/types/" + std::to_string(id);
  FakeRequest show = AdminRequest();
  show.caller.language = "fr";
  FakeResponse form;
  ASSERT_OK(Call("GET", path, show, form));
  ASSERT_TRUE(form.page.has_value());
  const std::string& html = form.page->body_html;
  EXPECT_NE(html.find("name=\"keep_metadata\" value=\"1\""), std::string::npos) << html;
  EXPECT_NE(html.find(" checked> Conserver les métadonnées des images"), std::string::npos) << html;

  request.form.pop_back();  // the box unticked
  FakeResponse saved;
  ASSERT_OK(Call("POST", path, request, saved));
  EXPECT_FALSE(services_->types().Get(id)->keep_metadata);
}

// Issue 4: the intro per language, under the English one.
TEST_F(SettingsPageTest, SavesAndShowsTheIntroPerLanguage) {
  const crm::SettingsPage& page = registry_.settings_pages().at("client-documents");
  FakeRequest request = AdminRequest();
  request.method = "POST";
  request.form = {{"_csrf", "csrf-admin"},
                  {"intro", "Welcome"},
                  {"intro_fr", "Bienvenue <b>"},
                  {"intro_nl", "Welkom"}};
  ASSERT_OK(page.save(request));
  auto settings = services_->settings().Get();
  ASSERT_OK(settings);
  EXPECT_EQ(settings->intro_markdown.en, "Welcome");
  EXPECT_EQ(settings->intro_markdown.fr, "Bienvenue <b>");
  EXPECT_EQ(settings->intro_markdown.nl, "Welkom");

  auto html = page.render(request);
  ASSERT_OK(html);
  EXPECT_NE(html->find("name=\"intro_fr\" rows=\"4\" lang=\"fr\">Bienvenue &lt;b&gt;</textarea>"),
            std::string::npos)
      << *html;
  EXPECT_NE(html->find("lang=\"nl\">Welkom</textarea>"), std::string::npos);
  EXPECT_NE(html->find("Introduction text in French"), std::string::npos);

  // Emptying a translation clears it: the English text shows instead.
  request.form = {
      {"_csrf", "csrf-admin"}, {"intro", "Welcome"}, {"intro_fr", ""}, {"intro_nl", "Welkom"}};
  ASSERT_OK(page.save(request));
  settings = services_->settings().Get();
  ASSERT_OK(settings);
  EXPECT_EQ(settings->intro_markdown.fr, "");
  EXPECT_EQ(settings->intro_markdown.Get("fr"), "Welcome");
}

// Issue 4: field labels in French and Dutch, by position under the English ones.
TEST_F(SettingsPageTest, TypeFormTakesTheLabelsPerLanguage) {
  FakeRequest request = AdminRequest();
  request.form = {{"_csrf", "csrf-admin"},
                  {"name_en", "Identity document"},
                  {"upload_mode", "required"},
                  {"ask_fields", "1"},
                  {"fields", "Date of issue, Place of issue"},
                  {"fields_fr", "Date de délivrance, Lieu de délivrance"},
                  {"fields_nl", "Datum van afgifte"},
                  {"field_type.date_of_issue", "date"},
                  {"accept", "application/pdf"},
                  {"max_size_mb", "2"},
                  {"max_files", "1"}};
  FakeResponse response;
  ASSERT_OK(Call("POST", "/admin/plugins/client-documents/types", request, response));
  ASSERT_EQ(response.redirect, "/admin/plugins/client-documents/settings?flash=type_saved")
      << (response.page ? response.page->body_html : "");
  auto types = services_->types().List(true);
  ASSERT_OK(types);
  ASSERT_EQ(types->size(), 1u);
  const cd::DocumentType t = (*types)[0];
  ASSERT_EQ(t.fields.size(), 2u);
  EXPECT_EQ(t.fields[0].label.en, "Date of issue");
  EXPECT_EQ(t.fields[0].label.fr, "Date de délivrance");
  EXPECT_EQ(t.fields[0].label.nl, "Datum van afgifte");
  EXPECT_EQ(t.fields[1].label.fr, "Lieu de délivrance");
  EXPECT_EQ(t.fields[1].label.Get("nl"), "Place of issue");
  EXPECT_EQ(t.fields[0].type, cd::FieldType::kDate);

  // The edit form shows each language's labels; a French admin sees French in the table.
  FakeRequest edit = AdminRequest();
  edit.caller.language = "fr";
  FakeResponse form;
  ASSERT_TRUE(
      Call("GET", "/admin/plugins/client-documents/types/" + std::to_string(t.id), edit, form)
          .ok());
  ASSERT_TRUE(form.page);
  const std::string& html = form.page->body_html;
  EXPECT_NE(html.find("name=\"fields\" value=\"Date of issue, Place of issue\""), std::string::npos)
      << html;
  EXPECT_NE(html.find("name=\"fields_fr\" value=\"Date de délivrance, Lieu de délivrance\""),
            std::string::npos);
  EXPECT_NE(html.find("name=\"fields_nl\" value=\"Datum van afgifte\""), std::string::npos);
  EXPECT_NE(html.find("<td>Date de délivrance</td>"), std::string::npos);

  // Emptying the Dutch labels clears them (the form gives every language).
  request.form.erase(std::remove_if(request.form.begin(), request.form.end(),
                                    [](const auto& kv) { return kv.first == "fields_nl"; }),
                     request.form.end());
  request.form.emplace_back("fields_nl", "");
  FakeResponse again;
  ASSERT_TRUE(
      Call("POST", "/admin/plugins/client-documents/types/" + std::to_string(t.id), request, again)
          .ok());
  ASSERT_EQ(again.redirect, "/admin/plugins/client-documents/settings?flash=type_saved");
  auto stored = services_->types().Get(t.id);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->fields[0].label.nl, "");
  EXPECT_EQ(stored->fields[0].label.fr, "Date de délivrance");

  // More translated labels than fields: the form comes back with the error and the values.
  for (auto& [k, v] : request.form)
    if (k == "fields_fr") v = "Un, Deux, Trois";
  FakeResponse bad;
  ASSERT_TRUE(
      Call("POST", "/admin/plugins/client-documents/types/" + std::to_string(t.id), request, bad)
          .ok());
  EXPECT_EQ(bad.status, 422);
  ASSERT_TRUE(bad.page);
  EXPECT_NE(bad.page->body_html.find("fields_fr"), std::string::npos) << bad.page->body_html;
  EXPECT_EQ(services_->types().Get(t.id)->fields[0].label.fr, "Date de délivrance");
}

TEST_F(SettingsPageTest, AnInvalidFormComesBackWithTheErrorAndTheValues) {
  FakeRequest request = AdminRequest();
  request.form = {{"name_en", "<Passport>"},
                  {"upload_mode", "optional"},
                  {"accept", "application/pdf"},
                  {"max_size_mb", "lots"},
                  {"max_files", "1"}};
  FakeResponse response;
  ASSERT_OK(Call("POST", "/admin/plugins/client-documents/types", request, response));
  EXPECT_EQ(response.status, 422);
  ASSERT_TRUE(response.page);
  EXPECT_NE(response.page->body_html.find("max_size"), std::string::npos);
  // What the admin typed is still there (escaped).
  EXPECT_NE(response.page->body_html.find("value=\"&lt;Passport&gt;\""), std::string::npos)
      << response.page->body_html;
  EXPECT_TRUE(Names().empty());
}

// Issue 15.9: the type form's errors are in the admin's language, not the API's English.
TEST_F(SettingsPageTest, TypeFormErrorsAreInTheAdminsLanguage) {
  auto post = [&](const std::string& language,
                  std::vector<std::pair<std::string, std::string>> form) {
    FakeRequest request = AdminRequest();
    request.caller.language = language;
    request.form = std::move(form);
    FakeResponse response;
    EXPECT_OK(Call("POST", "/admin/plugins/client-documents/types", request, response));
    EXPECT_EQ(response.status, 422);
    return response.page ? response.page->body_html : response.body;
  };
  std::string no_accept = post("fr", {{"name_en", "Passport"},
                                      {"upload_mode", "optional"},
                                      {"max_size_mb", "5"},
                                      {"max_files", "1"}});
  EXPECT_NE(no_accept.find("choisissez au moins un type de fichier accepté."), std::string::npos)
      << no_accept;
  EXPECT_EQ(no_accept.find("at least one MIME type"), std::string::npos);
  std::string svg = post("nl", {{"name_en", "Passport"},
                                {"upload_mode", "optional"},
                                {"accept", "image/svg+xml"},
                                {"max_size_mb", "5"},
                                {"max_files", "1"}});
  EXPECT_NE(svg.find("„image/svg+xml” kan niet aanvaard worden"), std::string::npos) << svg;
  std::string size = post("fr", {{"name_en", "Passport"},
                                 {"upload_mode", "optional"},
                                 {"accept", "application/pdf"},
                                 {"max_size_mb", "lots"},
                                 {"max_files", "1"}});
  EXPECT_NE(size.find("la taille maximale est un nombre de Mo supérieur à 0."), std::string::npos)
      << size;
  EXPECT_TRUE(Names().empty());
}

TEST_F(SettingsPageTest, MovesAndArchivesTypes) {
  int64_t a = AddType("A", cd::UploadMode::kOptional);
  AddType("B", cd::UploadMode::kOptional);
  int64_t c = AddType("C", cd::UploadMode::kOptional);
  const std::string base = "/admin/plugins/client-documents/types/";

  FakeRequest down = AdminRequest();
  down.form = {{"direction", "down"}};
  FakeResponse r1;
  ASSERT_OK(Call("POST", base + std::to_string(a) + "/move", down, r1));
  EXPECT_EQ(Names(), (std::vector<std::string>{"B", "A", "C"}));

  FakeRequest up = AdminRequest();
  up.form = {{"direction", "up"}};
  FakeResponse r2;
  ASSERT_OK(Call("POST", base + std::to_string(c) + "/move", up, r2));
  EXPECT_EQ(Names(), (std::vector<std::string>{"B", "C", "A"}));

  FakeRequest archive = AdminRequest();
  archive.form = {{"active", "0"}};
  FakeResponse r3;
  ASSERT_OK(Call("POST", base + std::to_string(c) + "/active", archive, r3));
  EXPECT_EQ(r3.redirect, "/admin/plugins/client-documents/settings?flash=type_archived");
  auto stored = services_->types().Get(c);
  ASSERT_OK(stored);
  EXPECT_FALSE(stored->active);
  auto filters = registry_.ListFilters("en");
  EXPECT_EQ(filters.size(), 2u);
}

}  // namespace
}  // namespace cd_test
