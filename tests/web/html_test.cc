// tests/web/html_test.cc — the pages' text helpers: escaping, URL encoding, the open-redirect
// check on `next`, id parsing and dates.
#include "sample-host/web/html.h"

#include <gtest/gtest.h>

namespace host::web {
namespace {

TEST(HtmlTest, EscapesEveryHtmlSpecialCharacter) {
  EXPECT_EQ(EscapeHtml("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(EscapeHtml("Élodie"), "Élodie");
}

TEST(HtmlTest, PercentEncodesReservedCharacters) {
  EXPECT_EQ(PercentEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(BuildQuery({{"filter[city]", "Liège"}, {"q", "x"}}), "filter%5Bcity%5D=Li%C3%A8ge&q=x");
}

TEST(HtmlTest, OnlyLocalPathsAreSafeRedirectTargets) {
  EXPECT_TRUE(IsSafeLocalPath("/admin/clients?x=1"));
  EXPECT_FALSE(IsSafeLocalPath("//evil.example/"));
  EXPECT_FALSE(IsSafeLocalPath("/\\evil.example"));
  EXPECT_FALSE(IsSafeLocalPath("https://evil.example/"));
  EXPECT_FALSE(IsSafeLocalPath("/a\r\nSet-Cookie: x"));
  EXPECT_FALSE(IsSafeLocalPath(""));
}

TEST(HtmlTest, ParsesOnlyPositiveDecimalIds) {
  EXPECT_EQ(ParseId("42"), 42);
  EXPECT_EQ(ParseId("0"), std::nullopt);
  EXPECT_EQ(ParseId("-3"), std::nullopt);
  EXPECT_EQ(ParseId("12abc"), std::nullopt);
  EXPECT_EQ(ParseId("1 OR 1=1"), std::nullopt);
  EXPECT_EQ(ParseId("99999999999999999999"), std::nullopt);
}

// Issue 15.14: instants in the host's zone and the reader's format, saying which zone.
TEST(HtmlTest, FormatsAndParsesDates) {
  HostTimeZone zone;
  EXPECT_EQ(FormatTime(0, "en", zone), "");
  EXPECT_EQ(FormatTime(1700000000, "en", zone), "2023-11-14 22:13 UTC");
  EXPECT_EQ(FormatDay(1700000000, "fr", zone), "14/11/2023");
  ASSERT_TRUE(zone.Set("Europe/Brussels").ok());
  EXPECT_EQ(FormatTime(1700000000, "fr", zone), "14/11/2023 23:13 (Europe/Brussels)");
  EXPECT_EQ(FormatTime(1700003000, "nl", zone), "15/11/2023 00:03 (Europe/Brussels)");
  EXPECT_EQ(FormatDay(1700003000, "en", zone), "2023-11-15");
  EXPECT_EQ(ParseDate("2023-11-14"), 1699920000);
  EXPECT_EQ(ParseDate("2023-13-01"), -1);
  EXPECT_EQ(ParseDate("yesterday"), -1);
}

}  // namespace
}  // namespace host::web
