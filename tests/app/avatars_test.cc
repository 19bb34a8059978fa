// tests/app/avatars_test.cc — the client's avatar (issue 14, SPEC H17): only sniffed JPEG/PNG/WebP,
// the size limit, a 256×256 JPEG without any metadata, the object-then-row store, replacement,
// removal and deletion with the client.
#include "sample-host/app/avatars.h"

#include <gtest/gtest.h>
#include <vips/vips8>

#include <filesystem>
#include <string>

#include "sample-host/app/client_store.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/local_object_store.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

std::string Save(const vips::VImage& image, const char* suffix) {
  void* buf = nullptr;
  size_t size = 0;
  image.write_to_buffer(suffix, &buf, &size);
  std::string out(static_cast<const char*>(buf), size);
  g_free(buf);
  return out;
}

// A 400×300 picture as a phone leaves it: EXIF with the camera and GPS, and a JPEG comment.
std::string PhoneJpeg() {
  vips::VImage xy = vips::VImage::xyz(400, 300);
  vips::VImage band = ((xy[0] + xy[1]) % 256).cast(VIPS_FORMAT_UCHAR);
  vips::VImage image = band.bandjoin({band, band}).copy();
  image.set("exif-ifd0-Make", "SecretCam");
  image.set("exif-ifd3-GPSLatitudeRef", "N");
  image.set("exif-ifd3-GPSLatitude", "50/1 51/1 0/1");
  std::string jpeg = Save(image, ".jpg");
  const std::string comment = "COMMENT-SECRET-42";
  std::string com = "\xFF\xFE";
  com += static_cast<char>(0);
  com += static_cast<char>(comment.size() + 2);
  return jpeg.substr(0, 2) + com + comment + jpeg.substr(2);
}

vips::VImage Load(const std::string& bytes) {
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "").copy_memory();
}

TEST(MakeAvatarTest, IsASmallSquareJpegWithoutMetadata) {
  std::string phone = PhoneJpeg();
  ASSERT_NE(phone.find("SecretCam"), std::string::npos);
  ASSERT_NE(phone.find("COMMENT-SECRET-42"), std::string::npos);
  auto avatar = MakeAvatar(phone);
  ASSERT_OK(avatar);
  EXPECT_EQ(avatar->substr(0, 3), std::string("\xFF\xD8\xFF"));
  EXPECT_EQ(avatar->find("SecretCam"), std::string::npos);
  EXPECT_EQ(avatar->find("COMMENT-SECRET-42"), std::string::npos);
  EXPECT_EQ(avatar->find("Exif"), std::string::npos);
  vips::VImage image = Load(*avatar);
  EXPECT_EQ(image.width(), kAvatarSize);
  EXPECT_EQ(image.height(), kAvatarSize);
  EXPECT_EQ(SniffMediaType(*avatar), "image/jpeg");
}

TEST(MakeAvatarTest, TakesPngWithTransparencyAndWebp) {
  vips::VImage rgba = vips::VImage::black(50, 80, vips::VImage::option()->set("bands", 4));
  auto from_png = MakeAvatar(Save(rgba, ".png"));
  ASSERT_OK(from_png);
  EXPECT_EQ(Load(*from_png).bands(), 3);
  auto from_webp = MakeAvatar(Save(vips::VImage::black(30, 30), ".webp"));
  ASSERT_OK(from_webp);
  EXPECT_EQ(Load(*from_webp).width(), kAvatarSize);
}

