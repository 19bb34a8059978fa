// sample-host/app/account_security.cc — forgot password and one's own password/email change: the
// rate limit and the login lookups, the tokens (account_tokens.h), and each change in one
// transaction with the end of the person's sessions.
#include "sample-host/app/account_security.h"

#include "sample-host/app/credentials.h"

namespace host {
namespace {

constexpr std::string_view kReset = "password_reset";
constexpr std::string_view kEmailChange = "email_change";

std::string Table(AccountKind kind) {
  return kind == AccountKind::kAdmin ? "admin_users" : "clients";
}
// An enabled login of that kind: an active admin, a client whose login is on.
std::string Enabled(AccountKind kind) {
  return kind == AccountKind::kAdmin ? "active = 1" : "login_enabled = 1 AND email <> ''";
}

}  // namespace

AccountSecurity::AccountSecurity(crm::Database& db, LoginRateLimit& rate_limit, ClientLogins& mails,
                                 Translate translate, Clock now, std::string base_url)
    : db_(db),
      rate_limit_(rate_limit),
      mails_(mails),
      translate_(std::move(translate)),
      now_(now),
      base_url_(std::move(base_url)),
      tokens_(db, now),
      timeline_(db, now) {}

std::string AccountSecurity::LinkBase(AccountKind kind) const {
  return base_url_ + (kind == AccountKind::kAdmin ? "/admin" : "/account");
}

crm::Result<std::optional<AccountSecurity::Login>> AccountSecurity::FindLogin(
    AccountKind kind, std::string_view where, const crm::SqlValue& value) {
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne("SELECT id, password_hash, language, email FROM " +
                                                  Table(kind) + " WHERE " + std::string(where) +
                                                  " AND " + Enabled(kind) + " ORDER BY id LIMIT 1",
                                              {value}));
  if (!row.has_value()) return std::optional<Login>();
  return std::optional<Login>(
      Login{row->Int(0), row->IsNull(1) ? "" : row->Text(1), row->Text(2), row->Text(3)});
}

crm::Status AccountSecurity::EndSessions(crm::SqlExecutor& tx, AccountKind kind, int64_t user_id) {
  return tx
      .Exec("DELETE FROM sessions WHERE kind = ? AND user_id = ?",
            {std::string(AccountKindName(kind)), user_id})
      .status();
}

void AccountSecurity::Record(AccountKind kind, int64_t user_id, std::string_view what) {
  if (kind != AccountKind::kClient) return;
  auto row = db_.QueryOne("SELECT language FROM clients WHERE id = ?", {user_id});
  std::string language = row.ok() && row->has_value() ? (*row)->Text(0) : "en";
  std::string type = "host." + std::string(what);
  // The change itself is done; a history entry that cannot be written does not undo it.
  (void)timeline_.Add({user_id, type,
                       translate_(language, "web.account.history." + std::string(what)), "",
                       "client"});
}

crm::Status AccountSecurity::RequestPasswordReset(AccountKind kind, std::string_view email_in,
                                                  std::string_view ip) {
  std::string email = NormalizeLoginEmail(email_in);
  // Its own bucket (asking for links does not lock the login); the per-IP limit counts these
  // requests with the failed logins. The same for a known and an unknown email.
  std::string key = "reset:" + email;
  CRM_RETURN_IF_ERROR(rate_limit_.Check(key, ip));
  rate_limit_.Record(key, ip, false);
  if (!PlausibleEmail(email)) return crm::Status::Ok();
  CRM_ASSIGN_OR_RETURN(std::optional<Login> login, FindLogin(kind, "lower(email) = ?", email));
  if (!login) return crm::Status::Ok();
  CRM_ASSIGN_OR_RETURN(std::string token,
                       tokens_.Issue(kReset, kind, login->id, "", kPasswordResetLifetimeSeconds));
  return mails_.SendMail("reset", login->language, login->email,
                         LinkBase(kind) + "/password/reset?token=" + token);
}

crm::Result<bool> AccountSecurity::ResetTokenValid(AccountKind kind, std::string_view token) {
  CRM_ASSIGN_OR_RETURN(std::optional<AccountToken> t, tokens_.Peek(kReset, token));
  return t.has_value() && t->kind == kind;
}

