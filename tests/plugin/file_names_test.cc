// tests/plugin/file_names_test.cc — display names of uploaded files (plugin/file_names.h):
// invisible and bidirectional characters stripped, invalid UTF-8 replaced, and the
// extension of the sniffed type, so what is shown and downloaded is what the file is.
#include "plugin/file_names.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace cd {
namespace {

TEST(SanitizeFileNameTest, KeepsOnlyASafeDisplayName) {
  EXPECT_EQ(SanitizeFileName("C:\\Users\\me\\id.pdf"), "id.pdf");
  EXPECT_EQ(SanitizeFileName("../../.."), "file");
  EXPECT_EQ(SanitizeFileName(".hidden"), "hidden");
  EXPECT_EQ(SanitizeFileName("a\r\nb\"c<d>.pdf"), "abcd.pdf");
  EXPECT_EQ(SanitizeFileName(""), "file");
  std::string long_name;
  for (int i = 0; i < 150; ++i) long_name += "\xC3\xA9";  // 300 bytes of "é"
  std::string s = SanitizeFileName(long_name);
  EXPECT_LE(s.size(), 200u);
  EXPECT_EQ(s.size() % 2, 0u);  // not cut inside a character
}

TEST(SanitizeFileNameTest, StripsBidirectionalControls) {
  // "invoice<RLO>fdp.exe" shows as "invoiceexe.pdf" in a right-to-left-aware view.
  EXPECT_EQ(SanitizeFileName("invoice\u202Efdp.exe"), "invoicefdp.exe");
  for (const char* control : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067",
                              "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"}) {
    EXPECT_EQ(SanitizeFileName(std::string("a") + control + "b.pdf"), "ab.pdf") << control;
  }
}

TEST(SanitizeFileNameTest, StripsInvisibleCharactersAndControls) {
  for (const char* invisible : {"\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\x01",
                                "\x1F", "\x7F", "\u0080", "\u009F"}) {
    EXPECT_EQ(SanitizeFileName(std::string("a") + invisible + "b.pdf"), "ab.pdf") << invisible;
  }
  // Ordinary letters of every script stay.
  EXPECT_EQ(SanitizeFileName("Łódź – Café 東京.pdf"), "Łódź – Café 東京.pdf");
}

TEST(SanitizeFileNameTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(SanitizeFileName("a\xFF"
                             "b.pdf"),
            "a\uFFFDb.pdf");
  EXPECT_EQ(SanitizeFileName("\xC3(.pdf"), "\uFFFD(.pdf");                    // truncated sequence
  EXPECT_EQ(SanitizeFileName("\xC0\xAF.pdf"), "\uFFFD\uFFFD.pdf");            // overlong "/"
  EXPECT_EQ(SanitizeFileName("\xED\xA0\x80.pdf"), "\uFFFD\uFFFD\uFFFD.pdf");  // surrogate
  // Whatever comes in, the name is valid UTF-8: it serialises and parses back as JSON.
  std::string name = SanitizeFileName("\xF8\x88\x80\x80\x80 \xE2\x82.pdf");
  boost::system::error_code ec;
  boost::json::value back =
      boost::json::parse(boost::json::serialize(boost::json::value(name)), ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(NameForTypeTest, TheExtensionIsTheSniffedTypes) {
  EXPECT_EQ(NameForType("report.html", "application/pdf"), "report.pdf");
  EXPECT_EQ(NameForType("report", "application/pdf"), "report.pdf");
  EXPECT_EQ(NameForType("scan.PDF", "application/pdf"), "scan.PDF");
  EXPECT_EQ(NameForType("photo.jpeg", "image/jpeg"), "photo.jpeg");
  EXPECT_EQ(NameForType("photo.png", "image/jpeg"), "photo.jpg");
  EXPECT_EQ(NameForType("invoice.pdf.exe", "application/pdf"), "invoice.pdf.pdf");
  // A kind without a known extension keeps its name (it is served as an attachment).
  EXPECT_EQ(NameForType("data.xyz", "application/x-unknown-thing"), "data.xyz");
}

// Fuzz findings (tests/fuzz/file_names_fuzz): U+2065 and the other default-ignorable code
// points are invisible too; a long name cut at 200 bytes keeps its extension and never ends
// with a dot, so sanitising twice gives the same name.
TEST(SanitizeFileNameTest, FuzzFindingsStayFixed) {
  EXPECT_EQ(SanitizeFileName("a\u2065b\U000E0041c\u180Bd\u3164.pdf"), "abcd.pdf");
  EXPECT_EQ(SanitizeFileName("x\uFE0F.png"), "x\uFE0F.png");  // emoji variation selector kept
  std::string long_name(300, 'a');
  std::string cut = SanitizeFileName(long_name + ".pdf");
  EXPECT_EQ(cut.size(), 200u);
  EXPECT_EQ(cut.substr(cut.size() - 4), ".pdf");
  std::string dots = SanitizeFileName(std::string(198, 'b') + "2.PDF");
  EXPECT_EQ(SanitizeFileName(dots), dots);
  std::string e_acute;
  for (int i = 0; i < 150; ++i) e_acute += "\u00E9";  // 300 bytes of 2-byte characters
  std::string whole = SanitizeFileName(e_acute + "2.");
  EXPECT_LE(whole.size(), 200u);
  EXPECT_NE(whole.back(), '.');
  EXPECT_EQ(SanitizeFileName(whole), whole);
}

}  // namespace
}  // namespace cd
