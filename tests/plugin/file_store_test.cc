// tests/plugin/file_store_test.cc — the file store (plugin/file_store.h): generated names and
// keys, the display names it keeps (sanitised, with the sniffed type's extension), thumbnails.
#include "plugin/file_store.h"

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include <vips/vips8>

#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class FileStoreTest : public ::testing::Test {
 protected:
  // A finished pending file of `bytes` sent as `name`, accepted by the default kinds.
  crm::Result<std::unique_ptr<PendingFile>> Pending(const std::string& name,
                                                    const std::string& bytes) {
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<PendingFile> f,
                         store_.Begin(name, 1 << 20, DefaultAccept()));
    CRM_RETURN_IF_ERROR(f->Write(bytes));
    CRM_RETURN_IF_ERROR(f->Finish());
    return f;
  }

  // The display name the store keeps for `bytes` sent as `name`.
  std::string StoredName(const std::string& name, const std::string& bytes) {
    auto f = Pending(name, bytes);
    EXPECT_OK(f);
    return f.ok() ? (*f)->display_name() : "";
  }

  // The object's bytes ("" when missing).
  std::string Read(const std::string& key) { return cd_test::ReadObject(store_.ReplyFor(key)); }

  cd_test::TempDir dir_;
  std::unique_ptr<crm::ObjectStore> objects_ = cd_test::LocalStore(dir_.path());
  FileStore store_{dir_.path(), *objects_};
};

TEST_F(FileStoreTest, ReplyForRefusesForeignKeys) {
  EXPECT_FALSE(store_.ReplyFor("../etc/passwd").ok());
  EXPECT_FALSE(store_.ReplyFor("files/1/../../x.bin").ok());
  EXPECT_FALSE(store_.ReplyFor("files/1/abc.bin").ok());
  auto reply = store_.ReplyFor("files/1/0123456789abcdef0123456789abcdef.bin");
  ASSERT_OK(reply);
  EXPECT_EQ(reply->store, objects_.get());
  EXPECT_EQ(reply->key, "files/1/0123456789abcdef0123456789abcdef.bin");
}

TEST_F(FileStoreTest, APdfNamedHtmlIsStoredAsPdf) {
  EXPECT_EQ(StoredName("report.html", cd_test::MakePdf()), "report.pdf");
}

TEST_F(FileStoreTest, BidiAndInvalidUtf8NeverReachTheStore) {
  EXPECT_EQ(StoredName("invoice\u202Efdp.pdf", cd_test::MakePdf()), "invoicefdp.pdf");
  EXPECT_EQ(StoredName("scan\xFF.pdf", cd_test::MakePdf()), "scan\uFFFD.pdf");
}

TEST_F(FileStoreTest, ThumbnailHasNoGpsExif) {
  std::string jpeg = cd_test::MakeJpeg(1200, 900, /*with_gps=*/true);
  // The source really carries GPS data, or the test would prove nothing.
  {
    vips::VImage src = vips::VImage::new_from_buffer(jpeg.data(), jpeg.size(), "");
    ASSERT_NE(src.get_typeof("exif-data"), 0u);
    ASSERT_NE(src.get_typeof("exif-ifd3-GPSLatitude"), 0u);
  }
  auto f = Pending("holiday.jpg", jpeg);
  ASSERT_OK(f);
  auto committed = store_.Commit(**f, 7);
  ASSERT_OK(committed);
  ASSERT_FALSE(committed->thumbnail_key.empty());
  std::string thumb = Read(committed->thumbnail_key);
  vips::VImage t = vips::VImage::new_from_buffer(thumb.data(), thumb.size(), "");
  EXPECT_LE(std::max(t.width(), t.height()), 320);
  EXPECT_EQ(t.get_typeof("exif-data"), 0u);
  EXPECT_EQ(t.get_typeof("exif-ifd3-GPSLatitude"), 0u);
  EXPECT_EQ(thumb.find("Exif"), std::string::npos);
  EXPECT_EQ(thumb.find("TestCam"), std::string::npos);
}

TEST_F(FileStoreTest, BadThumbnailSourceIsGraceful) {
  // A file libmagic calls an image but libvips cannot decode: no thumbnail, no error.
  std::string fake_png = cd_test::MakePng().substr(0, 40);
  auto f = Pending("broken.png", fake_png);
  ASSERT_OK(f);
  EXPECT_EQ((*f)->mime(), "image/png");
  auto committed = store_.Commit(**f, 9);
  ASSERT_OK(committed);
  EXPECT_TRUE(committed->thumbnail_key.empty());
}

TEST_F(FileStoreTest, PhoneHeicGetsAJpegThumbnail) {
  std::string heic = cd_test::MakeHeic(1200, 900);
  ASSERT_EQ(heic.substr(4, 8), std::string("ftypheic"));
  auto f = Pending("IMG_0003.HEIC", heic);
  ASSERT_OK(f);
  EXPECT_EQ((*f)->mime(), "image/heic");
  auto committed = store_.Commit(**f, 6);
  ASSERT_OK(committed);
  ASSERT_FALSE(committed->thumbnail_key.empty());
  std::string thumb = Read(committed->thumbnail_key);
  ASSERT_GE(thumb.size(), 3u);
  EXPECT_EQ(thumb.substr(0, 3), std::string("\xFF\xD8\xFF"));  // a JPEG, which every browser shows
  vips::VImage t = vips::VImage::new_from_buffer(thumb.data(), thumb.size(), "");
  EXPECT_EQ(std::max(t.width(), t.height()), 320);
}

