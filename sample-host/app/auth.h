// sample-host/app/auth.h — the host's logins (SPEC H3) as one object for main.cc and the pages:
// admin users, sessions, the login rate limit, client logins and API tokens, each in its own file
// and class.
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
#include "sample-host/app/account_security.h"
#include "sample-host/app/admin_users.h"
#include "sample-host/app/api_tokens.h"
#include "sample-host/app/app_authenticator.h"
#include "sample-host/app/client_logins.h"
#include "sample-host/app/credentials.h"
#include "sample-host/app/login_rate_limit.h"
#include "sample-host/app/sessions.h"
#include "sample-host/core/hook_registry.h"

namespace host {

// Thread-safe; state lives in the database. Owns one of each part and forwards to it; the
// parts are reachable for code that needs only one (admins(), sessions(), ...).
class Auth {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  using MailSender = std::function<crm::Status(const crm::MailMessage&)>;

  // `registry` gives the plugins' declared permissions and scopes, and the mails' texts
  // (the host's translations); `base_url` builds links in emails. All references must
  // outlive the object.
  Auth(crm::Database& db, const HookRegistry& registry, Clock now, MailSender send_mail,
       std::string base_url);

  AdminUsers& admins() { return admins_; }
  Sessions& sessions() { return sessions_; }
  ClientLogins& client_logins() { return client_logins_; }
  ApiTokens& api_tokens() { return api_tokens_; }
  // Forgot password and one's own password/email change (issue 14, SPEC H17).
  AccountSecurity& security() { return security_; }

  // ---- Cookies: every Set-Cookie of the host. Secure when the base URL is https://.
  bool SecureCookies() const { return secure_cookies_; }
  std::string SetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                        bool http_only = true) const;
  // The session cookie `sid` (HttpOnly, SameSite=Lax, Path=/), and its deletion.
  std::string SessionCookie(std::string_view session_id, int64_t max_age_seconds) const;
  std::string ClearSessionCookie() const;

  // ---- Admin users (AdminUsers)
  std::vector<std::string> AllPermissions() const { return admins_.AllPermissions(); }
  std::vector<std::string> AllScopes() const { return admins_.AllScopes(); }
  std::vector<std::string> GrantableScopes(const std::vector<std::string>& permissions) const {
    return admins_.GrantableScopes(permissions);
  }
  crm::Result<AdminUser> CreateAdmin(std::string_view email, std::string_view name,
                                     std::string_view password, std::string_view language = "en",
                                     std::vector<std::string> permissions = {}) {
    return admins_.Create(email, name, password, language, std::move(permissions));
  }
  crm::Result<AdminUser> FindAdmin(int64_t id) { return admins_.Find(id); }
  crm::Result<AdminUser> FindAdminByEmail(std::string_view email) {
    return admins_.FindByEmail(email);
  }
  crm::Result<std::vector<AdminUser>> ListAdmins() { return admins_.List(); }
  crm::Status SetAdminPermissions(int64_t admin_id, const std::vector<std::string>& permissions) {
    return admins_.SetPermissions(admin_id, permissions);
  }
  crm::Status SetAdminActive(int64_t admin_id, bool active) {
    return admins_.SetActive(admin_id, active);
  }
  crm::Status SetAdminPassword(int64_t admin_id, std::string_view password) {
    return admins_.SetPassword(admin_id, password);
  }
  crm::Status SetAdminLanguage(int64_t admin_id, std::string_view language) {
    return admins_.SetLanguage(admin_id, language);
  }

  // ---- Logins and sessions (Sessions)
  crm::Result<NewSession> LoginAdmin(std::string_view email, std::string_view password,
                                     std::string_view ip) {
    return sessions_.LoginAdmin(email, password, ip);
  }
  crm::Result<NewSession> LoginClient(std::string_view email, std::string_view password,
                                      std::string_view ip) {
    return sessions_.LoginClient(email, password, ip);
  }
  crm::Status Logout(std::string_view session_id) { return sessions_.Logout(session_id); }
  std::optional<crm::Principal> SessionPrincipal(std::string_view session_id) {
    return sessions_.Principal(session_id);
  }

  // The login rate limit, also used by self-registration (issue 14).
  LoginRateLimit& rate_limit() { return rate_limit_; }

  // ---- Client logins (ClientLogins)
  crm::Status SetClientPassword(int64_t client_id, std::string_view password) {
    return client_logins_.SetPassword(client_id, password);
  }
  crm::Result<std::string> GenerateClientPassword(int64_t client_id) {
    return client_logins_.GeneratePassword(client_id);
  }
  crm::Status SendEmailConfirmation(int64_t client_id) {
    return client_logins_.SendEmailConfirmation(client_id);
  }
  crm::Result<int64_t> ConfirmEmail(std::string_view token) {
    return client_logins_.ConfirmEmail(token);
  }
  crm::Status ResendEmailConfirmation(std::string_view email, std::string_view ip) {
    return client_logins_.ResendEmailConfirmation(email, ip);
  }
  crm::Status SetEmailConfirmed(int64_t client_id, bool confirmed) {
    return client_logins_.SetEmailConfirmed(client_id, confirmed);
  }

  // ---- API tokens (ApiTokens)
  crm::Result<std::string> CreateApiToken(int64_t admin_id, std::string_view name,
                                          std::vector<std::string> scopes = {}) {
    return api_tokens_.Create(admin_id, name, std::move(scopes));
  }
  crm::Status RevokeApiToken(int64_t token_id) { return api_tokens_.Revoke(token_id); }
  crm::Result<std::vector<ApiTokenInfo>> ListApiTokens(int64_t admin_id) {
    return api_tokens_.List(admin_id);
  }
  std::optional<crm::Principal> TokenPrincipal(std::string_view token) {
    return api_tokens_.Principal(token);
  }

 private:
  bool secure_cookies_ = false;
  AdminUsers admins_;
  LoginRateLimit rate_limit_;
  Sessions sessions_;
  ClientLogins client_logins_;
  ApiTokens api_tokens_;
  AccountSecurity security_;
};

}  // namespace host
