// sample-host/app/api_routes.h — the host's own JSON API (SPEC H10, §5) under /api/v1/clients, the
// CSV export/import endpoints, and the email confirmation link, registered as owner "host" routes.
#pragma once

#include <string>
#include <string_view>

#include "host-api/http.h"
#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/auth.h"
#include "sample-host/app/client_store.h"

namespace host {

// A client as SPEC §5's JSON (serialised).
std::string ClientToJson(const Client& client);

// Applies the fields present in a JSON object to `client` (POST: onto a blank client;
// PATCH: onto the stored one). Unknown keys are ignored; `id`, `created_at` and
// `login_enabled` are never taken from the caller. kInvalidArgument naming the field for
// a wrong type, or for a body that is not a JSON object.
crm::Status ApplyClientJson(std::string_view json, Client& client);

// The list query of a request: page, per_page, q, sort and every filter[ID]=VALUE.
// kInvalidArgument for a page or per_page that is not a number.
crm::Result<ClientListQuery> ListQueryFromRequest(const crm::Request& request);

// Registers on `registrar` (owner "host"). Each token route needs its scope AND the token
// owner's current permission, the one the admin pages need for the same action:
//   GET    /api/v1/clients             clients:read   clients.read    list {"items","total",...}
//   POST   /api/v1/clients             clients:write  clients.write   create (201)
//   GET    /api/v1/clients/export.csv  clients:read   clients.import_export  CSV of the list
//   POST   /api/v1/clients/import      clients:write  clients.import_export  per-row report
//   GET    /api/v1/clients/{id}        clients:read   clients.read
//   PATCH  /api/v1/clients/{id}        clients:write  clients.write
//   DELETE /api/v1/clients/{id}        clients:write  clients.delete  (204; 409 naming the plugin)
//   GET    /account/confirm?token=...  public         confirms a client's email, redirects to login
// `clients` and `auth` must outlive the server.
crm::Status RegisterClientApi(crm::Registrar& registrar, ClientStore& clients, Auth& auth);

// The whole body of a request, kTooLarge past `limit` bytes.
crm::Result<std::string> ReadWholeBody(crm::Request& request, uint64_t limit);

// A route for API tokens: the server checks `scope`; `handler` runs only when the token's
// owner also holds `permission` now (403 otherwise).
crm::Route TokenApiRoute(std::string method, std::string pattern, std::string scope,
                         std::string permission, uint64_t max_body, crm::RouteHandler handler);

}  // namespace host
