// tests/plugin/image_metadata_test.cc — StripLocationMetadata on real images made at test time
// (libvips writes them with EXIF GPS and XMP; other blocks are added by hand). libvips (which
// reads EXIF with libexif) is the oracle for what a reader still finds; small walkers below
// check the containers themselves.
#include "plugin/image_metadata.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <vips/vips8>

#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace {
namespace fs = std::filesystem;
using cd::StripLocationMetadata;
using cd_test::ReadFile;
using cd_test::WriteFile;

const std::string kXmp =
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/"
    "22-rdf-syntax-ns#'><rdf:Description xmlns:exif='http://ns.adobe.com/exif/1.0/' "
    "exif:GPSLatitude='50,51.0N'/></rdf:RDF></x:xmpmeta>";

vips::VImage Gradient(int width = 96, int height = 64) {
  vips::VImage xy = vips::VImage::xyz(width, height);
  vips::VImage sum = (xy[0] + xy[1]) % 256;
  return sum.bandjoin({sum, (xy[0] * 3) % 256}).cast(VIPS_FORMAT_UCHAR).copy();
}

// A picture as a phone leaves it: EXIF with Make, Orientation 6 and GPS (IFD 3), and XMP.
vips::VImage PhonePicture() {
  vips::VImage image = Gradient();
  image.set("exif-ifd0-Make", "TestCam");
  image.set("exif-ifd3-GPSLatitudeRef", "N");
  image.set("exif-ifd3-GPSLatitude", "50/1 51/1 0/1");
  image.set("exif-ifd3-GPSLongitudeRef", "E");
  image.set("exif-ifd3-GPSLongitude", "4/1 21/1 0/1");
  image.set("orientation", 6);
  vips_image_set_blob_copy(image.get_image(), "xmp-data", kXmp.data(), kXmp.size());
  return image;
}

std::string Save(const vips::VImage& image, const char* suffix, vips::VOption* options = nullptr) {
  void* buf = nullptr;
  size_t len = 0;
  image.write_to_buffer(suffix, &buf, &len, options);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

std::vector<std::string> Fields(const vips::VImage& image) {
  std::vector<std::string> out;
  gchar** fields = vips_image_get_fields(image.get_image());
  for (gchar** f = fields; *f != nullptr; ++f) out.emplace_back(*f);
  g_strfreev(fields);
  return out;
}

bool HasFieldPrefix(const vips::VImage& image, const std::string& prefix) {
  for (const std::string& f : Fields(image))
    if (f.rfind(prefix, 0) == 0) return true;
  return false;
}

vips::VImage Load(const std::string& bytes) {
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "");
}

std::string Pixels(const std::string& bytes) {
  size_t len = 0;
  void* mem = Load(bytes).write_to_memory(&len);
  std::string out(static_cast<const char*>(mem), len);
  g_free(mem);
  return out;
}

// ---- container walkers --------------------------------------------------------------------

uint32_t U8(const std::string& bytes, size_t at) { return static_cast<unsigned char>(bytes[at]); }

struct Segment {
  int marker;
  std::string payload;
};

// JPEG segments before the first SOS, and the offset of that SOS.
std::vector<Segment> JpegSegments(const std::string& jpeg, size_t* sos) {
  std::vector<Segment> out;
  size_t at = 2;
  while (at + 4 <= jpeg.size() && U8(jpeg, at) == 0xFF) {
    int marker = static_cast<int>(U8(jpeg, at + 1));
    if (marker == 0xDA) break;
    size_t len = U8(jpeg, at + 2) << 8 | U8(jpeg, at + 3);
    out.push_back({marker, jpeg.substr(at + 4, len - 2)});
    at += 2 + len;
  }
  *sos = at;
  return out;
}

std::string JpegSegment(int marker, const std::string& payload) {
  size_t len = payload.size() + 2;
  return std::string{'\xFF', static_cast<char>(marker), static_cast<char>(len >> 8),
                     static_cast<char>(len & 0xFF)} +
         payload;
}

