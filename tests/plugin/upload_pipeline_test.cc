// tests/plugin/upload_pipeline_test.cc — the file store and the upload pipeline: size limit
// mid-stream, sniffing (ELF named .pdf, HTML as PNG), hashes, atomicity, thumbnails, names.
#include "plugin/upload_pipeline.h"

#include <gtest/gtest.h>

#include <fstream>

#include <openssl/evp.h>
#include <vips/vips8>

#include "plugin/file_store.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

namespace fs = std::filesystem;

class UploadPipelineTest : public ::testing::Test {
 protected:
  UploadPipelineTest()
      : objects_(cd_test::LocalStore(dir_.path())), store_(dir_.path(), *objects_) {
    type_.id = 1;
    type_.name.en = "ID card";
    type_.accept = DefaultAccept();
    type_.max_size = 1 << 20;
    type_.max_files = 2;
  }

  // Streams `body` to the pipeline in chunks of `chunk` bytes; `after_read` runs after
  // each read (to look at the folders mid-stream).
  crm::Result<UploadInput> Receive(const std::string& content_type, const std::string& body,
                                   size_t chunk = 1000,
                                   const std::function<void()>& after_read = nullptr) {
    size_t pos = 0;
    BodyReader reader = [&](char* buf, size_t size) -> crm::Result<size_t> {
      size_t n = std::min({size, chunk, body.size() - pos});
      std::memcpy(buf, body.data() + pos, n);
      pos += n;
      if (after_read) after_read();
      return n;
    };
    return ReceiveMultipart(content_type, reader, type_, store_);
  }

  crm::Result<UploadInput> ReceiveFile(const std::string& name, const std::string& claimed_type,
                                       const std::string& bytes) {
    cd_test::MultipartBody b;
    b.File("file", name, claimed_type, bytes);
    std::string body = b.Finish();
    return Receive(b.ContentType(), body);
  }

  cd_test::TempDir dir_;
  std::unique_ptr<crm::ObjectStore> objects_;
  FileStore store_;
  DocumentType type_;
};

TEST_F(UploadPipelineTest, SizeLimitMidStreamLeavesNoTempFile) {
  type_.max_size = 100 * 1024;
  cd_test::MultipartBody b;
  std::string pdf = cd_test::MakePdf();
  pdf += std::string(300 * 1024, 'x');
  b.File("file", "big.pdf", "application/pdf", pdf);
  std::string body = b.Finish();
  size_t reads = 0;
  size_t reads_at_error = 0;
  auto r = Receive(b.ContentType(), body, 4096, [&] { ++reads; });
  reads_at_error = reads;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), crm::StatusCode::kTooLarge);
  // Stopped as soon as the limit passed, not at the end of the body.
  EXPECT_LT(reads_at_error, body.size() / 4096);
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "tmp").empty());
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "files").empty());
}

TEST_F(UploadPipelineTest, ElfNamedPdfIsRefused) {
  auto r = ReceiveFile("invoice.pdf", "application/pdf", cd_test::ElfBytes());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), crm::StatusCode::kUnsupportedType);
  EXPECT_EQ(r.status().http_status(), 415);
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "tmp").empty());
}

TEST_F(UploadPipelineTest, HtmlSentAsPngIsRefused) {
  auto r = ReceiveFile("photo.png", "image/png", cd_test::HtmlBytes());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), crm::StatusCode::kUnsupportedType);
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "tmp").empty());
}

