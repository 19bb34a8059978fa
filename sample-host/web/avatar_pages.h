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
#include "sample-host/app/client_store.h"
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

// Up to two initials for the avatar's fallback ("MD" for Marie Dupont, "ÉR" for Élise Roux):
// whole UTF-8 letters in upper case; "#" when the client has no name.
std::string ClientInitials(const Client& client);
// The photo's URL under its generated name, "" when the client has none. The client list
// reads the name from its own row (the list query selects the profile columns), so showing
// the thumbnails costs no query per row.
std::string AvatarUrl(const Client& client);

}  // namespace host::web