TEST(MakeAvatarTest, RefusesWhatIsNotAnAllowedPicture) {
  // An executable named photo.jpg: the bytes decide.
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01\x00",
      8);
  elf += std::string(200, '\0');
  EXPECT_EQ(MakeAvatar(elf).status().code(), crm::StatusCode::kUnsupportedType);
  EXPECT_EQ(MakeAvatar(std::string("MZ\x90\x00", 4) + std::string(300, 'A')).status().code(),
            crm::StatusCode::kUnsupportedType);
  EXPECT_EQ(MakeAvatar("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>").status().code(),
            crm::StatusCode::kUnsupportedType);
  // A GIF is a picture, but not one of the three.
  std::string gif(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00"
      "\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
      "D\x01\x00;",
      43);
  EXPECT_EQ(MakeAvatar(gif).status().code(), crm::StatusCode::kUnsupportedType);
  // A JPEG's start and nothing decodable after it.
  std::string broken = PhoneJpeg().substr(0, 200);
  EXPECT_EQ(MakeAvatar(broken).status().code(), crm::StatusCode::kUnprocessable);
  std::string big = PhoneJpeg();
  big.resize(kMaxAvatarBytes + 1, '\0');
  EXPECT_EQ(MakeAvatar(big).status().code(), crm::StatusCode::kTooLarge);
}

class AvatarStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto local = LocalObjectStore::Open(tdb_.dir() / "avatars");
    ASSERT_OK(local);
    files_ = std::move(*local);
    avatars_ = std::make_unique<AvatarStore>(tdb_.db(), *files_);
    Client c;
    c.last_name = "Roux";
    auto created = clients_.Create(c);
    ASSERT_OK(created);
    id_ = created->id;
  }
  int Objects() {
    int n = 0;
    (void)files_->List("", [&](const crm::ObjectInfo&) { return ++n, true; });
    return n;
  }

  testing::TestDb tdb_;
  HookRegistry registry_;
  ClientStore clients_{tdb_.db(), registry_, [] { return int64_t{1700000000}; }};
  std::unique_ptr<LocalObjectStore> files_;
  std::unique_ptr<AvatarStore> avatars_;
  int64_t id_ = 0;
};

TEST_F(AvatarStoreTest, StoresReplacesAndRemoves) {
  auto first = avatars_->Set(id_, PhoneJpeg());
  ASSERT_OK(first);
  EXPECT_EQ(first->size(), 36u);
  EXPECT_EQ(clients_.Get(id_)->avatar, *first);
  auto key = avatars_->KeyOf(id_, *first);
  ASSERT_OK(key);
  auto info = files_->Stat(*key);
  ASSERT_OK(info);
  EXPECT_GT(info->size, 100u);
  EXPECT_EQ(avatars_->KeyOf(id_, "../../etc/passwd").status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(avatars_->KeyOf(id_ + 1, *first).status().code(), crm::StatusCode::kNotFound);

  auto second = avatars_->Set(id_, PhoneJpeg());
  ASSERT_OK(second);
  EXPECT_NE(*second, *first);
  EXPECT_EQ(Objects(), 1) << "the previous photo is gone";
  EXPECT_EQ(avatars_->KeyOf(id_, *first).status().code(), crm::StatusCode::kNotFound);

  // A refused upload keeps the current photo and stores nothing.
  EXPECT_EQ(avatars_->Set(id_, "not a picture").status().code(), crm::StatusCode::kUnsupportedType);
  EXPECT_EQ(clients_.Get(id_)->avatar, *second);
  EXPECT_EQ(Objects(), 1);
  EXPECT_EQ(avatars_->Set(id_ + 99, PhoneJpeg()).status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(Objects(), 1);

  ASSERT_OK(avatars_->Remove(id_));
  EXPECT_EQ(clients_.Get(id_)->avatar, "");
  EXPECT_EQ(Objects(), 0);
  EXPECT_OK(avatars_->Remove(id_));
  EXPECT_EQ(avatars_->Remove(id_ + 99).code(), crm::StatusCode::kNotFound);
}

TEST_F(AvatarStoreTest, DeletingTheClientDeletesThePhoto) {
  StagingRegistrar host("host");
  ASSERT_OK(host.AddClientDeletionHook(AvatarDeletionHook(*avatars_)));
  ASSERT_OK(registry_.Commit(host.Take()));
  ASSERT_OK(avatars_->Set(id_, PhoneJpeg()));
  ASSERT_EQ(Objects(), 1);
  ASSERT_OK(clients_.Delete(id_));
  EXPECT_EQ(Objects(), 0);
}

}  // namespace
}  // namespace host
