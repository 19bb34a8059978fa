// tests/text/text_test.cc — the shared text helpers of text/text.h.
#include "text/text.h"

#include <gtest/gtest.h>

#include "host-api/http.h"
#include "host-api/services.h"
#include "host-api/status.h"
#include "tests/support/status_matchers.h"
#include "text/local_time.h"

namespace crm::text {
namespace {

TEST(TextTest, TrimRemovesBlanksOnly) {
  EXPECT_EQ(Trim(" \t a b \t"), "a b");
  EXPECT_EQ(Trim("\na\r"), "\na\r");
  EXPECT_EQ(TrimAll("\r\n a \v\f"), "a");
  EXPECT_EQ(Trim(""), "");
}

TEST(TextTest, ParseIdAcceptsPositiveDecimalOnly) {
  EXPECT_EQ(ParseId("12"), 12);
  EXPECT_EQ(ParseId("999999999999999999"), 999999999999999999);
  for (const char* bad :
       {"", "0", "00", "-3", "+3", " 3", "3 ", "1e3", "007x", "1234567890123456789"})
    EXPECT_EQ(ParseId(bad), std::nullopt) << bad;
  EXPECT_EQ(ParseId(std::optional<std::string>()), std::nullopt);
  EXPECT_EQ(ParseId(std::optional<std::string>("7")), 7);
}

TEST(TextTest, EscapeHtmlEscapesTheFiveCharacters) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(EscapeHtml("Élise"), "Élise");
}

TEST(TextTest, PercentEncodingRoundTrips) {
  EXPECT_EQ(PercentEncode("a b/é~"), "a%20b%2F%C3%A9~");
  EXPECT_EQ(PercentDecode("a%20b%2F%C3%A9~", false), "a b/é~");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%41", false), "A");
  EXPECT_EQ(PercentDecodeLenient("100%+sure%zz"), "100% sure%zz");
}

TEST(TextTest, BestAcceptLanguagePicksHighestQuality) {
  EXPECT_EQ(BestAcceptLanguage("fr-BE,fr;q=0.9,en;q=0.5"), "fr");
  EXPECT_EQ(BestAcceptLanguage("de-DE, nl;q=0.4, en;q=0.6"), "en");
  EXPECT_EQ(BestAcceptLanguage("NL-be"), "nl");
  EXPECT_EQ(BestAcceptLanguage("en;q=0, de"), "");
  EXPECT_EQ(BestAcceptLanguage("fr;q=0.5, nl;q=0.5"), "fr");
  EXPECT_EQ(BestAcceptLanguage(""), "");
  EXPECT_EQ(BestAcceptLanguage("fr;q=abc"), "");
}

TEST(TextTest, IsLanguageKnowsTheThree) {
  EXPECT_TRUE(crm::IsLanguage("en"));
  EXPECT_TRUE(crm::IsLanguage("nl"));
  EXPECT_FALSE(crm::IsLanguage("de"));
  EXPECT_FALSE(crm::IsLanguage("FR"));
}

Result<int> Half(int n) {
  if (n % 2) return InvalidArgument("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  CRM_ASSIGN_OR_RETURN(int half, Half(n));
  CRM_ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

TEST(StatusMacrosTest, AssignOrReturnPropagatesTheFirstError) {
  ASSERT_OK(Quarter(8));
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().ToString(), "invalid_argument: odd");
  EXPECT_EQ(Quarter(7).status().code(), StatusCode::kInvalidArgument);
  EXPECT_OK(Status::Ok());
}

}  // namespace
}  // namespace crm::text

// host-api/services.h: the one-string postal address plugins get in ClientInfo::address.
TEST(FormatPostalAddress, JoinsThePartsThatAreThere) {
  EXPECT_EQ(crm::FormatPostalAddress("Rue Haute 12", "1000", "Bruxelles", "BE"),
            "Rue Haute 12\n1000 Bruxelles\nBE");
  EXPECT_EQ(crm::FormatPostalAddress("", "", "Gent", ""), "Gent");
  EXPECT_EQ(crm::FormatPostalAddress("Markt 1", "9000", "", "BE"), "Markt 1\n9000\nBE");
  EXPECT_EQ(crm::FormatPostalAddress("", "", "", ""), "");
}

