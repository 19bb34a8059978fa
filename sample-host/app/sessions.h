// sample-host/app/sessions.h — signing in and out: password logins of admins and clients (rate
// limited), sessions stored hashed with their CSRF token, and the Set-Cookie values of the host.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "host-api/http.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/admin_users.h"
#include "sample-host/app/login_rate_limit.h"

namespace host {

inline constexpr int64_t kSessionLifetimeSeconds = 12 * 3600;

// SPEC H14: the client principal of a session an admin opened with "log in as the client"
// carries this marker among its permissions (clients have none otherwise), so that the
// layout shows the banner and pages refuse password and email changes.
inline constexpr std::string_view kImpersonatedMarker = "host.impersonated";

// A session just opened. `id` is the raw cookie value: it exists only here (the
// database keeps its SHA-256), so the caller must set the cookie now.
struct NewSession {
  std::string id;
  std::string csrf_token;
  int64_t expires_at = 0;
  crm::Principal principal;
};

// A Set-Cookie value. Every cookie the host sets is built here (through Auth::SetCookie,
// which knows whether the host is served over https): Path=/, SameSite=Lax, Max-Age
// (0 deletes it), HttpOnly when `http_only`, Secure when `secure`.
std::string BuildSetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                           bool http_only, bool secure);

// Thread-safe; state lives in the database. Every reference must outlive it.
class Sessions {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  Sessions(crm::Database& db, AdminUsers& admins, LoginRateLimit& rate_limit, Clock now)
      : db_(db), admins_(admins), rate_limit_(rate_limit), now_(std::move(now)) {}

  // `ip` is the caller's address as the server saw it (Request::RemoteAddress; "" if
  // unknown). kUnauthenticated "wrong email or password" (same message whichever was
  // wrong); kUnavailable past the rate limit; kPermissionDenied for a disabled login;
  // (clients) kConflict "email address not confirmed" — only once the password is right,
  // so it tells nothing to a guesser.
  crm::Result<NewSession> LoginAdmin(std::string_view email, std::string_view password,
                                     std::string_view ip);
  crm::Result<NewSession> LoginClient(std::string_view email, std::string_view password,
                                      std::string_view ip);
  // SPEC H14: a client session opened by admin `admin_id` (never with the client's
  // password). The admin's own session is ended by the caller.
  crm::Result<NewSession> OpenImpersonation(int64_t admin_id, int64_t client_id);
  // The admin behind an impersonation session, or nullopt (another kind of session).
  std::optional<int64_t> ImpersonatorOf(std::string_view session_id);
  // An admin session for `admin_id` (back from an impersonation; the caller checked it).
  crm::Result<NewSession> OpenAdmin(int64_t admin_id) { return Open("admin", admin_id); }
  // Ends the session (idempotent).
  crm::Status Logout(std::string_view session_id);
  // The caller behind a session cookie, or nullopt (unknown, expired, user disabled).
  std::optional<crm::Principal> Principal(std::string_view session_id);

 private:
  // Verifies `password` against the hash of `row` (column 1; no row or a NULL hash: a
  // dummy hash is verified, so timing does not tell whether the account exists), records
  // the attempt, and refuses a disabled account (column 2 == 0) with `disabled_message`.
  crm::Status CheckCredentials(const std::optional<crm::SqlRow>& row, std::string_view email,
                               std::string_view ip, std::string_view password,
                               std::string_view disabled_message);
  crm::Result<NewSession> Open(std::string_view kind, int64_t user_id,
                               std::optional<int64_t> impersonator = std::nullopt);
  std::optional<crm::Principal> AdminPrincipal(int64_t admin_id);
  std::optional<crm::Principal> ClientPrincipal(int64_t client_id);

  crm::Database& db_;
  AdminUsers& admins_;
  LoginRateLimit& rate_limit_;
  Clock now_;
};

}  // namespace host
