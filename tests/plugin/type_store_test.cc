// tests/plugin/type_store_test.cc — document types: validation, defaults, the comma-separated
// fields form, ordering, deletion refused while documents exist; settings and safe Markdown.
#include "plugin/type_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "plugin/api_json.h"
#include "plugin/settings_store.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class TypeStoreTest : public cd_test::ModuleTest {
 protected:
  crm::Result<DocumentType> CreateJson(const std::string& text, std::string_view lang = "en") {
    auto draft = TypeDraftFromJson(boost::json::parse(text), lang);
    if (!draft.ok()) return draft.status();
    return types_.Create(*draft);
  }

  TypeStore& types_ = sv_.types();
};

TEST_F(TypeStoreTest, CreateAppliesDefaultsAndOrders) {
  auto a = CreateJson(R"({"name": "ID card", "upload_mode": "required"})");
  ASSERT_OK(a);
  EXPECT_EQ(a->accept, DefaultAccept());
  EXPECT_EQ(a->max_size, kDefaultMaxSize);
  EXPECT_EQ(a->max_files, 1);
  EXPECT_TRUE(a->active);
  auto b = CreateJson(R"({"name": {"en": "Proof of address", "fr": "Justificatif de domicile",
                                   "nl": "Adresbewijs"}, "max_files": 2})");
  ASSERT_OK(b);
  EXPECT_GT(b->position, a->position);
  auto list = types_.List(false);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, a->id);
  EXPECT_EQ((*list)[1].name.Get("fr"), "Justificatif de domicile");
  EXPECT_EQ((*list)[1].name.Get("nl"), "Adresbewijs");

  // Moving b first.
  TypeDraft move;
  move.position = -5;
  ASSERT_OK(types_.Update(b->id, move));
  EXPECT_EQ((*types_.List(false))[0].id, b->id);
}

TEST_F(TypeStoreTest, KeepMetadataDefaultsToFalseAndIsStored) {
  auto a = CreateJson(R"({"name": "Site photo"})");
  ASSERT_OK(a);
  EXPECT_FALSE(a->keep_metadata);
  EXPECT_FALSE(TypeToJson(*a, "en").at("keep_metadata").as_bool());
  auto b = CreateJson(R"({"name": "Original scan", "keep_metadata": true})");
  ASSERT_OK(b);
  EXPECT_TRUE(types_.Get(b->id)->keep_metadata);
  EXPECT_TRUE(TypeToJson(*types_.Get(b->id), "en").at("keep_metadata").as_bool());
  TypeDraft off;
  off.keep_metadata = false;
  ASSERT_OK(types_.Update(b->id, off));
  EXPECT_FALSE(types_.Get(b->id)->keep_metadata);
  EXPECT_EQ(CreateJson(R"({"name": "X", "keep_metadata": "yes"})").status().code(),
            crm::StatusCode::kInvalidArgument);
}

TEST_F(TypeStoreTest, CommaSeparatedFieldsBecomeUniqueSlugs) {
  auto t = CreateJson(
      R"({"name": "ID", "fields": "Date of issue, Place of issue, Date of issue,  ,Numéro"})");
  ASSERT_OK(t);
  ASSERT_EQ(t->fields.size(), 4u);
  EXPECT_EQ(t->fields[0].key, "date_of_issue");
  EXPECT_EQ(t->fields[0].label.en, "Date of issue");
  EXPECT_EQ(t->fields[1].key, "place_of_issue");
  EXPECT_EQ(t->fields[2].key, "date_of_issue_2");
  EXPECT_EQ(t->fields[3].key, "numero");
  // "file" is the upload's file part: a field never takes that key.
  auto f = CreateJson(R"({"name": "Scan", "fields": "File, Notes"})");
  ASSERT_OK(f);
  EXPECT_EQ(f->fields[0].key, "file_2");
  EXPECT_EQ(
      CreateJson(R"({"name": "x", "fields": [{"key": "file", "label": "F"}]})").status().code(),
      crm::StatusCode::kUnprocessable);
  EXPECT_EQ(
      CreateJson(R"({"name": "x", "fields": [{"key": "_csrf", "label": "F"}]})").status().code(),
      crm::StatusCode::kUnprocessable);
  EXPECT_EQ(t->fields[3].type, FieldType::kText);
  EXPECT_FALSE(t->fields[3].required);
}

