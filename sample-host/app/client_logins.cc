// sample-host/app/client_logins.cc — client passwords (Argon2id) and email confirmation tokens
// (stored hashed, single use, 7 days); the mails' texts come from the host's translations.
#include "sample-host/app/client_logins.h"

#include "sample-host/app/credentials.h"
#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"

namespace host {
namespace {

constexpr int64_t kConfirmationLifetime = 7 * 24 * 3600;

crm::Status NoSuchClient(int64_t id) {
  return crm::NotFound("client " + std::to_string(id) + " does not exist");
}

// `text` with every "{name}" of `values` replaced (values are inserted as they are).
std::string Fill(std::string text,
                 const std::pair<std::string_view, std::string_view> (&values)[2]) {
  for (const auto& [name, value] : values) {
    std::string placeholder = "{" + std::string(name) + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

}  // namespace

ClientLogins::ClientLogins(crm::Database& db, LoginRateLimit& rate_limit, Clock now,
                           MailSender send_mail, Translate translate, std::string base_url)
    : db_(db),
      rate_limit_(rate_limit),
      now_(std::move(now)),
      send_mail_(std::move(send_mail)),
      translate_(std::move(translate)),
      base_url_(std::move(base_url)) {}

crm::MailMessage ClientLogins::Mail(std::string_view name, std::string_view language,
                                    std::string to, std::string_view password,
                                    std::string_view url) const {
  std::string key = "web.mail." + std::string(name);
  crm::MailMessage m;
  m.to = std::move(to);
  m.subject = translate_(language, key + "_subject");
  m.text_body = Fill(translate_(language, key + "_body"), {{"password", password}, {"url", url}});
  return m;
}

crm::Status ClientLogins::SendMail(std::string_view name, std::string_view language, std::string to,
                                   std::string_view url) const {
  if (!send_mail_) return crm::Internal("no mailer configured");
  return send_mail_(Mail(name, language, std::move(to), "", url));
}

crm::Status ClientLogins::SetPassword(int64_t client_id, std::string_view password) {
  CRM_RETURN_IF_ERROR(CheckNewPassword(password));
  CRM_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  CRM_ASSIGN_OR_RETURN(int64_t changed,
                       db_.Exec("UPDATE clients SET password_hash = ?, updated_at = ? WHERE id = ?",
                                {hash, now_(), client_id}));
  if (changed == 0) return NoSuchClient(client_id);
  // A new password ends the sessions opened with the old one.
  (void)db_.Exec("DELETE FROM sessions WHERE kind = 'client' AND user_id = ?", {client_id});
  return crm::Status::Ok();
}

crm::Result<std::string> ClientLogins::GeneratePassword(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(auto row,
                       db_.QueryOne("SELECT email, language, email_confirmed FROM clients "
                                    "WHERE id = ?",
                                    {client_id}));
  if (!row.has_value()) return NoSuchClient(client_id);
  std::string email = row->Text(0);
  if (email.empty()) {
    return crm::Unprocessable("email: the client has no email address to send it to");
  }
  std::string password = host::GeneratePassword();
  CRM_RETURN_IF_ERROR(SetPassword(client_id, password));
  if (send_mail_) {
    CRM_RETURN_IF_ERROR(
        send_mail_(Mail("password", row->Text(1), email, password, base_url_ + "/account/login")));
    // An unconfirmed client would be refused at login with this password: send the
    // confirmation link along with it.
    if (row->Int(2) == 0) CRM_RETURN_IF_ERROR(SendEmailConfirmation(client_id));
  }
  return password;
}

crm::Status ClientLogins::SendEmailConfirmation(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(
      auto row, db_.QueryOne("SELECT email, language FROM clients WHERE id = ?", {client_id}));
  if (!row.has_value()) return NoSuchClient(client_id);
  std::string email = row->Text(0);
  if (email.empty()) return crm::Unprocessable("email: the client has no email address");
  std::string token = RandomHex(32);
  int64_t now = now_();
  CRM_RETURN_IF_ERROR(
      db_.Exec("INSERT INTO email_confirmations (token_hash, client_id, created_at, "
               "expires_at) VALUES (?, ?, ?, ?)",
               {Sha256Hex(token), client_id, now, now + kConfirmationLifetime})
          .status());
  return SendMail("confirm", row->Text(1), email, base_url_ + "/account/confirm?token=" + token);
}

crm::Status ClientLogins::ResendEmailConfirmation(std::string_view email_in, std::string_view ip) {
  std::string email = NormalizeLoginEmail(email_in);
  // Its own (email, IP) bucket, so that asking for links does not lock the login; the
  // per-IP limit counts these requests together with failed logins.
  std::string key = "confirm:" + email;
  CRM_RETURN_IF_ERROR(rate_limit_.Check(key, ip));
  rate_limit_.Record(key, ip, false);
  if (!PlausibleEmail(email)) return crm::Status::Ok();
  CRM_ASSIGN_OR_RETURN(
      auto row,
      db_.QueryOne(
          "SELECT id FROM clients WHERE lower(email) = ? AND email <> '' AND login_enabled = 1 "
          "AND email_confirmed = 0 ORDER BY id LIMIT 1",
          {email}));
  if (!row.has_value()) return crm::Status::Ok();
  return SendEmailConfirmation(row->Int(0));
}

crm::Status ClientLogins::SetEmailConfirmed(int64_t client_id, bool confirmed) {
  CRM_ASSIGN_OR_RETURN(int64_t changed, db_.Exec("UPDATE clients SET email_confirmed = ?, "
                                                 "updated_at = ? WHERE id = ?",
                                                 {int64_t{confirmed}, now_(), client_id}));
  if (changed == 0) return NoSuchClient(client_id);
  return crm::Status::Ok();
}

crm::Result<int64_t> ClientLogins::ConfirmEmail(std::string_view token) {
  if (token.size() != 64) return crm::NotFound("unknown or expired confirmation link");
  std::string hash = Sha256Hex(token);
  int64_t client_id = 0;
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    int64_t now = now_();
    CRM_ASSIGN_OR_RETURN(
        auto row,
        tx.QueryOne(
            "SELECT client_id FROM email_confirmations WHERE token_hash = ? AND used_at IS NULL "
            "AND expires_at > ?",
            {hash, now}));
    if (!row.has_value()) return crm::NotFound("unknown or expired confirmation link");
    client_id = row->Int(0);
    CRM_RETURN_IF_ERROR(
        tx.Exec("UPDATE email_confirmations SET used_at = ? WHERE token_hash = ?", {now, hash})
            .status());
    return tx
        .Exec("UPDATE clients SET email_confirmed = 1, updated_at = ? WHERE id = ?",
              {now, client_id})
        .status();
  }));
  return client_id;
}

}  // namespace host
