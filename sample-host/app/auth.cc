// sample-host/app/auth.cc — Argon2id passwords, sessions (hashed ids, CSRF), rate-limited logins,
// client passwords and email confirmation, API tokens with scopes, and the server's Authenticator.
#include "sample-host/app/auth.h"

#include <argon2.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"

namespace host {
namespace {

// OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane.
constexpr uint32_t kArgonTime = 2;
constexpr uint32_t kArgonMemoryKiB = 19 * 1024;
constexpr uint32_t kArgonLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr int64_t kConfirmationLifetime = 7 * 24 * 3600;
constexpr std::string_view kTokenPrefix = "crm_";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool PlausibleEmail(std::string_view e) {
  size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= e.size() || e.size() > 254) return false;
  for (unsigned char ch : e) {
    if (ch <= 0x20 || ch == 0x7f || ch == '<' || ch == '>' || ch == ',' || ch == ';') return false;
  }
  return e.find('.', at) != std::string_view::npos;
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

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// A hash to verify against when the email is unknown, so that a wrong email costs the
// same time as a wrong password and timing does not reveal which accounts exist.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto h = HashPassword("not-a-real-password-" + RandomHex(8));
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

}  // namespace

crm::Result<std::string> HashPassword(std::string_view password) {
  std::string salt(kSaltBytes, '\0');
  RandomBytes(salt.data(), salt.size());
  size_t len = argon2_encodedlen(kArgonTime, kArgonMemoryKiB, kArgonLanes, kSaltBytes, kHashBytes,
                                 Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(kArgonTime, kArgonMemoryKiB, kArgonLanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return crm::Internal(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (encoded_hash.rfind("$argon2id$", 0) != 0) return false;
  std::string hash(encoded_hash);  // argon2 wants a NUL-terminated string
  return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string GeneratePassword() {
  // No 0/O, 1/l/I: the password is read from an email and typed on a phone.
  static constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  while (out.size() < 16) {
    unsigned char b[32];
    RandomBytes(b, sizeof b);
    for (unsigned char ch : b) {
      // Rejection sampling keeps every character equally likely.
      if (ch < 256 - 256 % kAlphabet.size() && out.size() < 16) out += kAlphabet[ch % kAlphabet.size()];
    }
  }
  return out;
}

std::string BuildSetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                           bool http_only, bool secure) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=/";
  if (http_only) out += "; HttpOnly";
  if (secure) out += "; Secure";
  out += "; SameSite=Lax; Max-Age=" + std::to_string(std::max<int64_t>(0, max_age_seconds));
  return out;
}

Auth::Auth(crm::Database& db, const HookRegistry& registry, Clock now, MailSender send_mail,
           std::string base_url)
    : db_(db),
      registry_(registry),
      now_(std::move(now)),
      send_mail_(std::move(send_mail)),
      base_url_(std::move(base_url)),
      secure_cookies_(Lower(base_url_.substr(0, 8)) == "https://") {}

std::string Auth::SetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                            bool http_only) const {
  return BuildSetCookie(name, value, max_age_seconds, http_only, secure_cookies_);
}

std::string Auth::SessionCookie(std::string_view session_id, int64_t max_age_seconds) const {
  return SetCookie("sid", session_id, max_age_seconds);
}

std::string Auth::ClearSessionCookie() const { return SetCookie("sid", "", 0); }

std::vector<std::string> Auth::AllPermissions() const {
  std::vector<std::string> out;
  for (auto p : kHostPermissions) out.emplace_back(p);
  for (const auto& p : registry_.permissions()) {
    if (!Contains(out, p.hook.id)) out.push_back(p.hook.id);
  }
  return out;
}

std::vector<std::string> Auth::AllScopes() const {
  std::vector<std::string> out;
  for (const auto& r : kHostScopes) out.emplace_back(r.scope);
  for (const auto& s : registry_.scopes()) {
    if (!Contains(out, s.hook.id)) out.push_back(s.hook.id);
  }
  return out;
}

std::vector<std::string> Auth::GrantableScopes(const std::vector<std::string>& permissions) const {
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

// ---- Admin users ----------------------------------------------------------------------

crm::Result<AdminUser> Auth::CreateAdmin(std::string_view email_in, std::string_view name,
                                         std::string_view password, std::string_view language,
                                         std::vector<std::string> permissions) {
  std::string email = Lower(Trim(email_in));
  if (!PlausibleEmail(email)) return crm::InvalidArgument("email: not a valid address");
  if (password.size() < 8) return crm::InvalidArgument("password: at least 8 characters");
  if (password.size() > 1024) return crm::InvalidArgument("password: too long");
  std::string lang(language.empty() ? "en" : language);
  if (lang != "en" && lang != "fr" && lang != "nl") {
    return crm::InvalidArgument("language: must be en, fr or nl");
  }
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  int64_t id = 0;
  crm::Status s = db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto any = tx.QueryOne("SELECT COUNT(*) FROM admin_users");
    if (!any.ok()) return any.status();
    bool first = (*any)->Int(0) == 0;
    auto r = tx.Exec(
        "INSERT INTO admin_users (email, name, password_hash, language, active, superuser, "
        "created_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
        {email, Trim(name), *hash, lang, int64_t{first && permissions.empty()}, now_()});
    if (!r.ok()) {
      if (r.status().code() == crm::StatusCode::kConflict) {
        return crm::Conflict("email: an admin with this email exists");
      }
      return r.status();
    }
    id = tx.LastInsertId();
    for (const auto& p : permissions) {
      auto ins = tx.Exec("INSERT OR IGNORE INTO admin_permissions (admin_id, permission) VALUES (?, ?)",
                         {id, p});
      if (!ins.ok()) return ins.status();
    }
    return crm::Status::Ok();
  });
  if (!s.ok()) return s;
  return FindAdmin(id);
}

crm::Result<AdminUser> Auth::FindAdmin(int64_t id) {
  auto row = db_.QueryOne(
      "SELECT id, email, name, language, active, superuser FROM admin_users WHERE id = ?", {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return crm::NotFound("admin " + std::to_string(id) + " does not exist");
  const crm::SqlRow& r = **row;
  AdminUser a{r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4) != 0, {}};
  if (r.Int(5) != 0) {
    a.permissions = AllPermissions();
  } else {
    auto perms = db_.QueryAll("SELECT permission FROM admin_permissions WHERE admin_id = ? ORDER BY permission",
                              {id});
    if (!perms.ok()) return perms.status();
    for (const auto& p : *perms) a.permissions.push_back(p.Text(0));
  }
  return a;
}

crm::Result<AdminUser> Auth::FindAdminByEmail(std::string_view email) {
  auto row = db_.QueryOne("SELECT id FROM admin_users WHERE lower(email) = ?", {Lower(Trim(email))});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return crm::NotFound("no admin with this email");
  return FindAdmin((*row)->Int(0));
}

crm::Result<std::vector<AdminUser>> Auth::ListAdmins() {
  auto rows = db_.QueryAll("SELECT id FROM admin_users ORDER BY email");
  if (!rows.ok()) return rows.status();
  std::vector<AdminUser> out;
  for (const auto& r : *rows) {
    auto a = FindAdmin(r.Int(0));
    if (!a.ok()) return a.status();
    out.push_back(std::move(*a));
  }
  return out;
}

crm::Status Auth::SetAdminPermissions(int64_t admin_id, const std::vector<std::string>& permissions) {
  auto all = AllPermissions();
  for (const auto& p : permissions) {
    if (!Contains(all, p)) return crm::InvalidArgument("permission: unknown '" + p + "'");
  }
  return db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto u = tx.Exec("UPDATE admin_users SET superuser = 0 WHERE id = ?", {admin_id});
    if (!u.ok()) return u.status();
    if (*u == 0) return crm::NotFound("admin " + std::to_string(admin_id) + " does not exist");
    auto d = tx.Exec("DELETE FROM admin_permissions WHERE admin_id = ?", {admin_id});
    if (!d.ok()) return d.status();
    for (const auto& p : permissions) {
      auto i = tx.Exec("INSERT OR IGNORE INTO admin_permissions (admin_id, permission) VALUES (?, ?)",
                       {admin_id, p});
      if (!i.ok()) return i.status();
    }
    return crm::Status::Ok();
  });
}