std::string InsertAfterSoi(const std::string& jpeg, const std::string& segments) {
  return jpeg.substr(0, 2) + segments + jpeg.substr(2);
}

uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string PngChunk(const std::string& type, const std::string& data) {
  return Be32(static_cast<uint32_t>(data.size())) + type + data + Be32(Crc32(type + data));
}

// Every PNG chunk, whole (length, type, data, CRC), in order.
std::vector<std::string> PngChunks(const std::string& png) {
  std::vector<std::string> out;
  for (size_t at = 8; at + 12 <= png.size();) {
    uint32_t len =
        U8(png, at) << 24 | U8(png, at + 1) << 16 | U8(png, at + 2) << 8 | U8(png, at + 3);
    out.push_back(png.substr(at, 12 + len));
    at += 12 + len;
  }
  return out;
}

bool HasChunkStarting(const std::vector<std::string>& chunks, const std::string& type_and_data) {
  for (const std::string& c : chunks)
    if (c.compare(4, type_and_data.size(), type_and_data) == 0) return true;
  return false;
}

std::vector<std::string> WebpFourccs(const std::string& webp) {
  std::vector<std::string> out;
  for (size_t at = 12; at + 8 <= webp.size();) {
    uint32_t size = 0;
    std::memcpy(&size, webp.data() + at + 4, 4);  // little endian on the test machines
    out.push_back(webp.substr(at, 4));
    at += 8 + size + (size & 1);
  }
  return out;
}

// A big- or little-endian TIFF block: IFD0 {Orientation 6, GPS pointer}, GPS IFD {LatitudeRef
// "N", Latitude 3 rationals stored out of line}. `gps_values` receives those 24 bytes.
std::string HandTiff(bool big_endian, std::string* gps_values) {
  auto u16 = [&](uint32_t v) {
    return big_endian ? std::string{static_cast<char>(v >> 8), static_cast<char>(v)}
                      : std::string{static_cast<char>(v), static_cast<char>(v >> 8)};
  };
  auto u32 = [&](uint32_t v) {
    return big_endian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16);
  };
  auto entry = [&](uint32_t tag, uint32_t type, uint32_t count, std::string value) {
    return u16(tag) + u16(type) + u32(count) + value;
  };
  std::string tiff = big_endian ? std::string("MM\0*", 4) : std::string("II*\0", 4);
  tiff += u32(8);
  // IFD0 at 8: 2 entries -> 2 + 24 + 4 = 30 bytes; GPS IFD at 38: 2 + 24 + 4; data at 68.
  tiff += u16(2) + entry(0x0112, 3, 1, u16(6) + u16(0)) + entry(0x8825, 4, 1, u32(38)) + u32(0);
  tiff += u16(2) + entry(0x0001, 2, 2, std::string("N\0\0\0", 4)) + entry(0x0002, 5, 3, u32(68)) +
          u32(0);
  *gps_values = u32(50) + u32(1) + u32(51) + u32(1) + u32(7) + u32(100);
  return tiff + *gps_values;
}

// ---- fixture ------------------------------------------------------------------------------

class ImageMetadataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(VIPS_INIT("image_metadata_test"), 0); }

  // Writes `bytes` to a file, strips it, and returns the new content.
  crm::Result<cd::StripReport> Strip(const std::string& bytes, const std::string& mime) {
    WriteFile(file_, bytes);
    return StripLocationMetadata(file_, mime);
  }
  std::string Stored() const { return ReadFile(file_); }
  // Only the file itself: no temp file left beside it.
  void ExpectAlone() const { EXPECT_EQ(cd_test::ListFiles(dir_.path()).size(), 1u); }
  // A file with nothing to remove: {changed = false}, the same bytes, no temp file left.
  void ExpectUnchanged(const std::string& bytes, const std::string& mime) {
    SCOPED_TRACE(mime);
    auto report = Strip(bytes, mime);
    ASSERT_OK(report);
    EXPECT_FALSE(report->changed) << report->method;
    EXPECT_EQ(Stored(), bytes);
    ExpectAlone();
  }
  // A malformed file: kInvalidArgument, the file as it was, no temp file left.
  void ExpectRejected(const std::string& bad, const std::string& mime) {
    SCOPED_TRACE(mime + " of " + std::to_string(bad.size()) + " bytes");
    auto report = Strip(bad, mime);
    ASSERT_FALSE(report.ok()) << report->method;
    EXPECT_EQ(report.status().code(), crm::StatusCode::kInvalidArgument);
    EXPECT_EQ(Stored(), bad);
    ExpectAlone();
  }

  cd_test::TempDir dir_;
  fs::path file_ = dir_.path() / "original.bin";
};

// ---- JPEG ---------------------------------------------------------------------------------

TEST_F(ImageMetadataTest, JpegLosesGpsAndXmpButKeepsExifOrientationAndPixels) {
  std::string before = Save(PhonePicture(), ".jpg");
  // Preconditions: the sample holds what the function must remove.
  ASSERT_TRUE(HasFieldPrefix(Load(before), "exif-ifd3-GPSLatitude"));
  ASSERT_TRUE(HasFieldPrefix(Load(before), "xmp-data"));

  auto report = Strip(before, "image/jpeg");
  ASSERT_OK(report);
  EXPECT_TRUE(report->changed);
  std::string after = Stored();
  vips::VImage image = Load(after);
  EXPECT_FALSE(HasFieldPrefix(image, "exif-ifd3-")) << report->method;
  EXPECT_FALSE(HasFieldPrefix(image, "xmp-data"));
  EXPECT_TRUE(HasFieldPrefix(image, "exif-ifd0-Make"));
  EXPECT_EQ(image.get_int("orientation"), 6);
  EXPECT_EQ(Pixels(after), Pixels(before));
  // The EXIF block keeps its size (edited in place); the scan is the same bytes.
  size_t sos_before = 0, sos_after = 0;
  JpegSegments(before, &sos_before);
  JpegSegments(after, &sos_after);
  EXPECT_EQ(after.substr(sos_after), before.substr(sos_before));
  ExpectAlone();
}

TEST_F(ImageMetadataTest, JpegGpsIfdAndItsValuesAreZeroedInBothByteOrders) {
  for (bool big_endian : {false, true}) {
    std::string gps_values;
    std::string tiff = HandTiff(big_endian, &gps_values);
    std::string exif = JpegSegment(0xE1, std::string("Exif\0\0", 6) + tiff);
    std::string before = InsertAfterSoi(Save(Gradient(), ".jpg"), exif);
    ASSERT_NE(before.find(gps_values), std::string::npos);
    ASSERT_EQ(Load(before).get_int("orientation"), 6);
    ASSERT_TRUE(HasFieldPrefix(Load(before), "exif-ifd3-GPSLatitude"));

    auto report = Strip(before, "image/jpeg");
    ASSERT_OK(report);
    std::string after = Stored();
    EXPECT_EQ(after.size(), before.size());
    EXPECT_EQ(after.find(gps_values), std::string::npos) << "big endian: " << big_endian;
    vips::VImage image = Load(after);
    EXPECT_FALSE(HasFieldPrefix(image, "exif-ifd3-"));
    EXPECT_EQ(image.get_int("orientation"), 6);
  }
}

