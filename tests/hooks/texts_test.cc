// tests/hooks/texts_test.cc — the catalogs' look-up and fallbacks, and the formatting of dates,
// sizes and file kinds the pages show (per language).
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "hooks/texts.h"
#include "hooks/view.h"
#include "plugin/embedded.h"
#include "tests/support/status_matchers.h"
#include "text/local_time.h"

namespace cd::hooks {
namespace {

using Fragments = std::map<std::string, std::string, std::less<>>;

Fragments Catalogs() {
  return {
      {"i18n/en.json",
       R"({"client-documents.a.b": "Uploaded on {date}", "client-documents.a.only_en": "English"})"},
      {"i18n/fr.json", R"({"client-documents.a.b": "Téléversé le {date}"})"},
      {"i18n/nl.json", R"({"client-documents.a.b": "Geüpload op {date}"})"}};
}

TEST(TextsTest, LooksUpWithAndWithoutPrefixAndFallsBack) {
  auto texts = Texts::Load(Catalogs());
  ASSERT_OK(texts);
  EXPECT_EQ(texts->Get("fr", "a.b"), "Téléversé le {date}");
  EXPECT_EQ(texts->Get("nl", "client-documents.a.b"), "Geüpload op {date}");
  EXPECT_EQ(texts->Get("fr", "a.only_en"), "English");       // English fallback
  EXPECT_EQ(texts->Get("de", "a.b"), "Uploaded on {date}");  // unknown language
  EXPECT_EQ(texts->Get("en", "a.nothing"), "client-documents.a.nothing");
  EXPECT_EQ(texts->Format("fr", "a.b", {{"date", "18/11/2026"}}), "Téléversé le 18/11/2026");
  EXPECT_EQ(texts->Missing(), (std::vector<std::string>{"fr: client-documents.a.only_en",
                                                        "nl: client-documents.a.only_en"}));
}

TEST(TextsTest, RefusesBrokenCatalogs) {
  Fragments broken = Catalogs();
  broken["i18n/nl.json"] = "[1, 2]";
  EXPECT_EQ(Texts::Load(broken).status().code(), crm::StatusCode::kInvalidArgument);
  Fragments missing = Catalogs();
  missing.erase("i18n/fr.json");
  EXPECT_EQ(Texts::Load(missing).status().code(), crm::StatusCode::kInvalidArgument);
  Fragments not_text = Catalogs();
  not_text["i18n/en.json"] = R"({"client-documents.a.b": 3})";
  EXPECT_FALSE(Texts::Load(not_text).ok());
}

TEST(TextsTest, FormatsDatesSizesAndKindsPerLanguage) {
  const int64_t t = 1795000000;  // 2026-11-18 UTC
  EXPECT_EQ(crm::text::LocalDate("en", t, 0), "2026-11-18");
  EXPECT_EQ(crm::text::LocalDate("fr", t, 0), "18/11/2026");
  EXPECT_EQ(crm::text::LocalDate("nl", t, 0), "18/11/2026");
  EXPECT_EQ(FormatSize("en", 20LL * 1024 * 1024), "20 MB");
  EXPECT_EQ(FormatSize("fr", 20LL * 1024 * 1024), "20 Mo");
  EXPECT_EQ(FormatSize("nl", 1536LL * 1024), "1,5 MB");
  EXPECT_EQ(FormatSize("en", 900), "900 bytes");
  EXPECT_EQ(FormatSize("fr", 900), "900 octets");
  EXPECT_EQ(KindList({"application/pdf", "image/heic", "application/x-custom"}),
            "PDF, HEIC, application/x-custom");
}

// ParseId, EscapeHtml and PercentEncode are crm::text's (tests/text/text_test.cc).
// Issue 15.15: French users "envoient" or "déposent" a document; the interface never says
// "téléverser" (download, "télécharger", stays where it means download).
TEST(TextsTest, FrenchSaysEnvoyerOrDeposerNeverTeleverser) {
  Fragments fragments;
  for (auto& [path, content] : EmbeddedFragments()) fragments.emplace(path, content);
  auto texts = Texts::Load(fragments);
  ASSERT_OK(texts);
  int checked = 0;
  for (const auto& [key, text] : texts->Entries("fr")) {
    ++checked;
    EXPECT_EQ(text.find("éléver"), std::string::npos) << key << ": " << text;
  }
  EXPECT_GT(checked, 100);
  EXPECT_EQ(texts->Get("fr", "upload.submit"), "Envoyer");
}

TEST(ViewHelpersTest, QuotesJson) {
  EXPECT_EQ(JsonQuote("say \"hi\"\\\n"), "\"say \\\"hi\\\"\\\\\\u000a\"");
}

}  // namespace
}  // namespace cd::hooks
