// tests/plugin/api_json_test.cc — the API's JSON (plugin/api_json.h): names and labels per
// language in and out, partial updates merged per language, settings, documents, dates.
#include "plugin/api_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "plugin/settings_store.h"
#include "plugin/type_store.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class ApiJsonTest : public cd_test::ModuleTest {
 protected:
  crm::Result<DocumentType> CreateJson(const std::string& text, std::string_view lang = "en") {
    CRM_ASSIGN_OR_RETURN(TypeDraft draft, TypeDraftFromJson(boost::json::parse(text), lang));
    return types_.Create(draft);
  }

  TypeStore& types_ = sv_.types();
};

TEST_F(ApiJsonTest, NameInRequestLanguageIsStoredForThatLanguage) {
  auto t = CreateJson(R"({"name": "Carte d'identité"})", "fr");
  ASSERT_OK(t);
  EXPECT_EQ(t->name.fr, "Carte d'identité");
  EXPECT_EQ(t->name.en, "Carte d'identité");  // English falls back so the type has a name
  auto json = TypeToJson(*t, "fr");
  EXPECT_EQ(json.at("name").as_string(), "Carte d'identité");
}

TEST_F(ApiJsonTest, FieldLabelsPerLanguageFallBackToEnglish) {
  auto t = CreateJson(R"({"name": "ID card", "fields": [
      {"key": "date_of_issue", "labels": {"en": "Date of issue", "fr": "Date de délivrance", "nl": "Datum van afgifte"}, "type": "date"},
      {"key": "place_of_issue", "label": {"en": "Place of issue", "fr": "Lieu de délivrance"}}]})");
  ASSERT_OK(t);
  auto stored = types_.Get(t->id);
  ASSERT_OK(stored);
  ASSERT_EQ(stored->fields.size(), 2u);
  EXPECT_EQ(stored->fields[0].label.Get("fr"), "Date de délivrance");
  EXPECT_EQ(stored->fields[0].label.Get("nl"), "Datum van afgifte");
  EXPECT_EQ(stored->fields[1].label.Get("fr"), "Lieu de délivrance");
  EXPECT_EQ(stored->fields[1].label.Get("nl"), "Place of issue");  // no Dutch: English

  boost::json::object fr = TypeToJson(*stored, "fr");
  const boost::json::array& fields = fr.at("fields").as_array();
  EXPECT_EQ(fields[0].at("label").as_string(), "Date de délivrance");
  EXPECT_EQ(fields[0].at("labels").at("en").as_string(), "Date of issue");
  EXPECT_EQ(fields[0].at("labels").at("nl").as_string(), "Datum van afgifte");
  EXPECT_EQ(fields[1].at("labels").at("nl").as_string(), "");
  boost::json::object nl = TypeToJson(*stored, "nl");
  EXPECT_EQ(nl.at("fields").as_array()[1].at("label").as_string(), "Place of issue");
  EXPECT_EQ(TypeToJson(*stored, "en").at("fields").as_array()[0].at("label").as_string(),
            "Date of issue");
}

TEST_F(ApiJsonTest, FieldLabelInTheRequestLanguageMergesWithTheStoredOnes) {
  auto t = CreateJson(R"({"name": "ID card", "fields": "Date of issue"})");
  ASSERT_OK(t);
  EXPECT_EQ(t->fields[0].label.en, "Date of issue");
  EXPECT_EQ(t->fields[0].label.fr, "");

  // PATCH in French, then in Dutch: each sets its language and keeps the others.
  auto fr = TypeDraftFromJson(
      boost::json::parse(
          R"({"fields": [{"key": "date_of_issue", "label": "Date de délivrance", "type": "date"}]})"),
      "fr");
  ASSERT_OK(fr);
  ASSERT_OK(types_.Update(t->id, *fr));
  auto nl = TypeDraftFromJson(
      boost::json::parse(
          R"({"fields": [{"key": "date_of_issue", "label": "Datum van afgifte", "type": "date"}]})"),
      "nl");
  ASSERT_OK(nl);
  auto after = types_.Update(t->id, *nl);
  ASSERT_OK(after);
  const LocalizedText& label = after->fields[0].label;
  EXPECT_EQ(label.en, "Date of issue");
  EXPECT_EQ(label.fr, "Date de délivrance");
  EXPECT_EQ(label.nl, "Datum van afgifte");
  EXPECT_EQ(after->fields[0].type, FieldType::kDate);

  // A draft that gives every language (the admin form) clears an emptied translation.
  TypeDraft complete;
  complete.complete_translations = true;
  complete.fields = std::vector<FieldDef>{
      {"date_of_issue", {"Date of issue", "", "Datum van afgifte"}, FieldType::kDate, false}};
  auto cleared = types_.Update(t->id, complete);
  ASSERT_OK(cleared);
  EXPECT_EQ(cleared->fields[0].label.fr, "");
  EXPECT_EQ(cleared->fields[0].label.Get("fr"), "Date of issue");

  // A new type whose labels are given in French only gets them as its English labels too.
  auto only_fr = CreateJson(R"({"name": "Justificatif", "fields": "Date d'émission, Lieu"})", "fr");
  ASSERT_OK(only_fr);
  EXPECT_EQ(only_fr->fields[0].key, "date_d_emission");
  EXPECT_EQ(only_fr->fields[0].label.fr, "Date d'émission");
  EXPECT_EQ(only_fr->fields[0].label.en, "Date d'émission");

  // Wrong shapes are 400s naming the member.
  auto bad = TypeDraftFromJson(
      boost::json::parse(R"({"fields": [{"key": "a", "labels": {"de": "Datum"}}]})"), "en");
  EXPECT_EQ(bad.status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("fields[0].labels"), std::string::npos)
      << bad.status().message();
  auto bad2 = TypeDraftFromJson(
      boost::json::parse(R"({"fields": [{"key": "a", "labels": {"fr": 3}}]})"), "en");
  EXPECT_EQ(bad2.status().code(), crm::StatusCode::kInvalidArgument);
  auto too_long =
      CreateJson(R"({"name": "x", "fields": [{"key": "a", "labels": {"en": "A", "nl": ")" +
                 std::string(201, 'n') + R"("}}]})");
  EXPECT_EQ(too_long.status().code(), crm::StatusCode::kUnprocessable);
}