TEST_F(TypeStoreTest, StructuredFieldsKeepTypeAndRequired) {
  auto t = CreateJson(R"({"name": "ID", "fields": [
      {"label": "Expiry date", "type": "date", "required": true},
      {"key": "number", "label": "Number", "type": "number"}]})");
  ASSERT_OK(t);
  EXPECT_EQ(t->fields[0].key, "expiry_date");
  EXPECT_EQ(t->fields[0].type, FieldType::kDate);
  EXPECT_TRUE(t->fields[0].required);
  EXPECT_EQ(t->fields[1].type, FieldType::kNumber);
  auto again = types_.Get(t->id);
  ASSERT_OK(again);
  EXPECT_EQ(again->fields.size(), 2u);
  EXPECT_EQ(again->fields[0].type, FieldType::kDate);
}

TEST_F(TypeStoreTest, ValidationGivesFieldLevelMessages) {
  struct Case {
    const char* body;
    crm::StatusCode code;
    const char* member;
  } cases[] = {
      {R"({"upload_mode": "required"})", crm::StatusCode::kUnprocessable, "name"},
      {R"({"name": ""})", crm::StatusCode::kUnprocessable, "name"},
      {R"({"name": "x", "upload_mode": "sometimes"})", crm::StatusCode::kUnprocessable,
       "upload_mode"},
      {R"({"name": "x", "max_size": 0})", crm::StatusCode::kUnprocessable, "max_size"},
      {R"({"name": "x", "max_size": 99999999999})", crm::StatusCode::kUnprocessable, "max_size"},
      {R"({"name": "x", "max_files": 0})", crm::StatusCode::kUnprocessable, "max_files"},
      {R"({"name": "x", "accept": []})", crm::StatusCode::kUnprocessable, "accept"},
      {R"({"name": "x", "accept": ["not a mime"]})", crm::StatusCode::kUnprocessable, "accept"},
      {R"({"name": "x", "fields": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]})",
       crm::StatusCode::kUnprocessable, "fields"},
      {R"({"name": "x", "fields": [{"label": "A", "type": "color"}]})",
       crm::StatusCode::kUnprocessable, "fields"},
      {R"({"name": 5})", crm::StatusCode::kInvalidArgument, "name"},
      {R"({"name": "x", "max_size": "big"})", crm::StatusCode::kInvalidArgument, "max_size"},
      {R"({"name": "x", "active": "yes"})", crm::StatusCode::kInvalidArgument, "active"},
      {R"({"name": "x", "colour": "red"})", crm::StatusCode::kInvalidArgument, "colour"},
  };
  for (const Case& c : cases) {
    auto r = CreateJson(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), c.code) << c.body << " -> " << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.member), std::string::npos)
        << c.body << " -> " << r.status().message();
  }
  EXPECT_TRUE(types_.List(true)->empty());
}

TEST_F(TypeStoreTest, AcceptIsNormalised) {
  auto t =
      CreateJson(R"({"name": "x", "accept": ["Application/PDF", "application/pdf", "image/png"]})");
  ASSERT_OK(t);
  EXPECT_EQ(t->accept, (std::vector<std::string>{"application/pdf", "image/png"}));
}

