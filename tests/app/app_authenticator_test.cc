// tests/app/app_authenticator_test.cc — the server's Authenticator: session cookie, then bearer
// token; the language of the pages.
#include "sample-host/app/app_authenticator.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sample-host/http/server.h"
#include "tests/app/auth_fixture.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(Language, FromCookieThenAcceptLanguage) {
  EXPECT_EQ(AppAuthenticator::LanguageFrom("nl", "fr-BE"), "nl");
  EXPECT_EQ(AppAuthenticator::LanguageFrom("de", "fr-BE,fr;q=0.9"), "fr");
  EXPECT_EQ(AppAuthenticator::LanguageFrom(std::nullopt, "de-DE,nl;q=0.5,fr;q=0.7"), "fr");
  EXPECT_EQ(AppAuthenticator::LanguageFrom(std::nullopt, "de"), "en");
  EXPECT_EQ(AppAuthenticator::LanguageFrom(std::nullopt, std::nullopt), "en");
}

class FakeHead : public RequestHead {
 public:
  std::string_view Method() const override { return "GET"; }
  std::string_view Path() const override { return "/"; }
  std::optional<std::string> Header(std::string_view name) const override {
    auto it = headers.find(std::string(name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> Cookie(std::string_view name) const override {
    auto it = cookies.find(std::string(name));
    if (it == cookies.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::string> headers, cookies;
};

TEST_F(AuthTest, AuthenticatorUsesCookieThenBearer) {
  ASSERT_OK(auth_.CreateAdmin("boss@example.com", "Boss", "password-1", "fr"));
  auto s = auth_.LoginAdmin("boss@example.com", "password-1", "");
  ASSERT_OK(s);
  auto token = auth_.CreateApiToken(s->principal.user_id, "t", {"clients:read"});
  ASSERT_OK(token);
  AppAuthenticator authn(auth_);
  FakeHead anon;
  anon.headers["Accept-Language"] = "nl-BE";
  EXPECT_EQ(authn.Authenticate(anon).kind, crm::Principal::Kind::kAnonymous);
  EXPECT_EQ(authn.Authenticate(anon).language, "nl");
  FakeHead cookie;
  cookie.cookies["sid"] = s->id;
  EXPECT_TRUE(authn.Authenticate(cookie).IsAdmin());
  EXPECT_EQ(authn.Authenticate(cookie).language, "fr");
  FakeHead bearer;
  bearer.headers["Authorization"] = "Bearer " + *token;
  auto p = authn.Authenticate(bearer);
  EXPECT_TRUE(p.IsToken());
  EXPECT_TRUE(p.HasScope("clients:read"));
  FakeHead bad;
  bad.headers["Authorization"] = "Bearer crm_nope";
  EXPECT_EQ(authn.Authenticate(bad).kind, crm::Principal::Kind::kAnonymous);
}

}  // namespace
}  // namespace host
