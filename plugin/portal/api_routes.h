// plugin/portal/api_routes.h — the portal's routes (SPEC §6 "Projects and shared documents",
// "Export and erasure"), one table of short adapters over use_cases.h and export.h:
//   GET|POST P/clients/{client_id}/projects, PATCH P/clients/{client_id}/projects/{id},
//   GET|POST P/clients/{client_id}/shared, GET|DELETE P/clients/{client_id}/shared/{id},
//   GET P/clients/{client_id}/shared/{id}/files/{file_id} (?inline=1),
//   POST P/clients/{client_id}/shared/{id}/payments, GET|POST .../shared/{id}/comments,
//   GET P/clients/{client_id}/export;
// and for a client's session (CSRF checked by the host; JSON, or the page's forms):
//   GET /account/shared/{id}/files/{file_id}, POST /account/shared/{id}/decision,
//   POST /account/shared/{id}/comments, POST /account/shared/{id}/files (multipart).
// The page /account/shared and the Portal tab are hooks (hooks/portal_pages.cc).
#pragma once

#include "host-api/registrar.h"
#include "plugin/services.h"

namespace cd {

// `services` must outlive the routes (it does: process lifetime).
crm::Status RegisterPortalRoutes(crm::Registrar& registrar, Services& services);

// Where the client area's shared page lives.
inline constexpr char kAccountSharedPage[] = "/account/shared";

}  // namespace cd
