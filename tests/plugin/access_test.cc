// tests/plugin/access_test.cc — the access rules of plugin/access.h: clients, admins with
// permissions, and API tokens, which need their scope AND their owner's permission.
#include "plugin/access.h"

#include <gtest/gtest.h>

#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

crm::Principal TokenOf(std::vector<std::string> scopes, std::vector<std::string> permissions) {
  crm::Principal p = cd_test::Token(std::move(scopes));
  p.permissions = std::move(permissions);
  return p;
}

DocumentType Type(UploadMode mode = UploadMode::kOptional, bool active = true) {
  DocumentType t;
  t.id = 3;
  t.upload_mode = mode;
  t.active = active;
  return t;
}

TEST(AccessTest, ATokenReadsWithTheScopeAndItsOwnersPermission) {
  EXPECT_OK(CheckRead(TokenOf({kScopeRead}, {kPermRead}), 7));
  // The owner lost documents.read: the token loses it too.
  EXPECT_EQ(CheckRead(TokenOf({kScopeRead}, {}), 7).code(), crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckRead(TokenOf({kScopeRead}, {kPermWrite}), 7).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckRead(TokenOf({}, {kPermRead}), 7).code(), crm::StatusCode::kPermissionDenied);
}

TEST(AccessTest, ATokenWritesWithTheScopeAndItsOwnersPermission) {
  EXPECT_OK(CheckWrite(TokenOf({kScopeWrite}, {kPermWrite}), 7, Type()));
  EXPECT_EQ(CheckWrite(TokenOf({kScopeWrite}, {kPermRead}), 7, Type()).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckWrite(TokenOf({kScopeRead}, {kPermWrite}), 7, Type()).code(),
            crm::StatusCode::kPermissionDenied);
}

TEST(AccessTest, ATokenChangesSettingsWithTheScopeAndItsOwnersPermission) {
  EXPECT_OK(CheckSettings(TokenOf({kScopeSettings}, {kPermSettings})));
  EXPECT_EQ(CheckSettings(TokenOf({kScopeSettings}, {kPermRead, kPermWrite})).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckSettings(TokenOf({kScopeWrite}, {kPermSettings})).code(),
            crm::StatusCode::kPermissionDenied);
}

TEST(AccessTest, ReadingTypesNeedsOnlyADocumentsScope) {
  // Any admin may read the types on the pages, so a token needs no permission for it.
  EXPECT_OK(CheckReadTypes(TokenOf({kScopeRead}, {})));
  EXPECT_OK(CheckReadTypes(TokenOf({kScopeSettings}, {})));
  EXPECT_EQ(CheckReadTypes(TokenOf({"clients:read"}, {kPermRead})).code(),
            crm::StatusCode::kPermissionDenied);
}

TEST(AccessTest, AdminsNeedThePermission) {
  EXPECT_OK(CheckRead(cd_test::Admin({kPermRead}), 7));
  EXPECT_EQ(CheckRead(cd_test::Admin({}), 7).code(), crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckWrite(cd_test::Admin({kPermRead}), 7, Type()).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckSettings(cd_test::Admin({kPermWrite})).code(), crm::StatusCode::kPermissionDenied);
}

TEST(AccessTest, AClientOnlyItsOwnAndNeverStaffOnlyOrArchivedTypes) {
  EXPECT_OK(CheckRead(cd_test::Client(7), 7));
  EXPECT_EQ(CheckRead(cd_test::Client(7), 8).code(), crm::StatusCode::kNotFound);
  EXPECT_OK(CheckWrite(cd_test::Client(7), 7, Type()));
  EXPECT_EQ(CheckWrite(cd_test::Client(7), 8, Type()).code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(CheckWrite(cd_test::Client(7), 7, Type(UploadMode::kAdminOnly)).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckWrite(cd_test::Client(7), 7, Type(UploadMode::kOptional, false)).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckSettings(cd_test::Client(7)).code(), crm::StatusCode::kPermissionDenied);
}

TEST(AccessTest, AnonymousMustLogIn) {
  EXPECT_EQ(CheckRead(crm::Principal{}, 7).code(), crm::StatusCode::kUnauthenticated);
  EXPECT_EQ(CheckReadTypes(crm::Principal{}).code(), crm::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace cd
