// tests/text/messages_test.cc — technical messages matched against templates, placeholders filled
// (issue 15.9).
#include "text/messages.h"

#include <gtest/gtest.h>

namespace crm::text {
namespace {

TEST(MatchTemplate, BindsEachHoleAndRefusesOtherMessages) {
  auto files = MatchTemplate("at most {n} file(s)", "at most 2 file(s)");
  ASSERT_TRUE(files);
  EXPECT_EQ(*files, (Bound{{"n", "2"}}));
  auto labels =
      MatchTemplate("fields_{lang}: {n} labels for {m} fields", "fields_fr: 3 labels for 1 fields");
  ASSERT_TRUE(labels);
  EXPECT_EQ(*labels, (Bound{{"lang", "fr"}, {"n", "3"}, {"m", "1"}}));
  auto plain = MatchTemplate("name: required", "name: required");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->empty());
  for (const char* other : {"at most  file(s)", "at most 2 files", "name: required!", "at most 2",
                            "", "xat most 2 file(s)"})
    EXPECT_FALSE(MatchTemplate("at most {n} file(s)", other)) << other;
  EXPECT_FALSE(MatchTemplate("name: required", "name: required or not"));
}

TEST(FillPlaceholders, ReplacesEveryHoleOnceWithoutSearchingValuesAgain) {
  EXPECT_EQ(FillPlaceholders("{n} of {n} ({m})", {{"n", "{m}"}, {"m", "x"}}), "{m} of {m} (x)");
  EXPECT_EQ(FillPlaceholders("no holes", {{"n", "1"}}), "no holes");
}

TEST(FindKnownMessage, GivesTheFirstMatchingKey) {
  constexpr KnownMessage kKnown[] = {{"email: not a valid address", "msg.email"},
                                     {"at most {n} file(s)", "msg.files"}};
  auto found = FindKnownMessage(kKnown, "at most 3 file(s)");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first, "msg.files");
  EXPECT_EQ(found->second, (Bound{{"n", "3"}}));
  EXPECT_FALSE(FindKnownMessage(kKnown, "something else"));
}

}  // namespace
}  // namespace crm::text
