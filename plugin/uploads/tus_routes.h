// plugin/uploads/tus_routes.h — the tus 1.0 HTTP adapters over uploads/use_cases.h, at
// P/clients/{client_id}/uploads (API token, documents:write) and /account/documents/uploads
// (client session; the host checks the X-CSRF-Token header of PATCH, POST and DELETE).
#pragma once

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "plugin/services.h"

namespace cd {

inline constexpr char kAccountUploads[] = "/account/documents/uploads";

// Adds POST (creation, creation-with-upload), GET/HEAD (offset), PATCH (chunk) and DELETE
// (termination) on both collections. `services` outlives the routes (process lifetime).
crm::Status RegisterTusRoutes(crm::Registrar& registrar, Services& services);

}  // namespace cd
