// sample-host/web/user_messages.h — the host's technical messages (validation, CSV import, list
// queries: English, kept as they are in the API next to their code) as a person reads them on a
// page, in their language (issue 15.9).
#pragma once

#include <string>
#include <string_view>

#include "sample-host/web/translations.h"

namespace host::web {

// The sentence for `message` in texts' language: a known message's own text, else the generic
// "some information is not valid" (never the technical English).
std::string UserMessage(const Texts& texts, std::string_view message);

// Why a plugin did not load (PluginState::error, English for the log) as a sentence in texts'
// language; "the plugin could not be loaded" for a reason it does not know.
std::string PluginLoadMessage(const Texts& texts, std::string_view error);

}  // namespace host::web
