// tests/http/http_text_test.cc — unit tests of the HTTP text rules (decoding, Range, cookies,
// Content-Disposition, local redirects, constant-time compare) that the server relies on.
#include "sample-host/http/http_text.h"

#include <gtest/gtest.h>

namespace host::http_text {
namespace {

// The server's paths decode with crm::text::PercentDecode (strict): a bad escape is a 400.
TEST(HttpText, PathDecodingRejectsMalformedEscapes) {
  EXPECT_EQ(DecodeRequestPath("/a%20b+c").value(), "/a b+c");
  EXPECT_FALSE(DecodeRequestPath("/bad%2").has_value());
  EXPECT_FALSE(DecodeRequestPath("/bad%zz").has_value());
}

TEST(HttpText, ParseUrlEncodedKeepsOrderAndDecodes) {
  auto q = ParseUrlEncoded("filter%5Bdoc.3%5D=uploaded&q=J%C3%A9r%C3%B4me+D&flag&&x=%zz");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].first, "filter[doc.3]");
  EXPECT_EQ(q[0].second, "uploaded");
  EXPECT_EQ(q[1].second, "J\xC3\xA9r\xC3\xB4me D");
  EXPECT_EQ(q[2].first, "flag");
  EXPECT_EQ(q[2].second, "");
  EXPECT_EQ(q[3].second, "%zz");  // kept literally
}

