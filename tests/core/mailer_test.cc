// tests/core/mailer_test.cc — outgoing mail: RFC 2047 subjects, quoted-printable bodies, header
// injection refused, and messages that appear in the outbox whole (no temp files left behind).
#include "sample-host/core/mailer.h"

#include <gtest/gtest.h>

#include "sample-host/core/clock.h"
#include "tests/core/temp_dir.h"

namespace host {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  return out;
}

TEST(MailerTest, WritesOneCompleteMessageWithEncodedSubject) {
  testing::TempDir dir;
  FixedClock clock(1795000000);  // 2026-11-18T...
  Mailer mailer(dir.path() / "outbox", "CRM <no-reply@crm.example>", clock);
  crm::MailMessage m{
      "marie@example.test", "Vos documents sont arrivés ✓",
      "Bonjour Marie,\nLe document « Carte d'identité » est reçu.\nÀ bientôt = merci\n"};
  ASSERT_TRUE(mailer.Send(m).ok());
  auto files = Files(dir.path() / "outbox");
  ASSERT_EQ(files.size(), 1u);  // no temp file left
  EXPECT_EQ(files[0].extension(), ".eml");
  EXPECT_EQ(files[0].filename().string().rfind("1795000000-", 0), 0u);
  std::string text = testing::ReadFile(files[0]);
  EXPECT_NE(text.find("To: marie@example.test\r\n"), std::string::npos);
  EXPECT_NE(text.find("From: CRM <no-reply@crm.example>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Date: Wed, 18 Nov 2026 "), std::string::npos) << text;
  EXPECT_NE(text.find("Subject: =?UTF-8?B?Vm9zIGRvY3VtZW50cyBzb250IGFycml2w6lzIOKckw==?=\r\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Message-ID: <"), std::string::npos);
  EXPECT_NE(text.find("@crm.example>\r\n"), std::string::npos);
  EXPECT_NE(text.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Transfer-Encoding: quoted-printable\r\n\r\nBonjour Marie,\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("=C3=80 bient=C3=B4t =3D merci\r\n"), std::string::npos) << text;
  for (size_t pos = 0, eol; (eol = text.find("\r\n", pos)) != std::string::npos; pos = eol + 2) {
    EXPECT_LE(eol - pos, 78u) << text.substr(pos, eol - pos);
  }
  EXPECT_EQ(fs::status(dir.path() / "outbox").permissions() & fs::perms::all, fs::perms::owner_all);

  ASSERT_TRUE(mailer.Send(m).ok());
  EXPECT_EQ(Files(dir.path() / "outbox").size(), 2u);  // distinct names in the same second
}

TEST(MailerTest, HeaderInjectionAndBadAddressesAreRefused) {
  testing::TempDir dir;
  FixedClock clock(0);
  Mailer mailer(dir.path() / "outbox", "crm@example.test", clock);
  const crm::MailMessage bad[] = {
      {"victim@example.test\r\nBcc: all@example.test", "hi", "x"},
      {"victim@example.test", "hi\r\nBcc: all@example.test", "x"},
      {"victim@example.test", "hi\nX-Evil: 1", "x"},
      {"a@example.test, b@example.test", "hi", "x"},
      {"Name <a@example.test>", "hi", "x"},
      {"no-at-sign", "hi", "x"},
      {"", "hi", "x"},
  };
  for (const auto& m : bad) {
    crm::Status s = mailer.Send(m);
    EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument) << m.to << " / " << m.subject;
  }
  EXPECT_FALSE(fs::exists(dir.path() / "outbox") && !Files(dir.path() / "outbox").empty());
}

TEST(MailerTest, EncodingHelpers) {
  EXPECT_EQ(EncodeHeaderWord("Plain ASCII"), "Plain ASCII");
  EXPECT_EQ(EncodeHeaderWord("é"), "=?UTF-8?B?w6k=?=");
  EXPECT_EQ(EncodeHeaderWord("=?x?="), "=?UTF-8?B?PT94Pz0=?=");
  // A long subject is folded into several words, never splitting a character.
  std::string long_subject;
  for (int i = 0; i < 40; ++i) long_subject += "é";
  std::string folded = EncodeHeaderWord(long_subject);
  EXPECT_NE(folded.find("?=\r\n =?UTF-8?B?"), std::string::npos);
  for (size_t pos = 0, eol; pos < folded.size(); pos = eol + 3) {
    eol = folded.find("\r\n ", pos);
    if (eol == std::string::npos) eol = folded.size();
    EXPECT_LE(eol - pos, 75u);
  }
  EXPECT_EQ(EncodeQuotedPrintable("a b \nc"), "a b=20\r\nc");
  std::string qp = EncodeQuotedPrintable(std::string(200, 'x'));
  EXPECT_NE(qp.find("=\r\n"), std::string::npos);
  for (size_t pos = 0, eol; (eol = qp.find("\r\n", pos)) != std::string::npos; pos = eol + 2)
    EXPECT_LE(eol - pos, 76u);
}

}  // namespace
}  // namespace host
