// host-api/object_store.h — where a plugin keeps files: named objects, written as one stream and
// visible only once complete, on the host's local disk or in an S3-compatible store (SPEC §6).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace crm {

// One stored object. `modified_at` is seconds since the Unix epoch (UTC).
struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t modified_at = 0;
};

// One part of an object written in parts (ObjectStore::StartParts): its number and the tag the
// store gave it when it was stored (S3's ETag).
struct ObjectPart {
  int number = 0;
  std::string tag;
};

// A write in progress. The bytes go to a place no reader sees; Commit makes the whole
// object visible under its key at once. Destroying a writer that was not committed
// discards what it wrote (nothing half-made is ever visible). Not thread-safe.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  // Appends bytes. Memory stays bounded whatever the object's size.
  virtual Status Write(std::string_view bytes) = 0;
  // Durable once it returns OK (fsync + rename, or the store's acknowledgement of the last
  // request). An existing object of the same key is replaced. After Commit, Write fails.
  virtual Status Commit() = 0;
  // Bytes written so far.
  virtual uint64_t size() const = 0;
};

// A read of one object or of a byte range of it. Not thread-safe.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  // Copies up to `size` bytes; 0 at the end of the range.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;
  // Bytes in the range (the object's size when the whole object is read).
  virtual uint64_t length() const = 0;
  // For a store on the local disk, the file, so a host may send it with sendfile(2);
  // nullopt for a remote store (read through Read).
  virtual std::optional<std::filesystem::path> LocalPath() const { return std::nullopt; }
};

// Thread-safe. Keys are relative paths of letters, digits and `._-/`, without empty,
// `.` or `..` segments, at most 512 bytes (kInvalidArgument otherwise). Errors:
// kNotFound for a missing object; kUnavailable when the store cannot be reached or stays
// busy (try again later); kInternal for anything else (disk full, refused credentials).
// Messages never contain credentials.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<std::unique_ptr<ObjectWriter>> Create(std::string_view key) = 0;
  // Reads `length` bytes from `offset` (to the end when nullopt). An offset past the end
  // reads nothing.
  virtual Result<std::unique_ptr<ObjectReader>> Open(
      std::string_view key, uint64_t offset = 0, std::optional<uint64_t> length = std::nullopt) = 0;
  virtual Result<ObjectInfo> Stat(std::string_view key) = 0;
  // OK when the object does not exist (deleting twice is not an error).
  virtual Status Delete(std::string_view key) = 0;
  // Calls on_object for each object whose key starts with `prefix`, in key order, until it
  // returns false. Objects being written (not committed) are not listed.
  virtual Status List(std::string_view prefix,
                      const std::function<bool(const ObjectInfo&)>& on_object) = 0;

  // Added in host API 1.3: stores the complete local file `source` under `key` (replacing
  // an existing object) and removes `source` once the object is durable. A store on the
  // same disk renames it (atomic, no copy); this default copies it through Create in 1 MiB
  // reads (memory stays flat). On error the object is not visible and `source` is kept.
  virtual Status Put(std::string_view key, const std::filesystem::path& source);

  // Added in host API 1.7: an object written in numbered parts over several requests, possibly
  // by several processes sharing the store, each byte sent once (S3's multipart upload; a
  // resumable upload, SPEC X2). MinPartSize() is 0 when the store has no such writes (the
  // default, and the host's local store, where a plugin writes one file in place instead); the
  // other calls then fail with kInternal. Parts are numbered 1-10,000, not necessarily
  // consecutively; every part of the completed object but the last holds at least
  // MinPartSize() bytes; a part stored again under its number replaces it. Nothing is visible
  // under `key` until CompleteParts. An upload neither completed nor aborted is not an object
  // (in S3 a bucket's lifecycle rule removes it). Memory: the caller holds a part's bytes.
  virtual uint64_t MinPartSize() const { return 0; }
  // Starts an object in parts; returns the upload's id (opaque, at most 1,024 bytes), which
  // any process sharing the store may continue with.
  virtual Result<std::string> StartParts(std::string_view key);
  // Stores `bytes` as part `number` of the upload; returns the part's tag.
  virtual Result<std::string> PutPart(std::string_view key, std::string_view upload_id, int number,
                                      std::string_view bytes);
  // Makes `parts` (ascending numbers, each with the tag PutPart gave) the object `key`,
  // replacing an existing one, durably once it returns OK; the parts not listed are dropped.
  // kNotFound when the upload is unknown (completed or aborted already), kInvalidArgument when
  // a part is missing, its tag differs or it is too small.
  virtual Status CompleteParts(std::string_view key, std::string_view upload_id,
                               const std::vector<ObjectPart>& parts);
  // Drops the upload and its parts; OK when it is unknown (aborting twice is not an error).
  virtual Status AbortParts(std::string_view key, std::string_view upload_id);
};

inline Result<std::string> ObjectStore::StartParts(std::string_view) {
  return Internal("this object store does not write objects in parts");
}
inline Result<std::string> ObjectStore::PutPart(std::string_view, std::string_view, int,
                                                std::string_view) {
  return Internal("this object store does not write objects in parts");
}
inline Status ObjectStore::CompleteParts(std::string_view, std::string_view,
                                         const std::vector<ObjectPart>&) {
  return Internal("this object store does not write objects in parts");
}
inline Status ObjectStore::AbortParts(std::string_view, std::string_view) {
  return Internal("this object store does not write objects in parts");
}

inline Status ObjectStore::Put(std::string_view key, const std::filesystem::path& source) {
  Result<std::unique_ptr<ObjectWriter>> writer = Create(key);
  if (!writer.ok()) return writer.status();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(source.c_str(), "rb"), std::fclose);
  if (!in) return Internal("cannot open the file to store");
  std::string buffer(1 << 20, '\0');
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), in.get())) {
    Status written = (*writer)->Write(std::string_view(buffer.data(), n));
    if (!written.ok()) return written;
  }
  if (std::ferror(in.get())) return Internal("cannot read the file to store");
  Status committed = (*writer)->Commit();
  if (!committed.ok()) return committed;
  std::error_code ignored;
  std::filesystem::remove(source, ignored);
  return Status::Ok();
}

// True when `key` is a valid object key (see ObjectStore).
inline bool IsValidObjectKey(std::string_view key) {
  if (key.empty() || key.size() > 512) return false;
  size_t start = 0;
  while (start <= key.size()) {
    size_t slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace crm
