// tests/http/multipart_builder_test.cc — the test client's MultipartBuilder writes RFC 7578 bodies
// that other parts' upload tests rely on: boundaries, part headers, closing delimiter.
#include <gtest/gtest.h>

#include "tests/support/http_client.h"

namespace crm_test {
namespace {

TEST(MultipartBuilder, BuildsFieldsAndFilesWithOneBoundary) {
  MultipartBuilder b;
  b.AddField("date_of_issue", "2024-01-31")
      .AddFile("file", "id card.pdf", "application/pdf", std::string("%PDF\0x", 6));
  std::string ct = b.ContentType();
  ASSERT_EQ(ct.rfind("multipart/form-data; boundary=", 0), 0u);
  std::string boundary = ct.substr(ct.find('=') + 1);
  ASSERT_FALSE(boundary.empty());
  std::string expected =
      "--" + boundary + "\r\n" +
      "Content-Disposition: form-data; name=\"date_of_issue\"\r\n\r\n2024-01-31\r\n" + "--" +
      boundary + "\r\n" +
      "Content-Disposition: form-data; name=\"file\"; filename=\"id card.pdf\"\r\n" +
      "Content-Type: application/pdf\r\n\r\n" + std::string("%PDF\0x", 6) + "\r\n" + "--" +
      boundary + "--\r\n";
  EXPECT_EQ(b.Build(), expected);
  EXPECT_NE(MultipartBuilder().ContentType(), ct);  // boundaries differ between builders
}

TEST(GenerateBytes, IsSeekableAndSeedDependent) {
  std::string whole(1000, '\0'), tail(500, '\0'), other(1000, '\0');
  GenerateBytes(3, 0, whole.data(), whole.size());
  GenerateBytes(3, 500, tail.data(), tail.size());
  GenerateBytes(4, 0, other.data(), other.size());
  EXPECT_EQ(whole.substr(500), tail);
  EXPECT_NE(whole, other);
}

}  // namespace
}  // namespace crm_test