TEST_F(ImageMetadataTest, JpegDropsExtendedXmpApp13AndUnreadableExif) {
  std::string plain = Save(Gradient(), ".jpg");
  std::string extra = JpegSegment(0xE1, std::string("http://ns.adobe.com/xmp/extension/\0", 35) +
                                            std::string(40, 'A') + kXmp) +
                      JpegSegment(0xED, std::string("Photoshop 3.0\0008BIM", 18) + "Brussels") +
                      JpegSegment(0xE1, std::string("Exif\0\0XX*\0garbage", 17)) +
                      JpegSegment(0xE1, "QVCI: some other APP1, dropped too") +
                      JpegSegment(0xE2, "ICC_PROFILE-ish, kept");
  std::string before = InsertAfterSoi(plain, extra);
  auto report = Strip(before, "image/jpeg");
  ASSERT_OK(report);
  EXPECT_TRUE(report->changed);
  EXPECT_EQ(Stored(), InsertAfterSoi(plain, JpegSegment(0xE2, "ICC_PROFILE-ish, kept")))
      << report->method;
}

TEST_F(ImageMetadataTest, PicturesAppendedAfterTheFirstLoseTheirGpsAtTheSameSize) {
  // As MPF files are laid out: the main picture, then previews or gain maps after its EOI,
  // found through offsets that must not move.
  std::string main_picture = Save(Gradient(), ".jpg");
  std::string appended = Save(PhonePicture(), ".jpg");
  std::string gps_values;
  std::string tiff = HandTiff(false, &gps_values);
  std::string blank = InsertAfterSoi(Save(Gradient(8, 8), ".jpg"),
                                     JpegSegment(0xE1, std::string("Exif\0\0MM\0*", 10)));
  std::string second = InsertAfterSoi(Save(Gradient(16, 16), ".jpg"),
                                      JpegSegment(0xE1, std::string("Exif\0\0", 6) + tiff));
  std::string before = main_picture + appended + blank + second;
  ASSERT_TRUE(HasFieldPrefix(Load(appended), "exif-ifd3-GPSLatitude"));

  auto report = Strip(before, "image/jpeg");
  ASSERT_OK(report);
  EXPECT_TRUE(report->changed);
  std::string after = Stored();
  ASSERT_EQ(after.size(), before.size()) << report->method;
  EXPECT_EQ(after.substr(0, main_picture.size()), main_picture);
  vips::VImage image = Load(after.substr(main_picture.size(), appended.size()));
  EXPECT_FALSE(HasFieldPrefix(image, "exif-ifd3-"));
  EXPECT_TRUE(HasFieldPrefix(image, "exif-ifd0-Make"));
  EXPECT_EQ(image.get_int("orientation"), 6);
  EXPECT_EQ(Pixels(after.substr(main_picture.size(), appended.size())), Pixels(appended));
  EXPECT_EQ(after.find(gps_values), std::string::npos);
  // The unreadable EXIF block of the third picture is zeroed, not dropped.
  EXPECT_NE(after.find(std::string("Exif\0\0\0\0\0\0", 10)), std::string::npos);
}

TEST_F(ImageMetadataTest, JpegWithoutLocationIsLeftByteForByte) {
  vips::VImage image = Gradient();
  image.set("exif-ifd0-Make", "TestCam");
  image.set("orientation", 3);
  std::string before = Save(image, ".jpg");
  ExpectUnchanged(before, "image/jpeg");
}

TEST_F(ImageMetadataTest, TruncatedOrCorruptJpegIsAnErrorAndTheFileStays) {
  std::string jpeg = Save(PhonePicture(), ".jpg");
  size_t sos = 0;
  std::vector<Segment> segments = JpegSegments(jpeg, &sos);
  ASSERT_GT(segments.size(), 1u);
  std::string bad_marker = jpeg;
  bad_marker[2 + 4 + segments[0].payload.size()] = 'x';  // where the second marker's 0xFF is
  for (const std::string& bad :
       {jpeg.substr(0, 40), jpeg.substr(0, 1), bad_marker, std::string("\xFF\xD8\xFF\xD9", 4)}) {
    ExpectRejected(bad, "image/jpeg");
  }
}

// ---- PNG ----------------------------------------------------------------------------------

