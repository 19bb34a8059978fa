// sample-host/app/account_tokens.h — the single-use links mailed to a person about their own login
// (password reset, email change): random tokens stored as their SHA-256, with an expiry.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// Whose login a token is about.
enum class AccountKind { kAdmin, kClient };
std::string_view AccountKindName(AccountKind kind);  // "admin", "client"

// What a valid token stands for.
struct AccountToken {
  AccountKind kind = AccountKind::kClient;
  int64_t user_id = 0;
  std::string new_email;  // purpose "email_change" only
};

// Thread-safe; state lives in the database (table account_tokens). `db` must outlive it.
class AccountTokens {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  AccountTokens(crm::Database& db, Clock now) : db_(db), now_(std::move(now)) {}

  // A new raw token (64 hex characters, only here: the row keeps its SHA-256) for `purpose`
  // ("password_reset" or "email_change"), valid `lifetime_seconds`. Earlier unused tokens of
  // the same purpose for that person stop working (only the newest mail's link is good), and
  // expired rows are swept.
  crm::Result<std::string> Issue(std::string_view purpose, AccountKind kind, int64_t user_id,
                                 std::string_view new_email, int64_t lifetime_seconds);
  // The token's meaning when it is known, unused and unexpired; changes nothing (a GET on the
  // mailed link, which mail scanners follow, must not use it up).
  crm::Result<std::optional<AccountToken>> Peek(std::string_view purpose, std::string_view token);
  // As Peek, and marks it used inside `tx`: a second Consume of the same token finds nothing.
  crm::Result<std::optional<AccountToken>> Consume(crm::SqlExecutor& tx, std::string_view purpose,
                                                   std::string_view token);
  // Forgets every token of a person (their client row is being deleted).
  static crm::Status ForgetClient(crm::SqlExecutor& tx, int64_t client_id);

 private:
  crm::Result<std::optional<AccountToken>> Find(crm::SqlExecutor& ex, std::string_view purpose,
                                                std::string_view token);

  crm::Database& db_;
  Clock now_;
};

}  // namespace host