crm::Status Auth::SetAdminActive(int64_t admin_id, bool active) {
  return db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto u = tx.Exec("UPDATE admin_users SET active = ? WHERE id = ?", {int64_t{active}, admin_id});
    if (!u.ok()) return u.status();
    if (*u == 0) return crm::NotFound("admin " + std::to_string(admin_id) + " does not exist");
    if (!active) {
      auto d = tx.Exec("DELETE FROM sessions WHERE kind = 'admin' AND user_id = ?", {admin_id});
      if (!d.ok()) return d.status();
    }
    return crm::Status::Ok();
  });
}

crm::Status Auth::SetAdminPassword(int64_t admin_id, std::string_view password) {
  if (password.size() < 8) return crm::InvalidArgument("password: at least 8 characters");
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  auto u = db_.Exec("UPDATE admin_users SET password_hash = ? WHERE id = ?", {*hash, admin_id});
  if (!u.ok()) return u.status();
  if (*u == 0) return crm::NotFound("admin " + std::to_string(admin_id) + " does not exist");
  return crm::Status::Ok();
}

crm::Status Auth::SetAdminLanguage(int64_t admin_id, std::string_view language) {
  if (!crm::IsLanguage(language)) return crm::InvalidArgument("language: must be en, fr or nl");
  auto u = db_.Exec("UPDATE admin_users SET language = ? WHERE id = ?", {std::string(language), admin_id});
  if (!u.ok()) return u.status();
  if (*u == 0) return crm::NotFound("admin " + std::to_string(admin_id) + " does not exist");
  return crm::Status::Ok();
}

