// plugin/file_store.cc — streamed, hashed, sniffed temp files renamed atomically into place
// under generated names; thumbnails with libvips; orphan scrubbing. POSIX I/O for fsync.
#include "plugin/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>

#include <magic.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <vips/vips8>

#include "plugin/image_metadata.h"

namespace cd {
namespace fs = std::filesystem;

namespace {

// libmagic needs a few KiB for every format we accept; PDF and images are decided by
// their first bytes, so waiting for more would only delay the 415.
constexpr size_t kSniffBytes = 16 * 1024;
constexpr size_t kFetchChunk = 256 * 1024;  // FileStore::Fetch's reads
// Write-behind: once this much was written since the last write-out started, the kernel is
// told to start writing it (sync_file_range), and the range before it is waited for. Dirty
// pages stay bounded by two windows, and the final fsync has at most that much left to do.
constexpr int64_t kWriteBehindBytes = 8 << 20;
constexpr int kThumbnailSize = 320;
// Images larger than this are not thumbnailed (decompression bombs).
constexpr int64_t kMaxThumbnailPixels = 100LL * 1000 * 1000;

// Aliases libmagic may report for an allowed type.
bool MimeAllowed(const std::string& mime, const std::vector<std::string>& accept) {
  if (std::find(accept.begin(), accept.end(), mime) != accept.end()) return true;
  auto has = [&](const char* m) {
    return std::find(accept.begin(), accept.end(), m) != accept.end();
  };
  if (mime == "image/heif" && has("image/heic")) return true;
  if (mime == "image/heic-sequence" && has("image/heic")) return true;
  if (mime == "image/pjpeg" && has("image/jpeg")) return true;
  return false;
}

// The generated names: files/<client_id>/<32 hex>.bin and, for images, the thumbnail
// files/<client_id>/<same hex>.thumb.jpg beside it. Never the client's file name.
constexpr std::string_view kBlobSuffix = ".bin";
constexpr std::string_view kThumbnailSuffix = ".thumb.jpg";

bool IsKnownKeyShape(std::string_view key) {
  // files/<digits>/<32 hex>.bin | .thumb.jpg
  if (key.substr(0, 6) != "files/") return false;
  key.remove_prefix(6);
  size_t slash = key.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash > 19) return false;
  for (size_t i = 0; i < slash; ++i)
    if (key[i] < '0' || key[i] > '9') return false;
  std::string_view name = key.substr(slash + 1);
  if (name.size() < 32) return false;
  for (size_t i = 0; i < 32; ++i) {
    char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  std::string_view ext = name.substr(32);
  return ext == kBlobSuffix || ext == kThumbnailSuffix;
}

std::string BlobKey(int64_t client_id, const std::string& stem) {
  return "files/" + std::to_string(client_id) + "/" + stem + std::string(kBlobSuffix);
}

std::string ThumbnailKey(int64_t client_id, const std::string& stem) {
  return "files/" + std::to_string(client_id) + "/" + stem + std::string(kThumbnailSuffix);
}

// The size and SHA-256 (lower-case hex) of what `read` yields (bytes read into the buffer, 0
// at the end, an error). Memory stays flat: 64 KiB at a time.
crm::Status HashStream(const std::function<crm::Result<size_t>(char*, size_t)>& read, int64_t* size,
                       std::string* sha256_hex) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    return crm::Internal("sha256 unavailable");
  int64_t total = 0;
  std::string buffer(64 * 1024, '\0');
  for (;;) {
    CRM_ASSIGN_OR_RETURN(size_t n, read(buffer.data(), buffer.size()));
    if (n == 0) break;
    if (EVP_DigestUpdate(ctx.get(), buffer.data(), n) != 1)
      return crm::Internal("cannot hash the stored file");
    total += static_cast<int64_t>(n);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
    return crm::Internal("cannot hash the stored file");
  *size = total;
  *sha256_hex = HexOf(digest, len);
  return crm::Status::Ok();
}

// The size and SHA-256 (lower-case hex) of the file at `path`, read again from the disk.
crm::Status HashFile(const fs::path& path, int64_t* size, std::string* sha256_hex) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return crm::Internal("cannot reopen the file: " + std::string(std::strerror(errno)));
  crm::Status s = HashStream(
      [fd](char* buffer, size_t size) -> crm::Result<size_t> {
        for (;;) {
          ssize_t n = ::read(fd, buffer, size);
          if (n >= 0) return static_cast<size_t>(n);
          if (errno != EINTR) return crm::Internal("cannot hash the stored file");
        }
      },
      size, sha256_hex);
  ::close(fd);
  return s;
}

void InitVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("client-documents") != 0) return;
    vips_cache_set_max(0);  // thumbnails are one-shot; no cache to grow
    vips_concurrency_set(1);
  });
}

}  // namespace

