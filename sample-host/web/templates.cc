// sample-host/web/templates.cc — looks up and renders the embedded mustache templates.
// Parsed per call: the library is small and this keeps rendering free of shared mutable state.
#include "sample-host/web/templates.h"

#include <map>

namespace host::web {
namespace {

constexpr std::string_view kSuffix = ".mustache";

const std::map<std::string, std::string, std::less<>>& Sources() {
  static const auto* sources = [] {
    auto* map = new std::map<std::string, std::string, std::less<>>();
    for (auto& [path, content] : EmbeddedTemplates()) {
      std::string name = path;
      if (name.size() > kSuffix.size() && name.ends_with(kSuffix)) {
        name.resize(name.size() - kSuffix.size());
      }
      (*map)[name] = content;
    }
    return map;
  }();
  return *sources;
}

}  // namespace

const std::string* TemplateSource(std::string_view name) {
  auto it = Sources().find(name);
  return it == Sources().end() ? nullptr : &it->second;
}

std::vector<std::string> TemplateNames() {
  std::vector<std::string> names;
  for (const auto& [name, source] : Sources()) names.push_back(name);
  return names;
}

crm::Result<std::string> RenderTemplate(std::string_view name, const TemplateData& data) {
  const std::string* source = TemplateSource(name);
  if (source == nullptr) return crm::NotFound("no template " + std::string(name));
  kainjow::mustache::mustache tmpl(*source);
  if (!tmpl.is_valid()) {
    return crm::Internal("template " + std::string(name) + ": " + tmpl.error_message());
  }
  // Partials are the other templates; a context wrapper supplies them on demand.
  TemplateData with_partials = data;
  if (with_partials.is_object()) {
    for (const auto& [partial_name, partial_source] : Sources()) {
      if (partial_name.starts_with("_")) {
        with_partials.set(partial_name,
                          kainjow::mustache::partial([src = partial_source] { return src; }));
      }
    }
  }
  std::string out = tmpl.render(with_partials);
  if (!tmpl.is_valid()) {
    return crm::Internal("template " + std::string(name) + ": " + tmpl.error_message());
  }
  return out;
}

TemplateData Choices(const std::vector<std::pair<std::string, std::string>>& value_labels,
                     std::string_view selected) {
  TemplateData list(TemplateData::type::list);
  for (const auto& [value, label] : value_labels) {
    TemplateData item;
    item.set("value", value);
    item.set("label", label);
    item.set("selected", value == selected);
    list.push_back(item);
  }
  return list;
}

}  // namespace host::web
