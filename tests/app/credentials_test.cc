// tests/app/credentials_test.cc — Argon2id password hashes and generated passwords.
#include "sample-host/app/credentials.h"
#include "tests/support/status_matchers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace host {
namespace {

TEST(Password, Argon2idHashVerifies) {
  auto h = HashPassword("correct horse battery staple");
  ASSERT_OK(h);
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword("$2b$10$notargon", "x"));
  EXPECT_FALSE(VerifyPassword("", ""));
  auto again = HashPassword("correct horse battery staple");
  EXPECT_NE(*h, *again);  // salted
}

TEST(Password, GeneratedPasswordsAreLongAndDistinct) {
  std::string a = GeneratePassword(), b = GeneratePassword();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("0O1lI"), std::string::npos);
}

}  // namespace
}  // namespace host
