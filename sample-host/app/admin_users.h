// sample-host/app/admin_users.h — the staff who sign in to /admin: their accounts, their
// permissions (the host's and the plugins' declared ones), and the API token scopes those
// permissions allow.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/core/hook_registry.h"

namespace host {

// The host's own permissions; plugins add theirs (PermissionDecl).
inline constexpr std::string_view kHostPermissions[] = {
    "clients.read",   "clients.write",       "clients.delete", "clients.import_export",
    "plugins.manage", "clients.impersonate", "admins.manage"};

// The API token scopes of SPEC §5, and the permission an admin needs to grant each.
struct ScopeRule {
  std::string_view scope;
  std::string_view permission;
};
inline constexpr ScopeRule kHostScopes[] = {
    {"clients:read", "clients.read"},     {"clients:write", "clients.write"},
    {"documents:read", "documents.read"}, {"documents:write", "documents.write"},
    {"settings:write", "plugins.manage"},
};

struct AdminUser {
  int64_t id = 0;
  std::string email;
  std::string name;
  std::string language = "en";
  bool active = true;
  bool superuser = false;                // holds every permission, plugins' included, without rows
  std::vector<std::string> permissions;  // a superuser's: every one of AllPermissions()
};

// Thread-safe; state lives in the database. `db` and `registry` must outlive it.
class AdminUsers {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  AdminUsers(crm::Database& db, const HookRegistry& registry, Clock now);

  // Every permission an admin can hold: the host's plus the plugins' declared ones.
  std::vector<std::string> AllPermissions() const;
  // Every scope a token can carry, and the ones an admin with `permissions` may grant.
  std::vector<std::string> AllScopes() const;
  std::vector<std::string> GrantableScopes(const std::vector<std::string>& permissions) const;
  // What a token of this admin may carry: every scope for a superuser, else GrantableScopes.
  std::vector<std::string> ScopesOf(const AdminUser& admin) const;

  // An admin and its permissions read in ONE statement (a request's token or session check
  // reads no more): select kColumns FROM admin_users a kJoinPermissions, one row per
  // permission (a NULL one for none, or for a superuser), ordered by p.permission; FromRows
  // reads the admin from column `first` of those rows (at least one).
  static constexpr std::string_view kColumns =
      "a.id, a.email, a.name, a.language, a.active, a.superuser, p.permission";
  static constexpr std::string_view kJoinPermissions =
      "LEFT JOIN admin_permissions p ON p.admin_id = a.id AND a.superuser = 0";
  AdminUser FromRows(const std::vector<crm::SqlRow>& rows, size_t first) const;

  // Creates an active admin. Empty `permissions`: when it is the first admin, a superuser
  // (all of AllPermissions(), now and later); otherwise none. kConflict when the email
  // exists, kInvalidArgument for a bad email, language or a password under 8 characters.
  crm::Result<AdminUser> Create(std::string_view email, std::string_view name,
                                std::string_view password, std::string_view language = "en",
                                std::vector<std::string> permissions = {});
  crm::Result<AdminUser> Find(int64_t id);
  crm::Result<AdminUser> FindByEmail(std::string_view email);
  crm::Result<std::vector<AdminUser>> List();
  // Replaces the permissions (and ends superuser status). kInvalidArgument for an unknown one.
  crm::Status SetPermissions(int64_t admin_id, const std::vector<std::string>& permissions);
  // Disabling also ends the admin's sessions.
  crm::Status SetActive(int64_t admin_id, bool active);
  crm::Status SetPassword(int64_t admin_id, std::string_view password);
  // The language the admin's pages are shown in (en, fr or nl; kInvalidArgument otherwise).
  crm::Status SetLanguage(int64_t admin_id, std::string_view language);

 private:
  crm::Database& db_;
  const HookRegistry& registry_;
  Clock now_;
};

}  // namespace host
