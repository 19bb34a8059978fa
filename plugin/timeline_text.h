// plugin/timeline_text.h — the module's history entries as "@KEY {params}" (issue 15.10): the
// host shows them in the reader's language (sample-host/web/timeline_text.h, README "History
// in the reader's language"); a document type's name goes with its three languages.
#pragma once

#include <string>
#include <string_view>

#include "plugin/model.h"

namespace cd {

// "@KEY" (KEY a full key of the module's texts, e.g. "client-documents.timeline.uploaded").
std::string TimelineMessage(std::string_view key);
// "@KEY {"type":{"en":..,"fr":..,"nl":..}}": KEY's text with {type} the type's name in the
// reader's language (English, then any, when it has none in that language).
std::string TimelineMessage(std::string_view key, const LocalizedText& type_name);
// "@KEY {"id":"N"}".
std::string TimelineMessage(std::string_view key, int64_t id);

}  // namespace cd
