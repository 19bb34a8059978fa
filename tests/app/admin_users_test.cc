// tests/app/admin_users_test.cc — admin accounts: the first admin holds every permission; a
// disabled admin loses their sessions.
#include "sample-host/app/admin_users.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/app/auth_fixture.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST_F(AuthTest, FirstAdminGetsEveryPermissionOthersWhatTheyAreGiven) {
  auto first = auth_.CreateAdmin("Boss@Example.com", "Boss", "password-1");
  ASSERT_OK(first) << first.status().ToString();
  EXPECT_EQ(first->email, "boss@example.com");
  for (const char* p : {"clients.read", "clients.write", "clients.delete", "clients.import_export",
                        "plugins.manage", "documents.read", "documents.write"}) {
    EXPECT_NE(std::find(first->permissions.begin(), first->permissions.end(), p),
              first->permissions.end())
        << p;
  }
  auto second =
      auth_.CreateAdmin("clerk@example.com", "Clerk", "password-2", "fr", {"clients.read"});
  ASSERT_OK(second);
  EXPECT_EQ(second->permissions, std::vector<std::string>{"clients.read"});
  EXPECT_EQ(auth_.CreateAdmin("BOSS@example.com", "", "password-3").status().code(),
            crm::StatusCode::kConflict);
  EXPECT_EQ(auth_.CreateAdmin("x@example.com", "", "short").status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_.CreateAdmin("nope", "", "password-3").status().code(),
            crm::StatusCode::kInvalidArgument);
}

TEST_F(AuthTest, DisabledAdminLosesSessions) {
  auto a = auth_.CreateAdmin("boss@example.com", "Boss", "password-1");
  ASSERT_OK(a);
  auto s = auth_.LoginAdmin("boss@example.com", "password-1", "");
  ASSERT_OK(s);
  ASSERT_OK(auth_.SetAdminActive(a->id, false));
  EXPECT_FALSE(auth_.SessionPrincipal(s->id).has_value());
  EXPECT_EQ(auth_.LoginAdmin("boss@example.com", "password-1", "").status().code(),
            crm::StatusCode::kPermissionDenied);
}

// Issue 10: a session's admin (and a token's owner) is read with its permissions in ONE
// statement, whatever the number of permissions.
TEST_F(AuthTest, FindReadsAnAdminAndItsPermissionsInOneStatement) {
  testing::CountingDatabase counting(tdb_.db());
  AdminUsers admins(counting, registry_, [this] { return now_; });
  auto boss = auth_.CreateAdmin("boss@example.com", "Boss", "password-1");
  auto clerk = auth_.CreateAdmin("clerk@example.com", "Clerk", "password-2", "nl",
                                 {"documents.read", "clients.write", "clients.read"});
  auto none = auth_.CreateAdmin("none@example.com", "None", "password-3");
  ASSERT_TRUE(boss.ok() && clerk.ok() && none.ok());
  int before = counting.statements.load();
  auto c = admins.Find(clerk->id);
  auto b = admins.Find(boss->id);
  auto n = admins.Find(none->id);
  EXPECT_EQ(counting.statements.load() - before, 3);
  ASSERT_TRUE(c.ok() && b.ok() && n.ok());
  EXPECT_EQ(c->email, "clerk@example.com");
  EXPECT_EQ(c->name, "Clerk");
  EXPECT_EQ(c->language, "nl");
  EXPECT_TRUE(c->active);
  EXPECT_FALSE(c->superuser);
  EXPECT_EQ(c->permissions,
            (std::vector<std::string>{"clients.read", "clients.write", "documents.read"}));
  EXPECT_TRUE(b->superuser);
  EXPECT_EQ(b->permissions, auth_.AllPermissions());
  EXPECT_FALSE(n->superuser);
  EXPECT_TRUE(n->permissions.empty());
  EXPECT_EQ(admins.ScopesOf(*n), std::vector<std::string>{});
  EXPECT_EQ(admins.ScopesOf(*b), admins.AllScopes());
  EXPECT_EQ(admins.Find(9999).status().code(), crm::StatusCode::kNotFound);
}

}  // namespace
}  // namespace host
