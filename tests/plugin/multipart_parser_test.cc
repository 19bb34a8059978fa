// tests/plugin/multipart_parser_test.cc — the multipart push parser against well-formed and
// hostile bodies: split boundaries, boundary-like data, floods, limits, bad boundaries.
#include "plugin/multipart_parser.h"

#include <gtest/gtest.h>

#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

struct Part {
  PartHeaders headers;
  std::string data;
  bool ended = false;
};

// Parses `body` fed in chunks of `chunk` bytes; returns the final status and the parts.
crm::Status Parse(const std::string& boundary, const std::string& body, size_t chunk,
                  std::vector<Part>* parts, MultipartLimits limits = {},
                  size_t* max_buffered = nullptr) {
  MultipartParser::Callbacks cb;
  cb.on_part_begin = [&](const PartHeaders& h) {
    parts->push_back(Part{h, "", false});
    return crm::Status::Ok();
  };
  cb.on_part_data = [&](std::string_view d) {
    if (max_buffered && d.size() > *max_buffered) *max_buffered = d.size();
    parts->back().data.append(d);
    return crm::Status::Ok();
  };
  cb.on_part_end = [&]() {
    parts->back().ended = true;
    return crm::Status::Ok();
  };
  MultipartParser parser(boundary, cb, limits);
  for (size_t i = 0; i < body.size(); i += chunk) {
    crm::Status s = parser.Feed(std::string_view(body).substr(i, chunk));
    if (!s.ok()) return s;
  }
  return parser.Finish();
}

TEST(MultipartParserTest, ParsesFieldsAndFile) {
  cd_test::MultipartBody b;
  b.Field("date_of_issue", "2024-01-31")
      .File("file", "scan.pdf", "application/pdf", "%PDF-1.4 data");
  std::string body = b.Finish();
  std::vector<Part> parts;
  ASSERT_OK(Parse(b.boundary, body, body.size(), &parts));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].headers.disposition.name, "date_of_issue");
  EXPECT_FALSE(parts[0].headers.disposition.filename.has_value());
  EXPECT_EQ(parts[0].data, "2024-01-31");
  EXPECT_EQ(parts[1].headers.disposition.name, "file");
  EXPECT_EQ(parts[1].headers.disposition.filename.value_or(""), "scan.pdf");
  EXPECT_EQ(parts[1].headers.content_type, "application/pdf");
  EXPECT_EQ(parts[1].data, "%PDF-1.4 data");
  EXPECT_TRUE(parts[1].ended);
}

TEST(MultipartParserTest, BoundarySplitAtEveryOffset) {
  cd_test::MultipartBody b;
  b.Field("a", "first value")
      .File("file", "x.bin", "application/octet-stream", "\r\n--almost\r\n-");
  std::string body = b.Finish();
  for (size_t split = 1; split < body.size(); ++split) {
    // Two chunks split at `split`, and also byte-by-byte once.
    std::vector<Part> parts;
    MultipartParser::Callbacks cb;
    cb.on_part_begin = [&](const PartHeaders& h) {
      parts.push_back(Part{h, "", false});
      return crm::Status::Ok();
    };
    cb.on_part_data = [&](std::string_view d) {
      parts.back().data.append(d);
      return crm::Status::Ok();
    };
    cb.on_part_end = [&]() {
      parts.back().ended = true;
      return crm::Status::Ok();
    };
    MultipartParser parser(b.boundary, cb);
    ASSERT_OK(parser.Feed(std::string_view(body).substr(0, split)));
    ASSERT_OK(parser.Feed(std::string_view(body).substr(split)));
    ASSERT_OK(parser.Finish());
    ASSERT_EQ(parts.size(), 2u) << split;
    EXPECT_EQ(parts[0].data, "first value") << split;
    EXPECT_EQ(parts[1].data, "\r\n--almost\r\n-") << split;
  }
  std::vector<Part> parts;
  ASSERT_OK(Parse(b.boundary, body, 1, &parts));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].data, "\r\n--almost\r\n-");
}

