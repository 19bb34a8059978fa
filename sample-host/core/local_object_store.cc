// sample-host/core/local_object_store.cc — implements local_object_store.h with POSIX calls
// (open O_EXCL, write, fsync, rename, fsync of the folder) so that durability is explicit.
#include "sample-host/core/local_object_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

namespace host {
namespace fs = std::filesystem;
namespace {

crm::Status Errno(std::string_view what, const fs::path& path) {
  return crm::Internal(std::string(what) + " " + path.filename().string() + ": " +
                       std::strerror(errno));
}

crm::Status FsyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open folder", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? crm::Status::Ok() : Errno("fsync folder", dir);
}

std::string RandomName() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 24; ++i) s += kHex[rng() & 15];
  return s + ".part";
}

crm::Status CheckKey(std::string_view key) {
  if (!crm::IsValidObjectKey(key)) return crm::InvalidArgument("invalid object key");
  if (key.substr(0, key.find('/')) == ".tmp") return crm::InvalidArgument("reserved object key");
  return crm::Status::Ok();
}

class LocalWriter final : public crm::ObjectWriter {
 public:
  LocalWriter(int fd, fs::path temp, fs::path final_path)
      : fd_(fd), temp_(std::move(temp)), final_(std::move(final_path)) {}
  ~LocalWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }

  crm::Status Write(std::string_view bytes) override {
    if (fd_ < 0) return crm::Internal("write after commit");
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Errno("write", temp_);
      bytes.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return crm::Status::Ok();
  }

  crm::Status Commit() override {
    if (fd_ < 0) return crm::Internal("committed twice");
    if (::fsync(fd_) != 0) return Errno("fsync", temp_);
    ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    fs::create_directories(final_.parent_path(), ec);
    if (ec) return crm::Internal("create folder: " + ec.message());
    if (::rename(temp_.c_str(), final_.c_str()) != 0) return Errno("rename", final_);
    committed_ = true;
    return FsyncDir(final_.parent_path());
  }

  uint64_t size() const override { return size_; }

 private:
  int fd_;
  fs::path temp_, final_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

class LocalReader final : public crm::ObjectReader {
 public:
  LocalReader(int fd, fs::path path, uint64_t offset, uint64_t length)
      : fd_(fd), path_(std::move(path)), offset_(offset), left_(length), length_(length) {}
  ~LocalReader() override { ::close(fd_); }

  crm::Result<size_t> Read(char* buffer, size_t size) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(size, left_));
    if (want == 0) return size_t{0};
    ssize_t n;
    do {
      n = ::pread(fd_, buffer, want, static_cast<off_t>(offset_));
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Errno("read", path_);
    offset_ += static_cast<uint64_t>(n);
    left_ -= static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
  uint64_t length() const override { return length_; }
  std::optional<fs::path> LocalPath() const override { return path_; }

 private:
  int fd_;
  fs::path path_;
  uint64_t offset_, left_, length_;
};

}  // namespace

crm::Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root / ".tmp", ec);
  if (ec) return crm::Internal("cannot create the object folder: " + ec.message());
  return std::unique_ptr<LocalObjectStore>(new LocalObjectStore(root));
}

crm::Result<std::unique_ptr<crm::ObjectWriter>> LocalObjectStore::Create(std::string_view key) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  fs::path temp = root_ / ".tmp" / RandomName();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("create", temp);
  return std::unique_ptr<crm::ObjectWriter>(new LocalWriter(fd, temp, root_ / std::string(key)));
}

crm::Result<std::unique_ptr<crm::ObjectReader>> LocalObjectStore::Open(
    std::string_view key, uint64_t offset, std::optional<uint64_t> length) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  fs::path path = root_ / std::string(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) return crm::NotFound("no such object");
  if (fd < 0) return Errno("open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return crm::NotFound("no such object");
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  uint64_t start = std::min(offset, size);
  uint64_t len = std::min(length.value_or(size - start), size - start);
  return std::unique_ptr<crm::ObjectReader>(new LocalReader(fd, path, start, len));
}

crm::Result<crm::ObjectInfo> LocalObjectStore::Stat(std::string_view key) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  struct stat st {};
  fs::path path = root_ / std::string(key);
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return crm::NotFound("no such object");
  return crm::ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec};
}

crm::Status LocalObjectStore::Delete(std::string_view key) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  fs::path path = root_ / std::string(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR)
    return Errno("delete", path);
  // Folders left empty go too (a deleted client leaves no folder); rmdir refuses a folder
  // that is not empty, and Put recreates one removed under it.
  for (fs::path dir = path.parent_path();
       dir != root_ && dir.string().size() > root_.string().size(); dir = dir.parent_path()) {
    if (::rmdir(dir.c_str()) != 0) break;
  }
  return crm::Status::Ok();
}

crm::Status LocalObjectStore::List(std::string_view prefix,
                                   const std::function<bool(const crm::ObjectInfo&)>& on_object) {
  std::vector<crm::ObjectInfo> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() == 0 && it->path().filename() == ".tmp") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string key = fs::relative(it->path(), root_, ec).generic_string();
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    found.push_back({key, static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec});
  }
  if (ec) return crm::Internal("list objects: " + ec.message());
  std::sort(found.begin(), found.end(),
            [](const crm::ObjectInfo& a, const crm::ObjectInfo& b) { return a.key < b.key; });
  for (const crm::ObjectInfo& info : found)
    if (!on_object(info)) break;
  return crm::Status::Ok();
}

namespace {

// Creates the folders of `dir` under `root` that are missing, each made durable in its parent.
crm::Status MakeDurableFolders(const fs::path& root, const fs::path& dir) {
  std::vector<fs::path> missing;
  for (fs::path p = dir; p != root && !p.empty() && !fs::exists(p); p = p.parent_path())
    missing.push_back(p);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return crm::Internal("create folder: " + ec.message());
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    CRM_RETURN_IF_ERROR(FsyncDir(it->parent_path()));
  return crm::Status::Ok();
}

}  // namespace

crm::Status LocalObjectStore::Put(std::string_view key, const fs::path& source) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", source);
  int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return Errno("fsync", source);
  fs::path final_path = root_ / std::string(key);
  // Twice: a Delete may remove the folder, left empty, between its creation and the rename.
  for (int attempt = 0;; ++attempt) {
    CRM_RETURN_IF_ERROR(MakeDurableFolders(root_, final_path.parent_path()));
    if (::rename(source.c_str(), final_path.c_str()) == 0) break;
    if (errno == EXDEV) return crm::ObjectStore::Put(key, source);
    if (errno != ENOENT || attempt > 0) return Errno("rename", final_path);
  }
  return FsyncDir(final_path.parent_path());
}

crm::Result<int> LocalObjectStore::RemoveStaleTemp(int64_t now_unix, int64_t max_age_seconds) {
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(root_ / ".tmp", ec), end; !ec && it != end; it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (now_unix - st.st_mtim.tv_sec < max_age_seconds) continue;
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  if (ec) return crm::Internal("scan temp files: " + ec.message());
  return removed;
}

}  // namespace host
