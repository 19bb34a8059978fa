// sample-host/web/timeline_text.h — history entries kept as a translation key and its
// parameters and shown in the reader's language (issue 15.10, SPEC X6), and the name of an
// entry type in that language.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "sample-host/web/translations.h"

namespace host::web {

// A stored title or detail written as "@KEY" or "@KEY {JSON object}" (TimelineMessage) is
// shown as the text of KEY in `texts`' language, each "{name}" replaced by its parameter: a
// string, or an object of texts per language ({"en": "...", "fr": "..."}: the reader's
// language, else English, else any). Anything else (entries written before, notes, other
// software's text) and a KEY without a text are shown as stored.
std::string TimelineText(const Texts& texts, std::string_view stored);

// "@KEY {params}" for TimelineText (no parameters: "@KEY").
std::string TimelineMessage(std::string_view key, const boost::json::object& params = {});

// The name of an entry type for a reader: "host.X" is web.timeline.types.X, "<plugin>.X" the
// plugin's "<plugin>.timeline.types.X"; a type without a text is shown as it is.
std::string TimelineTypeLabel(const Texts& texts, std::string_view type);

}  // namespace host::web
