// tests/app/admin_users_test.cc — admin accounts: the first admin holds every permission; a
// disabled admin loses their sessions.
#include "sample-host/app/admin_users.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/app/auth_fixture.h"
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

}  // namespace
}  // namespace host