TEST_F(ApiJsonTest, IntroPerLanguageRoundTripAndJson) {
  SettingsStore store(host_);
  Settings s;
  s.intro_markdown = LocalizedText{"Welcome", "Bienvenue", ""};
  ASSERT_OK(store.Save(s));
  auto back = store.Get();
  ASSERT_OK(back);
  EXPECT_EQ(back->intro_markdown.fr, "Bienvenue");
  EXPECT_EQ(back->intro_markdown.Get("nl"), "Welcome");

  boost::json::object fr = SettingsToJson(*back, "fr");
  EXPECT_EQ(fr.at("intro_markdown").as_string(), "Bienvenue");
  EXPECT_EQ(fr.at("intro_markdowns").at("en").as_string(), "Welcome");
  EXPECT_EQ(SettingsToJson(*back, "nl").at("intro_markdown").as_string(), "Welcome");

  // A string sets the request's language only; an object sets the languages it names.
  auto nl = SettingsFromJson(boost::json::parse(R"({"intro_markdown": "Welkom"})"), *back, "nl");
  ASSERT_OK(nl);
  EXPECT_EQ(nl->intro_markdown.nl, "Welkom");
  EXPECT_EQ(nl->intro_markdown.en, "Welcome");
  auto obj = SettingsFromJson(boost::json::parse(R"({"intro_markdowns": {"fr": ""}})"), *nl, "en");
  ASSERT_OK(obj);
  EXPECT_EQ(obj->intro_markdown.fr, "");
  EXPECT_EQ(obj->intro_markdown.nl, "Welkom");
  EXPECT_EQ(SettingsFromJson(boost::json::parse(R"({"intro_markdowns": {"xx": "?"}})"), *nl, "en")
                .status()
                .code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      SettingsFromJson(boost::json::parse(R"({"intro_markdown": 5})"), *nl, "en").status().code(),
      crm::StatusCode::kInvalidArgument);
  s.intro_markdown.nl = std::string(70 * 1024, 'a');
  EXPECT_EQ(store.Save(s).code(), crm::StatusCode::kUnprocessable);
}

TEST(ApiJsonDocumentTest, DocumentShapeWithFilesAndDates) {
  ClientDocument doc;
  doc.client_id = 4;
  doc.type.id = 9;
  doc.type.name = LocalizedText{"ID card", "Carte d'identité", ""};
  doc.status = DocumentStatus::kUploaded;
  doc.uploaded_at = 0;
  doc.uploaded_by = "client";
  doc.fields = {{"expiry", "2030-01-31"}};
  StoredFile f;
  f.id = 12;
  f.name = "scan\uFFFD.pdf";
  f.size = 3;
  f.mime = "application/pdf";
  doc.files.push_back(f);
  boost::json::object o = DocumentToJson(doc, "fr", "/api");
  EXPECT_EQ(o.at("type_id").as_int64(), 9);
  EXPECT_EQ(o.at("type_name").as_string(), "Carte d'identité");
  EXPECT_EQ(o.at("uploaded_at").as_string(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(o.at("fields").at("expiry").as_string(), "2030-01-31");
  const boost::json::object& file = o.at("files").as_array().at(0).as_object();
  EXPECT_EQ(file.at("name").as_string(), "scan\uFFFD.pdf");
  EXPECT_NE(std::string(file.at("url").as_string()).find("/api/clients/4/documents/9/file"),
            std::string::npos)
      << file.at("url");
  // Serialised and parsed back whole.
  boost::system::error_code ec;
  boost::json::parse(boost::json::serialize(o), ec);
  EXPECT_FALSE(ec);
}

TEST(ApiJsonDocumentTest, IsoTimeIsUtc) {
  EXPECT_EQ(IsoTimeUtc(1'800'000'000), "2027-01-15T08:00:00Z");
}

}  // namespace
}  // namespace cd
