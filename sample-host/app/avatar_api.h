// sample-host/app/avatar_api.h — the avatar of a client through the API (issue 14, SPEC H17), token
// routes of owner "host":
//   PUT    /api/v1/clients/{id}/avatar   clients:write  clients.write  (body: the picture)
//   DELETE /api/v1/clients/{id}/avatar   clients:write  clients.write
// The client's `avatar_url` then names the picture (/admin/clients/{id}/avatar/{name}).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/avatars.h"

namespace host {

// Reads a whole body of at most `limit` bytes (kTooLarge past it, early when Content-Length
// says so).
crm::Result<std::string> ReadSmallBody(crm::Request& request, uint64_t limit);

// One part of a multipart/form-data body: its field name, the file name it was sent with ("" for
// a plain field; never trusted: sanitise before showing or storing) and its bytes.
struct MultipartPart {
  std::string name;
  std::string filename;
  std::string content;
};
// Every part of a multipart/form-data body whose Content-Type is `content_type`; nullopt when
// the body is malformed.
std::optional<std::vector<MultipartPart>> MultipartParts(std::string_view content_type,
                                                         std::string_view body);
// The bytes of the part named `field`; nullopt when there is none or the body is malformed.
std::optional<std::string> MultipartFile(std::string_view content_type, std::string_view body,
                                         std::string_view field);

crm::Status RegisterAvatarApi(crm::Registrar& registrar, AvatarStore& avatars);

}  // namespace host