std::string HexOf(const unsigned char* bytes, unsigned int len) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return "";
  }
  return HexOf(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<unsigned>(bytes));
}

// The running hash, and how far the file was written out (its state lives here, not in the
// header, which every caller includes).
struct PendingFile::HashState {
  EVP_MD_CTX* ctx = nullptr;
  WriteBehind write_behind;
  ~HashState() {
    if (ctx) EVP_MD_CTX_free(ctx);
  }
};

std::string SniffMime(std::string_view head) {
  // One cookie for the process, loaded once: its database is mapped from magic.mgc, and a
  // cookie per thread counted those pages once per worker (megabytes each, issue 9's RSS).
  // A magic_t is not thread-safe, so sniffs take turns (once per upload, on 16 KiB).
  static magic_t cookie = [] {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
    if (m && magic_load(m, nullptr) != 0) {
      magic_close(m);
      m = nullptr;
    }
    return m;
  }();
  static std::mutex mu;
  if (!cookie) return "";
  std::lock_guard<std::mutex> lock(mu);
  const char* r = magic_buffer(cookie, head.data(), head.size());
  return r ? std::string(r) : std::string();
}

crm::Status MakeThumbnail(const fs::path& source, const fs::path& dest) {
  InitVips();
  try {
    vips::VImage header = vips::VImage::new_from_file(
        source.c_str(), vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    if (static_cast<int64_t>(header.width()) * header.height() > kMaxThumbnailPixels)
      return crm::UnsupportedType("image too large for a thumbnail");
    vips::VImage thumb = vips::VImage::thumbnail(
        source.c_str(), kThumbnailSize,
        vips::VImage::option()->set("height", kThumbnailSize)->set("size", VIPS_SIZE_DOWN));
    // strip: no EXIF (GPS), XMP, IPTC or ICC reaches the thumbnail.
    thumb.jpegsave(dest.c_str(), vips::VImage::option()->set("strip", true)->set("Q", 80));
  } catch (const vips::VError& e) {
    vips_error_clear();
    return crm::UnsupportedType(std::string("no thumbnail: ") + e.what());
  } catch (const std::exception& e) {
    return crm::UnsupportedType(std::string("no thumbnail: ") + e.what());
  }
  return crm::Status::Ok();
}

PendingFile::~PendingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) {
    std::error_code ec;
    fs::remove(temp_path_, ec);
  }
}

crm::Status PendingFile::Sniff() {
  mime_ = SniffMime(head_);
  if (mime_.empty()) return crm::UnsupportedType("file type could not be determined");
  if (!MimeAllowed(mime_, accept_))
    return crm::UnsupportedType("file type " + mime_ + " is not accepted for this document");
  // What is shown and downloaded says what the file is, not what the client called it.
  display_name_ = NameForType(display_name_, mime_);
  return crm::Status::Ok();
}

crm::Status PendingFile::Abort(crm::Status status) {
  // Remove at once: a refused upload leaves nothing behind, even mid-stream.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::remove(temp_path_, ec);
  return status;
}

