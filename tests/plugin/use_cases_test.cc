// tests/plugin/use_cases_test.cc — the document use cases (plugin/documents/use_cases.h): every
// refusal comes before the body is read, uploads say whether they added or replaced, and
// downloads are inline only for kinds a browser shows without running anything.
#include "plugin/documents/use_cases.h"

#include <gtest/gtest.h>

#include <cstring>

#include <vips/vips8>

#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class UseCasesTest : public cd_test::ModuleTest {
 protected:
  UseCasesTest() {
    ann_ = host_.AddClient("Ann");
    TypeDraft d;
    d.name = LocalizedText{"ID card", "", ""};
    d.upload_mode = UploadMode::kRequired;
    d.max_size = 100 * 1024;
    id_card_ = sv_.types().Create(d)->id;
    d.name = LocalizedText{"Certificate", "", ""};
    d.upload_mode = UploadMode::kAdminOnly;
    staff_only_ = sv_.types().Create(d)->id;
  }

  // An upload of `bytes` named `name`; counts the reads of the body in reads_.
  UploadRequest Request(int64_t type_id, const std::string& name, const std::string& bytes) {
    cd_test::MultipartBody b;
    b.File("file", name, "application/octet-stream", bytes);
    body_ = b.Finish();
    pos_ = 0;
    UploadRequest r;
    r.client_id = ann_;
    r.type_id = type_id;
    r.content_type = b.ContentType();
    r.content_length = body_.size();
    r.read = [this](char* out, size_t size) -> crm::Result<size_t> {
      ++reads_;
      size_t n = std::min(size, body_.size() - pos_);
      std::memcpy(out, body_.data() + pos_, n);
      pos_ += n;
      return n;
    };
    return r;
  }

  int64_t ann_ = 0, id_card_ = 0, staff_only_ = 0;
  std::string body_;
  size_t pos_ = 0;
  int reads_ = 0;
};

TEST_F(UseCasesTest, UploadAddsThenReplaces) {
  auto first =
      UploadDocument(sv_, cd_test::Client(ann_), Request(id_card_, "a.pdf", cd_test::MakePdf()));
  ASSERT_OK(first);
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->doc.status, DocumentStatus::kUploaded);
  auto second =
      UploadDocument(sv_, cd_test::Admin(), Request(id_card_, "b.pdf", cd_test::MakePdf()));
  ASSERT_OK(second);
  EXPECT_FALSE(second->created);
  ASSERT_EQ(second->doc.files.size(), 1u);
  EXPECT_EQ(second->doc.files[0].name, "b.pdf");
}

// SPEC X3: what is stored (and downloaded) is the stripped image, and size and sha256 describe
// those bytes; a type with keep_metadata stores the upload byte for byte.
TEST_F(UseCasesTest, ImageOriginalsLoseTheirLocationUnlessTheTypeKeepsMetadata) {
  const std::string photo = cd_test::MakeJpeg(160, 120, /*with_gps=*/true);
  auto has_gps = [](const std::string& jpeg) {
    vips::VImage image = vips::VImage::new_from_buffer(jpeg.data(), jpeg.size(), "");
    return image.get_typeof("exif-ifd3-GPSLatitude") != 0;
  };
  ASSERT_TRUE(has_gps(photo));  // or the test would prove nothing
  auto stored = [&](int64_t type_id) -> std::pair<StoredFile, std::string> {
    auto up = UploadDocument(sv_, cd_test::Admin(), Request(type_id, "holiday.jpg", photo));
    EXPECT_OK(up);
    if (!up.ok() || up->doc.files.size() != 1) return {};
    auto file = DownloadFile(sv_, cd_test::Admin(), ann_, type_id, std::nullopt, false);
    EXPECT_OK(file);
    return {up->doc.files[0], cd_test::ReadObject(file)};
  };

  auto [file, bytes] = stored(id_card_);
  ASSERT_FALSE(bytes.empty());
  EXPECT_FALSE(has_gps(bytes));
  EXPECT_NE(bytes, photo);
  EXPECT_EQ(file.sha256, cd_test::Sha256Hex(bytes));
  EXPECT_EQ(file.size, static_cast<int64_t>(bytes.size()));

  TypeDraft keep;
  keep.name = LocalizedText{"Site photo", "", ""};
  keep.keep_metadata = true;
  auto kept_type = sv_.types().Create(keep);
  ASSERT_OK(kept_type);
  auto [kept, kept_bytes] = stored(kept_type->id);
  EXPECT_EQ(kept_bytes, photo);
  EXPECT_EQ(kept.sha256, cd_test::Sha256Hex(photo));
}