TEST_F(ImageMetadataTest, PngLosesExifXmpAndRawProfilesAndKeepsOtherChunks) {
  std::string vips_png = Save(PhonePicture(), ".png");  // libvips writes the XMP as zTXt
  std::vector<std::string> chunks = PngChunks(vips_png);
  ASSERT_TRUE(HasChunkStarting(chunks, "zTXtXML:com.adobe.xmp"));
  std::string gps_values;
  std::string comment = PngChunk("tEXt", std::string("Comment\0kept", 12));
  std::string added = PngChunk("eXIf", HandTiff(true, &gps_values)) + comment +
                      PngChunk("zTXt", std::string("Raw profile type exif\0\0xx", 25)) +
                      PngChunk("iTXt", std::string("XML:com.adobe.xmp\0\0\0\0\0", 22) + kXmp);
  // After IHDR (the first chunk), as writers place them.
  std::string before = vips_png.substr(0, 8) + chunks[0] + added;
  for (size_t i = 1; i < chunks.size(); ++i) before += chunks[i];

  auto report = Strip(before, "image/png");
  ASSERT_OK(report);
  EXPECT_TRUE(report->changed);
  std::string after = Stored();
  std::vector<std::string> kept = PngChunks(after);
  EXPECT_FALSE(HasChunkStarting(kept, "eXIf"));
  EXPECT_FALSE(HasChunkStarting(kept, "iTXtXML:com.adobe.xmp"));
  EXPECT_FALSE(HasChunkStarting(kept, "zTXtXML:com.adobe.xmp"));
  EXPECT_FALSE(HasChunkStarting(kept, "zTXtRaw profile type"));
  EXPECT_EQ(after.find(gps_values), std::string::npos);
  // Every other chunk is there, in order, with its CRC.
  std::string expected = vips_png.substr(0, 8) + chunks[0] + comment;
  for (size_t i = 1; i < chunks.size(); ++i)
    if (chunks[i].compare(4, 21, "zTXtXML:com.adobe.xmp") != 0) expected += chunks[i];
  EXPECT_EQ(after, expected);
  EXPECT_FALSE(HasFieldPrefix(Load(after), "xmp-data"));
  EXPECT_EQ(Pixels(after), Pixels(before));
}

TEST_F(ImageMetadataTest, PngWithoutMetadataIsLeftAndTruncatedPngIsAnError) {
  std::string png = cd_test::MakePng();
  ExpectUnchanged(png, "image/png");
  for (const std::string& bad : {png.substr(0, png.size() - 6), png.substr(0, 20),
                                 std::string("\x89PNG\r\n\x1a\n\x80\0\0\0IHDR", 16)}) {
    ExpectRejected(bad, "image/png");
  }
}

// ---- WebP ---------------------------------------------------------------------------------

TEST_F(ImageMetadataTest, WebpLosesExifAndXmpChunksWithFlagsAndSizeFixed) {
  std::string before = Save(PhonePicture(), ".webp");
  std::vector<std::string> fourccs = WebpFourccs(before);
  ASSERT_NE(std::find(fourccs.begin(), fourccs.end(), "EXIF"), fourccs.end());
  ASSERT_NE(std::find(fourccs.begin(), fourccs.end(), "XMP "), fourccs.end());

  auto report = Strip(before, "image/webp");
  ASSERT_OK(report);
  EXPECT_TRUE(report->changed);
  std::string after = Stored();
  std::vector<std::string> left = WebpFourccs(after);
  EXPECT_EQ(std::find(left.begin(), left.end(), "EXIF"), left.end());
  EXPECT_EQ(std::find(left.begin(), left.end(), "XMP "), left.end());
  uint32_t riff_size = 0;
  std::memcpy(&riff_size, after.data() + 4, 4);
  EXPECT_EQ(riff_size, after.size() - 8);
  ASSERT_EQ(after.substr(12, 4), "VP8X");
  EXPECT_EQ(after[20] & 0x0C, 0);  // EXIF and XMP flags
  vips::VImage image = Load(after);
  EXPECT_FALSE(HasFieldPrefix(image, "exif-"));
  EXPECT_FALSE(HasFieldPrefix(image, "xmp-data"));
  EXPECT_EQ(Pixels(after), Pixels(before));
}

