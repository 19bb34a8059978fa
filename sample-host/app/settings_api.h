// sample-host/app/settings_api.h — the host's settings over the API (issue 15.14):
//   GET /api/v1/settings   {"time_zone": "Europe/Brussels"}
//   PUT /api/v1/settings   the same object (keys left out stay as they are); 422 for an unknown
//                          zone, nothing stored.
// Both need the scope settings:write and, for the token's owner, the permission plugins.manage
// (the one the settings page needs).
#pragma once

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/host_settings.h"

namespace host {

// `settings` must outlive the server.
crm::Status RegisterSettingsApi(crm::Registrar& registrar, HostSettings& settings);

}  // namespace host
