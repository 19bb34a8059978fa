// sample-host/app/admin_users.cc — admin accounts and permissions in admin_users /
// admin_permissions; a superuser (the first admin) holds every permission, plugins' included,
// without rows.
#include "sample-host/app/admin_users.h"

#include <algorithm>

#include "host-api/http.h"
#include "sample-host/app/credentials.h"
#include "text/text.h"

namespace host {
namespace {

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

crm::Status NoSuchAdmin(int64_t id) {
  return crm::NotFound("admin " + std::to_string(id) + " does not exist");
}

crm::Status InsertPermissions(crm::SqlExecutor& tx, int64_t admin_id,
                              const std::vector<std::string>& permissions) {
  for (const auto& p : permissions) {
    CRM_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO admin_permissions (admin_id, permission) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                {admin_id, p})
            .status());
  }
  return crm::Status::Ok();
}

}  // namespace

AdminUsers::AdminUsers(crm::Database& db, const HookRegistry& registry, Clock now)
    : db_(db), registry_(registry), now_(std::move(now)) {}

std::vector<std::string> AdminUsers::AllPermissions() const {
  std::vector<std::string> out;
  for (auto p : kHostPermissions) out.emplace_back(p);
  for (const auto& p : registry_.permissions()) {
    if (!Contains(out, p.hook.id)) out.push_back(p.hook.id);
  }
  return out;
}

std::vector<std::string> AdminUsers::AllScopes() const {
  std::vector<std::string> out;
  for (const auto& r : kHostScopes) out.emplace_back(r.scope);
  for (const auto& s : registry_.scopes()) {
    if (!Contains(out, s.hook.id)) out.push_back(s.hook.id);
  }
  return out;
}

std::vector<std::string> AdminUsers::GrantableScopes(
    const std::vector<std::string>& permissions) const {
  std::vector<std::string> out;
  for (const auto& scope : AllScopes()) {
    std::string needed;
    for (const auto& r : kHostScopes) {
      if (r.scope == scope) needed = std::string(r.permission);
    }
    if (needed.empty()) {
      // A plugin scope "x:y" needs the permission "x.y" when it exists, else plugins.manage.
      std::string dotted = scope;
      std::replace(dotted.begin(), dotted.end(), ':', '.');
      needed = Contains(AllPermissions(), dotted) ? dotted : "plugins.manage";
    }
    if (Contains(permissions, needed)) out.push_back(scope);
  }
  return out;
}

std::vector<std::string> AdminUsers::ScopesOf(const AdminUser& admin) const {
  return admin.superuser ? AllScopes() : GrantableScopes(admin.permissions);
}

AdminUser AdminUsers::FromRows(const std::vector<crm::SqlRow>& rows, size_t first) const {
  const crm::SqlRow& r = rows.front();
  AdminUser a{r.Int(first),
              r.Text(first + 1),
              r.Text(first + 2),
              r.Text(first + 3),
              r.Int(first + 4) != 0,
              r.Int(first + 5) != 0,
              {}};
  if (a.superuser) {
    a.permissions = AllPermissions();
    return a;
  }
  for (const auto& row : rows) {
    if (!row.IsNull(first + 6)) a.permissions.push_back(row.Text(first + 6));
  }
  return a;
}

crm::Result<AdminUser> AdminUsers::Create(std::string_view email_in, std::string_view name,
                                          std::string_view password, std::string_view language,
                                          std::vector<std::string> permissions) {
  std::string email = NormalizeLoginEmail(email_in);
  if (!PlausibleEmail(email)) return crm::InvalidArgument("email: not a valid address");
  CRM_RETURN_IF_ERROR(CheckNewPassword(password));
  std::string lang(language.empty() ? "en" : language);
  if (!crm::IsLanguage(lang)) return crm::InvalidArgument("language: must be en, fr or nl");
  CRM_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  int64_t id = 0;
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(auto any, tx.QueryOne("SELECT COUNT(*) FROM admin_users"));
    bool first = any->Int(0) == 0;
    auto r = tx.QueryOne(
        "INSERT INTO admin_users (email, name, password_hash, language, active, superuser, "
        "created_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
        {email, std::string(crm::text::TrimAll(name)), hash, lang,
         int64_t{first && permissions.empty()}, now_()});
    if (!r.ok()) {
      if (r.status().code() == crm::StatusCode::kConflict) {
        return crm::Conflict("email: an admin with this email exists");
      }
      return r.status();
    }
    id = (*r)->Int(0);
    return InsertPermissions(tx, id, permissions);
  }));
  return Find(id);
}

