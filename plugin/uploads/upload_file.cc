// plugin/uploads/upload_file.cc — implements upload_file.h: pwrite at the offset under the
// upload's in-process lock (checked against the latest generation), the running SHA-256 copied
// from one PATCH to the next (EVP_MD_CTX_copy_ex), write-behind as the multipart path does.
#include "plugin/uploads/upload_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace cd {
namespace {

using Ctx = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;

Ctx NewCtx() { return Ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free); }

}  // namespace

// What this process knows of one upload (guarded by `mu`).
struct UploadFileState {
  std::mutex mu;
  int64_t generation = 0;  // the latest HEAD's or PATCH's: only its PATCH writes
  int64_t hashed_to = -1;  // `hash` covers the recorded bytes [0, hashed_to)
  Ctx hash = Ctx(nullptr, EVP_MD_CTX_free);
};

struct UploadFileWriter::Hash {
  Ctx ctx = NewCtx();
};

namespace {

std::mutex registry_mu;
std::map<std::string, std::shared_ptr<UploadFileState>>& Registry() {
  static auto* registry = new std::map<std::string, std::shared_ptr<UploadFileState>>();
  return *registry;
}

std::shared_ptr<UploadFileState> StateOf(const std::string& id) {
  std::lock_guard<std::mutex> lock(registry_mu);
  auto& state = Registry()[id];
  if (!state) state = std::make_shared<UploadFileState>();
  return state;
}

crm::Status Errno(const std::string& what) {
  return crm::Internal(what + ": " + std::strerror(errno));
}

}  // namespace

std::filesystem::path UploadFilePath(const std::filesystem::path& temp_dir, int64_t client_id,
                                     const std::string& id) {
  return temp_dir / (std::to_string(client_id) + "-" + id + std::string(kResumableSuffix));
}

std::optional<int64_t> UploadFileSize(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return static_cast<int64_t>(st.st_size);
  if (errno == ENOENT) return 0;
  return std::nullopt;
}

void TakeUploadFileTurn(const std::string& id, int64_t generation) {
  std::shared_ptr<UploadFileState> state = StateOf(id);
  std::lock_guard<std::mutex> lock(state->mu);  // waits for a write under way
  if (generation > state->generation) state->generation = generation;
}

std::string UploadFileSha256(const std::string& id, int64_t length) {
  std::shared_ptr<UploadFileState> state = StateOf(id);
  std::lock_guard<std::mutex> lock(state->mu);
  if (state->hashed_to != length || !state->hash) return "";
  Ctx copy = NewCtx();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!copy || EVP_MD_CTX_copy_ex(copy.get(), state->hash.get()) != 1 ||
      EVP_DigestFinal_ex(copy.get(), digest, &len) != 1)
    return "";
  return HexOf(digest, len);
}

void ForgetUploadFile(const std::string& id) {
  std::lock_guard<std::mutex> lock(registry_mu);
  Registry().erase(id);
}

crm::Result<std::unique_ptr<UploadFileWriter>> UploadFileWriter::Open(
    const std::filesystem::path& path, const std::string& id, int64_t offset, int64_t generation) {
  std::unique_ptr<UploadFileWriter> w(new UploadFileWriter());
  w->state_ = StateOf(id);
  w->path_ = path;
  w->start_ = offset;
  w->position_ = offset;
  w->generation_ = generation;
  w->write_behind_ = WriteBehind(offset);
  {
    std::lock_guard<std::mutex> lock(w->state_->mu);
    if (w->state_->generation > generation) return crm::Conflict("a newer request took over");
    w->state_->generation = generation;
    if (w->state_->hashed_to == offset && w->state_->hash) {
      auto hash = std::make_unique<Hash>();
      if (hash->ctx && EVP_MD_CTX_copy_ex(hash->ctx.get(), w->state_->hash.get()) == 1)
        w->hash_ = std::move(hash);
    } else if (offset == 0) {
      auto hash = std::make_unique<Hash>();
      if (hash->ctx && EVP_DigestInit_ex(hash->ctx.get(), EVP_sha256(), nullptr) == 1)
        w->hash_ = std::move(hash);
    }
  }
  w->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (w->fd_ < 0) return Errno("cannot open the upload's file");
  return w;
}

UploadFileWriter::~UploadFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

crm::Status UploadFileWriter::Write(std::string_view bytes) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->generation != generation_) return crm::Conflict("a newer request took over");
    for (size_t done = 0; done < bytes.size();) {
      ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                           static_cast<off_t>(position_ + static_cast<int64_t>(done)));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Errno("cannot write the upload's file");
      done += static_cast<size_t>(n);
    }
  }
  position_ += static_cast<int64_t>(bytes.size());
  if (hash_ && EVP_DigestUpdate(hash_->ctx.get(), bytes.data(), bytes.size()) != 1) hash_.reset();
  write_behind_.Wrote(fd_, position_);
  return crm::Status::Ok();
}

crm::Status UploadFileWriter::Sync() {
  return ::fdatasync(fd_) == 0 ? crm::Status::Ok() : Errno("cannot sync the upload's file");
}

void UploadFileWriter::Recorded() {
  // Whatever the generation now (a HEAD may have come since the offset moved): the database
  // recorded [0, position_), and recorded bytes never change. Only ever forward.
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!hash_ || position_ <= state_->hashed_to) return;
  state_->hashed_to = position_;
  state_->hash = std::move(hash_->ctx);
  hash_.reset();
}

void UploadFileWriter::Discard() {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->generation != generation_) return;  // the file is the newer request's now
  if (start_ == 0) {
    ::unlink(path_.c_str());
  } else {
    (void)::ftruncate(fd_, static_cast<off_t>(start_));
  }
}

}  // namespace cd