crm::Status PendingFile::Write(std::string_view data) {
  if (finished_ || fd_ < 0) return crm::Internal("write to a closed file");
  const bool over_limit = static_cast<int64_t>(data.size()) > max_size_ - size_;
  if (!sniffed_) {
    head_.append(data.substr(0, kSniffBytes - head_.size()));
    // Sniff as soon as there is enough, or now if the file is refused anyway: a
    // disguised executable is reported as such (415), not merely as too large.
    if (head_.size() >= kSniffBytes || over_limit) {
      sniffed_ = true;
      crm::Status s = Sniff();
      if (!s.ok()) return Abort(s);
    }
  }
  if (over_limit)
    return Abort(crm::TooLarge("file larger than " + std::to_string(max_size_) + " bytes"));
  if (EVP_DigestUpdate(hash_->ctx, data.data(), data.size()) != 1)
    return Abort(crm::Internal("sha256 failed"));
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Abort(crm::Internal("write failed: " + std::string(std::strerror(errno))));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  size_ += static_cast<int64_t>(data.size());
  hash_->write_behind.Wrote(fd_, size_);
  return crm::Status::Ok();
}

void WriteBehind::Wrote(int fd, int64_t end) {
  if (end - started_ < kWriteBehindBytes) return;
  (void)::sync_file_range(fd, started_, end - started_, SYNC_FILE_RANGE_WRITE);
  if (started_ > waited_) {
    (void)::sync_file_range(
        fd, waited_, started_ - waited_,
        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
  }
  waited_ = started_;
  started_ = end;
}

crm::Status PendingFile::Finish() {
  if (finished_) return crm::Status::Ok();
  if (fd_ < 0) return crm::Internal("file already aborted");
  if (size_ == 0) return Abort(crm::Unprocessable("the file is empty"));
  if (!sniffed_) {
    sniffed_ = true;
    crm::Status s = Sniff();
    if (!s.ok()) return Abort(s);
  }
  if (sha256_hex_.empty()) {  // an adopted file comes with its hash
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(hash_->ctx, digest, &len) != 1)
      return Abort(crm::Internal("sha256 failed"));
    sha256_hex_ = HexOf(digest, len);
  }
  if (::fsync(fd_) != 0)
    return Abort(crm::Internal("fsync failed: " + std::string(std::strerror(errno))));
  ::close(fd_);
  fd_ = -1;
  head_.clear();
  head_.shrink_to_fit();
  finished_ = true;
  return crm::Status::Ok();
}

crm::Status PendingFile::RemoveLocationMetadata() {
  // Finish closed fd_: StripLocationMetadata renames a new file over temp_path_, and an fd
  // still open would point at the old inode.
  if (!finished_ || committed_ || fd_ >= 0) return crm::Internal("strip of an unfinished file");
  crm::Result<StripReport> report = StripLocationMetadata(temp_path_, mime_);
  if (!report.ok()) {
    finished_ = false;  // dead: Commit refuses it
    crm::Status refused = report.status().code() == crm::StatusCode::kInvalidArgument
                              ? crm::Unprocessable(std::string(kImageDamaged))
                              : report.status();
    return Abort(refused);
  }
  if (!report->changed) return crm::Status::Ok();
  fetched_intact_ = false;  // the fetched object still has the location: Commit stores these
  crm::Status hashed = HashFile(temp_path_, &size_, &sha256_hex_);
  if (!hashed.ok()) {
    finished_ = false;
    return Abort(hashed);
  }
  return crm::Status::Ok();
}

FileStore::FileStore(fs::path temp_root, crm::ObjectStore& objects)
    : root_(std::move(temp_root)), objects_(objects) {}

