// sample-host/app/api_tokens.cc — "crm_" + 256 random bits, kept as SHA-256 in api_tokens with the
// scopes space-separated; last use recorded at most once a minute.
#include "sample-host/app/api_tokens.h"

#include <algorithm>
#include <set>

#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"
#include "text/text.h"

namespace host {
namespace {

constexpr std::string_view kTokenPrefix = "crm_";

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::vector<std::string> SplitSpaces(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    if (end > pos) out.emplace_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace

crm::Result<std::string> ApiTokens::Create(int64_t admin_id, std::string_view name,
                                           std::vector<std::string> scopes) {
  CRM_ASSIGN_OR_RETURN(AdminUser admin, admins_.Find(admin_id));
  if (!admin.active) return crm::PermissionDenied("this admin is disabled");
  std::vector<std::string> grantable = admins_.ScopesOf(admin);
  auto known = admins_.AllScopes();
  if (scopes.empty()) scopes = grantable;
  for (const auto& s : scopes) {
    if (!Contains(known, s)) return crm::InvalidArgument("scope: unknown '" + s + "'");
    if (!Contains(grantable, s)) {
      return crm::PermissionDenied("scope: this admin may not grant '" + s + "'");
    }
  }
  std::set<std::string> unique(scopes.begin(), scopes.end());
  std::string joined;
  for (const auto& s : unique) joined += (joined.empty() ? "" : " ") + s;
  std::string token = std::string(kTokenPrefix) + RandomHex(32);
  CRM_RETURN_IF_ERROR(
      db_.Exec("INSERT INTO api_tokens (token_hash, owner_id, name, scopes, "
               "created_at) VALUES (?, ?, ?, ?, ?)",
               {Sha256Hex(token), admin_id, std::string(crm::text::TrimAll(name)), joined, now_()})
          .status());
  return token;
}

crm::Status ApiTokens::Revoke(int64_t token_id) {
  CRM_ASSIGN_OR_RETURN(int64_t changed,
                       db_.Exec("UPDATE api_tokens SET revoked = 1 WHERE id = ?", {token_id}));
  if (changed == 0) return crm::NotFound("token " + std::to_string(token_id) + " does not exist");
  return crm::Status::Ok();
}

crm::Result<std::vector<ApiTokenInfo>> ApiTokens::List(int64_t admin_id) {
  CRM_ASSIGN_OR_RETURN(
      auto rows,
      db_.QueryAll(
          "SELECT id, owner_id, name, scopes, created_at, COALESCE(last_used_at, 0), revoked "
          "FROM api_tokens WHERE owner_id = ? ORDER BY id",
          {admin_id}));
  std::vector<ApiTokenInfo> out;
  for (const auto& r : rows) {
    out.push_back(
        {r.Int(0), r.Int(1), r.Text(2), SplitSpaces(r.Text(3)), r.Int(4), r.Int(5), r.Int(6) != 0});
  }
  return out;
}

std::optional<crm::Principal> ApiTokens::Principal(std::string_view token) {
  if (token.rfind(kTokenPrefix, 0) != 0 || token.size() != kTokenPrefix.size() + 64) {
    return std::nullopt;
  }
  // ONE statement per request: the token, its active owner and the owner's permissions as
  // they are now (a row per permission; AdminUsers::FromRows reads the owner from column 3).
  static const std::string sql =
      "SELECT t.id, t.scopes, COALESCE(t.last_used_at, 0), " + std::string(AdminUsers::kColumns) +
      " FROM api_tokens t JOIN admin_users a ON a.id = t.owner_id " +
      std::string(AdminUsers::kJoinPermissions) +
      " WHERE t.token_hash = ? AND t.revoked = 0 AND a.active = 1 ORDER BY p.permission";
  auto rows = db_.QueryAll(sql, {Sha256Hex(token)});
  if (!rows.ok() || rows->empty()) return std::nullopt;
  const crm::SqlRow& r = rows->front();
  const AdminUser admin = admins_.FromRows(*rows, 3);
  int64_t now = now_();
  if (now - r.Int(2) >= 60) {
    (void)db_.Exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {now, r.Int(0)});
  }
  crm::Principal p;
  p.kind = crm::Principal::Kind::kApiToken;
  p.user_id = admin.id;
  p.display_name = "token " + std::to_string(r.Int(0)) + " (" + admin.email + ")";
  p.email = admin.email;
  p.language = admin.language;
  // The owner's permissions as they are now (host-api/http.h): a plugin checks the scope
  // AND the permission its pages need, so a token never does more than its admin.
  p.permissions = admin.permissions;
  const std::vector<std::string> grantable = admins_.ScopesOf(admin);
  for (const auto& s : SplitSpaces(r.Text(1))) {
    if (Contains(grantable, s)) p.scopes.push_back(s);
  }
  return p;
}

}  // namespace host
