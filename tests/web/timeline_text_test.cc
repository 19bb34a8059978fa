// tests/web/timeline_text_test.cc — history entries stored as "@KEY {params}" and shown in the
// reader's language, entry type names (issue 15.10).
#include "sample-host/web/timeline_text.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace host::web {
namespace {

const std::map<std::string, std::map<std::string, std::string>> kCatalog = {
    {"en",
     {{"p.timeline.uploaded", "Document uploaded: {type}"},
      {"p.timeline.types.upload", "Document uploaded"},
      {"web.timeline.types.note", "Note"},
      {"web.impersonation.started", "{admin} logged in as the client"}}},
    {"fr",
     {{"p.timeline.uploaded", "Document déposé : {type}"},
      {"p.timeline.types.upload", "Document déposé"},
      {"web.timeline.types.note", "Note"},
      {"web.impersonation.started", "{admin} s'est connecté en tant que client"}}},
};

Texts TextsIn(const std::string& language) {
  return Texts(
      [](std::string_view lang, std::string_view key) {
        for (const std::string& l : {std::string(lang), std::string("en")}) {
          auto c = kCatalog.find(l);
          if (c == kCatalog.end()) continue;
          if (auto it = c->second.find(std::string(key)); it != c->second.end()) return it->second;
        }
        return std::string(key);
      },
      language);
}

TEST(TimelineText, AMessageIsShownInTheReadersLanguageWithItsParameters) {
  const std::string stored =
      R"(@p.timeline.uploaded {"type":{"en":"Driving licence","fr":"Permis de conduire"}})";
  EXPECT_EQ(TimelineText(TextsIn("fr"), stored), "Document déposé : Permis de conduire");
  EXPECT_EQ(TimelineText(TextsIn("en"), stored), "Document uploaded: Driving licence");
  // No Dutch text nor Dutch name: English for both.
  EXPECT_EQ(TimelineText(TextsIn("nl"), stored), "Document uploaded: Driving licence");
  const std::string only_fr = R"(@p.timeline.uploaded {"type":{"fr":"Bail"}})";
  EXPECT_EQ(TimelineText(TextsIn("en"), only_fr), "Document uploaded: Bail");
  EXPECT_EQ(TimelineText(TextsIn("fr"),
                         TimelineMessage("web.impersonation.started", {{"admin", "Marie {type}"}})),
            "Marie {type} s'est connecté en tant que client");
}

TEST(TimelineText, AnythingElseIsShownAsStored) {
  for (const char* stored : {"Document uploaded: Lease", "@Jan called back", "@", "",
                             "@p.timeline.uploaded {not json", "@p.timeline.uploaded [1]"})
    EXPECT_EQ(TimelineText(TextsIn("fr"), stored), stored) << stored;
}

TEST(TimelineText, TypeNamesAreTranslatedAndUnknownTypesShownAsTheyAre) {
  EXPECT_EQ(TimelineTypeLabel(TextsIn("fr"), "p.upload"), "Document déposé");
  EXPECT_EQ(TimelineTypeLabel(TextsIn("en"), "host.note"), "Note");
  EXPECT_EQ(TimelineTypeLabel(TextsIn("fr"), "p.other"), "p.other");
  EXPECT_EQ(TimelineTypeLabel(TextsIn("fr"), "erp.invoice"), "erp.invoice");
  EXPECT_EQ(TimelineTypeLabel(TextsIn("fr"), "plain"), "plain");
}

}  // namespace
}  // namespace host::web
