// sample-host/web/page_renderer.h — the CRM's look: the admin and reserved-area layouts around
// every page fragment (menus from HookRegistry::BuildMenu, language switcher, CSRF meta) and the
// error pages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/logger.h"
#include "sample-host/http/server.h"
#include "sample-host/web/translations.h"

namespace host::web {

// The host's own menu entries before the plugins' MenuFilters run (labels translated).
std::vector<crm::MenuItem> BaseMenu(crm::MenuArea area, const Texts& texts);

// Thread-safe: it only reads the registry, which is frozen before the server serves.
// `registry` (and `logger`, where plugin failures are logged; null: standard error) must
// outlive it.
class LayoutRenderer : public host::PageRenderer {
 public:
  explicit LayoutRenderer(const HookRegistry& registry, Logger* logger = nullptr);

  std::string RenderPage(const crm::PageReply& page, const crm::Principal& viewer,
                         std::string_view path) override;
  std::string RenderError(int http_status, std::string_view message, const crm::Principal& viewer,
                          std::string_view path) override;

  // The texts in `language`, looked up through the registry (host and plugin catalogs).
  Texts TextsFor(std::string_view language) const;

 private:
  const HookRegistry& registry_;
  Logger& logger_;
};

}  // namespace host::web