// Every way a delimiter (and the bytes around it) can be cut into three chunks, the middle
// one shorter than the delimiter: the carry is bridged without losing or repeating a byte.
TEST(MultipartParserTest, DelimiterCutIntoThreeChunksAtEveryOffset) {
  cd_test::MultipartBody b;
  b.File("file", "a.bin", "application/octet-stream", "first\r\n-")
      .Field("note", "\r\n--")
      .File("file", "b.bin", "application/octet-stream", "second");
  std::string body = b.Finish();
  const size_t at = body.find("\r\n--" + b.boundary, body.find("first"));
  const size_t span = b.boundary.size() + 8;
  for (size_t cut1 = at - 2; cut1 < at + span; ++cut1) {
    for (size_t cut2 = cut1 + 1; cut2 <= at + span; ++cut2) {
      std::vector<Part> parts;
      MultipartParser::Callbacks cb;
      cb.on_part_begin = [&](const PartHeaders& h) {
        parts.push_back(Part{h, "", false});
        return crm::Status::Ok();
      };
      cb.on_part_data = [&](std::string_view d) {
        parts.back().data.append(d);
        return crm::Status::Ok();
      };
      cb.on_part_end = [&]() {
        parts.back().ended = true;
        return crm::Status::Ok();
      };
      MultipartParser parser(b.boundary, cb);
      std::string_view all(body);
      ASSERT_OK(parser.Feed(all.substr(0, cut1)));
      ASSERT_OK(parser.Feed(all.substr(cut1, cut2 - cut1)));
      ASSERT_OK(parser.Feed(all.substr(cut2)));
      ASSERT_OK(parser.Finish());
      ASSERT_EQ(parts.size(), 3u) << cut1 << " " << cut2;
      EXPECT_EQ(parts[0].data, "first\r\n-") << cut1 << " " << cut2;
      EXPECT_EQ(parts[1].data, "\r\n--") << cut1 << " " << cut2;
      EXPECT_EQ(parts[2].data, "second") << cut1 << " " << cut2;
      EXPECT_TRUE(parts[2].ended);
    }
  }
}

// One byte at a time, and in chunks of every size up to a few delimiters: the same parts as
// the body fed whole, including data full of near-delimiters.
TEST(MultipartParserTest, AnyChunkSizeGivesTheSameParts) {
  cd_test::MultipartBody b;
  std::string data;
  for (int i = 0; i < 300; ++i) data += "\r\n--" + b.boundary.substr(0, i % b.boundary.size());
  b.Field("a", "x").File("file", "n.bin", "application/octet-stream", data).Field("b", "");
  std::string body = b.Finish();
  std::vector<Part> whole;
  ASSERT_OK(Parse(b.boundary, body, body.size(), &whole));
  ASSERT_EQ(whole.size(), 3u);
  ASSERT_EQ(whole[1].data, data);
  for (size_t chunk = 1; chunk <= 3 * b.boundary.size(); ++chunk) {
    std::vector<Part> parts;
    ASSERT_OK(Parse(b.boundary, body, chunk, &parts)) << chunk;
    ASSERT_EQ(parts.size(), 3u) << chunk;
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(parts[i].data, whole[i].data) << chunk << " part " << i;
      EXPECT_EQ(parts[i].headers.disposition.name, whole[i].headers.disposition.name);
      EXPECT_TRUE(parts[i].ended);
    }
  }
}

// The parser scans a chunk where it lies: part data is handed out as views into the fed
// chunk, not copied into a buffer of its own. Only the bytes that straddle a chunk end (less
// than a delimiter) may come from elsewhere.
TEST(MultipartParserTest, DataViewsPointIntoTheFedChunk) {
  cd_test::MultipartBody b;
  const std::string payload(200000, 'p');
  b.File("file", "big.bin", "application/octet-stream", payload);
  std::string body = b.Finish();
  const size_t delimiter = b.boundary.size() + 4;
  std::string_view fed;  // the chunk being fed
  size_t outside = 0, outside_calls = 0, inside = 0;
  std::string got;
  MultipartParser::Callbacks cb;
  cb.on_part_data = [&](std::string_view d) {
    got.append(d);
    if (d.data() >= fed.data() && d.data() + d.size() <= fed.data() + fed.size()) {
      inside += d.size();
    } else {
      outside += d.size();
      ++outside_calls;
    }
    return crm::Status::Ok();
  };
  MultipartParser parser(b.boundary, cb);
  const size_t chunk = 64 * 1024;
  size_t feeds = 0;
  for (size_t i = 0; i < body.size(); i += chunk, ++feeds) {
    std::string copy = body.substr(i, chunk);  // its own allocation, like a socket buffer
    fed = copy;
    ASSERT_OK(parser.Feed(fed));
  }
  ASSERT_OK(parser.Finish());
  EXPECT_EQ(got, payload);
  EXPECT_GT(inside, payload.size() - feeds * 2 * delimiter);
  EXPECT_LE(outside_calls, feeds);
  EXPECT_LE(outside, feeds * 2 * delimiter);
}

