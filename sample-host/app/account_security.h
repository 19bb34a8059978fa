// sample-host/app/account_security.h — what a person does about their own login (SPEC H17, issue
// 14): "forgot password" by email for admins and clients, and changing one's own password or email
// (the new address confirmed by a mailed link before it takes effect). One use case, one function.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/account_tokens.h"
#include "sample-host/app/client_logins.h"
#include "sample-host/app/login_rate_limit.h"
#include "sample-host/app/timeline_store.h"

namespace host {

inline constexpr int64_t kPasswordResetLifetimeSeconds = 3600;
inline constexpr int64_t kEmailChangeLifetimeSeconds = 24 * 3600;

// Thread-safe; state lives in the database. Every reference must outlive it.
class AccountSecurity {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  using Translate = ClientLogins::Translate;

  // `mails` writes the mails (web.mail.* texts in the person's language); `base_url` builds
  // their links; `translate` gives the titles of the client's history entries.
  AccountSecurity(crm::Database& db, LoginRateLimit& rate_limit, ClientLogins& mails,
                  Translate translate, Clock now, std::string base_url);

  // "Forgot password": when `email` is an enabled login of `kind`, mails it a link
  // BASE/admin/password/reset?token=… (or /account/…) valid one hour; earlier links stop
  // working. Ok whether or not the email exists, so the answer tells nothing. Counted like a
  // failed login (key "reset:EMAIL" per IP, and per IP): kUnavailable past the limit, whatever
  // the email. The token is never logged.
  crm::Status RequestPasswordReset(AccountKind kind, std::string_view email, std::string_view ip);
  // Whether a reset link is still good (shows the form); changes nothing.
  crm::Result<bool> ResetTokenValid(AccountKind kind, std::string_view token);
  // Uses the link: kInvalidArgument for a refused password (the link stays good); kNotFound
  // for an unknown, used or expired link or one of the other kind of login. Then every session
  // of that person ends, a client's email counts as confirmed (the link reached the mailbox)
  // and the client's history gets "host.password_reset". Returns the person's id.
  crm::Result<int64_t> ResetPassword(AccountKind kind, std::string_view token,
                                     std::string_view new_password);

  // One's own new password: kUnauthenticated for a wrong current password (counted like a
  // failed login; kUnavailable past the limit), kInvalidArgument for a refused new one. Every
  // session of that person ends (they sign in again); history "host.password_changed".
  crm::Status ChangePassword(AccountKind kind, int64_t user_id, std::string_view current_password,
                             std::string_view new_password, std::string_view ip);
  // One's own new email, in effect only once the link mailed to the NEW address is used
  // (BASE/…/email/confirm?token=…, 24 hours). kUnauthenticated / kUnavailable as above,
  // kInvalidArgument for an implausible address, kConflict when another login of that kind
  // has it.
  crm::Status RequestEmailChange(AccountKind kind, int64_t user_id,
                                 std::string_view current_password, std::string_view new_email,
                                 std::string_view ip);
  // Whether an email-change link is still good; changes nothing.
  crm::Result<bool> EmailChangeTokenValid(AccountKind kind, std::string_view token);
  // Uses it: the new address replaces the old one (a client's counts as confirmed); history
  // "host.email_changed". kNotFound for a bad link, kConflict when the address was taken
  // meanwhile. Returns the person's id.
  crm::Result<int64_t> ConfirmEmailChange(AccountKind kind, std::string_view token);

 private:
  struct Login {
    int64_t id = 0;
    std::string password_hash;
    std::string language;
    std::string email;
  };
  crm::Result<std::optional<Login>> FindLogin(AccountKind kind, std::string_view where,
                                              const crm::SqlValue& value);
  // The current password of `user_id`, checked and counted against the rate limit.
  crm::Result<Login> CheckCurrentPassword(AccountKind kind, int64_t user_id,
                                          std::string_view password, std::string_view ip);
  crm::Status EndSessions(crm::SqlExecutor& tx, AccountKind kind, int64_t user_id);
  // A client's history entry (type, title `web.account.history.<what>` in their language).
  void Record(AccountKind kind, int64_t user_id, std::string_view what);
  std::string LinkBase(AccountKind kind) const;

  crm::Database& db_;
  LoginRateLimit& rate_limit_;
  ClientLogins& mails_;
  Translate translate_;
  Clock now_;
  std::string base_url_;
  AccountTokens tokens_;
  TimelineStore timeline_;
};

}  // namespace host
