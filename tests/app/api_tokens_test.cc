// tests/app/api_tokens_test.cc — API tokens: scopes an admin may grant, and a token never worth
// more than its owner today (issue 15.2).
#include "sample-host/app/api_tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/app/auth_fixture.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST_F(AuthTest, TokenScopes) {
  auto boss = auth_.CreateAdmin("boss@example.com", "Boss", "password-1");
  auto clerk = auth_.CreateAdmin("clerk@example.com", "Clerk", "password-2", "en",
                                 {"clients.read", "documents.read"});
  ASSERT_TRUE(boss.ok() && clerk.ok());

  auto all = auth_.CreateApiToken(boss->id, "all");
  ASSERT_OK(all);
  EXPECT_EQ(all->rfind("crm_", 0), 0u);
  auto p = auth_.TokenPrincipal(*all);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->IsToken());
  for (const char* s :
       {"clients:read", "clients:write", "documents:read", "documents:write", "settings:write"}) {
    EXPECT_TRUE(p->HasScope(s)) << s;
  }
  // Stored hashed only.
  auto raw = tdb_.db().QueryOne("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", {*all});
  EXPECT_EQ((*raw)->Int(0), 0);

  // Without --scope: what that admin may do, nothing more.
  auto clerk_default = auth_.CreateApiToken(clerk->id, "default");
  ASSERT_OK(clerk_default);
  auto cp = auth_.TokenPrincipal(*clerk_default);
  ASSERT_TRUE(cp.has_value());
  EXPECT_EQ(cp->scopes, (std::vector<std::string>{"clients:read", "documents:read"}));

  auto read_only = auth_.CreateApiToken(boss->id, "ro", {"clients:read"});
  ASSERT_OK(read_only);
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
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  ASSERT_OK(auth_.RevokeApiToken((*list)[1].id));
  EXPECT_FALSE(auth_.TokenPrincipal(*read_only).has_value());
  ASSERT_OK(auth_.SetAdminActive(clerk->id, false));
  EXPECT_FALSE(auth_.TokenPrincipal(*clerk_default).has_value());

  // A token never outlives its owner's permissions.
  ASSERT_OK(auth_.SetAdminActive(clerk->id, true));
  ASSERT_OK(auth_.SetAdminPermissions(clerk->id, {"documents.read"}));
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

  ASSERT_OK(auth_.SetAdminPermissions(clerk->id, {"clients.read"}));
  auto reduced = auth_.TokenPrincipal(*clerk_token);
  ASSERT_TRUE(reduced.has_value());
  EXPECT_EQ(reduced->permissions, std::vector<std::string>{"clients.read"});
  EXPECT_FALSE(reduced->HasPermission("clients.write"));
  EXPECT_EQ(reduced->scopes, std::vector<std::string>{"clients:read"});
}

// Every host scope is bound to a host permission: an admin who does not hold it can neither
// grant the scope nor keep it through an older token.
TEST_F(AuthTest, HostScopesNeverExceedTheOwnersCurrentPermissions) {
  ASSERT_OK(auth_.CreateAdmin("boss@example.com", "Boss", "password-1"));
  std::vector<std::string> all = auth_.AllPermissions();
  int n = 0;
  for (const ScopeRule& rule : kHostScopes) {
    std::string email = "admin" + std::to_string(++n) + "@example.com";
    auto admin = auth_.CreateAdmin(email, "A", "password-1", "en", all);
    ASSERT_OK(admin) << admin.status().ToString();
    auto token = auth_.CreateApiToken(admin->id, "t", {std::string(rule.scope)});
    ASSERT_OK(token) << rule.scope;
    ASSERT_TRUE(auth_.TokenPrincipal(*token)->HasScope(rule.scope));

    std::vector<std::string> without;
    for (const auto& p : all) {
      if (p != rule.permission) without.push_back(p);
    }
    ASSERT_OK(auth_.SetAdminPermissions(admin->id, without));
    auto p = auth_.TokenPrincipal(*token);
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(p->HasScope(rule.scope)) << rule.scope;
    EXPECT_FALSE(p->HasPermission(rule.permission)) << rule.scope;
    EXPECT_EQ(auth_.CreateApiToken(admin->id, "again", {std::string(rule.scope)}).status().code(),
              crm::StatusCode::kPermissionDenied)
        << rule.scope;
  }
}

