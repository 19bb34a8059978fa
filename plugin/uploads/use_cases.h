// plugin/uploads/use_cases.h — resumable uploads (tus 1.0, SPEC X2) as use cases: create, status,
// append a chunk, terminate, sweep. The state is in the database (upload_store.h). On the local
// store (one machine) the bytes are one file per upload in the temp folder, written in place
// (upload_file.h), and the last chunk hands that file to the multipart pipeline without a copy.
// On a store that writes objects in parts (S3, maybe several nodes: host API 1.7) they are parts
// of the object that becomes the document's file, each byte sent once, so any node continues an
// upload, and the last chunk has the store join them and keeps that object; on another remote
// store, one part object per PATCH, copied into one file at the end. tus_routes.h adapts them to
// HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/model.h"
#include "plugin/services.h"
#include "plugin/upload_pipeline.h"
#include "plugin/uploads/upload_store.h"

namespace cd {

// An unfinished upload expires this long after its creation or its last chunk (Upload-Expires).
inline constexpr int64_t kUploadLifetimeSeconds = 24 * 3600;
// A node assembling a finished upload holds it this long (a crash lets another node retry).
inline constexpr int64_t kFinishLeaseSeconds = 15 * 60;
// Objects under this prefix are upload parts: "uploads/<client_id>/<upload_id>/<start>-<x>.part".
inline constexpr std::string_view kUploadPartsPrefix = "uploads/";
// The message of AppendUpload's kUnprocessable when Upload-Checksum does not match (tus: 460).
inline constexpr std::string_view kChecksumMismatch = "Upload-Checksum: the bytes do not match";

// POST: a new upload of `length` bytes for `client_id`. `metadata` is the Upload-Metadata header:
// `type_id` (required), `filename`, and one pair per extra field of the type (`filetype` is
// ignored: the bytes are sniffed).
struct NewUpload {
  UploadChannel channel = UploadChannel::kApi;
  int64_t client_id = 0;
  uint64_t length = 0;
  std::string metadata;
};

// What HEAD answers.
struct UploadStatus {
  std::string id;
  int64_t offset = 0;
  int64_t length = 0;
  int64_t expires_at = 0;
  std::string metadata;
};

// PATCH: the bytes from `offset`. `checksum`: the raw SHA-256 the chunk must have, if given.
struct UploadChunk {
  uint64_t offset = 0;
  std::optional<uint64_t> content_length;
  std::optional<std::string> checksum;
  BodyReader read;
};

struct ChunkOutcome {
  UploadStatus status;
  std::optional<ClientDocument> document;  // set when this chunk completed the upload
};

// Before anything is stored: the metadata parses (kInvalidArgument), `type_id` is given
// (kUnprocessable) and is a type the actor may upload for that client (kNotFound, CheckWrite),
// the client exists (kNotFound), a client-area upload is the session client's own (kNotFound),
// the length is not 0 (kUnprocessable) nor over the type's max_size (kTooLarge), the extra
// fields are valid (ValidateFields, kUnprocessable).
crm::Result<UploadStatus> CreateUpload(Services& services, const crm::Principal& actor,
                                       const NewUpload& request);

// The upload `id` as seen through `channel` for `client_id`: kNotFound when there is no such
// upload, it is another client's or channel's, it expired, or the actor may no longer upload
// documents of its type. Takes over from a PATCH still in flight (its bytes will not count),
// so the offset given stays true until the client's next PATCH.
crm::Result<UploadStatus> GetUploadStatus(Services& services, const crm::Principal& actor,
                                          UploadChannel channel, int64_t client_id,
                                          const std::string& id);

// Stores the chunk (in the upload's file, fsynced; or as one part object) and moves the offset
// (GetUploadStatus's rules first, and it takes over the same way). kConflict when chunk.offset is
// not the upload's offset, or a newer HEAD or PATCH arrived before this chunk was recorded (its
// bytes are then dropped); kTooLarge past Upload-Length; kUnprocessable(kChecksumMismatch); a
// connection cut mid-chunk keeps the bytes received (unless a checksum was given) and returns the
// read error. The chunk that reaches the length (or an empty one once it is reached) finishes the
// upload: the file or the parts become one pending file (sniffing, allow-list, size, SHA-256,
// location metadata removed) and DocumentService::Upload stores it (rows, archive, review,
// journal); a refusal there (415, 422...) removes the upload, a failure of the store or the
// database (5xx) keeps it for a retry.
crm::Result<ChunkOutcome> AppendUpload(Services& services, const crm::Principal& actor,
                                       UploadChannel channel, int64_t client_id,
                                       const std::string& id, const UploadChunk& chunk);

// DELETE: removes the upload and its parts or file (GetUploadStatus's rules first).
crm::Status TerminateUpload(Services& services, const crm::Principal& actor, UploadChannel channel,
                            int64_t client_id, const std::string& id);

// The scheduled sweep: removes uploads expired before HostServices::NowUnix() with their parts
// or file, then upload files and part objects no row names that are over an hour old (a PATCH
// that lost a race, a crash). Returns how many uploads and objects it removed.
crm::Result<int> SweepUploads(Services& services);

// CD9, after the client's rows are gone (UploadStore::DeleteClientRows): its upload files and
// part objects.
void RemoveClientUploads(Services& services, int64_t client_id);

}  // namespace cd
