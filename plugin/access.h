// plugin/access.h — who may do what with documents, types and settings, decided in one place
// so that every route (API, admin pages, client area) enforces the same rules.
#pragma once

#include <cstdint>
#include <string>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/model.h"

namespace cd {

// Permissions (admins) and scopes (API tokens) this module declares.
inline constexpr char kPermRead[] = "documents.read";
inline constexpr char kPermWrite[] = "documents.write";
inline constexpr char kPermSettings[] = "documents.settings";
inline constexpr char kScopeRead[] = "documents:read";
inline constexpr char kScopeWrite[] = "documents:write";
inline constexpr char kScopeSettings[] = "settings:write";

// A token needs its scope AND the permission an admin needs for the same thing on the pages
// (the host gives a token's Principal its owner's current permissions): a token never does
// more than its owner may do today.

// Reading a client's documents: the client itself, an admin with documents.read, a token
// with documents:read and documents.read. kUnauthenticated for anonymous, kPermissionDenied
// otherwise; a client asking for another client gets kNotFound (no hint that the client exists).
crm::Status CheckRead(const crm::Principal& actor, int64_t client_id);

// Uploading, replacing or deleting a document of `type` for `client_id`: as CheckRead
// with documents.write (a token: documents:write and documents.write), and a client never for an
// admin_only or an inactive type (kPermissionDenied).
crm::Status CheckWrite(const crm::Principal& actor, int64_t client_id, const DocumentType& type);

// Managing types and settings: admin with documents.settings, token with settings:write and
// documents.settings.
crm::Status CheckSettings(const crm::Principal& actor);

// Reading types (and the settings): any admin or client, a token with any of the module's
// scopes (documents:read, documents:write, settings:write) and no permission (any admin
// may read them on the pages).
crm::Status CheckReadTypes(const crm::Principal& actor);

// The timeline's actor string: "admin:Marie Dupont", "client", "link:12" (a link session,
// plugin/links/grant.h), "api:token of a@b.c".
std::string ActorLabel(const crm::Principal& actor);

}  // namespace cd
