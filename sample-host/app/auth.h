// sample-host/app/auth.h — logins (SPEC H3): Argon2id passwords, admin users and their permissions,
// sessions with CSRF tokens, rate-limited login, client passwords and email confirmation, API tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/services.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/http/server.h"

namespace host {

// The host's own permissions; plugins add theirs (PermissionDecl).
inline constexpr std::string_view kHostPermissions[] = {
    "clients.read", "clients.write", "clients.delete", "clients.import_export", "plugins.manage"};

// The API token scopes of SPEC §5, and the permission an admin needs to grant each.
struct ScopeRule {
  std::string_view scope;
  std::string_view permission;
};
inline constexpr ScopeRule kHostScopes[] = {
    {"clients:read", "clients.read"},       {"clients:write", "clients.write"},
    {"documents:read", "documents.read"},   {"documents:write", "documents.write"},
    {"settings:write", "plugins.manage"},
};

// Login rate limit: this many failures per (email, IP) within the window refuse further
// attempts (even with the right password) until the window has passed.
inline constexpr int kMaxFailedLogins = 5;
// And this many failures from one IP, whatever the emails, within the same window (looser:
// an office behind one address shares it; a success does not reset it). Not applied when
// the IP is unknown ("").
inline constexpr int kMaxFailedLoginsPerIp = 20;
inline constexpr int64_t kLoginWindowSeconds = 15 * 60;
inline constexpr int64_t kSessionLifetimeSeconds = 12 * 3600;

struct AdminUser {
  int64_t id = 0;
  std::string email;
  std::string name;
  std::string language = "en";
  bool active = true;
  std::vector<std::string> permissions;
};

// A session just opened. `id` is the raw cookie value: it exists only here (the
// database keeps its SHA-256), so the caller must set the cookie now.
struct NewSession {
  std::string id;
  std::string csrf_token;
  int64_t expires_at = 0;
  crm::Principal principal;
};

struct ApiTokenInfo {
  int64_t id = 0;
  int64_t owner_id = 0;
  std::string name;
  std::vector<std::string> scopes;
  int64_t created_at = 0;
  int64_t last_used_at = 0;  // 0: never
  bool revoked = false;
};

// Argon2id (libargon2), encoded "$argon2id$v=19$m=...". Cost: 19 MiB, t=2, p=1 (OWASP).
crm::Result<std::string> HashPassword(std::string_view password);
// False for a wrong password or a malformed hash; never throws.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);
// A random password people can type: 16 characters from an unambiguous alphabet.
std::string GeneratePassword();

// A Set-Cookie value. Every cookie the host sets is built here (through Auth::SetCookie,
// which knows whether the host is served over https): Path=/, SameSite=Lax, Max-Age
// (0 deletes it), HttpOnly when `http_only`, Secure when `secure`.
std::string BuildSetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                           bool http_only, bool secure);

// Thread-safe; state lives in the database.
class Auth {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  using MailSender = std::function<crm::Status(const crm::MailMessage&)>;

  // `registry` gives the plugins' declared permissions and scopes; `base_url` builds
  // links in emails. All references must outlive the object.
  Auth(crm::Database& db, const HookRegistry& registry, Clock now, MailSender send_mail,
       std::string base_url);