crm::Result<AdminUser> AdminUsers::Find(int64_t id) {
  static const std::string sql = "SELECT " + std::string(kColumns) + " FROM admin_users a " +
                                 std::string(kJoinPermissions) +
                                 " WHERE a.id = ? ORDER BY p.permission";
  CRM_ASSIGN_OR_RETURN(auto rows, db_.QueryAll(sql, {id}));
  if (rows.empty()) return NoSuchAdmin(id);
  return FromRows(rows, 0);
}

crm::Result<AdminUser> AdminUsers::FindByEmail(std::string_view email) {
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne("SELECT id FROM admin_users WHERE lower(email) = ?",
                                              {NormalizeLoginEmail(email)}));
  if (!row.has_value()) return crm::NotFound("no admin with this email");
  return Find(row->Int(0));
}

crm::Result<std::vector<AdminUser>> AdminUsers::List() {
  CRM_ASSIGN_OR_RETURN(auto rows, db_.QueryAll("SELECT id FROM admin_users ORDER BY email"));
  std::vector<AdminUser> out;
  for (const auto& r : rows) {
    CRM_ASSIGN_OR_RETURN(AdminUser a, Find(r.Int(0)));
    out.push_back(std::move(a));
  }
  return out;
}

crm::Status AdminUsers::SetPermissions(int64_t admin_id,
                                       const std::vector<std::string>& permissions) {
  auto all = AllPermissions();
  for (const auto& p : permissions) {
    if (!Contains(all, p)) return crm::InvalidArgument("permission: unknown '" + p + "'");
  }
  return db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(int64_t changed,
                         tx.Exec("UPDATE admin_users SET superuser = 0 WHERE id = ?", {admin_id}));
    if (changed == 0) return NoSuchAdmin(admin_id);
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM admin_permissions WHERE admin_id = ?", {admin_id}).status());
    return InsertPermissions(tx, admin_id, permissions);
  });
}

crm::Status AdminUsers::SetActive(int64_t admin_id, bool active) {
  return db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(int64_t changed, tx.Exec("UPDATE admin_users SET active = ? WHERE id = ?",
                                                  {int64_t{active}, admin_id}));
    if (changed == 0) return NoSuchAdmin(admin_id);
    if (active) return crm::Status::Ok();
    return tx.Exec("DELETE FROM sessions WHERE kind = 'admin' AND user_id = ?", {admin_id})
        .status();
  });
}

crm::Status AdminUsers::SetPassword(int64_t admin_id, std::string_view password) {
  if (password.size() < 8) return crm::InvalidArgument("password: at least 8 characters");
  CRM_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  CRM_ASSIGN_OR_RETURN(int64_t changed, db_.Exec("UPDATE admin_users SET password_hash = ? "
                                                 "WHERE id = ?",
                                                 {hash, admin_id}));
  if (changed == 0) return NoSuchAdmin(admin_id);
  return crm::Status::Ok();
}

crm::Status AdminUsers::SetLanguage(int64_t admin_id, std::string_view language) {
  if (!crm::IsLanguage(language)) return crm::InvalidArgument("language: must be en, fr or nl");
  CRM_ASSIGN_OR_RETURN(int64_t changed, db_.Exec("UPDATE admin_users SET language = ? WHERE id = ?",
                                                 {std::string(language), admin_id}));
  if (changed == 0) return NoSuchAdmin(admin_id);
  return crm::Status::Ok();
}

}  // namespace host
