// plugin/file_store.h — the module's files: streamed temp files under its DataDir with SHA-256,
// libmagic sniffing and a size limit, then put under generated names into the host's object
// store (HostServices::Files: a rename on the local disk, an upload to S3); scrub.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/object_store.h"
#include "host-api/status.h"
#include "plugin/file_names.h"

namespace cd {

// Write-behind for a file written front to back (issue 9): once enough bytes were written
// since the last write-out started, the kernel is told to start writing them
// (sync_file_range) and the range before them is waited for. Dirty pages stay bounded by two
// windows, and the final fsync has at most that much left to do. Best effort: an error here (a
// file system without it) is the final fsync's to report.
class WriteBehind {
 public:
  // The file's bytes before `from` are not this writer's business.
  explicit WriteBehind(int64_t from = 0) : started_(from), waited_(from) {}
  // Bytes up to `end` were written to `fd`.
  void Wrote(int fd, int64_t end);

 private:
  int64_t started_;  // bytes [.., this) are being written out
  int64_t waited_;   // bytes [.., this) were written out
};

// The suffix of a resumable upload's file in the temp folder (plugin/uploads/upload_file.h):
// the scrub of stale temp files leaves those to the upload sweep (an upload may pause a day).
inline constexpr std::string_view kResumableSuffix = ".tus";

// A file being received: written to `tmp/` and invisible until committed. The
// destructor removes the temp file unless Commit succeeded. Not thread-safe.
class PendingFile {
 public:
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  // Appends bytes. kTooLarge as soon as the total passes max_size, kUnsupportedType as
  // soon as the first bytes sniff as a type outside the allow-list (or as nothing libmagic
  // knows), kInternal on a write or hash error or after the file was closed. On any error
  // the temp file is removed at once and the file is dead.
  crm::Status Write(std::string_view data);
  // Ends the stream: sniffs (if not yet; kUnsupportedType as for Write), hashes, fsyncs.
  // kUnprocessable for an empty file, kInternal on an I/O error or an aborted file.
  crm::Status Finish();
  // After Finish, before Commit: removes the location metadata of an image original
  // (StripLocationMetadata, image_metadata.h, on the sniffed type; other kinds are left as
  // they are) and, when bytes changed, takes size() and sha256() from the stored file, so
  // they describe what is downloaded. kUnprocessable for an image that is not well formed
  // (kImageDamaged), kInternal on an I/O error; on any error the temp file is removed.
  crm::Status RemoveLocationMetadata();

  // Valid after Finish.
  int64_t size() const { return size_; }
  const std::string& sha256() const { return sha256_hex_; }
  const std::string& mime() const { return mime_; }
  // SanitizeFileName of the client's name; once sniffed, with the type's extension
  // (NameForType): "report.html" holding a PDF is "report.pdf".
  const std::string& display_name() const { return display_name_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

 private:
  friend class FileStore;
  struct HashState;
  PendingFile() = default;
  crm::Status Sniff();
  // Closes and removes the temp file (the file is dead); returns `status`.
  crm::Status Abort(crm::Status status);

  std::filesystem::path temp_path_;
  int fd_ = -1;
  int64_t size_ = 0;
  int64_t max_size_ = 0;
  std::vector<std::string> accept_;
  std::string display_name_;
  std::string head_;  // first bytes, for libmagic
  std::string mime_;
  std::string sha256_hex_;
  std::unique_ptr<HashState> hash_;
  // FileStore::Fetch: the object these bytes came from, which Commit keeps unless
  // RemoveLocationMetadata changed the bytes (then it stores them anew and removes this one).
  std::string fetched_key_;
  bool fetched_intact_ = true;  // false once RemoveLocationMetadata changed the bytes
  bool sniffed_ = false;
  bool finished_ = false;
  bool committed_ = false;
};

// The message of RemoveLocationMetadata's kUnprocessable: the image cannot be read well
// enough to remove its location data, so it is not stored.
inline constexpr std::string_view kImageDamaged = "file: the image is damaged";

// What a scrub did and found (SPEC §6 `sample-host scrub`, X4), in the report's order.
struct ScrubReport {
  int64_t checked = 0;          // stored files read again and hashed
  int64_t missing = 0;          // of those, not in the store
  int64_t altered = 0;          // of those, with another size or SHA-256 than their row's
  int64_t orphans_removed = 0;  // objects no row names, and objects of deleted clients
  int64_t temp_removed = 0;     // temp files older than the limit (crashed uploads)
  int64_t removed() const { return orphans_removed + temp_removed; }
};

// What FileStore::Check found for one stored file.
enum class FileCheck { kIntact, kMissing, kAltered };

// Where a committed file lives: keys in the object store.
struct CommittedFile {
  std::string storage_key;    // "files/<client_id>/<random>.bin"
  std::string thumbnail_key;  // "files/<client_id>/<random>.thumb.jpg" or ""
  // The blob is the object a fetched file came from (FileStore::Fetch: a resumable upload's
  // joined parts): Remove leaves it to that upload, which keeps it for a retry when the rows
  // could not be written and removes it when it ends without a document.
  bool fetched_blob = false;
};

// Thread-safe: files have generated, unique names; no shared state but the root and the store.
class FileStore {
 public:
  // Temp files go to `temp_root`/tmp (this machine's disk: hashing, sniffing and metadata
  // removal need a file); committed files to `objects`.
  FileStore(std::filesystem::path temp_root, crm::ObjectStore& objects);

