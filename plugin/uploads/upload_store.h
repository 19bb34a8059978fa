// plugin/uploads/upload_store.h — the rows of resumable uploads (cd_uploads, cd_upload_parts):
// what each node needs to continue an upload another node started. Offsets move only by
// compare-and-set, so two PATCHes of one upload never both count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace cd {

// Where an upload may be continued: the API (a token) or the client area (the session's client).
enum class UploadChannel { kApi, kClientArea };

struct UploadRow {
  std::string id;
  int64_t client_id = 0;
  int64_t type_id = 0;
  UploadChannel channel = UploadChannel::kApi;
  int64_t length = 0;
  int64_t offset = 0;
  std::string metadata;  // the Upload-Metadata header as sent (HEAD gives it back)
  std::string created_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  // With a store that writes objects in parts (ObjectStore::StartParts): the object the upload's
  // parts make (the document's file) and the store's id of that upload in parts; else "".
  std::string object_key;
  std::string parts_upload_id;
};

// The bytes [start, start + size) of an upload, kept as the object `key` (number 0), or as part
// `number` of the upload's object (UploadRow::object_key) with the store's `tag`; `key` is then
// "<object_key>#<number>" (no object: PartRowKey).
struct UploadPart {
  int64_t start = 0;
  int64_t size = 0;
  std::string key;
  int number = 0;
  std::string tag;
};

// The storage_key of a part row that is part `number` of the object `object_key`.
std::string PartRowKey(const std::string& object_key, int number);

// Thread-safe (every call is one statement or one transaction on the host's database).
class UploadStore {
 public:
  explicit UploadStore(crm::Database& db) : db_(db) {}

  crm::Status Insert(const UploadRow& row);
  // nullopt when there is no such upload.
  crm::Result<std::optional<UploadRow>> Find(const std::string& id);
  // A HEAD or PATCH arrives: bumps the upload's generation, so that a PATCH still in flight
  // (its client gave up on it) can no longer record its bytes. Returns the new generation and
  // the offset as of now; nullopt when the upload is gone.
  struct Turn {
    int64_t generation = 0;
    int64_t offset = 0;
  };
  crm::Result<std::optional<Turn>> TakeTurn(const std::string& id);
  // Records `part`, which starts at the upload's current offset, and moves the offset past it
  // (and the expiry to `expires_at`). kConflict when the offset is no longer part.start or the
  // generation is no longer `generation` (a newer HEAD or PATCH took over) or the upload is
  // gone: the caller then deletes the part's object.
  crm::Status AddPart(const std::string& id, const UploadPart& part, int64_t expires_at,
                      int64_t generation);
  // The same for the parts one PATCH made (in order, contiguous, from parts[0].start), moving the
  // offset from `offset` (the compare-and-set) to their end. The first part may start before
  // `offset` when it takes in the bytes of the rows from its start on (a part object too small to
  // be a part of the object, read again by this PATCH): those rows are removed in the same
  // transaction, and the caller then deletes their objects.
  crm::Status AddParts(const std::string& id, int64_t offset, const std::vector<UploadPart>& parts,
                       int64_t expires_at, int64_t generation);
  // The same compare-and-set for an upload whose bytes are one file on this machine (the local
  // store, upload_file.h): moves the offset from `from` to `to` (and the expiry), no part row.
  crm::Status Advance(const std::string& id, int64_t from, int64_t to, int64_t expires_at,
                      int64_t generation);
  // The parts in order of their start.
  crm::Result<std::vector<UploadPart>> Parts(const std::string& id);
  // Marks the upload as being assembled by this node until `until`; false when another node
  // holds it (its mark is later than `now`).
  crm::Result<bool> ClaimFinish(const std::string& id, int64_t now, int64_t until);
  crm::Status ReleaseFinish(const std::string& id);
  // Removes the upload's rows; returns its parts so that the caller deletes their objects.
  crm::Result<std::vector<UploadPart>> Remove(const std::string& id);
  // Ids of uploads whose expiry is before `now`, at most `limit`.
  crm::Result<std::vector<std::string>> Expired(int64_t now, int limit);
  // True when a part row names `key`.
  crm::Result<bool> KnowsPart(const std::string& key);
  // CD9: every upload row of the client, inside the host's deletion transaction.
  static crm::Status DeleteClientRows(int64_t client_id, crm::SqlExecutor& tx);

 private:
  crm::Database& db_;
};

}  // namespace cd