TEST_F(UseCasesTest, ADamagedImageIsRefusedAndLeavesNothing) {
  std::string photo = cd_test::MakeJpeg(160, 120, /*with_gps=*/true);
  photo.resize(40);  // still sniffed as a JPEG, but its EXIF segment runs off the end
  auto up = UploadDocument(sv_, cd_test::Admin(), Request(id_card_, "cut.jpg", photo));
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().code(), crm::StatusCode::kUnprocessable);
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir()).empty());
}

TEST_F(UseCasesTest, RefusalsComeBeforeTheBodyIsRead) {
  // A client and a staff-only type.
  EXPECT_EQ(
      UploadDocument(sv_, cd_test::Client(ann_), Request(staff_only_, "a.pdf", cd_test::MakePdf()))
          .status()
          .code(),
      crm::StatusCode::kPermissionDenied);
  // Another client's documents.
  EXPECT_EQ(
      UploadDocument(sv_, cd_test::Client(ann_ + 1), Request(id_card_, "a.pdf", cd_test::MakePdf()))
          .status()
          .code(),
      crm::StatusCode::kNotFound);
  // An unknown client, an unknown type.
  UploadRequest unknown_client = Request(id_card_, "a.pdf", cd_test::MakePdf());
  unknown_client.client_id = 999;
  EXPECT_EQ(UploadDocument(sv_, cd_test::Admin(), unknown_client).status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(UploadDocument(sv_, cd_test::Admin(), Request(999, "a.pdf", cd_test::MakePdf()))
                .status()
                .code(),
            crm::StatusCode::kNotFound);
  // Not multipart.
  UploadRequest json = Request(id_card_, "a.pdf", cd_test::MakePdf());
  json.content_type = "application/json";
  EXPECT_EQ(UploadDocument(sv_, cd_test::Admin(), json).status().code(),
            crm::StatusCode::kUnsupportedType);
  // A declared length above the type's limit (100 KiB + the room for fields).
  UploadRequest big = Request(id_card_, "a.pdf", cd_test::MakePdf());
  big.content_length = UploadBodyLimit(*sv_.types().Get(id_card_)) + 1;
  EXPECT_EQ(UploadDocument(sv_, cd_test::Admin(), big).status().code(), crm::StatusCode::kTooLarge);
  EXPECT_EQ(reads_, 0);
  EXPECT_EQ(cd_test::ListFiles(host_.DataDir()).size(), 0u);
}

TEST_F(UseCasesTest, DownloadsAreInlineOnlyForSafeKinds) {
  ASSERT_OK(UploadDocument(sv_, cd_test::Admin(), Request(id_card_, "a.pdf", cd_test::MakePdf())));
  auto asked = DownloadFile(sv_, cd_test::Admin(), ann_, id_card_, std::nullopt, true);
  ASSERT_OK(asked);
  EXPECT_TRUE(asked->inline_view);
  auto plain = DownloadFile(sv_, cd_test::Admin(), ann_, id_card_, std::nullopt, false);
  ASSERT_OK(plain);
  EXPECT_FALSE(plain->inline_view);
  EXPECT_EQ(DownloadFile(sv_, cd_test::Client(ann_ + 1), ann_, id_card_, std::nullopt, true)
                .status()
                .code(),
            crm::StatusCode::kNotFound);
}

TEST_F(UseCasesTest, DeleteAndEditFollowTheWriteRule) {
  ASSERT_OK(
      UploadDocument(sv_, cd_test::Admin(), Request(staff_only_, "c.pdf", cd_test::MakePdf())));
  EXPECT_EQ(DeleteDocument(sv_, cd_test::Client(ann_), ann_, staff_only_).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(EditDocumentFields(sv_, cd_test::Client(ann_), ann_, staff_only_, {}).status().code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(DeleteDocument(sv_, cd_test::Admin(), 999, staff_only_).code(),
            crm::StatusCode::kNotFound);
  ASSERT_OK(DeleteDocument(sv_, cd_test::Admin(), ann_, staff_only_));
  auto versions = ListDocumentVersions(sv_, cd_test::Admin(), ann_, staff_only_);
  ASSERT_OK(versions);
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].reason, "deleted");
}

}  // namespace
}  // namespace cd
