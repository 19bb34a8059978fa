// sample-host/app/login_rate_limit.cc — counts failed logins in login_attempts (kept a day) and
// answers how long to wait once a limit is reached.
#include "sample-host/app/login_rate_limit.h"

#include <algorithm>
#include <string>

#include "text/text.h"

namespace host {
namespace {

crm::Status TooManyAttempts(int64_t first_counted, int64_t now) {
  int64_t wait = first_counted + kLoginWindowSeconds - now;
  int64_t minutes = std::max<int64_t>(1, (wait + 59) / 60);
  return crm::Unavailable("too many failed login attempts; try again in " +
                          std::to_string(minutes) + " minute" + (minutes == 1 ? "" : "s"));
}

}  // namespace

crm::Status LoginRateLimit::Check(std::string_view key_in, std::string_view ip_in) {
  int64_t now = now_();
  std::string key = crm::text::ToLowerAscii(key_in), ip(ip_in);
  if (!ip.empty()) {
    // Per IP, whatever the emails: one address trying many accounts. Successes do not
    // reset it (one valid account would otherwise let an attacker go on forever).
    CRM_ASSIGN_OR_RETURN(
        auto per_ip,
        db_.QueryOne(
            "SELECT COUNT(*), MIN(created_at) FROM login_attempts WHERE ip = ? AND success = 0 "
            "AND created_at > ?",
            {ip, now - kLoginWindowSeconds}));
    if (per_ip->Int(0) >= kMaxFailedLoginsPerIp) return TooManyAttempts(per_ip->Int(1), now);
  }
  // Failures since the last success, within the window.
  CRM_ASSIGN_OR_RETURN(
      auto row,
      db_.QueryOne(
          "SELECT COUNT(*), MIN(created_at) FROM login_attempts WHERE email = ? AND ip = ? "
          "AND success = 0 AND created_at > ? AND created_at >= COALESCE((SELECT MAX(created_at) "
          "FROM login_attempts WHERE email = ? AND ip = ? AND success = 1), 0)",
          {key, ip, now - kLoginWindowSeconds, key, ip}));
  if (row->Int(0) >= kMaxFailedLogins) return TooManyAttempts(row->Int(1), now);
  return crm::Status::Ok();
}

void LoginRateLimit::Record(std::string_view key, std::string_view ip, bool success) {
  int64_t now = now_();
  (void)db_.Exec("INSERT INTO login_attempts (email, ip, success, created_at) VALUES (?, ?, ?, ?)",
                 {crm::text::ToLowerAscii(key), std::string(ip), int64_t{success}, now});
  if (success) {
    // Attempts older than a day no longer count for anything: keep the table small.
    (void)db_.Exec("DELETE FROM login_attempts WHERE created_at < ?", {now - 86400});
  }
}

}  // namespace host