TEST_F(FileStoreTest, StoredNamesAreGeneratedAndThumbnailsSitBesideTheirBlob) {
  auto f = Pending("../../etc/passwd.png", cd_test::MakePng(400, 300));
  ASSERT_OK(f);
  auto committed = store_.Commit(**f, 42);
  ASSERT_OK(committed);
  const std::string& blob = committed->storage_key;
  ASSERT_EQ(blob.rfind("files/42/", 0), 0u) << blob;
  EXPECT_EQ(blob.size(), std::string("files/42/").size() + 32 + 4);  // <32 hex>.bin
  EXPECT_EQ(blob.substr(blob.size() - 4), ".bin");
  EXPECT_EQ(committed->thumbnail_key, blob.substr(0, blob.size() - 4) + ".thumb.jpg");
}

TEST_F(FileStoreTest, ScrubAsksAboutABlobAndItsThumbnailEachByItsOwnKey) {
  auto f = Pending("photo.png", cd_test::MakePng(400, 300));
  ASSERT_OK(f);
  auto committed = store_.Commit(**f, 3);
  ASSERT_OK(committed);
  std::set<std::string> asked;
  auto removed = store_.Scrub([](int64_t) { return true; },
                              [&](const std::string& key) {
                                asked.insert(key);
                                return true;
                              },
                              3600);
  ASSERT_OK(removed);
  EXPECT_EQ(removed->removed(), 0);
  EXPECT_EQ(asked, (std::set<std::string>{committed->storage_key, committed->thumbnail_key}));
  EXPECT_EQ(BlobKeyOf(committed->thumbnail_key), committed->storage_key);
  EXPECT_EQ(BlobKeyOf(committed->storage_key), committed->storage_key);
}

// A resumable upload's file (plugin/uploads/upload_file.h) written straight into the temp folder.
std::filesystem::path WriteTusFile(const FileStore& store, const std::string& bytes) {
  std::filesystem::create_directories(store.temp_dir());
  const std::filesystem::path path = store.temp_dir() / ("7-abc" + std::string(kResumableSuffix));
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST_F(FileStoreTest, AnAdoptedFileIsLinkedNotCopiedAndItsSourceStays) {
  const std::string pdf = cd_test::MakePdf();
  const std::filesystem::path source = WriteTusFile(store_, pdf);
  for (const std::string& hash : {std::string(), cd_test::Sha256Hex(pdf)}) {
    auto f = store_.Adopt(source, "scan.html", 1 << 20, DefaultAccept(), hash);
    ASSERT_OK(f);
    ASSERT_OK((*f)->Finish());
    EXPECT_EQ((*f)->sha256(), cd_test::Sha256Hex(pdf));  // hashed again when not given
    EXPECT_EQ((*f)->size(), static_cast<int64_t>(pdf.size()));
    EXPECT_EQ((*f)->mime(), "application/pdf");
    EXPECT_EQ((*f)->display_name(), "scan.pdf");
    auto committed = store_.Commit(**f, 7);
    ASSERT_OK(committed);
    EXPECT_EQ(Read(committed->storage_key), pdf);
    // The stored blob is the same inode as the upload's file (no copy), which stays.
    EXPECT_TRUE(std::filesystem::equivalent(source, dir_.path() / committed->storage_key));
    EXPECT_EQ(std::filesystem::file_size(source), pdf.size());
  }
  EXPECT_EQ(store_.Adopt(source, "x", 10, DefaultAccept(), "").status().code(),
            crm::StatusCode::kTooLarge);
  EXPECT_EQ(
      store_.Adopt(dir_.path() / "tmp" / "none.tus", "x", 10, DefaultAccept(), "").status().code(),
      crm::StatusCode::kNotFound);
}

TEST_F(FileStoreTest, AnAdoptedFileOfAnotherKindIsRefusedAndItsSourceStays) {
  const std::filesystem::path source = WriteTusFile(store_, cd_test::MakePng(10, 10));
  auto f = store_.Adopt(source, "scan.pdf", 1 << 20, {"application/pdf"}, "");
  ASSERT_OK(f);
  EXPECT_EQ((*f)->Finish().code(), crm::StatusCode::kUnsupportedType);
  f->reset();
  EXPECT_TRUE(std::filesystem::exists(source));
  // Only the upload's file is left in the temp folder (the link is gone).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(store_.temp_dir()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(FileStoreTest, StoresLocallyOnlyWhenTheStoreIsTheDataFolder) {
  EXPECT_TRUE(store_.StoresLocally());
  cd_test::TempDir elsewhere;
  std::unique_ptr<crm::ObjectStore> other = cd_test::LocalStore(elsewhere.path());
  FileStore remote(dir_.path(), *other);
  EXPECT_FALSE(remote.StoresLocally());
  // The probe leaves nothing behind.
  EXPECT_TRUE(std::filesystem::is_empty(store_.temp_dir()));
}

TEST_F(FileStoreTest, TheScrubLeavesResumableUploadFilesToTheUploadSweep) {
  const std::filesystem::path tus = WriteTusFile(store_, "paused for a day");
  std::ofstream(store_.temp_dir() / "crashed.part") << "x";
  auto report =
      store_.Scrub([](int64_t) { return true; }, [](const std::string&) { return true; }, 0);
  ASSERT_OK(report);
  EXPECT_EQ(report->temp_removed, 1);
  EXPECT_TRUE(std::filesystem::exists(tus));
}

}  // namespace
}  // namespace cd
