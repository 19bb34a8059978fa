// tests/app/auth_test.cc — Argon2id hashing, admin and client logins with sessions and CSRF tokens, the
// login rate limit, API token scopes, email confirmation, and the Authenticator's language choice (SPEC H3, §5).
#include "sample-host/app/auth.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sample-host/app/client_store.h"
#include "sample-host/app/seed_demo.h"
#include "sample-host/core/hook_registry.h"
#include "tests/app/test_db.h"

namespace host {
namespace {

TEST(Password, Argon2idHashVerifies) {
  auto h = HashPassword("correct horse battery staple");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword("$2b$10$notargon", "x"));
  EXPECT_FALSE(VerifyPassword("", ""));
  auto again = HashPassword("correct horse battery staple");
  EXPECT_NE(*h, *again);  // salted
}

TEST(Password, GeneratedPasswordsAreLongAndDistinct) {
  std::string a = GeneratePassword(), b = GeneratePassword();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("0O1lI"), std::string::npos);
}

TEST(Cookie, BuildSetCookieFlags) {
  std::string c = BuildSetCookie("sid", "abc", 3600, true, false);
  EXPECT_EQ(c, "sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
  EXPECT_EQ(BuildSetCookie("lang", "fr", 60, false, true), "lang=fr; Path=/; Secure; SameSite=Lax; Max-Age=60");
  EXPECT_EQ(BuildSetCookie("sid", "", -5, true, false), "sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StagingRegistrar plugin("client-documents");
    ASSERT_TRUE(plugin.DeclarePermission({"documents.read", "k"}).ok());
    ASSERT_TRUE(plugin.DeclarePermission({"documents.write", "k"}).ok());
    ASSERT_TRUE(registry_.Commit(plugin.Take()).ok());
  }
  testing::TestDb tdb_;
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  std::vector<crm::MailMessage> mails_;
  Auth auth_{tdb_.db(), registry_, [this] { return now_; },
             [this](const crm::MailMessage& m) {
               mails_.push_back(m);
               return crm::Status::Ok();
             },
             "http://crm.test"};
  ClientStore clients_{tdb_.db(), registry_, [this] { return now_; }};
};

TEST_F(AuthTest, CookiesAreSecureOnlyBehindHttps) {
  EXPECT_FALSE(auth_.SecureCookies());
  std::string plain = auth_.SessionCookie("abc", 3600);
  EXPECT_NE(plain.find("sid=abc"), std::string::npos);
  EXPECT_NE(plain.find("HttpOnly"), std::string::npos);
  EXPECT_NE(plain.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(plain.find("Path=/"), std::string::npos);
  EXPECT_EQ(plain.find("Secure"), std::string::npos);

  for (const char* base : {"https://crm.example.com", "HTTPS://crm.example.com:8443/sub"}) {
    Auth https(tdb_.db(), registry_, [this] { return now_; }, nullptr, base);
    EXPECT_TRUE(https.SecureCookies()) << base;
    for (const std::string& c : {https.SessionCookie("abc", 3600), https.ClearSessionCookie(),
                                 https.SetCookie("lang", "nl", 60, false)}) {
      EXPECT_NE(c.find("; Secure"), std::string::npos) << base << ": " << c;
    }
  }
  // "http://https.example" is not https.
  Auth lookalike(tdb_.db(), registry_, [this] { return now_; }, nullptr, "http://https.example");
  EXPECT_EQ(lookalike.SessionCookie("abc", 1).find("Secure"), std::string::npos);
}

TEST_F(AuthTest, FirstAdminGetsEveryPermissionOthersWhatTheyAreGiven) {
  auto first = auth_.CreateAdmin("Boss@Example.com", "Boss", "password-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->email, "boss@example.com");
  for (const char* p : {"clients.read", "clients.write", "clients.delete", "clients.import_export",
                        "plugins.manage", "documents.read", "documents.write"}) {
    EXPECT_NE(std::find(first->permissions.begin(), first->permissions.end(), p), first->permissions.end()) << p;
  }
  auto second = auth_.CreateAdmin("clerk@example.com", "Clerk", "password-2", "fr", {"clients.read"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->permissions, std::vector<std::string>{"clients.read"});
  EXPECT_EQ(auth_.CreateAdmin("BOSS@example.com", "", "password-3").status().code(), crm::StatusCode::kConflict);
  EXPECT_EQ(auth_.CreateAdmin("x@example.com", "", "short").status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_.CreateAdmin("nope", "", "password-3").status().code(), crm::StatusCode::kInvalidArgument);
}

TEST_F(AuthTest, AdminLoginOpensASessionWithCsrfAndLogoutEndsIt) {
  ASSERT_TRUE(auth_.CreateAdmin("boss@example.com", "Boss", "password-1", "nl").ok());
  auto bad = auth_.LoginAdmin("boss@example.com", "wrong", "10.0.0.1");
  EXPECT_EQ(bad.status().code(), crm::StatusCode::kUnauthenticated);
  auto unknown = auth_.LoginAdmin("ghost@example.com", "password-1", "10.0.0.1");
  EXPECT_EQ(unknown.status().code(), crm::StatusCode::kUnauthenticated);
  EXPECT_EQ(bad.status().message(), unknown.status().message());  // no account enumeration

  auto s = auth_.LoginAdmin("BOSS@example.com", "password-1", "10.0.0.1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
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

  ASSERT_TRUE(auth_.Logout(s->id).ok());
  EXPECT_FALSE(auth_.SessionPrincipal(s->id).has_value());

  auto s2 = auth_.LoginAdmin("boss@example.com", "password-1", "10.0.0.1");
  ASSERT_TRUE(s2.ok());
  now_ += kSessionLifetimeSeconds + 1;
  EXPECT_FALSE(auth_.SessionPrincipal(s2->id).has_value()) << "expired sessions are refused";
}

TEST_F(AuthTest, DisabledAdminLosesSessions) {
  auto a = auth_.CreateAdmin("boss@example.com", "Boss", "password-1");
  ASSERT_TRUE(a.ok());
  auto s = auth_.LoginAdmin("boss@example.com", "password-1", "");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(auth_.SetAdminActive(a->id, false).ok());
  EXPECT_FALSE(auth_.SessionPrincipal(s->id).has_value());
  EXPECT_EQ(auth_.LoginAdmin("boss@example.com", "password-1", "").status().code(),
            crm::StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, RateLimitRefusesAfterFiveFailuresPerEmailAndIp) {
  ASSERT_TRUE(auth_.CreateAdmin("boss@example.com", "Boss", "password-1").ok());
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
  EXPECT_TRUE(auth_.LoginAdmin("boss@example.com", "password-1", "5.6.7.8").ok());
  // Once the window has passed, the login works again.
  now_ += kLoginWindowSeconds;
  EXPECT_TRUE(auth_.LoginAdmin("boss@example.com", "password-1", "1.2.3.4").ok());
}

TEST_F(AuthTest, RateLimitPerIpCoversManyEmails) {
  ASSERT_TRUE(auth_.CreateAdmin("boss@example.com", "Boss", "password-1").ok());
  // Fewer than kMaxFailedLogins per email, but many emails from one address.
  for (int i = 0; i < kMaxFailedLoginsPerIp; ++i) {
    std::string email = "guess" + std::to_string(i) + "@example.com";
    EXPECT_EQ(auth_.LoginAdmin(email, "nope", "9.9.9.9").status().code(), crm::StatusCode::kUnauthenticated) << i;
    now_ += 5;
  }
  // Now every email is refused from that address, even with the right password...
  auto refused = auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.9");
  EXPECT_EQ(refused.status().code(), crm::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("too many failed login attempts"), std::string::npos);
  EXPECT_EQ(auth_.LoginClient("someone@example.com", "x", "9.9.9.9").status().code(), crm::StatusCode::kUnavailable);
  // ...while another address is not affected, and the unknown address ("") has no per-IP bucket.
  EXPECT_TRUE(auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.8").ok());
  EXPECT_TRUE(auth_.LoginAdmin("boss@example.com", "password-1", "").ok());
  // A success from another address did not reset it; the window passing does.
  EXPECT_EQ(auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.9").status().code(),
            crm::StatusCode::kUnavailable);
  now_ += kLoginWindowSeconds;
  EXPECT_TRUE(auth_.LoginAdmin("boss@example.com", "password-1", "9.9.9.9").ok());
}

TEST_F(AuthTest, PerIpLimitIsLooserThanPerEmail) {
  static_assert(kMaxFailedLoginsPerIp > kMaxFailedLogins);
  ASSERT_TRUE(auth_.CreateAdmin("boss@example.com", "Boss", "password-1").ok());
  for (int i = 0; i < kMaxFailedLogins; ++i) (void)auth_.LoginAdmin("boss@example.com", "x", "7.7.7.7");
  // That email is blocked from that address; other emails from it are not (yet).
  EXPECT_EQ(auth_.LoginAdmin("boss@example.com", "password-1", "7.7.7.7").status().code(),
            crm::StatusCode::kUnavailable);
  EXPECT_EQ(auth_.LoginAdmin("other@example.com", "x", "7.7.7.7").status().code(),
            crm::StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, ASuccessResetsTheFailureCount) {
  ASSERT_TRUE(auth_.CreateAdmin("boss@example.com", "Boss", "password-1").ok());
  for (int i = 0; i < kMaxFailedLogins - 1; ++i) (void)auth_.LoginAdmin("boss@example.com", "x", "ip");
  now_ += 1;
  ASSERT_TRUE(auth_.LoginAdmin("boss@example.com", "password-1", "ip").ok());
  now_ += 1;
  for (int i = 0; i < kMaxFailedLogins - 1; ++i) (void)auth_.LoginAdmin("boss@example.com", "x", "ip");
  now_ += 1;
  EXPECT_TRUE(auth_.LoginAdmin("boss@example.com", "password-1", "ip").ok());
}

TEST_F(AuthTest, TokenScopes) {
  auto boss = auth_.CreateAdmin("boss@example.com", "Boss", "password-1");
  auto clerk = auth_.CreateAdmin("clerk@example.com", "Clerk", "password-2", "en", {"clients.read", "documents.read"});
  ASSERT_TRUE(boss.ok() && clerk.ok());

  auto all = auth_.CreateApiToken(boss->id, "all");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->rfind("crm_", 0), 0u);
  auto p = auth_.TokenPrincipal(*all);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->IsToken());
  for (const char* s : {"clients:read", "clients:write", "documents:read", "documents:write", "settings:write"}) {
    EXPECT_TRUE(p->HasScope(s)) << s;
  }
  // Stored hashed only.
  auto raw = tdb_.db().QueryOne("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", {*all});
  EXPECT_EQ((*raw)->Int(0), 0);

  // Without --scope: what that admin may do, nothing more.
  auto clerk_default = auth_.CreateApiToken(clerk->id, "default");
  ASSERT_TRUE(clerk_default.ok());
  auto cp = auth_.TokenPrincipal(*clerk_default);
  ASSERT_TRUE(cp.has_value());
  EXPECT_EQ(cp->scopes, (std::vector<std::string>{"clients:read", "documents:read"}));

  auto read_only = auth_.CreateApiToken(boss->id, "ro", {"clients:read"});
  ASSERT_TRUE(read_only.ok());
  auto rp = auth_.TokenPrincipal(*read_only);
  ASSERT_TRUE(rp.has_value());
  EXPECT_TRUE(rp->HasScope("clients:read"));
  EXPECT_FALSE(rp->HasScope("clients:write"));

  EXPECT_EQ(auth_.CreateApiToken(clerk->id, "x", {"clients:write"}).status().code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_.CreateApiToken(boss->id, "x", {"root:everything"}).status().code(),
            crm::StatusCode::kInvalidArgument);

  EXPECT_FALSE(auth_.TokenPrincipal("crm_" + std::string(64, '0')).has_value());
  EXPECT_FALSE(auth_.TokenPrincipal("garbage").has_value());

  // Revoked tokens and tokens of disabled admins stop working.
  auto list = auth_.ListApiTokens(boss->id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  ASSERT_TRUE(auth_.RevokeApiToken((*list)[1].id).ok());
  EXPECT_FALSE(auth_.TokenPrincipal(*read_only).has_value());
  ASSERT_TRUE(auth_.SetAdminActive(clerk->id, false).ok());
  EXPECT_FALSE(auth_.TokenPrincipal(*clerk_default).has_value());

  // A token never outlives its owner's permissions.
  ASSERT_TRUE(auth_.SetAdminActive(clerk->id, true).ok());
  ASSERT_TRUE(auth_.SetAdminPermissions(clerk->id, {"documents.read"}).ok());
  auto reduced = auth_.TokenPrincipal(*clerk_default);
  ASSERT_TRUE(reduced.has_value());
  EXPECT_EQ(reduced->scopes, std::vector<std::string>{"documents:read"});
}

// Issue 15.2: a plugin checks a token's scope AND its owner's permission, so the token's
// Principal carries the owner's permissions as they are now, not as they were.
TEST_F(AuthTest, TokenPrincipalCarriesItsOwnersCurrentPermissions) {
  auto boss = auth_.CreateAdmin("boss@example.com", "Boss", "password-1");
  auto clerk = auth_.CreateAdmin("clerk@example.com", "Clerk", "password-2", "en",
                                 {"clients.read", "clients.write", "documents.read"});
  ASSERT_TRUE(boss.ok() && clerk.ok());
  auto boss_token = auth_.CreateApiToken(boss->id, "boss");
  auto clerk_token = auth_.CreateApiToken(clerk->id, "clerk");
  ASSERT_TRUE(boss_token.ok() && clerk_token.ok());

  auto bp = auth_.TokenPrincipal(*boss_token);
  ASSERT_TRUE(bp.has_value());
  EXPECT_EQ(bp->permissions, auth_.AllPermissions());  // the first admin holds every one
  auto cp = auth_.TokenPrincipal(*clerk_token);
  ASSERT_TRUE(cp.has_value());
  EXPECT_EQ(cp->permissions,
            (std::vector<std::string>{"clients.read", "clients.write", "documents.read"}));
  EXPECT_TRUE(cp->HasScope("clients:write"));

  ASSERT_TRUE(auth_.SetAdminPermissions(clerk->id, {"clients.read"}).ok());
  auto reduced = auth_.TokenPrincipal(*clerk_token);
  ASSERT_TRUE(reduced.has_value());
  EXPECT_EQ(reduced->permissions, std::vector<std::string>{"clients.read"});
  EXPECT_FALSE(reduced->HasPermission("clients.write"));
  EXPECT_EQ(reduced->scopes, std::vector<std::string>{"clients:read"});
}

// Every host scope is bound to a host permission: an admin who does not hold it can neither
// grant the scope nor keep it through an older token.
TEST_F(AuthTest, HostScopesNeverExceedTheOwnersCurrentPermissions) {
  ASSERT_TRUE(auth_.CreateAdmin("boss@example.com", "Boss", "password-1").ok());
  std::vector<std::string> all = auth_.AllPermissions();
  int n = 0;
  for (const ScopeRule& rule : kHostScopes) {
    std::string email = "admin" + std::to_string(++n) + "@example.com";
    auto admin = auth_.CreateAdmin(email, "A", "password-1", "en", all);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    auto token = auth_.CreateApiToken(admin->id, "t", {std::string(rule.scope)});
    ASSERT_TRUE(token.ok()) << rule.scope;
    ASSERT_TRUE(auth_.TokenPrincipal(*token)->HasScope(rule.scope));

    std::vector<std::string> without;
    for (const auto& p : all) {
      if (p != rule.permission) without.push_back(p);
    }
    ASSERT_TRUE(auth_.SetAdminPermissions(admin->id, without).ok());
    auto p = auth_.TokenPrincipal(*token);
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(p->HasScope(rule.scope)) << rule.scope;
    EXPECT_FALSE(p->HasPermission(rule.permission)) << rule.scope;
    EXPECT_EQ(auth_.CreateApiToken(admin->id, "again", {std::string(rule.scope)}).status().code(),
              crm::StatusCode::kPermissionDenied)
        << rule.scope;
  }
}

TEST_F(AuthTest, ClientLoginPasswordsAndEmailConfirmation) {
  Client c;
  c.first_name = "Marie";
  c.last_name = "Dupont";
  c.email = "marie@example.com";
  c.language = "fr";
  auto created = clients_.Create(c);
  ASSERT_TRUE(created.ok());
  int64_t id = created->id;

  // No password, login off: refused.
  EXPECT_EQ(auth_.LoginClient("marie@example.com", "whatever1", "").status().code(),
            crm::StatusCode::kUnauthenticated);
  auto generated = auth_.GenerateClientPassword(id);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  // The password, then (the email being unconfirmed) the confirmation link.
  ASSERT_EQ(mails_.size(), 2u);
  EXPECT_EQ(mails_[0].to, "marie@example.com");
  EXPECT_NE(mails_[0].text_body.find(*generated), std::string::npos);
  EXPECT_NE(mails_[0].subject.find("mot de passe"), std::string::npos);  // in the client's language
  EXPECT_EQ(mails_[1].to, "marie@example.com");
  EXPECT_NE(mails_[1].text_body.find("/account/confirm?token="), std::string::npos);
  // Password right but login disabled.
  EXPECT_EQ(auth_.LoginClient("marie@example.com", *generated, "").status().code(),
            crm::StatusCode::kPermissionDenied);
  ASSERT_TRUE(clients_.SetLoginEnabled(id, true).ok());
  // Enabled, right password, but the email is not confirmed: refused, and said so.
  auto unconfirmed = auth_.LoginClient("marie@example.com", *generated, "");
  EXPECT_EQ(unconfirmed.status().code(), crm::StatusCode::kConflict);
  EXPECT_NE(unconfirmed.status().message().find("not confirmed"), std::string::npos);
  // A wrong password does not tell that the email is unconfirmed.
  EXPECT_EQ(auth_.LoginClient("marie@example.com", "wrong-password", "").status().code(),
            crm::StatusCode::kUnauthenticated);
  ASSERT_TRUE(auth_.SetEmailConfirmed(id, true).ok());
  EXPECT_TRUE(clients_.Get(id)->email_confirmed);
  EXPECT_EQ(auth_.SetEmailConfirmed(id + 1000, true).code(), crm::StatusCode::kNotFound);
  auto s = auth_.LoginClient("Marie@Example.com", *generated, "");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto p = auth_.SessionPrincipal(s->id);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->IsClient());
  EXPECT_EQ(p->client_id, id);
  EXPECT_EQ(p->language, "fr");
  // Disabling the login ends the session.
  ASSERT_TRUE(clients_.SetLoginEnabled(id, false).ok());
  EXPECT_FALSE(auth_.SessionPrincipal(s->id).has_value());

  ASSERT_TRUE(auth_.SetEmailConfirmed(id, false).ok());
  ASSERT_TRUE(auth_.SendEmailConfirmation(id).ok());
  ASSERT_EQ(mails_.size(), 3u);
  const std::string& body = mails_[2].text_body;
  size_t at = body.find("token=");
  ASSERT_NE(at, std::string::npos);
  std::string token = body.substr(at + 6, 64);
  EXPECT_NE(body.find("http://crm.test/account/confirm?token="), std::string::npos);
  EXPECT_FALSE(clients_.Get(id)->email_confirmed);
  auto confirmed = auth_.ConfirmEmail(token);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(*confirmed, id);
  EXPECT_TRUE(clients_.Get(id)->email_confirmed);
  // Confirmed: a new generated password comes alone.
  ASSERT_TRUE(auth_.GenerateClientPassword(id).ok());
  EXPECT_EQ(mails_.size(), 4u);
  EXPECT_EQ(auth_.ConfirmEmail(token).status().code(), crm::StatusCode::kNotFound);  // single use
  EXPECT_EQ(auth_.ConfirmEmail("x").status().code(), crm::StatusCode::kNotFound);
}

// The credentials the demo prints must work: its client logins are confirmed.
TEST_F(AuthTest, DemoClientLoginsWork) {
  auto demo = SeedDemo(tdb_.db(), clients_, auth_, 5);
  ASSERT_TRUE(demo.ok()) << demo.status().ToString();
  ASSERT_EQ(demo->client_logins.size(), 3u);
  for (const auto& [email, password] : demo->client_logins) {
    auto s = auth_.LoginClient(email, password, "127.0.0.1");
    EXPECT_TRUE(s.ok()) << email << ": " << s.status().ToString();
  }
  EXPECT_TRUE(auth_.LoginAdmin(demo->admin_email, demo->admin_password, "127.0.0.1").ok());
}

TEST_F(AuthTest, DisabledWinsOverUnconfirmed) {
  Client c;
  c.first_name = "Jan";
  c.email = "jan@example.com";
  auto created = clients_.Create(c);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(auth_.SetClientPassword(created->id, "password-jan").ok());
  EXPECT_EQ(auth_.LoginClient("jan@example.com", "password-jan", "").status().code(),
            crm::StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, ResendConfirmationTellsNothingAndIsRateLimited) {
  Client c;
  c.first_name = "Anna";
  c.email = "anna@example.com";
  c.language = "nl";
  auto created = clients_.Create(c);
  ASSERT_TRUE(created.ok());
  int64_t id = created->id;

  // Unknown email, login not enabled: Ok, and no mail.
  EXPECT_TRUE(auth_.ResendEmailConfirmation("ghost@example.com", "1.1.1.1").ok());
  EXPECT_TRUE(auth_.ResendEmailConfirmation("anna@example.com", "1.1.1.1").ok());
  EXPECT_TRUE(auth_.ResendEmailConfirmation("not an email", "1.1.1.1").ok());
  EXPECT_TRUE(mails_.empty());

  // Enabled and unconfirmed: a new link in the client's language.
  ASSERT_TRUE(clients_.SetLoginEnabled(id, true).ok());
  ASSERT_TRUE(auth_.ResendEmailConfirmation(" Anna@Example.com ", "1.1.1.2").ok());
  ASSERT_EQ(mails_.size(), 1u);
  EXPECT_EQ(mails_[0].to, "anna@example.com");
  EXPECT_EQ(mails_[0].subject, "Bevestig uw e-mailadres");
  size_t at = mails_[0].text_body.find("token=");
  ASSERT_NE(at, std::string::npos);
  ASSERT_TRUE(auth_.ConfirmEmail(mails_[0].text_body.substr(at + 6, 64)).ok());

  // Confirmed: nothing more is sent.
  EXPECT_TRUE(auth_.ResendEmailConfirmation("anna@example.com", "1.1.1.3").ok());
  EXPECT_EQ(mails_.size(), 1u);

  // Counted like failed logins: per email and address...
  for (int i = 0; i < kMaxFailedLogins; ++i) {
    EXPECT_TRUE(auth_.ResendEmailConfirmation("ghost@example.com", "2.2.2.2").ok()) << i;
  }
  EXPECT_EQ(auth_.ResendEmailConfirmation("ghost@example.com", "2.2.2.2").code(), crm::StatusCode::kUnavailable);
  // ...in their own bucket (the login of that email is not locked by it)...
  ASSERT_TRUE(auth_.CreateAdmin("ghost@example.com", "Ghost", "password-g").ok());
  EXPECT_TRUE(auth_.LoginAdmin("ghost@example.com", "password-g", "2.2.2.2").ok());
  // ...and in the address's overall count.
  for (int i = 0; i < kMaxFailedLoginsPerIp; ++i) {
    (void)auth_.ResendEmailConfirmation("x" + std::to_string(i) + "@example.com", "3.3.3.3");
  }
  EXPECT_EQ(auth_.LoginAdmin("ghost@example.com", "password-g", "3.3.3.3").status().code(),
            crm::StatusCode::kUnavailable);
}

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
  ASSERT_TRUE(auth_.CreateAdmin("boss@example.com", "Boss", "password-1", "fr").ok());
  auto s = auth_.LoginAdmin("boss@example.com", "password-1", "");
  ASSERT_TRUE(s.ok());
  auto token = auth_.CreateApiToken(s->principal.user_id, "t", {"clients:read"});
  ASSERT_TRUE(token.ok());
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
