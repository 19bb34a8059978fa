// sample-host/web/settings_pages.h — the CRM's own settings page (issue 15.14): GET|POST
// /admin/settings (permission plugins.manage), today the time zone, and its admin menu entry.
#pragma once

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/host_settings.h"
#include "sample-host/core/hook_registry.h"

namespace host::web {

struct SettingsPageDeps {
  const HookRegistry& registry;
  HostSettings& settings;
};

// `deps`' references must outlive the server.
crm::Status RegisterSettingsPages(crm::Registrar& registrar, const SettingsPageDeps& deps);

}  // namespace host::web