// ---- Logins ---------------------------------------------------------------------------

namespace {
crm::Status TooManyAttempts(int64_t first_counted, int64_t now) {
  int64_t wait = first_counted + kLoginWindowSeconds - now;
  int64_t minutes = std::max<int64_t>(1, (wait + 59) / 60);
  return crm::Unavailable("too many failed login attempts; try again in " + std::to_string(minutes) +
                          " minute" + (minutes == 1 ? "" : "s"));
}
}  // namespace

crm::Status Auth::CheckRateLimit(std::string_view email, std::string_view ip) {
  int64_t now = now_();
  if (!ip.empty()) {
    // Per IP, whatever the emails: one address trying many accounts. Successes do not
    // reset it (one valid account would otherwise let an attacker go on forever).
    auto per_ip = db_.QueryOne(
        "SELECT COUNT(*), MIN(created_at) FROM login_attempts WHERE ip = ? AND success = 0 AND created_at > ?",
        {std::string(ip), now - kLoginWindowSeconds});
    if (!per_ip.ok()) return per_ip.status();
    if ((*per_ip)->Int(0) >= kMaxFailedLoginsPerIp) return TooManyAttempts((*per_ip)->Int(1), now);
  }
  // Failures since the last success, within the window.
  auto row = db_.QueryOne(
      "SELECT COUNT(*), MIN(created_at) FROM login_attempts WHERE email = ? AND ip = ? AND success = 0 "
      "AND created_at > ? AND created_at >= COALESCE((SELECT MAX(created_at) FROM login_attempts "
      "WHERE email = ? AND ip = ? AND success = 1), 0)",
      {Lower(email), std::string(ip), now - kLoginWindowSeconds, Lower(email), std::string(ip)});
  if (!row.ok()) return row.status();
  if ((*row)->Int(0) >= kMaxFailedLogins) return TooManyAttempts((*row)->Int(1), now);
  return crm::Status::Ok();
}

