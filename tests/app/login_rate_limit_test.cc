// tests/app/login_rate_limit_test.cc — the login rate limit, per (email, IP) and per IP (SPEC H3).
#include "sample-host/app/login_rate_limit.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/app/auth_fixture.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST_F(AuthTest, RateLimitRefusesAfterFiveFailuresPerEmailAndIp) {
  ASSERT_OK(auth_.CreateAdmin("boss@example.com", "Boss", "password-1"));
  for (int i = 0; i < kMaxFailedLogins; ++i) {
    EXPECT_EQ(auth_.LoginAdmin("boss@example.com", "nope", "1.2.3.4").status().code(),
              crm::StatusCode::kUnauthenticated);
    now_ += 10;
  }
  // Even the right password is refused now, with a clear message.
  auto refused = auth_.LoginAdmin("boss@example.com", "password-1", "1.2.3.4");
  EXPECT_EQ(refused.status().code(), crm::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("too many failed login attempts"), std::string::npos);
  EXPECT_NE(refused.status().message().find("minute"), std::string::npos);
  // Another IP is not blocked by these failures.
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "password-1", "5.6.7.8"));
  // Once the window has passed, the login works again.
  now_ += kLoginWindowSeconds;
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "password-1", "1.2.3.4"));
}

TEST_F(AuthTest, RateLimitPerIpCoversManyEmails) {
  ASSERT_OK(auth_.CreateAdmin("boss@example.com", "Boss", "password-1"));
  // Fewer than kMaxFailedLogins per email, but many emails from one address.
  for (int i = 0; i < kMaxFailedLoginsPerIp; ++i) {
    std::string email = "guess" + std::to_string(i) + "@example.com";
    EXPECT_EQ(auth_.LoginAdmin(email, "nope", "9.9.9.9").status().code(),
              crm::StatusCode::kUnauthenticated)
        << i;
    now_ += 5;
  }
  // Now every email is refused from that address, even with the right password...
  auto refused = auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.9");
  EXPECT_EQ(refused.status().code(), crm::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("too many failed login attempts"), std::string::npos);
  EXPECT_EQ(auth_.LoginClient("someone@example.com", "x", "9.9.9.9").status().code(),
            crm::StatusCode::kUnavailable);
  // ...while another address is not affected, and the unknown address ("") has no per-IP bucket.
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.8"));
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "password-1", ""));
  // A success from another address did not reset it; the window passing does.
  EXPECT_EQ(auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.9").status().code(),
            crm::StatusCode::kUnavailable);
  now_ += kLoginWindowSeconds;
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.9"));
}

TEST_F(AuthTest, PerIpLimitIsLooserThanPerEmail) {
  static_assert(kMaxFailedLoginsPerIp > kMaxFailedLogins);
  ASSERT_OK(auth_.CreateAdmin("boss@example.com", "Boss", "password-1"));
  for (int i = 0; i < kMaxFailedLogins; ++i)
    (void)auth_.LoginAdmin("boss@example.com", "x", "7.7.7.7");
  // That email is blocked from that address; other emails from it are not (yet).
  EXPECT_EQ(auth_.LoginAdmin("boss@example.com", "password-1", "7.7.7.7").status().code(),
            crm::StatusCode::kUnavailable);
  EXPECT_EQ(auth_.LoginAdmin("other@example.com", "x", "7.7.7.7").status().code(),
            crm::StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, ASuccessResetsTheFailureCount) {
  ASSERT_OK(auth_.CreateAdmin("boss@example.com", "Boss", "password-1"));
  for (int i = 0; i < kMaxFailedLogins - 1; ++i)
    (void)auth_.LoginAdmin("boss@example.com", "x", "ip");
  now_ += 1;
  ASSERT_OK(auth_.LoginAdmin("boss@example.com", "password-1", "ip"));
  now_ += 1;
  for (int i = 0; i < kMaxFailedLogins - 1; ++i)
    (void)auth_.LoginAdmin("boss@example.com", "x", "ip");
  now_ += 1;
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "password-1", "ip"));
}

}  // namespace
}  // namespace host