TEST_F(ImageMetadataTest, WebpWithoutMetadataIsLeftAndTruncatedWebpIsAnError) {
  // libvips always adds an EXIF block (resolution, even with strip): a first run makes the
  // metadata-free file, a second run must leave it alone.
  std::string with_exif = Save(PhonePicture(), ".webp");
  ASSERT_OK(Strip(with_exif, "image/webp"));
  std::string webp = Stored();
  ASSERT_EQ(webp.substr(12, 4), "VP8X");
  ExpectUnchanged(webp, "image/webp");
  for (const std::string& bad : {with_exif.substr(0, with_exif.size() - 10),
                                 with_exif.substr(0, 30), std::string("RIFF\2\0\0\0WEBP", 12)}) {
    ExpectRejected(bad, "image/webp");
  }
}

// ---- HEIF and the rest --------------------------------------------------------------------

TEST_F(ImageMetadataTest, HeicLosesGpsAndXmpInPlaceAndKeepsItsPixels) {
  std::string before = Save(PhonePicture(), ".heic");
  ASSERT_TRUE(HasFieldPrefix(Load(before), "exif-ifd3-GPSLatitude"));
  ASSERT_NE(before.find(kXmp), std::string::npos);
  auto report = Strip(before, "image/heic");
  ASSERT_OK(report);
  EXPECT_TRUE(report->changed);
  std::string after = Stored();
  EXPECT_EQ(after.size(), before.size()) << report->method;
  vips::VImage image = Load(after);
  EXPECT_FALSE(HasFieldPrefix(image, "exif-ifd3-"));
  EXPECT_TRUE(HasFieldPrefix(image, "exif-ifd0-Make"));
  EXPECT_EQ(after.find("GPSLatitude='50"), std::string::npos);
  EXPECT_EQ(Pixels(after), Pixels(before));
  ExpectAlone();
  // A second run finds nothing left to do.
  ExpectUnchanged(after, "image/heic");
}

TEST_F(ImageMetadataTest, HeifWithoutMetaIsLeftAndTruncatedHeifIsAnError) {
  std::string bare(
      "\x00\x00\x00\x18"
      "ftypheic"
      "\x00\x00\x00\x00"
      "mif1heic",
      24);
  ExpectUnchanged(bare, "image/heif");
  std::string heic = Save(PhonePicture(), ".heic");
  size_t meta = heic.find("meta");
  ASSERT_NE(meta, std::string::npos);
  for (const std::string& bad : {heic.substr(0, meta + 40), heic.substr(0, heic.size() - 1),
                                 bare + std::string("\0\0\0\x04meta", 8)}) {
    ExpectRejected(bad, "image/heic");
  }
}

TEST_F(ImageMetadataTest, OtherTypesAreUntouchedAndAMissingFileIsNotFound) {
  std::string pdf = cd_test::MakePdf();
  ExpectUnchanged(pdf, "application/pdf");
  EXPECT_EQ(StripLocationMetadata(dir_.path() / "missing.jpg", "image/jpeg").status().code(),
            crm::StatusCode::kNotFound);
}

TEST_F(ImageMetadataTest, PermissionBitsSurviveTheRewrite) {
  WriteFile(file_, Save(PhonePicture(), ".jpg"));
  fs::permissions(file_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto report = StripLocationMetadata(file_, "image/jpeg");
  ASSERT_OK(report);
  ASSERT_TRUE(report->changed);
  EXPECT_EQ(fs::status(file_).permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

}  // namespace