void Auth::RecordAttempt(std::string_view email, std::string_view ip, bool success) {
  int64_t now = now_();
  (void)db_.Exec("INSERT INTO login_attempts (email, ip, success, created_at) VALUES (?, ?, ?, ?)",
                 {Lower(email), std::string(ip), int64_t{success}, now});
  if (success) {
    // Attempts older than a day no longer count for anything: keep the table small.
    (void)db_.Exec("DELETE FROM login_attempts WHERE created_at < ?", {now - 86400});
  }
}

crm::Result<NewSession> Auth::OpenSession(std::string_view kind, int64_t user_id) {
  NewSession s;
  s.id = RandomHex(32);  // 256 bits
  s.csrf_token = RandomHex(32);
  int64_t now = now_();
  s.expires_at = now + kSessionLifetimeSeconds;
  auto r = db_.Exec(
      "INSERT INTO sessions (id_hash, kind, user_id, csrf_token, created_at, expires_at, last_seen_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {Sha256Hex(s.id), std::string(kind), user_id, s.csrf_token, now, s.expires_at, now});
  if (!r.ok()) return r.status();
  // Expired sessions are swept on each login so the table stays small.
  (void)db_.Exec("DELETE FROM sessions WHERE expires_at < ?", {now});
  auto p = SessionPrincipal(s.id);
  if (!p) return crm::Internal("session just created cannot be read back");
  s.principal = *p;
  return s;
}

crm::Result<NewSession> Auth::LoginAdmin(std::string_view email_in, std::string_view password,
                                         std::string_view ip) {
  std::string email = Lower(Trim(email_in));
  CRM_RETURN_IF_ERROR(CheckRateLimit(email, ip));
  auto row = db_.QueryOne("SELECT id, password_hash, active FROM admin_users WHERE lower(email) = ?",
                          {email});
  if (!row.ok()) return row.status();
  CRM_RETURN_IF_ERROR(CheckCredentials(*row, email, ip, password, "this account is disabled"));
  return OpenSession("admin", (*row)->Int(0));
}

crm::Status Auth::CheckCredentials(const std::optional<crm::SqlRow>& row, std::string_view email,
                                   std::string_view ip, std::string_view password,
                                   std::string_view disabled_message) {
  bool ok;
  if (row && !row->IsNull(1)) {
    ok = VerifyPassword(row->Text(1), password);
  } else {
    (void)VerifyPassword(DummyHash(), password);
    ok = false;
  }
  RecordAttempt(email, ip, ok);
  if (!ok) return crm::Unauthenticated("wrong email or password");
  if (row->Int(2) == 0) return crm::PermissionDenied(std::string(disabled_message));
  return crm::Status::Ok();
}

crm::Result<NewSession> Auth::LoginClient(std::string_view email_in, std::string_view password,
                                          std::string_view ip) {
  std::string email = Lower(Trim(email_in));
  CRM_RETURN_IF_ERROR(CheckRateLimit(email, ip));
  auto row = db_.QueryOne(
      "SELECT id, password_hash, login_enabled, email_confirmed FROM clients "
      "WHERE lower(email) = ? AND email <> '' ORDER BY id LIMIT 1",
      {email});
  if (!row.ok()) return row.status();
  CRM_RETURN_IF_ERROR(
      CheckCredentials(*row, email, ip, password, "your access to the client area is disabled"));
  // Told only to someone who knows the password, after the disabled check.
  if ((*row)->Int(3) == 0) {
    return crm::Conflict("your email address is not confirmed yet; use the confirmation link sent by email");
  }
  return OpenSession("client", (*row)->Int(0));
}

crm::Status Auth::Logout(std::string_view session_id) {
  auto r = db_.Exec("DELETE FROM sessions WHERE id_hash = ?", {Sha256Hex(session_id)});
  return r.ok() ? crm::Status::Ok() : r.status();
}

std::optional<crm::Principal> Auth::SessionPrincipal(std::string_view session_id) {
  if (session_id.size() != 64) return std::nullopt;
  std::string hash = Sha256Hex(session_id);
  auto row = db_.QueryOne(
      "SELECT kind, user_id, csrf_token, expires_at, last_seen_at FROM sessions WHERE id_hash = ?",
      {hash});
  if (!row.ok() || !row->has_value()) return std::nullopt;
  const crm::SqlRow& s = **row;
  int64_t now = now_();
  if (s.Int(3) <= now) {
    (void)db_.Exec("DELETE FROM sessions WHERE id_hash = ?", {hash});
    return std::nullopt;
  }
  if (now - s.Int(4) >= 60) {  // a write per minute, not per request
    (void)db_.Exec("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", {now, hash});
  }
  crm::Principal p;
  p.csrf_token = s.Text(2);
  if (s.Text(0) == "admin") {
    auto a = FindAdmin(s.Int(1));
    if (!a.ok() || !a->active) return std::nullopt;
    p.kind = crm::Principal::Kind::kAdmin;
    p.user_id = a->id;
    p.display_name = a->name.empty() ? a->email : a->name;
    p.email = a->email;
    p.language = a->language;
    p.permissions = a->permissions;
  } else {
    auto c = db_.QueryOne(
        "SELECT id, first_name, last_name, company, email, language, login_enabled FROM clients "
        "WHERE id = ?",
        {s.Int(1)});
    if (!c.ok() || !c->has_value() || (*c)->Int(6) == 0) return std::nullopt;
    const crm::SqlRow& r = **c;
    p.kind = crm::Principal::Kind::kClient;
    p.client_id = r.Int(0);
    crm::ClientInfo info;
    info.first_name = r.Text(1);
    info.last_name = r.Text(2);
    info.company = r.Text(3);
    p.display_name = info.DisplayName();
    p.email = r.Text(4);
    p.language = r.Text(5);
  }
  return p;
}

// ---- Client logins --------------------------------------------------------------------

crm::Status Auth::SetClientPassword(int64_t client_id, std::string_view password) {
  if (password.size() < 8) return crm::InvalidArgument("password: at least 8 characters");
  if (password.size() > 1024) return crm::InvalidArgument("password: too long");
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  auto u = db_.Exec("UPDATE clients SET password_hash = ?, updated_at = ? WHERE id = ?",
                    {*hash, now_(), client_id});
  if (!u.ok()) return u.status();
  if (*u == 0) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  // A new password ends the sessions opened with the old one.
  (void)db_.Exec("DELETE FROM sessions WHERE kind = 'client' AND user_id = ?", {client_id});
  return crm::Status::Ok();
}

namespace {
struct MailTexts {
  const char* password_subject;
  const char* password_body;
  const char* confirm_subject;
  const char* confirm_body;
};
const MailTexts& TextsFor(std::string_view lang) {
  static const MailTexts en{"Your client area password",
                            "Hello,\n\nYour password for the client area is: %s\n\nSign in at %u\n",
                            "Please confirm your email address",
                            "Hello,\n\nPlease confirm your email address by opening this link:\n%u\n\n"
                            "The link is valid for 7 days.\n"};
  static const MailTexts fr{"Votre mot de passe pour l'espace client",
                            "Bonjour,\n\nVotre mot de passe pour l'espace client est : %s\n\n"
                            "Connectez-vous sur %u\n",
                            "Veuillez confirmer votre adresse e-mail",
                            "Bonjour,\n\nVeuillez confirmer votre adresse e-mail en ouvrant ce lien :\n%u\n\n"
                            "Le lien est valable 7 jours.\n"};
  static const MailTexts nl{"Uw wachtwoord voor de klantenzone",
                            "Hallo,\n\nUw wachtwoord voor de klantenzone is: %s\n\nMeld u aan op %u\n",
                            "Bevestig uw e-mailadres",
                            "Hallo,\n\nBevestig uw e-mailadres door deze link te openen:\n%u\n\n"
                            "De link is 7 dagen geldig.\n"};
  if (lang == "fr") return fr;
  if (lang == "nl") return nl;
  return en;
}
std::string Fill(std::string_view tmpl, std::string_view secret, std::string_view url) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '%' && i + 1 < tmpl.size() && tmpl[i + 1] == 's') {
      out += secret;
      ++i;
    } else if (tmpl[i] == '%' && i + 1 < tmpl.size() && tmpl[i + 1] == 'u') {
      out += url;
      ++i;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}
}  // namespace