TEST_F(TypeStoreTest, ArchiveKeepsTypeAndDeleteRefusedWhileDocumentsExist) {
  auto t = CreateJson(R"({"name": "x"})");
  ASSERT_OK(t);
  int64_t client = host_.AddClient("Ann");
  ASSERT_TRUE(
      host_.Db()
          .Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at) VALUES (?, ?, 1)",
                {client, t->id})
          .ok());
  EXPECT_EQ(types_.Delete(t->id).code(), crm::StatusCode::kConflict);
  TypeDraft archive;
  archive.active = false;
  ASSERT_OK(types_.Update(t->id, archive));
  EXPECT_TRUE(types_.List(false)->empty());
  EXPECT_EQ(types_.List(true)->size(), 1u);

  auto unused = CreateJson(R"({"name": "y"})");
  ASSERT_OK(unused);
  EXPECT_OK(types_.Delete(unused->id));
  EXPECT_EQ(types_.Get(unused->id).status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(types_.Delete(unused->id).code(), crm::StatusCode::kNotFound);
}

TEST_F(TypeStoreTest, SettingsRoundTrip) {
  SettingsStore store(host_);
  auto s = store.Get();
  ASSERT_OK(s);
  EXPECT_TRUE(s->show_menu_entry);
  EXPECT_FALSE(s->mandatory_gate);
  Settings next;
  next.show_menu_entry = false;
  next.intro_markdown = {"Hello **world**", "", ""};
  next.mandatory_gate = true;
  next.notify_email = "office@example.com";
  ASSERT_OK(store.Save(next));
  auto back = store.Get();
  ASSERT_OK(back);
  EXPECT_FALSE(back->show_menu_entry);
  EXPECT_TRUE(back->mandatory_gate);
  EXPECT_EQ(back->intro_markdown.en, "Hello **world**");
  EXPECT_EQ(back->notify_email, "office@example.com");
  next.notify_email = "not an address";
  EXPECT_EQ(store.Save(next).code(), crm::StatusCode::kUnprocessable);
  next.notify_email = "";
  next.intro_markdown.en = std::string(70 * 1024, 'a');
  EXPECT_EQ(store.Save(next).code(), crm::StatusCode::kUnprocessable);
}

// Issue 4: extra-field labels are translatable like names: "label" in the request's
// language with fallback to English, "labels" per language, merged per language on update.
TEST_F(TypeStoreTest, LabelTranslationsByPositionFromTheCommaSeparatedForm) {
  std::vector<FieldDef> fields = FieldsFromLabels("Date of issue, Place of issue, Number");
  ASSERT_OK(SetLabelTranslations(fields, "fr", "Date de délivrance, , Numéro"));
  EXPECT_EQ(fields[0].label.fr, "Date de délivrance");
  EXPECT_EQ(fields[1].label.fr, "");
  EXPECT_EQ(fields[2].label.fr, "Numéro");
  ASSERT_OK(SetLabelTranslations(fields, "nl", "Datum van afgifte"));
  EXPECT_EQ(fields[0].label.nl, "Datum van afgifte");
  EXPECT_EQ(fields[2].label.nl, "");
  crm::Status too_many = SetLabelTranslations(fields, "nl", "a, b, c, d");
  EXPECT_EQ(too_many.code(), crm::StatusCode::kUnprocessable);
  EXPECT_NE(too_many.message().find("fields_nl"), std::string::npos) << too_many.message();
  EXPECT_EQ(fields[0].label.nl, "Datum van afgifte");  // left as it was
}