crm::Result<std::unique_ptr<PendingFile>> FileStore::Begin(std::string_view client_name,
                                                           int64_t max_size,
                                                           std::vector<std::string> accept) {
  std::error_code ec;
  fs::create_directories(root_ / "tmp", ec);
  if (ec) return crm::Internal("cannot create the temp folder: " + ec.message());
  std::unique_ptr<PendingFile> f(new PendingFile());
  std::string name = RandomHex(16);
  if (name.empty()) return crm::Internal("no randomness");
  f->temp_path_ = root_ / "tmp" / (name + ".part");
  f->fd_ = ::open(f->temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (f->fd_ < 0) {
    f->temp_path_.clear();
    return crm::Internal("cannot create a temp file: " + std::string(std::strerror(errno)));
  }
  f->max_size_ = max_size;
  f->accept_ = std::move(accept);
  f->display_name_ = SanitizeFileName(client_name);
  f->hash_ = std::make_unique<PendingFile::HashState>();
  f->hash_->ctx = EVP_MD_CTX_new();
  if (!f->hash_->ctx || EVP_DigestInit_ex(f->hash_->ctx, EVP_sha256(), nullptr) != 1)
    return crm::Internal("sha256 unavailable");
  return f;
}

crm::Result<std::unique_ptr<PendingFile>> FileStore::Adopt(const fs::path& source,
                                                           std::string_view client_name,
                                                           int64_t max_size,
                                                           std::vector<std::string> accept,
                                                           const std::string& sha256_hex) {
  std::string name = RandomHex(16);
  if (name.empty()) return crm::Internal("no randomness");
  std::unique_ptr<PendingFile> f(new PendingFile());
  const fs::path link = temp_dir() / (name + ".part");
  if (::link(source.c_str(), link.c_str()) != 0)
    return errno == ENOENT ? crm::NotFound("the upload's file is gone")
                           : crm::Internal("cannot link the upload's file: " +
                                           std::string(std::strerror(errno)));
  f->temp_path_ = link;  // from here the destructor removes the link (never `source`)
  f->fd_ = ::open(link.c_str(), O_RDONLY | O_CLOEXEC);  // for Finish's fsync and the head
  struct stat st {};
  if (f->fd_ < 0 || ::fstat(f->fd_, &st) != 0)
    return crm::Internal("cannot open the upload's file: " + std::string(std::strerror(errno)));
  f->size_ = st.st_size;
  if (f->size_ > max_size)
    return crm::TooLarge("file larger than " + std::to_string(max_size) + " bytes");
  f->head_.resize(kSniffBytes);
  const ssize_t head = ::pread(f->fd_, f->head_.data(), kSniffBytes, 0);
  if (head < 0) return crm::Internal("cannot read the upload's file");
  f->head_.resize(static_cast<size_t>(head));
  f->max_size_ = max_size;
  f->accept_ = std::move(accept);
  f->display_name_ = SanitizeFileName(client_name);
  f->hash_ = std::make_unique<PendingFile::HashState>();
  f->sha256_hex_ = sha256_hex;
  if (f->sha256_hex_.empty()) {
    int64_t hashed = 0;
    CRM_RETURN_IF_ERROR(HashFile(link, &hashed, &f->sha256_hex_));
    if (hashed != f->size_) return crm::Internal("the upload's file changed while hashed");
  }
  return f;
}

crm::Result<std::unique_ptr<PendingFile>> FileStore::Fetch(std::string_view key,
                                                           std::string_view client_name,
                                                           int64_t max_size,
                                                           std::vector<std::string> accept) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectReader> reader, objects_.Open(key));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<PendingFile> file,
                       Begin(client_name, max_size, std::move(accept)));
  std::string buffer(kFetchChunk, '\0');
  while (true) {
    CRM_ASSIGN_OR_RETURN(size_t n, reader->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    CRM_RETURN_IF_ERROR(file->Write(std::string_view(buffer.data(), n)));
  }
  file->fetched_key_ = std::string(key);
  return file;
}

std::string FileStore::NewBlobKey(int64_t client_id) {
  const std::string stem = RandomHex(16);
  return stem.empty() ? "" : BlobKey(client_id, stem);
}

