// sample-host/app/avatar_api.h — the avatar of a client through the API (issue 14, SPEC H17), token
// routes of owner "host":
//   PUT    /api/v1/clients/{id}/avatar   clients:write  clients.write  (body: the picture)
//   DELETE /api/v1/clients/{id}/avatar   clients:write  clients.write
// The client's `avatar_url` then names the picture (/admin/clients/{id}/avatar/{name}).
#pragma once

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/avatars.h"

namespace host {

// Reads a whole body of at most `limit` bytes (kTooLarge past it, early when Content-Length
// says so).
crm::Result<std::string> ReadSmallBody(crm::Request& request, uint64_t limit);

crm::Status RegisterAvatarApi(crm::Registrar& registrar, AvatarStore& avatars);

}  // namespace host