  // Starts a file. `client_name` is sanitised (SanitizeFileName, the one place a name
  // enters the module) and kept for display and download.
  // `accept` is the allow-list of sniffed MIME types (lower case).
  crm::Result<std::unique_ptr<PendingFile>> Begin(std::string_view client_name, int64_t max_size,
                                                  std::vector<std::string> accept);
  // Starts a pending file from the complete file `source` in the temp folder (a resumable
  // upload's, received by the caller): hard-linked under a new temp name, no byte copied, so
  // `source` stays as it is whatever happens to the pending file. `sha256_hex` is the SHA-256
  // of its bytes when the caller hashed them as they came ("": the file is read again to hash
  // it). Then Finish (sniffing, the allow-list), RemoveLocationMetadata and Commit as for Begin.
  // kTooLarge over max_size, kNotFound when `source` is missing, kInternal on an I/O error.
  crm::Result<std::unique_ptr<PendingFile>> Adopt(const std::filesystem::path& source,
                                                  std::string_view client_name, int64_t max_size,
                                                  std::vector<std::string> accept,
                                                  const std::string& sha256_hex);
  // Starts a pending file from the object `key` already in the store as a committed file's blob
  // would be (a resumable upload whose parts the store joined, "files/<client_id>/<random>.bin",
  // NewBlobKey): its bytes are read once into the temp file (hashed, sniffed and limited as
  // Write does), and Commit for that client keeps the object under its key instead of storing
  // the bytes again, unless RemoveLocationMetadata changed them: then Commit stores the new bytes
  // under a new key and removes `key` (an image's location never stays in the store). The
  // store's errors as they are; Write's refusals (kTooLarge, kUnsupportedType).
  crm::Result<std::unique_ptr<PendingFile>> Fetch(std::string_view key,
                                                  std::string_view client_name, int64_t max_size,
                                                  std::vector<std::string> accept);
  // A key of the form Commit gives a file of `client_id`, for an object a caller builds in the
  // store itself (ObjectStore::StartParts) before Fetch; "" when there is no randomness.
  static std::string NewBlobKey(int64_t client_id);
  // True when the store keeps its objects on this machine's disk beside the temp folder (the
  // host's local store, where Put is a rename: one machine serves every request), false for a
  // remote store (S3: several nodes may share it). Asked of the store once: a probe file in the
  // temp folder is looked for as the object "tmp/<name>".
  bool StoresLocally();
  // The temp folder (created by Begin, Adopt and StoresLocally).
  std::filesystem::path temp_dir() const { return root_ / "tmp"; }

  // Puts a finished file into the store as files/<client_id>/<random>.bin (durable once
  // this returns), and a thumbnail for images beside it (best effort: none when libvips or
  // the store fails). Call BEFORE inserting the row; if the row insert fails, call Remove.
  // kInternal for an unfinished or already committed file or an I/O error, kInvalidArgument
  // for a client id <= 0, the store's kUnavailable when it cannot be reached.
  crm::Result<CommittedFile> Commit(PendingFile& file, int64_t client_id);

  // The reply that sends the object `key` (the host streams it: sendfile from the local
  // disk, ranged reads from S3); kNotFound when the key is not one FileStore makes.
  crm::Result<crm::ObjectReply> ReplyFor(std::string_view key);
  // Removes a committed file and its thumbnail (not a fetched blob, see CommittedFile); missing
  // objects are not an error.
  void Remove(const CommittedFile& file);
  // Reads the object `key` again and compares it with what its row says: kMissing when the
  // store has no such object, kAltered when its size or SHA-256 differs. The store's errors
  // (kUnavailable...) as they are.
  crm::Result<FileCheck> Check(std::string_view key, int64_t size, std::string_view sha256_hex);
  // Removes every object under files/<client_id>/ (CD9).
  crm::Status RemoveClient(int64_t client_id);
  // Lists files/ in the store and removes the objects of clients for which `client_exists`
  // is false, and blobs and thumbnails older than `max_temp_age_seconds` (wall clock)
  // whose key `key_is_known` does not recognise (it is asked about each blob's storage key
  // and each thumbnail's own key: BlobKeyOf gives the blob a thumbnail belongs to); then temp
  // files older than `max_temp_age_seconds`. Returns how many of each it removed (the
  // report's checked, missing and altered stay 0: Check does those).
  crm::Result<ScrubReport> Scrub(const std::function<bool(int64_t client_id)>& client_exists,
                                 const std::function<bool(const std::string& key)>& key_is_known,
                                 int64_t max_temp_age_seconds);

  const std::filesystem::path& root() const { return root_; }
  crm::ObjectStore& objects() { return objects_; }

 private:
  std::filesystem::path root_;
  crm::ObjectStore& objects_;
  std::atomic<int> stores_locally_{-1};  // -1 until asked, then 0 or 1
};

// The blob key a thumbnail key belongs to ("files/1/<hex>.thumb.jpg" -> "files/1/<hex>.bin");
// any other key as it is.
std::string BlobKeyOf(std::string_view key);

// `bytes` random bytes (OpenSSL RAND_bytes) as lower-case hex; "" when there is no randomness.
std::string RandomHex(size_t bytes);

// `len` bytes as lower-case hex (a digest: 32 bytes -> 64 digits).
std::string HexOf(const unsigned char* bytes, unsigned int len);

// The sniffed MIME type of a buffer (libmagic, MAGIC_MIME_TYPE), "" on failure.
std::string SniffMime(std::string_view head);

// Writes a ~320 px JPEG thumbnail of `source` to `dest`, all metadata stripped.
// kUnsupportedType when libvips cannot read or write it (e.g. HEIC without a decoder) or the
// image is above 100 Mpx.
crm::Status MakeThumbnail(const std::filesystem::path& source, const std::filesystem::path& dest);

}  // namespace cd
