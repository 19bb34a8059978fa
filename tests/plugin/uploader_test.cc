// tests/plugin/uploader_test.cc — the stored actor labels (ActorLabel) as readers see them:
// a staff member's name, "you" for the client themself, the client's name for staff, "API".
#include "plugin/uploader.h"

#include <gtest/gtest.h>

#include "plugin/access.h"
#include "tests/plugin/test_env.h"

namespace cd {
namespace {

const UploaderWords kFrench{"vous", "le client", "API"};

TEST(UploaderTest, EachStoredLabelBecomesWhatAPersonReads) {
  crm::Principal admin = cd_test::Admin();
  admin.display_name = "Marie Dupont";
  EXPECT_EQ(UploaderText(ActorLabel(admin), false, "Jan Peeters", kFrench), "Marie Dupont");
  EXPECT_EQ(UploaderText(ActorLabel(admin), true, "", kFrench), "Marie Dupont");

  const std::string client = ActorLabel(cd_test::Client(4));
  EXPECT_EQ(UploaderText(client, /*reader_is_the_client=*/true, "Jan Peeters", kFrench), "vous");
  EXPECT_EQ(UploaderText(client, false, "Jan Peeters", kFrench), "Jan Peeters");
  EXPECT_EQ(UploaderText(client, false, "", kFrench), "le client");

  crm::Principal token = cd_test::Token({"documents:write"});
  token.email = "robot@example.com";
  EXPECT_EQ(UploaderText(ActorLabel(token), false, "Jan Peeters", kFrench), "API");
  EXPECT_EQ(UploaderText(ActorLabel(token), true, "", kFrench), "API");
}

TEST(UploaderTest, UnknownLabelsStayAsStored) {
  EXPECT_EQ(UploaderText("", false, "Jan", kFrench), "");
  EXPECT_EQ(UploaderText("demo seeder", false, "Jan", kFrench), "demo seeder");
}

}  // namespace
}  // namespace cd
