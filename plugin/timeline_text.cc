// plugin/timeline_text.cc — "@KEY {params}" history texts (issue 15.10).
#include "plugin/timeline_text.h"

#include <boost/json.hpp>

namespace cd {

namespace json = boost::json;

std::string TimelineMessage(std::string_view key) { return "@" + std::string(key); }

std::string TimelineMessage(std::string_view key, const LocalizedText& type_name) {
  json::object names;
  for (const auto& [lang, text] : {std::pair{"en", &type_name.en}, std::pair{"fr", &type_name.fr},
                                   std::pair{"nl", &type_name.nl}}) {
    if (!text->empty()) names[lang] = *text;
  }
  return TimelineMessage(key) + " " + json::serialize(json::object{{"type", std::move(names)}});
}

std::string TimelineMessage(std::string_view key, int64_t id) {
  return TimelineMessage(key) + " " + json::serialize(json::object{{"id", std::to_string(id)}});
}

}  // namespace cd