TEST(MultipartParserTest, BoundaryLikeBytesInsideDataAreData) {
  cd_test::MultipartBody b;
  // The boundary without the leading CRLF, and with CRLF but one character short.
  std::string tricky = "--" + b.boundary + "x\r\n--" + b.boundary.substr(0, b.boundary.size() - 1) +
                       "\r\n" + b.boundary;
  b.File("file", "x.bin", "application/octet-stream", tricky);
  std::string body = b.Finish();
  for (size_t chunk : {1, 3, 7, 64, 100000}) {
    std::vector<Part> parts;
    ASSERT_OK(Parse(b.boundary, body, chunk, &parts));
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].data, tricky) << chunk;
  }
}

TEST(MultipartParserTest, CrlfFloodInDataIsStreamedWithBoundedBuffer) {
  cd_test::MultipartBody b;
  std::string flood;
  for (int i = 0; i < 200000; ++i) flood += "\r\n";
  b.File("file", "x.bin", "application/octet-stream", flood);
  std::string body = b.Finish();
  std::vector<Part> parts;
  size_t largest = 0;
  ASSERT_OK(Parse(b.boundary, body, 4096, &parts, {}, &largest));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].data.size(), flood.size());
  // Memory flat: never more than one chunk (+ a delimiter) held at once.
  EXPECT_LE(largest, 4096u + b.boundary.size() + 4);
}

TEST(MultipartParserTest, CrlfFloodInPreambleIsRefused) {
  std::string body(200000, '\n');
  for (size_t i = 0; i < body.size(); i += 2) body[i] = '\r';
  std::vector<Part> parts;
  crm::Status s = Parse("abc", body, 1000, &parts);
  EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument);
}

TEST(MultipartParserTest, PreambleAndEpilogueAreIgnored) {
  std::string body =
      "This is a preamble.\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"
      "\r\n--XyZ--\r\nepilogue text, even --XyZ again\r\n";
  std::vector<Part> parts;
  ASSERT_OK(Parse("XyZ", body, 5, &parts));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].data, "1");
}

TEST(MultipartParserTest, MissingFinalBoundaryIsAnError) {
  cd_test::MultipartBody b;
  b.File("file", "x.pdf", "application/pdf", "data");
  std::vector<Part> parts;
  crm::Status s = Parse(b.boundary, b.body, 10, &parts);  // no Finish(): no closing line
  EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument);
  parts.clear();
  EXPECT_EQ(Parse("abc", "", 10, &parts).code(), crm::StatusCode::kInvalidArgument);
}

TEST(MultipartParserTest, HugePartHeadersAreRefused) {
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Junk: " + std::string(20000, 'x') +
      "\r\n\r\nv\r\n--b--\r\n";
  std::vector<Part> parts;
  crm::Status s = Parse("b", body, 512, &parts);
  EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument);
  EXPECT_TRUE(parts.empty());
}

TEST(MultipartParserTest, TooManyHeadersAreRefused) {
  std::string body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n";
  for (int i = 0; i < 40; ++i) body += "X-H" + std::to_string(i) + ": 1\r\n";
  body += "\r\nv\r\n--b--\r\n";
  std::vector<Part> parts;
  EXPECT_EQ(Parse("b", body, 64, &parts).code(), crm::StatusCode::kInvalidArgument);
}

TEST(MultipartParserTest, ThousandsOfPartsAreRefused) {
  cd_test::MultipartBody b;
  for (int i = 0; i < 5000; ++i) b.Field("f" + std::to_string(i), "v");
  std::string body = b.Finish();
  std::vector<Part> parts;
  crm::Status s = Parse(b.boundary, body, 8192, &parts);
  EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument);
  EXPECT_LE(parts.size(), MultipartLimits{}.max_parts);
}