crm::Result<int64_t> AccountSecurity::ResetPassword(AccountKind kind, std::string_view token,
                                                    std::string_view new_password) {
  CRM_ASSIGN_OR_RETURN(bool valid, ResetTokenValid(kind, token));
  if (!valid) return crm::NotFound("unknown, used or expired password reset link");
  CRM_RETURN_IF_ERROR(CheckNewPassword(new_password));
  // Argon2 takes a while: hashed before the transaction.
  CRM_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  int64_t user_id = 0;
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(std::optional<AccountToken> t, tokens_.Consume(tx, kReset, token));
    if (!t || t->kind != kind) return crm::NotFound("unknown, used or expired password reset link");
    user_id = t->user_id;
    std::string set = kind == AccountKind::kAdmin ? "password_hash = ?"
                                                  : "password_hash = ?, email_confirmed = 1";
    CRM_ASSIGN_OR_RETURN(int64_t changed, tx.Exec("UPDATE " + Table(kind) + " SET " + set +
                                                      " WHERE id = ? AND " + Enabled(kind),
                                                  {hash, user_id}));
    if (changed != 1) return crm::NotFound("unknown, used or expired password reset link");
    return EndSessions(tx, kind, user_id);
  }));
  Record(kind, user_id, "password_reset");
  return user_id;
}

crm::Result<AccountSecurity::Login> AccountSecurity::CheckCurrentPassword(AccountKind kind,
                                                                          int64_t user_id,
                                                                          std::string_view password,
                                                                          std::string_view ip) {
  std::string key = std::string(AccountKindName(kind)) + ":" + std::to_string(user_id);
  CRM_RETURN_IF_ERROR(rate_limit_.Check(key, ip));
  CRM_ASSIGN_OR_RETURN(std::optional<Login> login, FindLogin(kind, "id = ?", user_id));
  bool right =
      login && !login->password_hash.empty() && VerifyPassword(login->password_hash, password);
  rate_limit_.Record(key, ip, right);
  if (!right) return crm::Unauthenticated("the current password is wrong");
  return *login;
}

crm::Status AccountSecurity::ChangePassword(AccountKind kind, int64_t user_id,
                                            std::string_view current_password,
                                            std::string_view new_password, std::string_view ip) {
  CRM_RETURN_IF_ERROR(CheckCurrentPassword(kind, user_id, current_password, ip).status());
  CRM_RETURN_IF_ERROR(CheckNewPassword(new_password));
  CRM_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(
        tx.Exec("UPDATE " + Table(kind) + " SET password_hash = ? WHERE id = ?", {hash, user_id})
            .status());
    return EndSessions(tx, kind, user_id);
  }));
  Record(kind, user_id, "password_changed");
  return crm::Status::Ok();
}

crm::Status AccountSecurity::RequestEmailChange(AccountKind kind, int64_t user_id,
                                                std::string_view current_password,
                                                std::string_view new_email_in,
                                                std::string_view ip) {
  CRM_ASSIGN_OR_RETURN(Login login, CheckCurrentPassword(kind, user_id, current_password, ip));
  std::string new_email = NormalizeLoginEmail(new_email_in);
  if (!PlausibleEmail(new_email)) return crm::InvalidArgument("email: not a valid address");
  CRM_ASSIGN_OR_RETURN(auto taken, db_.QueryOne("SELECT id FROM " + Table(kind) +
                                                    " WHERE lower(email) = ? AND id <> ?",
                                                {new_email, user_id}));
  if (taken.has_value()) return crm::Conflict("email: another login has this address");
  CRM_ASSIGN_OR_RETURN(std::string token, tokens_.Issue(kEmailChange, kind, user_id, new_email,
                                                        kEmailChangeLifetimeSeconds));
  // To the new address: the link proves it is theirs.
  return mails_.SendMail("email_change", login.language, new_email,
                         LinkBase(kind) + "/email/confirm?token=" + token);
}

crm::Result<bool> AccountSecurity::EmailChangeTokenValid(AccountKind kind, std::string_view token) {
  CRM_ASSIGN_OR_RETURN(std::optional<AccountToken> t, tokens_.Peek(kEmailChange, token));
  return t.has_value() && t->kind == kind;
}

crm::Result<int64_t> AccountSecurity::ConfirmEmailChange(AccountKind kind, std::string_view token) {
  int64_t user_id = 0;
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(std::optional<AccountToken> t, tokens_.Consume(tx, kEmailChange, token));
    if (!t || t->kind != kind) return crm::NotFound("unknown, used or expired confirmation link");
    user_id = t->user_id;
    bool admin = kind == AccountKind::kAdmin;
    crm::SqlParams params{t->new_email};
    if (!admin) params.push_back(now_());
    params.push_back(user_id);
    std::string set = admin ? "email = ?" : "email = ?, email_confirmed = 1, updated_at = ?";
    CRM_ASSIGN_OR_RETURN(int64_t changed, tx.Exec("UPDATE " + Table(kind) + " SET " + set +
                                                      " WHERE id = ? AND " + Enabled(kind),
                                                  params));
    if (changed != 1) return crm::NotFound("unknown, used or expired confirmation link");
    return crm::Status::Ok();
  }));
  Record(kind, user_id, "email_changed");
  return user_id;
}

}  // namespace host
