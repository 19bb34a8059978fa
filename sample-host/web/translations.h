// sample-host/web/translations.h — the host's texts in en / fr / nl (i18n/*.json, embedded),
// their registration with the hook registry, and the per-render view templates and pages read them
// through.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/web/templates.h"

namespace host::web {

// Every host web key starts with this prefix; templates and Texts use the key without it
// (`{{t.nav.clients}}`, `texts.Get("nav.clients")` for "web.nav.clients").
inline constexpr std::string_view kKeyPrefix = "web.";

// language -> (full key, text), parsed once from the embedded i18n/<language>.json files.
// A catalog that does not parse is empty (and the translation test fails).
const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& HostCatalogs();

// Registers every catalog through registrar.AddTranslations (owner "host").
crm::Status RegisterHostTranslations(crm::Registrar& registrar);

// (language, full key) -> text; in the host, HookRegistry::Translate.
using TranslateFn = std::function<std::string(std::string_view language, std::string_view key)>;

// The texts of one language for one page. Cheap to build; not thread-safe (one per request).
class Texts {
 public:
  Texts(TranslateFn translate, std::string language);

  const std::string& language() const { return language_; }
  // The text of kKeyPrefix + `key`.
  std::string Get(std::string_view key) const;
  // Get(key) with each "{name}" replaced by its value (values are plain text; the caller escapes).
  std::string Format(std::string_view key,
                     const std::vector<std::pair<std::string, std::string>>& args) const;
  // Any full key (e.g. a plugin's "client-documents.tab.title").
  std::string Raw(std::string_view full_key) const;
  // Every host key as a nested object for templates: "web.nav.clients" -> t.nav.clients.
  TemplateData Data() const;

 private:
  TranslateFn translate_;
  std::string language_;
};

// "en", "fr" or "nl" when `language` is one of them, else "en".
std::string NormalizeLanguage(std::string_view language);

// Display name of a language in itself ("Français").
std::string_view LanguageName(std::string_view language);

}  // namespace host::web
