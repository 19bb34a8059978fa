// sample-host/web/translations.cc — parses the embedded catalogs and serves host texts to pages.
// Lookups go through the registry's Translate so that the same fallback rules apply to host and
// plugins.
#include "sample-host/web/translations.h"

#include <boost/json.hpp>

namespace host::web {
namespace {

std::vector<std::pair<std::string, std::string>> ParseCatalog(const std::string& json) {
  std::vector<std::pair<std::string, std::string>> entries;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return entries;
  for (const auto& item : value.as_object()) {
    if (!item.value().is_string()) continue;
    entries.emplace_back(std::string(item.key()), std::string(item.value().as_string()));
  }
  return entries;
}

// A tree of key segments, turned into nested template objects.
struct Node {
  std::string text;
  std::map<std::string, Node> children;
};

TemplateData ToData(const Node& node) {
  TemplateData data;
  for (const auto& [name, child] : node.children) {
    if (child.children.empty()) {
      data.set(name, child.text);
    } else {
      data.set(name, ToData(child));
    }
  }
  return data;
}

}  // namespace

const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& HostCatalogs() {
  static const auto* catalogs = [] {
    auto* map = new std::map<std::string, std::vector<std::pair<std::string, std::string>>>();
    for (const auto& [path, content] : EmbeddedCatalogs()) {
      std::string language = path.substr(0, path.find('.'));
      (*map)[language] = ParseCatalog(content);
    }
    return map;
  }();
  return *catalogs;
}

crm::Status RegisterHostTranslations(crm::Registrar& registrar) {
  for (const auto& [language, entries] : HostCatalogs()) {
    CRM_RETURN_IF_ERROR(registrar.AddTranslations(language, entries));
  }
  return crm::Status::Ok();
}

Texts::Texts(TranslateFn translate, std::string language)
    : translate_(std::move(translate)), language_(NormalizeLanguage(language)) {}

std::string Texts::Get(std::string_view key) const {
  std::string full(kKeyPrefix);
  full += key;
  return translate_(language_, full);
}

std::string Texts::Format(std::string_view key,
                          const std::vector<std::pair<std::string, std::string>>& args) const {
  std::string text = Get(key);
  for (const auto& [name, value] : args) {
    std::string placeholder = "{" + name + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

std::string Texts::Raw(std::string_view full_key) const { return translate_(language_, full_key); }

TemplateData Texts::Data() const {
  Node root;
  auto it = HostCatalogs().find("en");
  if (it == HostCatalogs().end()) return TemplateData();
  for (const auto& [full_key, english] : it->second) {
    if (!full_key.starts_with(kKeyPrefix)) continue;
    std::string_view rest = std::string_view(full_key).substr(kKeyPrefix.size());
    Node* node = &root;
    while (true) {
      size_t dot = rest.find('.');
      node = &node->children[std::string(rest.substr(0, dot))];
      if (dot == std::string_view::npos) break;
      rest = rest.substr(dot + 1);
    }
    node->text = translate_(language_, full_key);
  }
  return ToData(root);
}

std::string NormalizeLanguage(std::string_view language) {
  if (crm::IsLanguage(language)) return std::string(language);
  return "en";
}

std::string_view LanguageName(std::string_view language) {
  if (language == "fr") return "Français";
  if (language == "nl") return "Nederlands";
  return "English";
}

}  // namespace host::web
