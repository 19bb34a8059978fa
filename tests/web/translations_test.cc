// tests/web/translations_test.cc — the host catalogs: present in en/fr/nl with the same keys,
// registered through StagingRegistrar("host") without gaps, and every key a template uses exists.
#include "sample-host/web/translations.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "sample-host/core/hook_registry.h"
#include "sample-host/web/templates.h"
#include "tests/support/status_matchers.h"

namespace host::web {
namespace {

std::set<std::string> Keys(std::string_view language) {
  std::set<std::string> keys;
  auto it = HostCatalogs().find(std::string(language));
  if (it == HostCatalogs().end()) return keys;
  for (const auto& [key, text] : it->second) keys.insert(key);
  return keys;
}

TEST(TranslationsTest, CatalogsExistInAllThreeLanguagesWithTheSameKeys) {
  std::set<std::string> en = Keys("en");
  ASSERT_GT(en.size(), 100u) << "the English catalog did not parse";
  EXPECT_EQ(Keys("fr"), en);
  EXPECT_EQ(Keys("nl"), en);
  for (const auto& [language, entries] : HostCatalogs()) {
    for (const auto& [key, text] : entries) {
      EXPECT_TRUE(key.starts_with(kKeyPrefix)) << language << ": " << key;
      EXPECT_FALSE(text.empty()) << language << ": " << key;
    }
  }
}

TEST(TranslationsTest, RegisteredHostCatalogsHaveNoMissingTranslations) {
  StagingRegistrar registrar("host");
  ASSERT_OK(RegisterHostTranslations(registrar));
  ASSERT_OK(registrar.first_error()) << registrar.first_error().ToString();
  HookRegistry registry;
  ASSERT_OK(registry.Commit(registrar.Take()));
  EXPECT_TRUE(registry.MissingTranslations().empty());
  EXPECT_EQ(registry.Translate("fr", "web.nav.clients"), "Clients");
  EXPECT_EQ(registry.Translate("nl", "web.nav.clients"), "Klanten");
  EXPECT_EQ(registry.Translate("fr", "web.layout.logout"), "Se déconnecter");
  EXPECT_EQ(registry.Translate("nl", "web.layout.logout"), "Afmelden");
}

TEST(TranslationsTest, FrenchAndDutchAreActuallyTranslated) {
  // A catalog copied from English would pass the key checks; most texts must differ.
  for (std::string_view language : {"fr", "nl"}) {
    const auto& entries = HostCatalogs().at(std::string(language));
    const auto& english = HostCatalogs().at("en");
    ASSERT_EQ(entries.size(), english.size());
    std::map<std::string, std::string> en_map(english.begin(), english.end());
    size_t same = 0;
    for (const auto& [key, text] : entries) same += en_map[key] == text;
    EXPECT_LT(same, entries.size() / 5)
        << language << " has " << same << " texts identical to English";
  }
}

TEST(TranslationsTest, NoKeyIsBothATextAndAPrefix) {
  // Templates read keys as nested objects (t.nav.clients); a key that is also a prefix of
  // another would hide one of them.
  std::set<std::string> en = Keys("en");
  for (const std::string& key : en) {
    auto it = en.lower_bound(key + ".");
    EXPECT_FALSE(it != en.end() && it->starts_with(key + "."))
        << key << " is also a prefix of " << *it;
  }
}

TEST(TranslationsTest, EveryKeyUsedInTemplatesExists) {
  std::set<std::string> en = Keys("en");
  std::regex use(R"(\{\{[#^/]?\s*t\.([A-Za-z0-9_.]+)\s*\}\})");
  size_t uses = 0;
  for (const std::string& name : TemplateNames()) {
    const std::string& source = *TemplateSource(name);
    for (auto it = std::sregex_iterator(source.begin(), source.end(), use);
         it != std::sregex_iterator(); ++it) {
      ++uses;
      std::string key = std::string(kKeyPrefix) + (*it)[1].str();
      EXPECT_TRUE(en.count(key)) << name << ".mustache uses " << key
                                 << ", which no catalog defines";
    }
  }
  EXPECT_GT(uses, 50u);
}

TEST(TranslationsTest, TextsFormatsPlaceholdersAndFallsBack) {
  Texts texts(
      [](std::string_view lang, std::string_view key) -> std::string {
        if (key == "web.greet") return lang == "fr" ? "Bonjour {name}, {name}!" : "Hello {name}";
        return std::string(key);
      },
      "fr");
  EXPECT_EQ(texts.Format("greet", {{"name", "Zoë"}}), "Bonjour Zoë, Zoë!");
  EXPECT_EQ(
      Texts([](std::string_view, std::string_view k) { return std::string(k); }, "de").language(),
      "en");
}

}  // namespace
}  // namespace host::web