crm::Result<std::string> Auth::GenerateClientPassword(int64_t client_id) {
  auto row = db_.QueryOne("SELECT email, language, email_confirmed FROM clients WHERE id = ?", {client_id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  std::string email = (*row)->Text(0);
  if (email.empty()) return crm::Unprocessable("email: the client has no email address to send it to");
  std::string password = GeneratePassword();
  CRM_RETURN_IF_ERROR(SetClientPassword(client_id, password));
  const MailTexts& t = TextsFor((*row)->Text(1));
  if (send_mail_) {
    CRM_RETURN_IF_ERROR(send_mail_(
        {email, t.password_subject, Fill(t.password_body, password, base_url_ + "/account/login")}));
    // An unconfirmed client would be refused at login with this password: send the
    // confirmation link along with it.
    if ((*row)->Int(2) == 0) CRM_RETURN_IF_ERROR(SendEmailConfirmation(client_id));
  }
  return password;
}

crm::Status Auth::SendEmailConfirmation(int64_t client_id) {
  auto row = db_.QueryOne("SELECT email, language FROM clients WHERE id = ?", {client_id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  std::string email = (*row)->Text(0);
  if (email.empty()) return crm::Unprocessable("email: the client has no email address");
  std::string token = RandomHex(32);
  int64_t now = now_();
  auto r = db_.Exec(
      "INSERT INTO email_confirmations (token_hash, client_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
      {Sha256Hex(token), client_id, now, now + kConfirmationLifetime});
  if (!r.ok()) return r.status();
  const MailTexts& t = TextsFor((*row)->Text(1));
  if (!send_mail_) return crm::Internal("no mailer configured");
  return send_mail_({email, t.confirm_subject,
                     Fill(t.confirm_body, "", base_url_ + "/account/confirm?token=" + token)});
}

crm::Status Auth::ResendEmailConfirmation(std::string_view email_in, std::string_view ip) {
  std::string email = Lower(Trim(email_in));
  // Its own (email, IP) bucket, so that asking for links does not lock the login; the
  // per-IP limit counts these requests together with failed logins.
  std::string key = "confirm:" + email;
  CRM_RETURN_IF_ERROR(CheckRateLimit(key, ip));
  RecordAttempt(key, ip, false);
  if (!PlausibleEmail(email)) return crm::Status::Ok();
  auto row = db_.QueryOne(
      "SELECT id FROM clients WHERE lower(email) = ? AND email <> '' AND login_enabled = 1 "
      "AND email_confirmed = 0 ORDER BY id LIMIT 1",
      {email});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return crm::Status::Ok();
  return SendEmailConfirmation((*row)->Int(0));
}

crm::Status Auth::SetEmailConfirmed(int64_t client_id, bool confirmed) {
  auto u = db_.Exec("UPDATE clients SET email_confirmed = ?, updated_at = ? WHERE id = ?",
                    {int64_t{confirmed}, now_(), client_id});
  if (!u.ok()) return u.status();
  if (*u == 0) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  return crm::Status::Ok();
}

crm::Result<int64_t> Auth::ConfirmEmail(std::string_view token) {
  if (token.size() != 64) return crm::NotFound("unknown or expired confirmation link");
  int64_t client_id = 0;
  crm::Status s = db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    int64_t now = now_();
    auto row = tx.QueryOne(
        "SELECT client_id FROM email_confirmations WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        {Sha256Hex(token), now});
    if (!row.ok()) return row.status();
    if (!row->has_value()) return crm::NotFound("unknown or expired confirmation link");
    client_id = (*row)->Int(0);
    auto u = tx.Exec("UPDATE email_confirmations SET used_at = ? WHERE token_hash = ?", {now, Sha256Hex(token)});
    if (!u.ok()) return u.status();
    auto c = tx.Exec("UPDATE clients SET email_confirmed = 1, updated_at = ? WHERE id = ?", {now, client_id});
    return c.ok() ? crm::Status::Ok() : c.status();
  });
  if (!s.ok()) return s;
  return client_id;
}

// ---- API tokens -----------------------------------------------------------------------

crm::Result<std::string> Auth::CreateApiToken(int64_t admin_id, std::string_view name,
                                              std::vector<std::string> scopes) {
  auto admin = FindAdmin(admin_id);
  if (!admin.ok()) return admin.status();
  if (!admin->active) return crm::PermissionDenied("this admin is disabled");
  auto superuser = db_.QueryOne("SELECT superuser FROM admin_users WHERE id = ?", {admin_id});
  if (!superuser.ok()) return superuser.status();
  bool all = superuser->has_value() && (*superuser)->Int(0) != 0;
  std::vector<std::string> grantable = all ? AllScopes() : GrantableScopes(admin->permissions);
  auto known = AllScopes();
  if (scopes.empty()) {
    scopes = grantable;
  } else {
    for (const auto& s : scopes) {
      if (!Contains(known, s)) return crm::InvalidArgument("scope: unknown '" + s + "'");
      if (!Contains(grantable, s)) {
        return crm::PermissionDenied("scope: this admin may not grant '" + s + "'");
      }
    }
  }
  std::set<std::string> unique(scopes.begin(), scopes.end());
  std::string joined;
  for (const auto& s : unique) joined += (joined.empty() ? "" : " ") + s;
  std::string token = std::string(kTokenPrefix) + RandomHex(32);
  auto r = db_.Exec(
      "INSERT INTO api_tokens (token_hash, owner_id, name, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
      {Sha256Hex(token), admin_id, Trim(name), joined, now_()});
  if (!r.ok()) return r.status();
  return token;
}

crm::Status Auth::RevokeApiToken(int64_t token_id) {
  auto r = db_.Exec("UPDATE api_tokens SET revoked = 1 WHERE id = ?", {token_id});
  if (!r.ok()) return r.status();
  if (*r == 0) return crm::NotFound("token " + std::to_string(token_id) + " does not exist");
  return crm::Status::Ok();
}

crm::Result<std::vector<ApiTokenInfo>> Auth::ListApiTokens(int64_t admin_id) {
  auto rows = db_.QueryAll(
      "SELECT id, owner_id, name, scopes, created_at, COALESCE(last_used_at, 0), revoked FROM api_tokens "
      "WHERE owner_id = ? ORDER BY id",
      {admin_id});
  if (!rows.ok()) return rows.status();
  std::vector<ApiTokenInfo> out;
  for (const auto& r : *rows) {
    out.push_back({r.Int(0), r.Int(1), r.Text(2), SplitSpaces(r.Text(3)), r.Int(4), r.Int(5), r.Int(6) != 0});
  }
  return out;
}

std::optional<crm::Principal> Auth::TokenPrincipal(std::string_view token) {
  if (token.rfind(kTokenPrefix, 0) != 0 || token.size() != kTokenPrefix.size() + 64) return std::nullopt;
  std::string hash = Sha256Hex(token);
  auto row = db_.QueryOne(
      "SELECT t.id, t.owner_id, t.scopes, COALESCE(t.last_used_at, 0), a.superuser FROM api_tokens t "
      "JOIN admin_users a ON a.id = t.owner_id WHERE t.token_hash = ? AND t.revoked = 0 AND a.active = 1",
      {hash});
  if (!row.ok() || !row->has_value()) return std::nullopt;
  const crm::SqlRow& r = **row;
  auto admin = FindAdmin(r.Int(1));
  if (!admin.ok()) return std::nullopt;
  int64_t now = now_();
  if (now - r.Int(3) >= 60) {
    (void)db_.Exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {now, r.Int(0)});
  }
  // A token never does more than its owner may do today: an admin who lost a
  // permission loses it through their tokens too.
  std::vector<std::string> grantable = r.Int(4) != 0 ? AllScopes() : GrantableScopes(admin->permissions);
  crm::Principal p;
  p.kind = crm::Principal::Kind::kApiToken;
  p.user_id = admin->id;
  p.display_name = "token " + std::to_string(r.Int(0)) + " (" + admin->email + ")";
  p.email = admin->email;
  p.language = admin->language;
  // The owner's permissions as they are now (host-api/http.h): a plugin checks the scope
  // AND the permission its pages need, so a token never does more than its admin.
  p.permissions = admin->permissions;
  for (const auto& s : SplitSpaces(r.Text(2))) {
    if (Contains(grantable, s)) p.scopes.push_back(s);
  }
  return p;
}

// ---- Authenticator --------------------------------------------------------------------

std::string AppAuthenticator::LanguageFrom(std::optional<std::string> lang_cookie,
                                           std::optional<std::string> accept_language) {
  auto supported = [](std::string_view l) {
    for (auto x : crm::kLanguages) {
      if (x == l) return true;
    }
    return false;
  };
  if (lang_cookie && supported(*lang_cookie)) return *lang_cookie;
  if (accept_language) {
    // Best q wins; ties keep the header's order.
    std::string best;
    double best_q = 0;
    std::string_view h = *accept_language;
    while (!h.empty()) {
      size_t comma = h.find(',');
      std::string_view item = h.substr(0, comma);
      h = comma == std::string_view::npos ? std::string_view() : h.substr(comma + 1);
      std::string_view tag = item.substr(0, item.find(';'));
      double q = 1.0;
      size_t qpos = item.find("q=");
      if (qpos != std::string_view::npos) {
        try {
          q = std::stod(std::string(item.substr(qpos + 2)));
        } catch (...) {
          q = 0;
        }
      }
      std::string primary = Lower(Trim(tag.substr(0, tag.find('-'))));
      if (supported(primary) && q > best_q) {
        best = primary;
        best_q = q;
      }
    }
    if (!best.empty()) return best;
  }
  return "en";
}

crm::Principal AppAuthenticator::Authenticate(const RequestHead& head) {
  try {
    if (auto sid = head.Cookie("sid")) {
      if (auto p = auth_.SessionPrincipal(*sid)) {
        // The language switcher's cookie wins over the stored preference for what
        // pages show (an admin switching to Dutch sees Dutch at once).
        if (auto lang = head.Cookie("lang"); lang && (*lang == "en" || *lang == "fr" || *lang == "nl")) {
          p->language = *lang;
        }
        return *p;
      }
    }
    if (auto authz = head.Header("Authorization")) {
      std::string_view v = *authz;
      if (v.size() > 7 && Lower(v.substr(0, 7)) == "bearer ") {
        if (auto p = auth_.TokenPrincipal(Trim(v.substr(7)))) return *p;
      }
    }
  } catch (...) {
    // Anonymous on any failure: the route's audience check then refuses.
  }
  crm::Principal anon;
  anon.language = LanguageFrom(head.Cookie("lang"), head.Header("Accept-Language"));
  return anon;
}

}  // namespace host