TEST(HttpText, RequestFramingMustBeUnambiguous) {
  using H = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(CheckRequestFraming(H{}), Framing::kOk);
  EXPECT_EQ(CheckRequestFraming(H{{"Content-Length", "5"}}), Framing::kOk);
  EXPECT_EQ(CheckRequestFraming(H{{"transfer-encoding", "Chunked"}}), Framing::kOk);
  for (const char* te : {"xchunked", "gzip", "identity", "chunked, identity", "chunked, chunked",
                         "gzip, chunked", ""}) {
    EXPECT_EQ(CheckRequestFraming(H{{"Transfer-Encoding", te}}), Framing::kAmbiguous) << te;
  }
  EXPECT_EQ(
      CheckRequestFraming(H{{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "identity"}}),
      Framing::kAmbiguous);
  // Fuzz findings: a second, empty field, or an empty element, is refused too.
  EXPECT_EQ(CheckRequestFraming(H{{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", ""}}),
            Framing::kAmbiguous);
  EXPECT_EQ(
      CheckRequestFraming(H{{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}),
      Framing::kAmbiguous);
  EXPECT_EQ(CheckRequestFraming(H{{"Transfer-Encoding", "chunked,"}}), Framing::kAmbiguous);
  EXPECT_EQ(CheckRequestFraming(H{{"Transfer-Encoding", ", chunked"}}), Framing::kAmbiguous);
  EXPECT_EQ(CheckRequestFraming(H{{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}),
            Framing::kAmbiguous);
  EXPECT_EQ(CheckRequestFraming(H{{"Content-Length", "5"}, {"Content-Length", "5"}}),
            Framing::kAmbiguous);
  for (const char* cl : {"5, 5", "5,6", "+5", "0x5", "", "-1", "5 5"}) {
    EXPECT_EQ(CheckRequestFraming(H{{"Content-Length", cl}}), Framing::kAmbiguous) << cl;
  }
}

TEST(HttpText, FindCookie) {
  EXPECT_EQ(FindCookie("a=1; session=abc; b=\"q\"", "session").value(), "abc");
  EXPECT_EQ(FindCookie("a=1; b=\"q\"", "b").value(), "q");
  EXPECT_FALSE(FindCookie("xsession=1", "session").has_value());
}

TEST(HttpText, ParseRangeForms) {
  ByteRange r;
  EXPECT_EQ(ParseRange("bytes=0-9", 100, &r), RangeKind::kSatisfiable);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 9u);
  EXPECT_EQ(ParseRange("bytes=90-", 100, &r), RangeKind::kSatisfiable);
  EXPECT_EQ(r.first, 90u);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(ParseRange("bytes=-5", 100, &r), RangeKind::kSatisfiable);
  EXPECT_EQ(r.first, 95u);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(ParseRange("bytes=-500", 100, &r), RangeKind::kSatisfiable);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(ParseRange("bytes=50-1000", 100, &r), RangeKind::kSatisfiable);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(ParseRange("bytes=100-", 100, &r), RangeKind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-0", 100, &r), RangeKind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=0-1,5-6", 100, &r), RangeKind::kNone);
  EXPECT_EQ(ParseRange("items=0-1", 100, &r), RangeKind::kNone);
  EXPECT_EQ(ParseRange("bytes=9-1", 100, &r), RangeKind::kNone);
  EXPECT_EQ(ParseRange("bytes=x-1", 100, &r), RangeKind::kNone);
}

TEST(HttpText, ContentDispositionIsSafeForHostileNames) {
  std::string cd = ContentDisposition("../\xC3\xA9vil\"\r\n.pdf", false);
  EXPECT_EQ(cd.find('\r'), std::string::npos);
  EXPECT_EQ(cd.find('\n'), std::string::npos);
  EXPECT_EQ(cd.rfind("attachment; ", 0), 0u);
  EXPECT_NE(cd.find("filename=\"_vil.pdf\""), std::string::npos) << cd;
  EXPECT_NE(cd.find("filename*=UTF-8''%C3%A9vil%22.pdf"), std::string::npos) << cd;
  EXPECT_EQ(cd.find(".."), std::string::npos);
  EXPECT_EQ(cd.find('/'), std::string::npos);

  // A Windows path keeps only its last component.
  EXPECT_NE(ContentDisposition("C:\\Users\\x\\id.pdf", false).find("filename=\"id.pdf\""),
            std::string::npos);

  std::string dots = ContentDisposition("..", true);
  EXPECT_EQ(dots.rfind("inline; ", 0), 0u);
  EXPECT_NE(dots.find("filename=\"download\""), std::string::npos) << dots;
}

TEST(HttpText, DecodeRequestPathRefusesTraversalAndEncodedSlash) {
  EXPECT_EQ(DecodeRequestPath("/a/b%20c").value(), "/a/b c");
  EXPECT_EQ(DecodeRequestPath("/").value(), "/");
  EXPECT_FALSE(DecodeRequestPath("/a/../b").has_value());
  EXPECT_FALSE(DecodeRequestPath("/a/%2e%2e/b").has_value());
  EXPECT_FALSE(DecodeRequestPath("/a%2Fb").has_value());
  EXPECT_FALSE(DecodeRequestPath("/a%00b").has_value());
  EXPECT_FALSE(DecodeRequestPath("a/b").has_value());
}

TEST(HttpText, LocalRedirectsOnly) {
  EXPECT_TRUE(IsLocalRedirect("/admin/clients?x=1"));
  EXPECT_FALSE(IsLocalRedirect("//evil.example/"));
  EXPECT_FALSE(IsLocalRedirect("/\\evil.example/"));
  EXPECT_FALSE(IsLocalRedirect("https://evil.example/"));
  EXPECT_FALSE(IsLocalRedirect("/ok\r\nSet-Cookie: x=1"));
  EXPECT_FALSE(IsLocalRedirect(""));
}

TEST(HttpText, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(HttpText, JsonEscape) { EXPECT_EQ(JsonEscape("a\"b\\c\n<"), "a\\\"b\\\\c\\n\\u003c"); }

TEST(HttpText, MultipartBoundary) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data; charset=x; Boundary=\"a b\""), "a b");
  EXPECT_EQ(MultipartBoundary("multipart/mixed; boundary=abc"), "");
  EXPECT_EQ(MultipartBoundary("multipart/form-data"), "");
  EXPECT_EQ(MultipartBoundary("application/x-www-form-urlencoded"), "");
}

// Issue 15.14: the `_csrf` field a page's multipart form sends first.
TEST(HttpText, FirstMultipartFieldIsOnlyTheFirstCompleteTextPart) {
  const std::string ct = "multipart/form-data; boundary=XyZ";
  const std::string csrf_part =
      "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok123\r\n";
  const std::string file_part =
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n%PDF\r\n--XyZ--\r\n";
  EXPECT_EQ(FirstMultipartField(ct, csrf_part + file_part, "_csrf").value_or("-"), "tok123");
  // The part must be complete in the prefix (its closing delimiter seen).
  EXPECT_FALSE(FirstMultipartField(ct, csrf_part.substr(0, csrf_part.size() - 4), "_csrf"));
  EXPECT_FALSE(FirstMultipartField(ct, csrf_part, "_csrf")) << "no delimiter after the value yet";
  // Another first part, a file part named _csrf, a preamble, another boundary: no token.
  EXPECT_FALSE(FirstMultipartField(ct, file_part + csrf_part, "_csrf"));
  EXPECT_FALSE(FirstMultipartField(
      ct,
      "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"; filename=\"t\"\r\n\r\ntok\r\n" +
          file_part,
      "_csrf"));
  EXPECT_FALSE(FirstMultipartField(ct, "preamble\r\n" + csrf_part + file_part, "_csrf"));
  EXPECT_FALSE(
      FirstMultipartField("multipart/form-data; boundary=Other", csrf_part + file_part, "_csrf"));
  EXPECT_FALSE(FirstMultipartField(
      ct, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrfx\"\r\n\r\nt\r\n" + file_part,
      "_csrf"));
  // Header names and parameters are case-insensitive; an unquoted name is fine.
  EXPECT_EQ(FirstMultipartField(
                ct, "--XyZ\r\ncontent-disposition: Form-Data; NAME=_csrf\r\n\r\nv\r\n" + file_part,
                "_csrf")
                .value_or("-"),
            "v");
}

}  // namespace
}  // namespace host::http_text