// Data written before labels and the intro were translatable reads as English.
TEST_F(TypeStoreTest, SingleLanguageDataFromBeforeBecomesEnglish) {
  ASSERT_TRUE(
      host_.Db()
          .Exec("INSERT INTO cd_types (name_en, fields_json, accept_json, max_size, created_at, "
                "updated_at)"
                " VALUES ('Old', "
                "'[{\"key\":\"ref\",\"label\":\"Reference\",\"type\":\"text\",\"required\":true}]',"
                " '[\"application/pdf\"]', 1000, 1, 1)")
          .ok());
  auto types = types_.List(true);
  ASSERT_OK(types);
  ASSERT_EQ(types->size(), 1u);
  const FieldDef& f = (*types)[0].fields.at(0);
  EXPECT_EQ(f.key, "ref");
  EXPECT_EQ(f.label.en, "Reference");
  EXPECT_EQ(f.label.Get("fr"), "Reference");
  EXPECT_TRUE(f.required);
  // Saving it again (e.g. a PATCH of something else) keeps the label.
  TypeDraft touch;
  touch.max_files = 2;
  ASSERT_OK(types_.Update((*types)[0].id, touch));
  EXPECT_EQ(types_.Get((*types)[0].id)->fields.at(0).label.en, "Reference");

  ASSERT_TRUE(host_.Db()
                  .Exec("INSERT INTO cd_settings (key, value) VALUES ('intro_markdown', 'Welcome')")
                  .ok());
  SettingsStore store(host_);
  auto s = store.Get();
  ASSERT_OK(s);
  EXPECT_EQ(s->intro_markdown.en, "Welcome");
  EXPECT_EQ(s->intro_markdown.Get("nl"), "Welcome");
}

TEST(MarkdownTest, RendersFormattingButNoRawHtmlOrScriptLinks) {
  std::string html = RenderMarkdownSafe(
      "# Title\n\nPlease send **both sides**.\n\n<script>alert(1)</script>\n\n"
      "<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) "
      "[ok](https://example.org/a?b=1&c=2)\n\n"
      "[v](vbscript:msgbox) <a href=\"javascript:alert(4)\">raw</a>\n");
  EXPECT_NE(html.find("<h1>Title</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<strong>both sides</strong>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("onerror"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_EQ(html.find("vbscript:"), std::string::npos) << html;
  EXPECT_EQ(html.find("<a href=\"javascript"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"https://example.org/a?b=1&amp;c=2\""), std::string::npos) << html;
}

TEST(MarkdownTest, EscapesTextAndAttributes) {
  std::string html =
      RenderMarkdownSafe("1 < 2 & \"q\" [x](https://e.org/\"onmouseover=\"alert(1))");
  EXPECT_NE(html.find("1 &lt; 2 &amp;"), std::string::npos) << html;
  EXPECT_EQ(html.find("\"onmouseover"), std::string::npos) << html;
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// Moving renumbers every position 0..n-1 (in one transaction), so types created with equal
// positions still move, and the ends stay where they are.
TEST_F(TypeStoreTest, MoveSwapsWithTheNeighbourAndRenumbers) {
  std::vector<int64_t> ids;
  for (const char* name : {"A", "B", "C"}) {
    TypeDraft d;
    d.name = LocalizedText{name, "", ""};
    d.position = 7;  // all equal: only the id orders them
    auto t = types_.Create(d);
    ASSERT_OK(t);
    ids.push_back(t->id);
  }
  auto order = [&] {
    std::vector<int64_t> out;
    std::vector<int> positions;
    crm::Result<std::vector<DocumentType>> list = types_.List(true);
    EXPECT_OK(list);
    for (const DocumentType& t : *list) {
      out.push_back(t.id);
      positions.push_back(t.position);
    }
    EXPECT_EQ(positions, (std::vector<int>{0, 1, 2}));
    return out;
  };
  ASSERT_OK(types_.Move(ids[2], /*up=*/true));
  EXPECT_EQ(order(), (std::vector<int64_t>{ids[0], ids[2], ids[1]}));
  ASSERT_OK(types_.Move(ids[0], /*up=*/true));  // already first
  EXPECT_EQ(order(), (std::vector<int64_t>{ids[0], ids[2], ids[1]}));
  ASSERT_OK(types_.Move(ids[0], /*up=*/false));
  EXPECT_EQ(order(), (std::vector<int64_t>{ids[2], ids[0], ids[1]}));
  EXPECT_EQ(types_.Move(999, true).code(), crm::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cd
