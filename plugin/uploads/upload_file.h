// plugin/uploads/upload_file.h — the bytes of a resumable upload on the local store (issue 9):
// one file per upload in the module's temp folder, "<client_id>-<upload_id>.tus", that each
// PATCH writes in place at its offset (no part objects, no copy at the end: the finished file
// is hard-linked into the document pipeline, FileStore::Adopt). The offset stays in the
// database, moved only after the bytes are fsynced, so it never claims bytes not on disk.
// Per upload, this process also remembers which PATCH may write (the latest HEAD's or PATCH's
// generation: a stale PATCH stops before its next write) and the running SHA-256 of the
// recorded bytes (so the end does not read the file again; after a restart it does).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "host-api/status.h"
#include "plugin/file_store.h"

namespace cd {

// The file of upload `id` of `client_id` in `temp_dir`.
std::filesystem::path UploadFilePath(const std::filesystem::path& temp_dir, int64_t client_id,
                                     const std::string& id);

// The bytes the file holds (0 when it does not exist yet), nullopt on an I/O error.
std::optional<int64_t> UploadFileSize(const std::filesystem::path& path);

// A HEAD or PATCH of `generation` took over upload `id`: a PATCH of an older generation
// writes nothing more (a write it has under way ends first).
void TakeUploadFileTurn(const std::string& id, int64_t generation);

// The SHA-256 (hex) of the upload's first `length` bytes if this process hashed exactly those as
// they were recorded; "" otherwise (a restart came between: hash the file).
std::string UploadFileSha256(const std::string& id, int64_t length);

// Forgets the upload (its file is removed by the caller).
void ForgetUploadFile(const std::string& id);

struct UploadFileState;  // what this process knows of one upload (upload_file.cc)

// One PATCH's writes into the upload's file, from its offset. Not thread-safe.
class UploadFileWriter {
 public:
  // Opens (creates) `path` for upload `id`, writing from `offset` as the PATCH of `generation`.
  // kConflict when a newer request took over already, kInternal on an I/O error.
  static crm::Result<std::unique_ptr<UploadFileWriter>> Open(const std::filesystem::path& path,
                                                             const std::string& id, int64_t offset,
                                                             int64_t generation);
  ~UploadFileWriter();
  UploadFileWriter(const UploadFileWriter&) = delete;
  UploadFileWriter& operator=(const UploadFileWriter&) = delete;

  // Writes at the next offset (and hashes). kConflict once a newer request took over (nothing
  // written), kInternal on an I/O error.
  crm::Status Write(std::string_view bytes);
  // The bytes written are on the disk (fdatasync).
  crm::Status Sync();
  // After the database recorded the offset: the running hash now covers the recorded bytes.
  void Recorded();
  // Nothing of this PATCH was recorded (refused, or taken over): unless a newer request took
  // over, the file goes back to the recorded offset (removed when that is 0), so it holds no
  // byte the offset does not claim.
  void Discard();

 private:
  UploadFileWriter() = default;

  std::filesystem::path path_;
  int fd_ = -1;
  int64_t start_ = 0;
  int64_t position_ = 0;
  int64_t generation_ = 0;
  std::shared_ptr<UploadFileState> state_;
  struct Hash;
  std::unique_ptr<Hash> hash_;  // null when the bytes before the offset were not hashed here
  WriteBehind write_behind_;
};

}  // namespace cd
