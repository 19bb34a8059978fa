// sample-host/app/api_tokens.h — bearer tokens for the JSON API (SPEC §5): created for an admin
// with scopes that admin may grant, stored hashed, and never worth more than the admin is today.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/admin_users.h"

namespace host {

struct ApiTokenInfo {
  int64_t id = 0;
  int64_t owner_id = 0;
  std::string name;
  std::vector<std::string> scopes;
  int64_t created_at = 0;
  int64_t last_used_at = 0;  // 0: never
  bool revoked = false;
};

// Thread-safe; state lives in the database. Every reference must outlive it.
class ApiTokens {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  ApiTokens(crm::Database& db, AdminUsers& admins, Clock now)
      : db_(db), admins_(admins), now_(std::move(now)) {}

  // Creates a token for an admin. Empty `scopes`: every scope that admin may grant.
  // kPermissionDenied when asking a scope the admin may not grant; kInvalidArgument
  // for an unknown scope. Returns the raw token (shown once; only its hash is kept).
  crm::Result<std::string> Create(int64_t admin_id, std::string_view name,
                                  std::vector<std::string> scopes = {});
  crm::Status Revoke(int64_t token_id);
  crm::Result<std::vector<ApiTokenInfo>> List(int64_t admin_id);
  // The caller behind a bearer token, or nullopt (unknown, revoked, owner disabled). Its
  // scopes are the token's that the owner may still grant, and its permissions the
  // owner's current ones (host-api/http.h), so a token never does more than its admin.
  std::optional<crm::Principal> Principal(std::string_view token);

 private:
  crm::Database& db_;
  AdminUsers& admins_;
  Clock now_;
};

}  // namespace host
