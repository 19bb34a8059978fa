// tests/app/sessions_test.cc — Set-Cookie values, admin logins opening sessions with CSRF tokens,
// and logout.
#include "sample-host/app/sessions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/app/auth_fixture.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(Cookie, BuildSetCookieFlags) {
  std::string c = BuildSetCookie("sid", "abc", 3600, true, false);
  EXPECT_EQ(c, "sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
  EXPECT_EQ(BuildSetCookie("lang", "fr", 60, false, true),
            "lang=fr; Path=/; Secure; SameSite=Lax; Max-Age=60");
  EXPECT_EQ(BuildSetCookie("sid", "", -5, true, false),
            "sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
}

TEST_F(AuthTest, CookiesAreSecureOnlyBehindHttps) {
  EXPECT_FALSE(auth_.SecureCookies());
  std::string plain = auth_.SessionCookie("abc", 3600);
  EXPECT_NE(plain.find("sid=abc"), std::string::npos);
  EXPECT_NE(plain.find("HttpOnly"), std::string::npos);
  EXPECT_NE(plain.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(plain.find("Path=/"), std::string::npos);
  EXPECT_EQ(plain.find("Secure"), std::string::npos);

  for (const char* base : {"https://crm.example.com", "HTTPS://crm.example.com:8443/sub"}) {
    Auth https(
        tdb_.db(), registry_, [this] { return now_; }, nullptr, base);
    EXPECT_TRUE(https.SecureCookies()) << base;
    for (const std::string& c : {https.SessionCookie("abc", 3600), https.ClearSessionCookie(),
                                 https.SetCookie("lang", "nl", 60, false)}) {
      EXPECT_NE(c.find("; Secure"), std::string::npos) << base << ": " << c;
    }
  }
  // "http://https.example" is not https.
  Auth lookalike(
      tdb_.db(), registry_, [this] { return now_; }, nullptr, "http://https.example");
  EXPECT_EQ(lookalike.SessionCookie("abc", 1).find("Secure"), std::string::npos);
}

TEST_F(AuthTest, AdminLoginOpensASessionWithCsrfAndLogoutEndsIt) {
  ASSERT_OK(auth_.CreateAdmin("boss@example.com", "Boss", "password-1", "nl"));
  auto bad = auth_.LoginAdmin("boss@example.com", "wrong", "10.0.0.1");
  EXPECT_EQ(bad.status().code(), crm::StatusCode::kUnauthenticated);
  auto unknown = auth_.LoginAdmin("ghost@example.com", "password-1", "10.0.0.1");
  EXPECT_EQ(unknown.status().code(), crm::StatusCode::kUnauthenticated);
  EXPECT_EQ(bad.status().message(), unknown.status().message());  // no account enumeration

  auto s = auth_.LoginAdmin("BOSS@example.com", "password-1", "10.0.0.1");
  ASSERT_OK(s) << s.status().ToString();
  EXPECT_EQ(s->id.size(), 64u);  // 256 bits in hex
  EXPECT_EQ(s->csrf_token.size(), 64u);
  // Only the hash is stored.
  auto stored = tdb_.db().QueryOne("SELECT COUNT(*) FROM sessions WHERE id_hash = ?", {s->id});
  EXPECT_EQ((*stored)->Int(0), 0);
  auto p = auth_.SessionPrincipal(s->id);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->IsAdmin());
  EXPECT_EQ(p->language, "nl");
  EXPECT_EQ(p->csrf_token, s->csrf_token);
  EXPECT_TRUE(p->HasPermission("clients.write"));
  EXPECT_FALSE(auth_.SessionPrincipal(std::string(64, 'a')).has_value());

  ASSERT_OK(auth_.Logout(s->id));
  EXPECT_FALSE(auth_.SessionPrincipal(s->id).has_value());

  auto s2 = auth_.LoginAdmin("boss@example.com", "password-1", "10.0.0.1");
  ASSERT_OK(s2);
  now_ += kSessionLifetimeSeconds + 1;
  EXPECT_FALSE(auth_.SessionPrincipal(s2->id).has_value()) << "expired sessions are refused";
}

}  // namespace
}  // namespace host
