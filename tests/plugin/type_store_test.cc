// tests/plugin/type_store_test.cc — document types: validation, defaults, the comma-separated
// fields form, JSON drafts, deletion refused while documents exist; settings and safe Markdown.
#include "plugin/type_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "plugin/settings_store.h"
#include "plugin/type_json.h"
#include "tests/plugin/test_env.h"

namespace cd {
namespace {

class TypeStoreTest : public ::testing::Test {
 protected:
  TypeStoreTest() : host_(dir_.path()), types_(host_) {}

  crm::Result<DocumentType> CreateJson(const std::string& text, std::string_view lang = "en") {
    auto draft = TypeDraftFromJson(boost::json::parse(text), lang);
    if (!draft.ok()) return draft.status();
    return types_.Create(*draft);
  }

  cd_test::TempDir dir_;
  cd_test::FakeHost host_;
  TypeStore types_;
};

TEST_F(TypeStoreTest, CreateAppliesDefaultsAndOrders) {
  auto a = CreateJson(R"({"name": "ID card", "upload_mode": "required"})");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->accept, DefaultAccept());
  EXPECT_EQ(a->max_size, kDefaultMaxSize);
  EXPECT_EQ(a->max_files, 1);
  EXPECT_TRUE(a->active);
  auto b = CreateJson(R"({"name": {"en": "Proof of address", "fr": "Justificatif de domicile",
                                   "nl": "Adresbewijs"}, "max_files": 2})");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_GT(b->position, a->position);
  auto list = types_.List(false);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, a->id);
  EXPECT_EQ((*list)[1].name.Get("fr"), "Justificatif de domicile");
  EXPECT_EQ((*list)[1].name.Get("nl"), "Adresbewijs");

  // Moving b first.
  TypeDraft move;
  move.position = -5;
  ASSERT_TRUE(types_.Update(b->id, move).ok());
  EXPECT_EQ((*types_.List(false))[0].id, b->id);
}

TEST_F(TypeStoreTest, NameInRequestLanguageIsStoredForThatLanguage) {
  auto t = CreateJson(R"({"name": "Carte d'identité"})", "fr");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name.fr, "Carte d'identité");
  EXPECT_EQ(t->name.en, "Carte d'identité");  // English falls back so the type has a name
  auto json = TypeToJson(*t, "fr");
  EXPECT_EQ(json.at("name").as_string(), "Carte d'identité");
}

TEST_F(TypeStoreTest, CommaSeparatedFieldsBecomeUniqueSlugs) {
  auto t = CreateJson(R"({"name": "ID", "fields": "Date of issue, Place of issue, Date of issue,  ,Numéro"})");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->fields.size(), 4u);
  EXPECT_EQ(t->fields[0].key, "date_of_issue");
  EXPECT_EQ(t->fields[0].label, "Date of issue");
  EXPECT_EQ(t->fields[1].key, "place_of_issue");
  EXPECT_EQ(t->fields[2].key, "date_of_issue_2");
  EXPECT_EQ(t->fields[3].key, "numero");
  // "file" is the upload's file part: a field never takes that key.
  auto f = CreateJson(R"({"name": "Scan", "fields": "File, Notes"})");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->fields[0].key, "file_2");
  EXPECT_EQ(CreateJson(R"({"name": "x", "fields": [{"key": "file", "label": "F"}]})").status().code(),
            crm::StatusCode::kUnprocessable);
  EXPECT_EQ(CreateJson(R"({"name": "x", "fields": [{"key": "_csrf", "label": "F"}]})").status().code(),
            crm::StatusCode::kUnprocessable);
  EXPECT_EQ(t->fields[3].type, FieldType::kText);
  EXPECT_FALSE(t->fields[3].required);
}