TEST_F(UploadPipelineTest, RealFilesAreAcceptedWithSniffedTypeAndHash) {
  struct Case {
    std::string name, claimed, bytes, mime;
  } cases[] = {
      {"a.png", "application/octet-stream", cd_test::MakePng(), "image/png"},
      {"b.jpg", "text/html", cd_test::MakeJpeg(), "image/jpeg"},
      {"c.pdf", "image/png", cd_test::MakePdf(), "application/pdf"},
  };
  for (const Case& c : cases) {
    auto r = ReceiveFile(c.name, c.claimed, c.bytes);
    ASSERT_OK(r);
    ASSERT_EQ(r->files.size(), 1u);
    const PendingFile& f = *r->files[0];
    EXPECT_EQ(f.mime(), c.mime) << c.name;  // from the bytes, not from the client
    EXPECT_EQ(f.size(), static_cast<int64_t>(c.bytes.size()));
    EXPECT_EQ(f.sha256(), cd_test::Sha256Hex(c.bytes));
    EXPECT_EQ(f.display_name(), c.name);
    EXPECT_EQ(cd_test::ReadFile(f.temp_path()), c.bytes);
  }
}

TEST_F(UploadPipelineTest, FieldsAreCollectedAndTooManyFilesRefused) {
  cd_test::MultipartBody b;
  b.Field("date_of_issue", "2024-02-29")
      .File("file", "a.pdf", "application/pdf", cd_test::MakePdf());
  std::string body = b.Finish();
  auto r = Receive(b.ContentType(), body, 7);
  ASSERT_OK(r);
  EXPECT_EQ(r->fields.at("date_of_issue"), "2024-02-29");

  type_.max_files = 1;
  cd_test::MultipartBody two;
  two.File("file", "a.pdf", "application/pdf", cd_test::MakePdf())
      .File("file", "b.pdf", "application/pdf", cd_test::MakePdf());
  std::string body2 = two.Finish();
  auto r2 = Receive(two.ContentType(), body2);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), crm::StatusCode::kUnprocessable);

  cd_test::MultipartBody none;
  none.Field("x", "y");
  std::string body3 = none.Finish();
  EXPECT_EQ(Receive(none.ContentType(), body3).status().code(), crm::StatusCode::kUnprocessable);
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "tmp").size() <= 1u);  // r still alive: one
}

TEST_F(UploadPipelineTest, DroppedInputRemovesTempFiles) {
  {
    auto r = ReceiveFile("a.pdf", "application/pdf", cd_test::MakePdf());
    ASSERT_OK(r);
    EXPECT_EQ(cd_test::ListFiles(dir_.path() / "tmp").size(), 1u);
  }
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "tmp").empty());
}

TEST_F(UploadPipelineTest, NothingInFilesUntilCommitThenAtomicRename) {
  std::vector<size_t> files_seen;
  cd_test::MultipartBody b;
  std::string png = cd_test::MakePng(400, 300);
  b.File("file", "../../etc/passwd.png", "image/png", png);
  std::string body = b.Finish();
  auto r = Receive(b.ContentType(), body, 512,
                   [&] { files_seen.push_back(cd_test::ListFiles(dir_.path() / "files").size()); });
  ASSERT_OK(r);
  for (size_t n : files_seen) EXPECT_EQ(n, 0u);
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "files").empty());
  EXPECT_EQ(r->files[0]->display_name(), "passwd.png");

  auto committed = store_.Commit(*r->files[0], 42);
  ASSERT_OK(committed);
  EXPECT_TRUE(committed->storage_key.rfind("files/42/", 0) == 0);
  EXPECT_EQ(committed->storage_key.find("passwd"), std::string::npos);  // generated name
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "tmp").empty());
  EXPECT_EQ(cd_test::ReadObject(store_.ReplyFor(committed->storage_key)), png);
  EXPECT_TRUE(fs::exists(dir_.path() / committed->storage_key));  // the layout stays
  EXPECT_FALSE(committed->thumbnail_key.empty());
  // Dropping the pending file after commit must not remove the committed blob.
  r->files.clear();
  EXPECT_TRUE(fs::exists(dir_.path() / committed->storage_key));
}