bool FileStore::StoresLocally() {
  int known = stores_locally_.load();
  if (known >= 0) return known == 1;
  std::error_code ec;
  fs::create_directories(temp_dir(), ec);
  const std::string name = RandomHex(16) + ".probe";
  const fs::path probe = temp_dir() / name;
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;  // asked again next time
  ::close(fd);
  const bool local = objects_.Stat("tmp/" + name).ok();
  fs::remove(probe, ec);
  stores_locally_.store(local ? 1 : 0);
  return local;
}

crm::Result<CommittedFile> FileStore::Commit(PendingFile& file, int64_t client_id) {
  if (!file.finished_ || file.committed_) return crm::Internal("commit of an unfinished file");
  if (client_id <= 0) return crm::InvalidArgument("bad client id");
  std::string stem = RandomHex(16);
  if (stem.empty()) return crm::Internal("no randomness");
  // A fetched file whose object is one of this client's blobs stays where it is (its stem).
  const std::string own_prefix = "files/" + std::to_string(client_id) + "/";
  const std::string& fetched = file.fetched_key_;
  const bool keep_stored =
      !fetched.empty() && file.fetched_intact_ && fetched.rfind(own_prefix, 0) == 0 &&
      fetched.size() > own_prefix.size() &&
      fetched.find('/', own_prefix.size()) == std::string::npos && fetched.ends_with(kBlobSuffix);
  if (keep_stored) {
    stem = fetched.substr(own_prefix.size());
    stem.resize(stem.size() - kBlobSuffix.size());
  }
  CommittedFile out;
  out.storage_key = BlobKey(client_id, stem);
  out.fetched_blob = keep_stored;
  // The thumbnail is made from the temp file, before the store takes it away.
  fs::path tmp_thumb = root_ / "tmp" / (stem + ".thumb.part");
  const bool thumbnail =
      file.mime_.rfind("image/", 0) == 0 && MakeThumbnail(file.temp_path_, tmp_thumb).ok();
  crm::Status stored =
      keep_stored ? crm::Status::Ok() : objects_.Put(out.storage_key, file.temp_path_);
  std::error_code ec;
  if (!stored.ok()) {
    fs::remove(tmp_thumb, ec);
    return stored;
  }
  file.committed_ = true;  // the temp file is the store's now (moved or copied and removed)
  if (keep_stored) {
    fs::remove(file.temp_path_, ec);  // the store has these bytes already
  } else if (!fetched.empty()) {
    (void)objects_.Delete(fetched);  // fetched, but not kept (the bytes changed)
  }
  // Best effort: a file without a thumbnail is still a good upload (HEIC, odd images).
  if (thumbnail && objects_.Put(ThumbnailKey(client_id, stem), tmp_thumb).ok())
    out.thumbnail_key = ThumbnailKey(client_id, stem);
  fs::remove(tmp_thumb, ec);
  return out;
}

std::string BlobKeyOf(std::string_view key) {
  if (key.size() > kThumbnailSuffix.size() &&
      key.substr(key.size() - kThumbnailSuffix.size()) == kThumbnailSuffix) {
    return std::string(key.substr(0, key.size() - kThumbnailSuffix.size())) +
           std::string(kBlobSuffix);
  }
  return std::string(key);
}

crm::Result<crm::ObjectReply> FileStore::ReplyFor(std::string_view key) {
  if (!IsKnownKeyShape(key)) return crm::NotFound("no such file");
  crm::ObjectReply reply;
  reply.store = &objects_;
  reply.key = std::string(key);
  return reply;
}

void FileStore::Remove(const CommittedFile& file) {
  // Best effort: an object left behind is an orphan the scrub removes.
  if (!file.fetched_blob && IsKnownKeyShape(file.storage_key))
    (void)objects_.Delete(file.storage_key);
  if (IsKnownKeyShape(file.thumbnail_key)) (void)objects_.Delete(file.thumbnail_key);
}