  // ---- Cookies: every Set-Cookie of the host. Secure when the base URL is https://.
  bool SecureCookies() const { return secure_cookies_; }
  std::string SetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                        bool http_only = true) const;
  // The session cookie `sid` (HttpOnly, SameSite=Lax, Path=/), and its deletion.
  std::string SessionCookie(std::string_view session_id, int64_t max_age_seconds) const;
  std::string ClearSessionCookie() const;

  // Every permission an admin can hold: the host's plus the plugins' declared ones.
  std::vector<std::string> AllPermissions() const;
  // Every scope a token can carry, and the ones an admin with `permissions` may grant.
  std::vector<std::string> AllScopes() const;
  std::vector<std::string> GrantableScopes(const std::vector<std::string>& permissions) const;

  // ---- Admin users
  // Creates an active admin. Empty `permissions`: when it is the first admin, all of
  // AllPermissions(); otherwise none. kConflict when the email exists, kInvalidArgument
  // for a bad email or a password shorter than 8 characters.
  crm::Result<AdminUser> CreateAdmin(std::string_view email, std::string_view name,
                                     std::string_view password, std::string_view language = "en",
                                     std::vector<std::string> permissions = {});
  crm::Result<AdminUser> FindAdmin(int64_t id);
  crm::Result<AdminUser> FindAdminByEmail(std::string_view email);
  crm::Result<std::vector<AdminUser>> ListAdmins();
  crm::Status SetAdminPermissions(int64_t admin_id, const std::vector<std::string>& permissions);
  crm::Status SetAdminActive(int64_t admin_id, bool active);
  crm::Status SetAdminPassword(int64_t admin_id, std::string_view password);
  // The language the admin's pages are shown in (en, fr or nl; kInvalidArgument otherwise).
  crm::Status SetAdminLanguage(int64_t admin_id, std::string_view language);

  // ---- Logins. `ip` is the caller's address as the server saw it (Request::RemoteAddress;
  // "" if unknown). kUnauthenticated "wrong email or password" (same message whichever was
  // wrong); kUnavailable "too many failed attempts, try again in N minutes" past either
  // limit; kPermissionDenied for a disabled login; (clients) kConflict "email address not
  // confirmed" — only once the password is right, so it tells nothing to a guesser.
  crm::Result<NewSession> LoginAdmin(std::string_view email, std::string_view password,
                                     std::string_view ip);
  crm::Result<NewSession> LoginClient(std::string_view email, std::string_view password,
                                      std::string_view ip);
  // Ends the session (idempotent).
  crm::Status Logout(std::string_view session_id);
  // The caller behind a session cookie, or nullopt (unknown, expired, user disabled).
  std::optional<crm::Principal> SessionPrincipal(std::string_view session_id);

  // ---- Client logins (the client row lives in `clients`, see ClientStore)
  crm::Status SetClientPassword(int64_t client_id, std::string_view password);
  // Generates a password, stores its hash, and emails it to the client. Returns it
  // (to show to the admin once).
  crm::Result<std::string> GenerateClientPassword(int64_t client_id);
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

  // ---- API tokens
  // Creates a token for an admin. Empty `scopes`: every scope that admin may grant.
  // kPermissionDenied when asking a scope the admin may not grant; kInvalidArgument
  // for an unknown scope. Returns the raw token (shown once; only its hash is kept).
  crm::Result<std::string> CreateApiToken(int64_t admin_id, std::string_view name,
                                          std::vector<std::string> scopes = {});
  crm::Status RevokeApiToken(int64_t token_id);
  crm::Result<std::vector<ApiTokenInfo>> ListApiTokens(int64_t admin_id);
  // The caller behind a bearer token, or nullopt (unknown, revoked, owner disabled).
  std::optional<crm::Principal> TokenPrincipal(std::string_view token);

 private:
  crm::Status CheckRateLimit(std::string_view email, std::string_view ip);
  void RecordAttempt(std::string_view email, std::string_view ip, bool success);
  // Verifies `password` against the hash of `row` (column 1; no row or a NULL hash: a
  // dummy hash is verified, so timing does not tell whether the account exists), records
  // the attempt, and refuses a disabled account (column 2 == 0) with `disabled_message`.
  crm::Status CheckCredentials(const std::optional<crm::SqlRow>& row, std::string_view email,
                               std::string_view ip, std::string_view password,
                               std::string_view disabled_message);
  crm::Result<NewSession> OpenSession(std::string_view kind, int64_t user_id);

  crm::Database& db_;
  const HookRegistry& registry_;
  Clock now_;
  MailSender send_mail_;
  std::string base_url_;
  bool secure_cookies_ = false;
};

// The server's Authenticator: `sid` cookie session, else `Authorization: Bearer`
// token, else anonymous. Language: the user's, else the `lang` cookie, else
// Accept-Language, else "en".
class AppAuthenticator : public Authenticator {
 public:
  explicit AppAuthenticator(Auth& auth) : auth_(auth) {}
  crm::Principal Authenticate(const RequestHead& head) override;

  // "fr" from "fr-BE,fr;q=0.9,en;q=0.8"; "en" when nothing fits.
  static std::string LanguageFrom(std::optional<std::string> lang_cookie,
                                  std::optional<std::string> accept_language);

 private:
  Auth& auth_;
};

}  // namespace host