TEST_F(UploadPipelineTest, HeicIsSniffedAndWithoutThumbnailIsStillStored) {
  // An ISO-BMFF header with the "heic" brand and no picture: nothing to decode.
  std::string heic(
      "\x00\x00\x00\x18"
      "ftypheic"
      "\x00\x00\x00\x00"
      "mif1heic"
      "\x00\x00\x00\x10"
      "mdat"
      "12345678",
      40);
  auto r = ReceiveFile("IMG_0001.HEIC", "application/octet-stream", heic);
  ASSERT_OK(r);
  EXPECT_EQ(r->files[0]->mime(), "image/heic");
  auto committed = store_.Commit(*r->files[0], 5);
  ASSERT_OK(committed);
  EXPECT_TRUE(committed->thumbnail_key.empty());
  EXPECT_TRUE(cd_test::ListFiles(dir_.path() / "tmp").empty());

  type_.accept = {"application/pdf"};
  EXPECT_EQ(ReceiveFile("IMG_0002.HEIC", "application/pdf", heic).status().code(),
            crm::StatusCode::kUnsupportedType);
}

TEST_F(UploadPipelineTest, NonMultipartIsRefused) {
  auto r = Receive("application/json", "{}");
  EXPECT_EQ(r.status().code(), crm::StatusCode::kInvalidArgument);
}

// Resident memory of this process in KiB (Linux).
long RssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

TEST_F(UploadPipelineTest, MemoryStaysFlatForALargeUpload) {
  // A 64 MiB file generated while it is read: the body never exists whole in memory,
  // so any growth of the process would be the pipeline's.
  constexpr size_t kFileBytes = 64u << 20;
  type_.max_size = 100LL << 20;
  const std::string boundary = "bigBoundary123";
  const std::string head =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n";
  const std::string tail = "\r\n--" + boundary + "--\r\n";
  std::string pdf = cd_test::MakePdf();
  size_t total = head.size() + kFileBytes + tail.size();
  size_t pos = 0;
  long baseline = RssKib();
  long peak = baseline;
  EVP_MD_CTX* expected = EVP_MD_CTX_new();
  EVP_DigestInit_ex(expected, EVP_sha256(), nullptr);
  BodyReader reader = [&](char* buf, size_t size) -> crm::Result<size_t> {
    size_t n = std::min(size, total - pos);
    for (size_t i = 0; i < n; ++i) {
      size_t at = pos + i;
      if (at < head.size()) {
        buf[i] = head[at];
      } else if (at < head.size() + kFileBytes) {
        size_t f = at - head.size();
        buf[i] = f < pdf.size() ? pdf[f] : static_cast<char>('a' + f % 23);
        EVP_DigestUpdate(expected, &buf[i], 1);
      } else {
        buf[i] = tail[at - head.size() - kFileBytes];
      }
    }
    pos += n;
    peak = std::max(peak, RssKib());
    return n;
  };
  auto r = ReceiveMultipart("multipart/form-data; boundary=" + boundary, reader, type_, store_);
  ASSERT_OK(r);
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(expected, digest, &len);
  EVP_MD_CTX_free(expected);
  std::string hex;
  for (unsigned char c : digest) {
    hex += "0123456789abcdef"[c >> 4];
    hex += "0123456789abcdef"[c & 15];
  }
  EXPECT_EQ(r->files[0]->size(), static_cast<int64_t>(kFileBytes));
  EXPECT_EQ(r->files[0]->sha256(), hex);
  EXPECT_EQ(r->files[0]->mime(), "application/pdf");
  // Held whole, the file would add at least its own size. A third of it leaves room for
  // allocator and sanitizer overheads (ASan's quarantine keeps freed blocks) while still
  // failing any implementation that buffers the upload. The absolute target (a server
  // under 64 MiB for a 1 GiB upload) is measured by tests/bench/bench_upload.
  const long limit_kib = static_cast<long>(kFileBytes / 1024 / 3);
  EXPECT_LT(peak - baseline, limit_kib) << "RSS grew by " << (peak - baseline) << " KiB";
}

}  // namespace
}  // namespace cd