// Issue 15.14 / 14: the avatar's initials keep accented letters whole ("Élise Roux" -> "ÉR").
TEST(UpperInitialTest, KeepsTheWholeLetterInUpperCase) {
  EXPECT_EQ(crm::text::UpperInitial("marie"), "M");
  EXPECT_EQ(crm::text::UpperInitial("Élise"), "É");
  EXPECT_EQ(crm::text::UpperInitial("élise"), "É");
  EXPECT_EQ(crm::text::UpperInitial("çà"), "Ç");
  EXPECT_EQ(crm::text::UpperInitial("łukasz"), "Ł");
  EXPECT_EQ(crm::text::UpperInitial("ÿvonne"), "Ÿ");
  EXPECT_EQ(crm::text::UpperInitial("ørsted"), "Ø");
  EXPECT_EQ(crm::text::UpperInitial("жанна"), "Ж");
  EXPECT_EQ(crm::text::UpperInitial("東京"), "東");
  EXPECT_EQ(crm::text::UpperInitial("42 Corp"), "4");
  EXPECT_EQ(crm::text::UpperInitial(""), "");
  EXPECT_EQ(crm::text::UpperInitial(" x"), "");
  EXPECT_EQ(crm::text::UpperInitial("«Le»"), "");
  EXPECT_EQ(crm::text::UpperInitial("\xC3"), "");      // cut in half
  EXPECT_EQ(crm::text::UpperInitial("\xC3\x28"), "");  // bad continuation
  EXPECT_EQ(crm::text::UpperInitial("\xFF\xFE"), "");  // not UTF-8
}

// Issue 11: one formatter of a YYYY-MM-DD for readers, 31/12/2026 in French and Dutch.
TEST(LocalIsoDate, IsoInEnglishDaySlashMonthInFrenchAndDutch) {
  EXPECT_EQ(crm::text::LocalIsoDate("en", "2026-12-31"), "2026-12-31");
  EXPECT_EQ(crm::text::LocalIsoDate("fr", "2026-12-31"), "31/12/2026");
  EXPECT_EQ(crm::text::LocalIsoDate("nl", "2026-12-31"), "31/12/2026");
  EXPECT_EQ(crm::text::LocalIsoDate("nl", "31-12-2026"), "31-12-2026");  // not ISO: as it is
  EXPECT_EQ(crm::text::LocalIsoDate("fr", ""), "");
}

// Issue 15.14: an instant in the reader's format at the host zone's offset, saying which zone; the
// date is the local one (23:30 UTC on the 31st is already the 1st in Brussels).
TEST(LocalDateTime, ShiftsByTheOffsetAndNamesTheZone) {
  const int64_t t = 1798759800;  // 2026-12-31 23:30 UTC
  EXPECT_EQ(crm::text::LocalDateTime("en", t, 0, "UTC"), "2026-12-31 23:30 UTC");
  EXPECT_EQ(crm::text::LocalDateTime("fr", t, 0, ""), "31/12/2026 23:30 UTC");
  EXPECT_EQ(crm::text::LocalDateTime("fr", t, 3600, "Europe/Brussels"),
            "01/01/2027 00:30 (Europe/Brussels)");
  EXPECT_EQ(crm::text::LocalDateTime("nl", t - 3600 * 10, 7200, "Europe/Brussels"),
            "31/12/2026 15:30 (Europe/Brussels)");
  EXPECT_EQ(crm::text::LocalDate("en", t, 3600), "2027-01-01");
  EXPECT_EQ(crm::text::LocalDate("nl", t, -5 * 3600), "31/12/2026");
}

TEST(FillPlaceholders, ReplacesEveryOccurrenceAndLeavesUnknownOnes) {
  EXPECT_EQ(crm::text::FillPlaceholders("{a} and {a}, {b}; {c}", {{"a", "x{a}"}, {"b", ""}}),
            "x{a} and x{a}, ; {c}");
}
