// sample-host/web/avatar_pages.h — the client's avatar on the admin pages (issue 14, SPEC H17): the
// picture served under its generated name, the upload form's POST (multipart, field "avatar") and
// its removal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/avatars.h"
#include "sample-host/core/hook_registry.h"

namespace host::web {

struct AvatarPageDeps {
  const HookRegistry& registry;
  AvatarStore& avatars;
};

// GET  /admin/clients/{id}/avatar/{name}   clients.read   the JPEG (only the current name)
// POST /admin/clients/{id}/avatar          clients.write  multipart upload (CSRF: the first part,
// `_csrf`) POST /admin/clients/{id}/avatar/delete   clients.write `deps` must outlive the server.
crm::Status RegisterAvatarPages(crm::Registrar& registrar, const AvatarPageDeps& deps);

// The bytes of the file field `field` of a multipart/form-data body whose Content-Type is
// `content_type`; nullopt when there is no such part or the body is malformed.
std::optional<std::string> MultipartFile(std::string_view content_type, std::string_view body,
                                         std::string_view field);

}  // namespace host::web