crm::Status FileStore::RemoveClient(int64_t client_id) {
  if (client_id <= 0) return crm::InvalidArgument("bad client id");
  std::vector<std::string> keys;
  CRM_RETURN_IF_ERROR(
      objects_.List("files/" + std::to_string(client_id) + "/", [&](const crm::ObjectInfo& info) {
        keys.push_back(info.key);
        return true;
      }));
  for (const std::string& key : keys) CRM_RETURN_IF_ERROR(objects_.Delete(key));
  return crm::Status::Ok();
}

namespace {

// The client id of "files/<id>/...", nullopt for any other key.
std::optional<int64_t> ClientOfKey(std::string_view key) {
  if (key.substr(0, 6) != "files/") return std::nullopt;
  key.remove_prefix(6);
  size_t slash = key.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash >= 19) return std::nullopt;
  int64_t id = 0;
  for (char c : key.substr(0, slash)) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

// Removes temp files older than `max_age_seconds`; returns how many.
int RemoveStaleTempFiles(const fs::path& tmp_dir, int64_t max_age_seconds) {
  int removed = 0;
  std::error_code ec;
  if (!fs::is_directory(tmp_dir, ec)) return 0;
  auto now = fs::file_time_type::clock::now();
  for (const fs::directory_entry& f : fs::directory_iterator(tmp_dir, ec)) {
    if (f.path().extension() == kResumableSuffix) continue;  // the upload sweep's
    std::error_code e2;
    auto age = now - fs::last_write_time(f.path(), e2);
    if (!e2 && std::chrono::duration_cast<std::chrono::seconds>(age).count() >= max_age_seconds) {
      if (fs::remove_all(f.path(), e2) > 0) ++removed;
    }
  }
  return removed;
}

}  // namespace

crm::Result<FileCheck> FileStore::Check(std::string_view key, int64_t size,
                                        std::string_view sha256_hex) {
  crm::Result<std::unique_ptr<crm::ObjectReader>> reader = objects_.Open(key);
  if (!reader.ok() && reader.status().code() == crm::StatusCode::kNotFound)
    return FileCheck::kMissing;
  if (!reader.ok()) return reader.status();
  int64_t read_size = 0;
  std::string read_hash;
  CRM_RETURN_IF_ERROR(HashStream([&](char* buffer, size_t n) { return (*reader)->Read(buffer, n); },
                                 &read_size, &read_hash));
  return read_size == size && read_hash == sha256_hex ? FileCheck::kIntact : FileCheck::kAltered;
}

crm::Result<ScrubReport> FileStore::Scrub(
    const std::function<bool(int64_t)>& client_exists,
    const std::function<bool(const std::string&)>& key_is_known, int64_t max_temp_age_seconds) {
  // The store's clock, not the host's (which tests may fix): objects carry wall-clock times.
  const int64_t now_unix = static_cast<int64_t>(std::time(nullptr));
  // Listed first, removed after: deleting while a listing pages through would skip keys.
  std::vector<std::string> orphans;
  std::map<int64_t, bool> clients;  // asked once per client
  CRM_RETURN_IF_ERROR(objects_.List("files/", [&](const crm::ObjectInfo& info) {
    // A blob is put into place just before its row is inserted: only old unknown objects are
    // orphans, recent ones may belong to an upload in progress.
    const bool old = now_unix - info.modified_at >= max_temp_age_seconds;
    std::optional<int64_t> client = ClientOfKey(info.key);
    if (client && !clients.count(*client)) clients[*client] = client_exists(*client);
    if (client && !clients[*client]) {
      orphans.push_back(info.key);  // the client is gone: so are its files
    } else if ((!IsKnownKeyShape(info.key) || !key_is_known(info.key)) && old) {
      // A thumbnail is asked about with its own key: one that no row names (its blob's row
      // lost it, or a crash came between the thumbnail and the row) is an orphan too.
      orphans.push_back(info.key);
    }
    return true;
  }));
  ScrubReport report;
  for (const std::string& key : orphans)
    if (objects_.Delete(key).ok()) ++report.orphans_removed;
  report.temp_removed = RemoveStaleTempFiles(root_ / "tmp", max_temp_age_seconds);
  return report;
}

}  // namespace cd