TEST(MultipartParserTest, PartWithoutDispositionIsRefused) {
  std::string body = "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--\r\n";
  std::vector<Part> parts;
  EXPECT_EQ(Parse("b", body, 100, &parts).code(), crm::StatusCode::kInvalidArgument);
}

TEST(MultipartParserTest, GarbageAfterBoundaryIsRefused) {
  std::string body = "--bXYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--\r\n";
  std::vector<Part> parts;
  EXPECT_EQ(Parse("b", body, 100, &parts).code(), crm::StatusCode::kInvalidArgument);
}

TEST(MultipartParserTest, CallbackErrorStopsTheParser) {
  cd_test::MultipartBody b;
  b.File("file", "x", "a/b", std::string(10000, 'z'));
  std::string body = b.Finish();
  MultipartParser::Callbacks cb;
  size_t seen = 0;
  cb.on_part_data = [&](std::string_view d) {
    seen += d.size();
    return seen > 100 ? crm::TooLarge("stop") : crm::Status::Ok();
  };
  MultipartParser parser(b.boundary, cb);
  crm::Status s;
  for (size_t i = 0; i < body.size() && s.ok(); i += 64)
    s = parser.Feed(std::string_view(body).substr(i, 64));
  EXPECT_EQ(s.code(), crm::StatusCode::kTooLarge);
  EXPECT_EQ(parser.Feed("more").code(), crm::StatusCode::kTooLarge);
  EXPECT_EQ(parser.Finish().code(), crm::StatusCode::kTooLarge);
}

TEST(BoundaryTest, ValidatesContentType) {
  auto ok = BoundaryFromContentType(
      "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW");
  ASSERT_OK(ok);
  EXPECT_EQ(*ok, "----WebKitFormBoundary7MA4YWxkTrZu0gW");
  auto quoted =
      BoundaryFromContentType("Multipart/Form-Data; charset=utf-8; boundary=\"a b'()+_,-./:=?\"");
  ASSERT_OK(quoted);
  EXPECT_EQ(*quoted, "a b'()+_,-./:=?");

  EXPECT_FALSE(BoundaryFromContentType("application/json").ok());
  EXPECT_FALSE(BoundaryFromContentType("multipart/form-data").ok());
  EXPECT_FALSE(BoundaryFromContentType("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(
      BoundaryFromContentType("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
  EXPECT_OK(BoundaryFromContentType("multipart/form-data; boundary=" + std::string(70, 'a')));
  EXPECT_FALSE(BoundaryFromContentType("multipart/form-data; boundary=\"ab \"").ok());
  EXPECT_FALSE(BoundaryFromContentType("multipart/form-data; boundary=\"a\r\nb\"").ok());
  EXPECT_FALSE(BoundaryFromContentType("multipart/form-data; boundary=a<b").ok());
}

TEST(ContentDispositionTest, ParsesNamesAndFilenames) {
  auto d = ParseContentDisposition("form-data; name=\"file\"; filename=\"C:\\\\docs\\\\id.pdf\"");
  ASSERT_OK(d);
  EXPECT_EQ(d->type, "form-data");
  EXPECT_EQ(d->name, "file");
  EXPECT_EQ(d->filename.value_or(""), "C:\\docs\\id.pdf");

  auto ext = ParseContentDisposition(
      "form-data; name=file; filename=\"fallback.pdf\"; "
      "filename*=UTF-8''carte%20d%E2%80%99identit%C3%A9.pdf");
  ASSERT_OK(ext);
  EXPECT_EQ(ext->name, "file");
  EXPECT_EQ(ext->filename.value_or(""), "carte d\xE2\x80\x99identit\xC3\xA9.pdf");

  auto semi = ParseContentDisposition("form-data; name=\"a;b\"; filename=\"x\\\"y.pdf\"");
  ASSERT_OK(semi);
  EXPECT_EQ(semi->name, "a;b");
  EXPECT_EQ(semi->filename.value_or(""), "x\"y.pdf");

  EXPECT_FALSE(ParseContentDisposition("form-data; name=\"unterminated").ok());
  EXPECT_FALSE(ParseContentDisposition("").ok());
}

}  // namespace
}  // namespace cd
