// plugin/embedded.h — the files compiled into the module by crm_embed_files (CrmPlugin.cmake):
// migrations/*.sql, ui-fragments/**, tus-js-client's browser build and plugin/openapi.json.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "host-api/hooks.h"

namespace cd {

// migrations/NNNN_words.sql, in version order (defined in client-documents.so only).
std::vector<crm::Migration> EmbeddedMigrations();
// (path relative to ui-fragments/, content), sorted by path (client-documents.so only).
std::vector<std::pair<std::string, std::string>> EmbeddedFragments();
// ("tus.min.js", content) of tus-js-client when vendor/tus-js-client is installed, else empty
// (client-documents.so only).
std::vector<std::pair<std::string, std::string>> EmbeddedVendorAssets();
// ("openapi.json", content) (in cd_logic).
std::vector<std::pair<std::string, std::string>> EmbeddedOpenApi();

}  // namespace cd
