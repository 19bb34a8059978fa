// sample-host/app/login_rate_limit.h — the brake on password guessing: failed logins counted per
// (email, IP) and per IP in login_attempts, refusing further attempts for a while past a limit.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// This many failures per (email, IP) within the window refuse further attempts (even with
// the right password) until the window has passed.
inline constexpr int kMaxFailedLogins = 5;
// And this many failures from one IP, whatever the emails, within the same window (looser:
// an office behind one address shares it; a success does not reset it). Not applied when
// the IP is unknown ("").
inline constexpr int kMaxFailedLoginsPerIp = 20;
inline constexpr int64_t kLoginWindowSeconds = 15 * 60;

// Thread-safe; state lives in the database. `db` must outlive it.
class LoginRateLimit {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds
  LoginRateLimit(crm::Database& db, Clock now) : db_(db), now_(std::move(now)) {}

  // kUnavailable "too many failed login attempts; try again in N minutes" past either
  // limit for `key` (an email, or a purpose-prefixed email) from `ip`.
  crm::Status Check(std::string_view key, std::string_view ip);
  // Counts an attempt. A success resets the (key, IP) count, not the per-IP one.
  void Record(std::string_view key, std::string_view ip, bool success);

 private:
  crm::Database& db_;
  Clock now_;
};

}  // namespace host
