// sample-host/web/assets.h — the embedded static files (assets/: app.css, app.js) and their
// versioned URLs, so that browsers may cache them for a day and still see a new build at once.
#pragma once

#include <string>
#include <string_view>

namespace host::web {

struct Asset {
  std::string name;  // "app.css"
  std::string content;
  std::string content_type;  // "text/css; charset=utf-8"
  std::string version;       // hash of the content (12 hex digits)
};

// The embedded asset `name`, or nullptr.
const Asset* FindAsset(std::string_view name);

// "/assets/app.css?v=<version>".
std::string AssetUrl(std::string_view name);

}  // namespace host::web