// Issue 10: a request's token check is ONE statement (the token, its active owner and the owner's
// permissions), plus the last_used_at write at most once a minute; a revoked token, a disabled
// owner and a withdrawn permission are refused by that same statement.
TEST_F(AuthTest, TokenCheckIsOneStatementAndRefusesRevokedTokensAndDisabledOwners) {
  testing::CountingDatabase counting(tdb_.db());
  AdminUsers admins(counting, registry_, [this] { return now_; });
  ApiTokens tokens(counting, admins, [this] { return now_; });
  auto boss = auth_.CreateAdmin("boss@example.com", "Boss", "password-1");
  auto clerk = auth_.CreateAdmin("clerk@example.com", "Clerk", "password-2", "en",
                                 {"clients.read", "clients.write", "documents.read"});
  ASSERT_TRUE(boss.ok() && clerk.ok());
  auto boss_token = tokens.Create(boss->id, "boss");
  auto clerk_token = tokens.Create(clerk->id, "clerk", {"clients:read", "clients:write"});
  ASSERT_TRUE(boss_token.ok() && clerk_token.ok());
  auto last_used = [&] {
    auto r = tdb_.db().QueryOne("SELECT COALESCE(last_used_at, 0) FROM api_tokens WHERE name = ?",
                                {std::string("clerk")});
    return (*r)->Int(0);
  };
  auto check = [&](const std::string& token, int* statements) {
    int before = counting.statements.load();
    auto p = tokens.Principal(token);
    *statements = counting.statements.load() - before;
    return p;
  };
  int n = 0;
  auto first = check(*clerk_token, &n);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(n, 2) << "the check, then the first last_used_at";
  EXPECT_EQ(last_used(), now_);
  EXPECT_EQ(first->user_id, clerk->id);
  EXPECT_EQ(first->email, "clerk@example.com");
  EXPECT_EQ(first->permissions,
            (std::vector<std::string>{"clients.read", "clients.write", "documents.read"}));
  EXPECT_EQ(first->scopes, (std::vector<std::string>{"clients:read", "clients:write"}));
  now_ += 59;
  ASSERT_TRUE(check(*clerk_token, &n).has_value());
  EXPECT_EQ(n, 1) << "within a minute: the check alone";
  EXPECT_EQ(last_used(), now_ - 59);
  now_ += 1;
  ASSERT_TRUE(check(*clerk_token, &n).has_value());
  EXPECT_EQ(n, 2);
  EXPECT_EQ(last_used(), now_);
  auto superuser = check(*boss_token, &n);
  ASSERT_TRUE(superuser.has_value());
  EXPECT_EQ(superuser->permissions, auth_.AllPermissions());
  EXPECT_TRUE(superuser->HasScope("settings:write"));

  // A permission withdrawn: the scope goes with it, in the same one statement.
  ASSERT_OK(auth_.SetAdminPermissions(clerk->id, {"clients.read"}));
  auto reduced = check(*clerk_token, &n);
  ASSERT_TRUE(reduced.has_value());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(reduced->permissions, std::vector<std::string>{"clients.read"});
  EXPECT_EQ(reduced->scopes, std::vector<std::string>{"clients:read"});

  // A disabled owner, then a revoked token: refused, and nothing written.
  ASSERT_OK(auth_.SetAdminActive(clerk->id, false));
  now_ += 600;
  EXPECT_FALSE(check(*clerk_token, &n).has_value());
  EXPECT_EQ(n, 1);
  ASSERT_OK(auth_.SetAdminActive(clerk->id, true));
  ASSERT_TRUE(check(*clerk_token, &n).has_value());
  auto list = auth_.ListApiTokens(clerk->id);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  ASSERT_OK(auth_.RevokeApiToken((*list)[0].id));
  int64_t before_revoked = last_used();
  now_ += 600;
  EXPECT_FALSE(check(*clerk_token, &n).has_value());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(last_used(), before_revoked);
  EXPECT_TRUE(check(*boss_token, &n).has_value()) << "the other admin's token still works";
}

}  // namespace
}  // namespace host
