// plugin/api_routes.h — the module's HTTP API (CD10, SPEC §5) under
// /api/v1/plugins/client-documents/, registered by the entry in hooks/.
#pragma once

#include <string>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "plugin/services.h"

namespace cd {

inline constexpr char kApiPrefix[] = "/api/v1/plugins/client-documents";

// Adds every API route (audience kApiToken with the scopes of access.h, plus the public
// openapi.json). `services` must outlive the routes (it does: process lifetime).
crm::Status RegisterApiRoutes(crm::Registrar& registrar, Services& services);

// The OpenAPI 3 document (plugin/openapi.json, embedded).
const std::string& OpenApiJson();

}  // namespace cd
