// tests/plugin/test_env.cc — the test world of test_env.h: database with both schemas, the
// HostServices fake, and sample files generated with libvips or by hand.
#include "tests/plugin/test_env.h"

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <openssl/evp.h>
#include <vips/vips8>

#include "sample-host/core/local_object_store.h"
#include "sample-host/core/migrator.h"

namespace cd_test {

std::vector<crm::Migration> HostMigrations();
std::vector<crm::Migration> ModuleMigrations();

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("cd-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

// The local store, or kUnavailable for everything while `down` (FakeHost::store_down).
class DownableStore final : public crm::ObjectStore {
 public:
  DownableStore(std::unique_ptr<crm::ObjectStore> base, const std::atomic<bool>& down)
      : base_(std::move(base)), down_(down) {}
  crm::Result<std::unique_ptr<crm::ObjectWriter>> Create(std::string_view key) override {
    if (down_) return Down();
    return base_->Create(key);
  }
  crm::Result<std::unique_ptr<crm::ObjectReader>> Open(std::string_view key, uint64_t offset,
                                                       std::optional<uint64_t> length) override {
    if (down_) return Down();
    return base_->Open(key, offset, length);
  }
  crm::Result<crm::ObjectInfo> Stat(std::string_view key) override {
    if (down_) return Down();
    return base_->Stat(key);
  }
  crm::Status Delete(std::string_view key) override { return down_ ? Down() : base_->Delete(key); }
  crm::Status List(std::string_view prefix,
                   const std::function<bool(const crm::ObjectInfo&)>& on_object) override {
    return down_ ? Down() : base_->List(prefix, on_object);
  }
  crm::Status Put(std::string_view key, const fs::path& source) override {
    return down_ ? Down() : base_->Put(key, source);
  }

 private:
  static crm::Status Down() { return crm::Unavailable("object store unreachable (test)"); }
  std::unique_ptr<crm::ObjectStore> base_;
  const std::atomic<bool>& down_;
};

}  // namespace

crm::ObjectStore& FakeHost::Files() {
  if (!files_) files_ = std::make_unique<DownableStore>(LocalStore(DataDir()), store_down);
  return *files_;
}

FakeHost::FakeHost(const fs::path& root) : data_dir_(root / "plugins" / "client-documents") {
  fs::create_directories(data_dir_);
  db_ = std::make_unique<crm_test::ScratchDatabase>(root / "test.db");
  if (!db_->status().ok()) throw std::runtime_error("open db: " + db_->status().ToString());
  crm::Status s = host::ApplyMigrations(db_->db(), "host", HostMigrations());
  if (!s.ok()) throw std::runtime_error("host migrations: " + s.ToString());
  s = host::ApplyMigrations(db_->db(), "client-documents", ModuleMigrations());
  if (!s.ok()) throw std::runtime_error("module migrations: " + s.ToString());
}

crm::Principal Client(int64_t client_id) {
  crm::Principal p = crm_test::ClientPrincipal(client_id, "fr");
  p.display_name = "A client";
  return p;
}

namespace {

void EnsureVips() {
  static bool done = [] { return VIPS_INIT("cd_logic_tests") == 0; }();
  (void)done;
}

std::string SaveToBuffer(vips::VImage image, const char* suffix) {
  void* buf = nullptr;
  size_t len = 0;
  image.write_to_buffer(suffix, &buf, &len);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

vips::VImage Gradient(int width, int height) {
  // A non-uniform picture (x + y ramp, three bands) so encoders keep real data.
  vips::VImage xy = vips::VImage::xyz(width, height);
  vips::VImage sum = (xy[0] + xy[1]) % 256;
  return sum.bandjoin({sum, (xy[0] * 3) % 256}).cast(VIPS_FORMAT_UCHAR);
}

}  // namespace

std::string MakePng(int width, int height) {
  EnsureVips();
  return SaveToBuffer(Gradient(width, height), ".png");
}

std::string MakeJpeg(int width, int height, bool with_gps) {
  EnsureVips();
  vips::VImage image = Gradient(width, height);
  if (with_gps) {
    // libvips writes exif-ifdN-* string fields into the EXIF block it saves; IFD 3 is GPS.
    image = image.copy();
    image.set("exif-ifd0-Make", "TestCam");
    image.set("exif-ifd3-GPSLatitudeRef", "N");
    image.set("exif-ifd3-GPSLatitude", "50/1 51/1 0/1");
    image.set("exif-ifd3-GPSLongitudeRef", "E");
    image.set("exif-ifd3-GPSLongitude", "4/1 21/1 0/1");
  }
  return SaveToBuffer(image, ".jpg");
}

std::string MakeHeic(int width, int height) {
  EnsureVips();
  void* buf = nullptr;
  size_t len = 0;
  Gradient(width, height)
      .write_to_buffer(
          ".heic", &buf, &len,
          vips::VImage::option()->set("compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC));
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

std::string MakePdf() {
  // A minimal valid PDF 1.4 (offsets in the xref are not checked by libmagic, but are
  // right anyway so a viewer opens it).
  std::string objs[] = {
      "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
      "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
      "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n"};
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (const std::string& o : objs) {
    offsets.push_back(pdf.size());
    pdf += o;
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 4\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof(line), "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string ElfBytes() { return ReadFile("/bin/true"); }

std::string HtmlBytes() {
  return "<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script>"
         "</body></html>\n";
}

std::unique_ptr<crm::ObjectStore> LocalStore(const fs::path& root) {
  auto store = host::LocalObjectStore::Open(root);
  if (!store.ok()) throw std::runtime_error("no object store: " + store.status().ToString());
  return std::move(*store);
}

std::string ReadObject(const crm::Result<crm::ObjectReply>& reply) {
  if (!reply.ok() || reply->store == nullptr) return "";
  auto reader = reply->store->Open(reply->key);
  if (!reader.ok()) return "";
  std::string out(static_cast<size_t>((*reader)->length()), '\0');
  size_t at = 0;
  while (at < out.size()) {
    auto n = (*reader)->Read(out.data() + at, out.size() - at);
    if (!n.ok() || *n == 0) return "";
    at += *n;
  }
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::vector<std::string> ListFiles(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  return out;
}

MultipartBody& MultipartBody::Field(const std::string& name, const std::string& value) {
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
          value + "\r\n";
  return *this;
}

MultipartBody& MultipartBody::File(const std::string& name, const std::string& filename,
                                   const std::string& content_type, const std::string& bytes) {
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
          "\"; filename=\"" + filename + "\"\r\nContent-Type: " + content_type + "\r\n\r\n" +
          bytes + "\r\n";
  return *this;
}

std::string MultipartBody::Finish() {
  body += "--" + boundary + "--\r\n";
  return body;
}

}  // namespace cd_test
