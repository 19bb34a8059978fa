// sample-host/app/client_logins.h — the reserved area's logins on the client row: passwords set by
// an admin or generated and mailed, and the email confirmation a client needs before signing in.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "host-api/services.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/login_rate_limit.h"

namespace host {

// Thread-safe; state lives in the database (the client row lives in `clients`, see
// ClientStore). Every reference must outlive it.
class ClientLogins {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  using MailSender = std::function<crm::Status(const crm::MailMessage&)>;
  // (language, full key) -> text: the host's translations (HookRegistry::Translate), where
  // the mails' texts live ("web.mail.*", sample-host/web/i18n).
  using Translate = std::function<std::string(std::string_view, std::string_view)>;

  // `base_url` builds the links in mails.
  ClientLogins(crm::Database& db, LoginRateLimit& rate_limit, Clock now, MailSender send_mail,
               Translate translate, std::string base_url);

  // kInvalidArgument under 8 or over 1024 bytes; ends the client's sessions.
  crm::Status SetPassword(int64_t client_id, std::string_view password);
  // Generates a password, stores its hash, and emails it to the client (with a
  // confirmation link when the email is not confirmed). Returns it (to show once).
  crm::Result<std::string> GeneratePassword(int64_t client_id);
  // Mails a confirmation link (BASE/account/confirm?token=...) valid 7 days.
  crm::Status SendEmailConfirmation(int64_t client_id);
  // Marks the client's email confirmed; returns the client id. kNotFound for an
  // unknown, used or expired token.
  crm::Result<int64_t> ConfirmEmail(std::string_view token);
  // The login page's "send the link again": mails a new confirmation link when `email`
  // belongs to a client whose login is enabled and whose email is not confirmed, else
  // does nothing. Ok in both cases (the answer never tells whether the email exists).
  // Counted like a failed login (per email and IP, and per IP): kUnavailable past it.
  crm::Status ResendEmailConfirmation(std::string_view email, std::string_view ip);
  // An admin's decision (e.g. when setting the password by hand with the client).
  crm::Status SetEmailConfirmed(int64_t client_id, bool confirmed);
  // Sends the mail `web.mail.<name>_subject` / `_body` in `language` to `to`, with {url}
  // filled (the host's mails about a login: AccountSecurity's too). kInternal without a mailer.
  crm::Status SendMail(std::string_view name, std::string_view language, std::string to,
                       std::string_view url) const;

 private:
  // The mail `name` ("password", "confirm") in `language`, with {password} and {url} filled.
  crm::MailMessage Mail(std::string_view name, std::string_view language, std::string to,
                        std::string_view password, std::string_view url) const;

  crm::Database& db_;
  LoginRateLimit& rate_limit_;
  Clock now_;
  MailSender send_mail_;
  Translate translate_;
  std::string base_url_;
};

}  // namespace host