TEST_F(TypeStoreTest, StructuredFieldsKeepTypeAndRequired) {
  auto t = CreateJson(R"({"name": "ID", "fields": [
      {"label": "Expiry date", "type": "date", "required": true},
      {"key": "number", "label": "Number", "type": "number"}]})");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->fields[0].key, "expiry_date");
  EXPECT_EQ(t->fields[0].type, FieldType::kDate);
  EXPECT_TRUE(t->fields[0].required);
  EXPECT_EQ(t->fields[1].type, FieldType::kNumber);
  auto again = types_.Get(t->id);
  ASSERT_TRUE(again.ok());
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
      {R"({"name": "x", "upload_mode": "sometimes"})", crm::StatusCode::kUnprocessable, "upload_mode"},
      {R"({"name": "x", "max_size": 0})", crm::StatusCode::kUnprocessable, "max_size"},
      {R"({"name": "x", "max_size": 99999999999})", crm::StatusCode::kUnprocessable, "max_size"},
      {R"({"name": "x", "max_files": 0})", crm::StatusCode::kUnprocessable, "max_files"},
      {R"({"name": "x", "accept": []})", crm::StatusCode::kUnprocessable, "accept"},
      {R"({"name": "x", "accept": ["not a mime"]})", crm::StatusCode::kUnprocessable, "accept"},
      {R"({"name": "x", "fields": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]})",
       crm::StatusCode::kUnprocessable, "fields"},
      {R"({"name": "x", "fields": [{"label": "A", "type": "color"}]})", crm::StatusCode::kUnprocessable, "fields"},
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
  auto t = CreateJson(R"({"name": "x", "accept": ["Application/PDF", "application/pdf", "image/png"]})");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->accept, (std::vector<std::string>{"application/pdf", "image/png"}));
}

TEST_F(TypeStoreTest, ArchiveKeepsTypeAndDeleteRefusedWhileDocumentsExist) {
  auto t = CreateJson(R"({"name": "x"})");
  ASSERT_TRUE(t.ok());
  int64_t client = host_.AddClient("Ann");
  ASSERT_TRUE(host_.Db().Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at) VALUES (?, ?, 1)",
                              {client, t->id}).ok());
  EXPECT_EQ(types_.Delete(t->id).code(), crm::StatusCode::kConflict);
  TypeDraft archive;
  archive.active = false;
  ASSERT_TRUE(types_.Update(t->id, archive).ok());
  EXPECT_TRUE(types_.List(false)->empty());
  EXPECT_EQ(types_.List(true)->size(), 1u);

  auto unused = CreateJson(R"({"name": "y"})");
  ASSERT_TRUE(unused.ok());
  EXPECT_TRUE(types_.Delete(unused->id).ok());
  EXPECT_EQ(types_.Get(unused->id).status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(types_.Delete(unused->id).code(), crm::StatusCode::kNotFound);
}

TEST_F(TypeStoreTest, SettingsRoundTrip) {
  SettingsStore store(host_);
  auto s = store.Get();
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->show_menu_entry);
  EXPECT_FALSE(s->mandatory_gate);
  Settings next{false, "Hello **world**", true};
  ASSERT_TRUE(store.Save(next).ok());
  auto back = store.Get();
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->show_menu_entry);
  EXPECT_TRUE(back->mandatory_gate);
  EXPECT_EQ(back->intro_markdown, "Hello **world**");
  next.intro_markdown = std::string(70 * 1024, 'a');
  EXPECT_EQ(store.Save(next).code(), crm::StatusCode::kUnprocessable);
}

TEST(MarkdownTest, RendersFormattingButNoRawHtmlOrScriptLinks) {
  std::string html = RenderMarkdownSafe(
      "# Title\n\nPlease send **both sides**.\n\n<script>alert(1)</script>\n\n"
      "<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) [ok](https://example.org/a?b=1&c=2)\n\n"
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
  std::string html = RenderMarkdownSafe("1 < 2 & \"q\" [x](https://e.org/\"onmouseover=\"alert(1))");
  EXPECT_NE(html.find("1 &lt; 2 &amp;"), std::string::npos) << html;
  EXPECT_EQ(html.find("\"onmouseover"), std::string::npos) << html;
}

}  // namespace
}  // namespace cd
