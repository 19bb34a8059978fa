// sample-host/web/timeline_text.cc — "@KEY {params}" history texts rendered per reader, and entry
// type names (issue 15.10).
#include "sample-host/web/timeline_text.h"

#include "text/messages.h"

namespace host::web {

namespace json = boost::json;

namespace {

// A parameter's text for `language`: a string as it is; per-language texts, that language,
// else English, else the first one.
std::string ParamText(const json::value& value, const std::string& language) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (!value.is_object() || value.as_object().empty()) return "";
  const json::object& texts = value.as_object();
  for (const std::string& lang : {language, std::string("en")}) {
    if (auto it = texts.find(lang);
        it != texts.end() && it->value().is_string() && !it->value().as_string().empty())
      return std::string(it->value().as_string());
  }
  for (const auto& [lang, text] : texts)
    if (text.is_string() && !text.as_string().empty()) return std::string(text.as_string());
  return "";
}

}  // namespace

std::string TimelineText(const Texts& texts, std::string_view stored) {
  if (stored.size() < 2 || stored.front() != '@') return std::string(stored);
  std::string_view rest = stored.substr(1);
  const size_t space = rest.find(' ');
  const std::string key(rest.substr(0, space));
  json::object params;
  if (space != std::string_view::npos) {
    boost::system::error_code ec;
    json::value parsed = json::parse(rest.substr(space + 1), ec);
    if (ec || !parsed.is_object()) return std::string(stored);
    params = std::move(parsed.as_object());
  }
  std::string text = texts.Raw(key);
  if (text == key) return std::string(stored);  // no such text: not a message of ours
  crm::text::Bound bound;
  for (const auto& [name, value] : params)
    bound.emplace_back(std::string(name), ParamText(value, texts.language()));
  return crm::text::FillPlaceholders(std::move(text), bound);
}

std::string TimelineMessage(std::string_view key, const json::object& params) {
  std::string out = "@" + std::string(key);
  if (!params.empty()) out += " " + json::serialize(params);
  return out;
}

std::string TimelineTypeLabel(const Texts& texts, std::string_view type) {
  const size_t dot = type.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == type.size()) return std::string(type);
  const std::string owner(type.substr(0, dot));
  const std::string name(type.substr(dot + 1));
  const std::string key =
      (owner == "host" ? std::string(kKeyPrefix) : owner + ".") + "timeline.types." + name;
  std::string label = texts.Raw(key);
  return label == key ? std::string(type) : label;
}

}  // namespace host::web
