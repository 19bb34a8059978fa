// sample-host/app/account_tokens.cc — account_tokens rows: issue (sweeping the older ones), peek
// and consume, always by the token's SHA-256 with bound parameters.
#include "sample-host/app/account_tokens.h"

#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"

namespace host {

std::string_view AccountKindName(AccountKind kind) {
  return kind == AccountKind::kAdmin ? "admin" : "client";
}

crm::Result<std::string> AccountTokens::Issue(std::string_view purpose, AccountKind kind,
                                              int64_t user_id, std::string_view new_email,
                                              int64_t lifetime_seconds) {
  std::string token = RandomHex(32);
  int64_t now = now_();
  std::string kind_name(AccountKindName(kind));
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM account_tokens WHERE expires_at <= ? OR (kind = ? "
                                "AND user_id = ? AND purpose = ? AND used_at IS NULL)",
                                {now, kind_name, user_id, std::string(purpose)})
                            .status());
    return tx
        .Exec(
            "INSERT INTO account_tokens (token_hash, purpose, kind, user_id, new_email, "
            "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {Sha256Hex(token), std::string(purpose), kind_name, user_id, std::string(new_email),
             now, now + lifetime_seconds})
        .status();
  }));
  return token;
}

crm::Result<std::optional<AccountToken>> AccountTokens::Find(crm::SqlExecutor& ex,
                                                             std::string_view purpose,
                                                             std::string_view token) {
  if (token.size() != 64) return std::optional<AccountToken>();
  CRM_ASSIGN_OR_RETURN(auto row, ex.QueryOne("SELECT kind, user_id, new_email FROM account_tokens "
                                             "WHERE token_hash = ? AND purpose = ? AND used_at IS "
                                             "NULL AND expires_at > ?",
                                             {Sha256Hex(token), std::string(purpose), now_()}));
  if (!row.has_value()) return std::optional<AccountToken>();
  AccountToken t;
  t.kind = row->Text(0) == "admin" ? AccountKind::kAdmin : AccountKind::kClient;
  t.user_id = row->Int(1);
  t.new_email = row->Text(2);
  return std::optional<AccountToken>(std::move(t));
}

crm::Result<std::optional<AccountToken>> AccountTokens::Peek(std::string_view purpose,
                                                             std::string_view token) {
  return Find(db_, purpose, token);
}

crm::Result<std::optional<AccountToken>> AccountTokens::Consume(crm::SqlExecutor& tx,
                                                                std::string_view purpose,
                                                                std::string_view token) {
  CRM_ASSIGN_OR_RETURN(std::optional<AccountToken> found, Find(tx, purpose, token));
  if (!found) return found;
  // `used_at IS NULL` again: of two concurrent uses, one changes the row, the other none.
  CRM_ASSIGN_OR_RETURN(int64_t changed, tx.Exec("UPDATE account_tokens SET used_at = ? WHERE "
                                                "token_hash = ? AND used_at IS NULL",
                                                {now_(), Sha256Hex(token)}));
  if (changed != 1) return std::optional<AccountToken>();
  return found;
}

crm::Status AccountTokens::ForgetClient(crm::SqlExecutor& tx, int64_t client_id) {
  return tx.Exec("DELETE FROM account_tokens WHERE kind = 'client' AND user_id = ?", {client_id})
      .status();
}

}  // namespace host
