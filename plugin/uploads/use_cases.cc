// plugin/uploads/use_cases.cc — the resumable upload use cases of use_cases.h: rules first, then
// the bytes into the upload's file (local store) or part objects (S3), the offset moved by
// compare-and-set, then the document pipeline.
#include "plugin/uploads/use_cases.h"

#include <openssl/evp.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "plugin/access.h"
#include "plugin/documents/document_service.h"
#include "plugin/read_ahead.h"
#include "plugin/uploads/tus_headers.h"
#include "plugin/uploads/upload_file.h"
#include "text/text.h"

namespace cd {
namespace {

constexpr size_t kReadChunk = 256 * 1024;
constexpr int64_t kOrphanAgeSeconds = 3600;
constexpr int kSweepBatch = 500;

// SHA-256 of a chunk as it streams (only when the client sent Upload-Checksum).
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1;
  }
  void Update(std::string_view bytes) {
    ok_ = ok_ && EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) == 1;
  }
  // The raw digest, "" on a failure of OpenSSL.
  std::string Digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), digest, &len) != 1) return "";
    return std::string(reinterpret_cast<char*>(digest), len);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
  bool ok_ = false;
};

// What Upload-Metadata says about the document.
struct UploadMeta {
  int64_t type_id = 0;
  std::string filename = "file";
  std::map<std::string, std::string> fields;
};

crm::Result<UploadMeta> ReadMetadata(std::string_view header) {
  CRM_ASSIGN_OR_RETURN(auto pairs, ParseUploadMetadata(header));
  UploadMeta meta;
  auto type = pairs.find("type_id");
  if (type == pairs.end()) return crm::Unprocessable("type_id: required in Upload-Metadata");
  std::optional<int64_t> type_id = crm::text::ParseId(std::string_view(type->second));
  if (!type_id) return crm::NotFound("no such type");
  meta.type_id = *type_id;
  for (auto& [key, value] : pairs) {
    if (key == "type_id" || key == "filetype") continue;  // the bytes decide the kind
    if (key == "filename") {
      if (!value.empty()) meta.filename = value;  // sanitised by FileStore::Begin
    } else {
      meta.fields[key] = value;
    }
  }
  return meta;
}

// The type of an upload (kNotFound), which `actor` may upload for `client_id` through `channel`.
crm::Result<DocumentType> WritableType(Services& services, const crm::Principal& actor,
                                       UploadChannel channel, int64_t client_id, int64_t type_id) {
  const bool fits = channel == UploadChannel::kApi
                        ? actor.IsToken()
                        : actor.IsClient() && actor.client_id == client_id;
  if (!fits) return crm::NotFound("no such upload");
  CRM_ASSIGN_OR_RETURN(DocumentType type, services.types().Get(type_id));
  CRM_RETURN_IF_ERROR(CheckWrite(actor, client_id, type));
  CRM_RETURN_IF_ERROR(services.host().FindClient(client_id).status());
  return type;
}

UploadStatus StatusOf(const UploadRow& row) {
  return UploadStatus{row.id, row.offset, row.length, row.expires_at, row.metadata};
}

struct FoundUpload {
  UploadRow row;
  DocumentType type;
};

// The upload as `actor` may see it; anything else is kNotFound (no hint that it exists).
crm::Result<FoundUpload> FindUpload(Services& services, const crm::Principal& actor,
                                    UploadChannel channel, int64_t client_id,
                                    const std::string& id) {
  UploadStore store(services.host().Db());
  CRM_ASSIGN_OR_RETURN(std::optional<UploadRow> row, store.Find(id));
  if (!row || row->channel != channel || row->client_id != client_id)
    return crm::NotFound("no such upload");
  if (row->expires_at < services.host().NowUnix()) return crm::NotFound("the upload expired");
  CRM_ASSIGN_OR_RETURN(DocumentType type,
                       WritableType(services, actor, channel, client_id, row->type_id));
  return FoundUpload{std::move(*row), std::move(type)};
}

// The file of an upload's bytes on the local store (upload_file.h).
std::filesystem::path FileOf(Services& services, int64_t client_id, const std::string& id) {
  return UploadFilePath(services.files().temp_dir(), client_id, id);
}

// Removes the upload's rows, then its part objects, its parts in the store or its file (a
// failure there is left to the sweep, or to the bucket's lifecycle rule for parts). The object
// its parts made is removed too unless it became the document's file (`object_kept`).
void DropUpload(Services& services, const UploadRow& row, bool object_kept = false) {
  crm::Result<std::vector<UploadPart>> parts = UploadStore(services.host().Db()).Remove(row.id);
  if (!parts.ok()) {
    services.host().Log(crm::LogLevel::kWarning, "client-documents: cannot remove upload " +
                                                     row.id + ": " + parts.status().ToString());
    return;
  }
  crm::ObjectStore& objects = services.files().objects();
  for (const UploadPart& part : *parts)
    if (part.number == 0) (void)objects.Delete(part.key);
  if (!row.object_key.empty() && !object_kept) {
    (void)objects.AbortParts(row.object_key, row.parts_upload_id);
    (void)objects.Delete(row.object_key);  // completed, then refused
  }
  std::error_code ignored;
  std::filesystem::remove(FileOf(services, row.client_id, row.id), ignored);
  ForgetUploadFile(row.id);
}

std::string PartKey(const UploadRow& row, int64_t start) {
  return std::string(kUploadPartsPrefix) + std::to_string(row.client_id) + "/" + row.id + "/" +
         std::to_string(start) + "-" + RandomHex(4) + ".part";
}

// What one PATCH body gave: its size, and the read error when the connection was cut.
struct Received {
  int64_t size = 0;
  crm::Status cut;
};

using ChunkSink = std::function<crm::Status(std::string_view bytes)>;

// Streams the chunk into `write` (hashing it when a checksum is to be checked).
crm::Result<Received> StreamChunk(const UploadChunk& chunk, int64_t room, const ChunkSink& write) {
  Sha256 hash;
  ReadAhead body(chunk.read, kReadChunk,
                 kLargeBodyRead);  // the next read overlaps this one's write
  Received got;
  while (true) {
    crm::Result<std::string_view> bytes = body.Next();
    if (!bytes.ok()) {
      // A cut connection keeps what arrived (the client resumes from the offset HEAD gives),
      // unless a checksum had to vouch for the whole chunk.
      if (bytes.status().code() != crm::StatusCode::kUnavailable || chunk.checksum || got.size == 0)
        return bytes.status();
      got.cut = bytes.status();
      break;
    }
    if (bytes->empty()) break;
    if (got.size + static_cast<int64_t>(bytes->size()) > room)
      return crm::TooLarge("the chunk goes past Upload-Length");
    CRM_RETURN_IF_ERROR(write(*bytes));
    if (chunk.checksum) hash.Update(*bytes);
    got.size += static_cast<int64_t>(bytes->size());
  }
  if (chunk.checksum && hash.Digest() != *chunk.checksum)
    return crm::Unprocessable(std::string(kChecksumMismatch));
  return got;
}

// Receives one chunk as a part object and records it (compare-and-set on the offset and on the
// generation of this PATCH's turn).
crm::Result<Received> ReceivePart(Services& services, const UploadRow& row,
                                  const UploadChunk& chunk, int64_t generation) {
  crm::ObjectStore& objects = services.files().objects();
  const std::string key = PartKey(row, row.offset);
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectWriter> writer, objects.Create(key));
  CRM_ASSIGN_OR_RETURN(Received got,
                       StreamChunk(chunk, row.length - row.offset,
                                   [&](std::string_view bytes) { return writer->Write(bytes); }));
  if (got.size == 0) return got;  // nothing to keep: the writer discards its object
  CRM_RETURN_IF_ERROR(writer->Commit());
  const int64_t expires_at = services.host().NowUnix() + kUploadLifetimeSeconds;
  crm::Status added =
      UploadStore(services.host().Db())
          .AddPart(row.id, {row.offset, got.size, key, 0, ""}, expires_at, generation);
  if (!added.ok()) {
    (void)objects.Delete(key);
    return added;
  }
  return got;
}

// The parts one PATCH makes of the upload's object (a store that writes objects in parts): its
// bytes, after those of a part object too small to be a part that an earlier PATCH left (the
// tail), go as numbered parts as they come. A part is sent once the buffer holds a part and the
// store's minimum beyond it, so what is left at the end is at least that minimum (the last part
// of this PATCH); only a PATCH (with the tail) under the minimum leaves a new tail object, unless
// it completes the upload. Part numbers leave room for a stale PATCH: slot s (the s-th part of
// the object) of the PATCH of generation g is number s * kPartSlots + g % kPartSlots + 1, so a
// PATCH that lost its turn never overwrites a part the winner recorded. Memory: two parts' worth
// (10 MiB with S3). Not thread-safe.
class PartsWriter {
 public:
  PartsWriter(crm::ObjectStore& objects, const UploadRow& row, int64_t generation)
      : objects_(objects), row_(row), generation_(generation), start_(row.offset) {
    const uint64_t slots = kMaxParts / kPartSlots;
    min_size_ = std::max<uint64_t>(objects.MinPartSize(), 1);
    part_size_ =
        std::max<uint64_t>(min_size_, (static_cast<uint64_t>(row.length) + slots - 1) / slots);
  }

  // Reads the recorded parts; the bytes of a tail go first in this PATCH's buffer.
  crm::Status Begin(const std::vector<UploadPart>& recorded) {
    for (const UploadPart& part : recorded) {
      if (part.number > 0) {
        ++slot_;
      } else if (part.start + part.size == row_.offset) {
        tail_ = part;
      }
    }
    buffer_.reserve(static_cast<size_t>(part_size_ + min_size_));
    if (!tail_) return crm::Status::Ok();
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectReader> reader, objects_.Open(tail_->key));
    buffer_.resize(static_cast<size_t>(tail_->size));
    size_t got = 0;
    while (got < buffer_.size()) {
      CRM_ASSIGN_OR_RETURN(size_t n, reader->Read(buffer_.data() + got, buffer_.size() - got));
      if (n == 0) return crm::Internal("upload part " + tail_->key + " is short");
      got += n;
    }
    start_ = tail_->start;
    return crm::Status::Ok();
  }

  // Appends the PATCH's bytes; a part goes to the store once the minimum is behind it.
  crm::Status Write(std::string_view bytes) {
    const size_t full = static_cast<size_t>(part_size_ + min_size_);
    while (!bytes.empty()) {
      const size_t take = std::min<size_t>(bytes.size(), full - buffer_.size());
      buffer_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (buffer_.size() == full) CRM_RETURN_IF_ERROR(Flush(static_cast<size_t>(part_size_)));
    }
    return crm::Status::Ok();
  }

  // The PATCH's bytes ended: what is left becomes the last part or the new tail object.
  crm::Status Close(bool upload_complete) {
    if (buffer_.empty()) return crm::Status::Ok();
    if (upload_complete || buffer_.size() >= min_size_) return Flush(buffer_.size());
    const int64_t at = start_ + Made();
    std::string key = std::string(kUploadPartsPrefix) + std::to_string(row_.client_id) + "/" +
                      row_.id + "/" + std::to_string(at) + "-" + RandomHex(4) + ".part";
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectWriter> writer, objects_.Create(key));
    CRM_RETURN_IF_ERROR(writer->Write(buffer_));
    CRM_RETURN_IF_ERROR(writer->Commit());
    made_.push_back(UploadPart{at, static_cast<int64_t>(buffer_.size()), key, 0, ""});
    new_tail_ = key;
    buffer_.clear();
    return crm::Status::Ok();
  }

  const std::vector<UploadPart>& made() const { return made_; }
  // The rows were recorded: the tail read again is no longer needed.
  void Recorded() {
    if (tail_) (void)objects_.Delete(tail_->key);
  }
  // The rows were not recorded: the new tail object goes (parts sent are dropped when the object
  // is completed without them, or aborted).
  void Discard() {
    if (!new_tail_.empty()) (void)objects_.Delete(new_tail_);
  }

 private:
  int64_t Made() const {
    int64_t made = 0;
    for (const UploadPart& part : made_) made += part.size;
    return made;
  }

  // Sends the buffer's first `size` bytes as the next part.
  crm::Status Flush(size_t size) {
    const int slot = slot_ + static_cast<int>(made_.size());
    if (slot >= static_cast<int>(kMaxParts / kPartSlots))
      return crm::Internal("upload " + row_.id + " has too many parts");
    const int number = slot * kPartSlots + static_cast<int>(generation_ % kPartSlots) + 1;
    CRM_ASSIGN_OR_RETURN(std::string tag,
                         objects_.PutPart(row_.object_key, row_.parts_upload_id, number,
                                          std::string_view(buffer_).substr(0, size)));
    made_.push_back(UploadPart{start_ + Made(), static_cast<int64_t>(size),
                               PartRowKey(row_.object_key, number), number, std::move(tag)});
    buffer_.erase(0, size);
    return crm::Status::Ok();
  }

  static constexpr uint64_t kMaxParts = 10000;
  static constexpr int kPartSlots = 8;

  crm::ObjectStore& objects_;
  const UploadRow& row_;
  int64_t generation_;
  uint64_t min_size_ = 1;
  uint64_t part_size_ = 0;
  int64_t start_;  // the upload's offset of buffer_'s first byte
  int slot_ = 0;   // numbered parts recorded before this PATCH
  std::optional<UploadPart> tail_;
  std::string buffer_;
  std::vector<UploadPart> made_;
  std::string new_tail_;
};

// With a store that writes objects in parts (S3): the chunk's bytes become parts of the object
// that will be the document's file, each byte sent once (PartsWriter), recorded with the same
// compare-and-set as a part object when the PATCH's body ends (so a checksum still vouches for
// the whole chunk, and a stale PATCH records nothing).
crm::Result<Received> ReceiveIntoParts(Services& services, const UploadRow& row,
                                       const UploadChunk& chunk, int64_t generation) {
  UploadStore store(services.host().Db());
  CRM_ASSIGN_OR_RETURN(std::vector<UploadPart> recorded, store.Parts(row.id));
  PartsWriter parts(services.files().objects(), row, generation);
  CRM_RETURN_IF_ERROR(parts.Begin(recorded));
  CRM_ASSIGN_OR_RETURN(Received got,
                       StreamChunk(chunk, row.length - row.offset,
                                   [&](std::string_view bytes) { return parts.Write(bytes); }));
  if (got.size == 0) return got;
  CRM_RETURN_IF_ERROR(parts.Close(row.offset + got.size == row.length));
  const int64_t expires_at = services.host().NowUnix() + kUploadLifetimeSeconds;
  crm::Status added = store.AddParts(row.id, row.offset, parts.made(), expires_at, generation);
  if (!added.ok()) {
    parts.Discard();
    return added;
  }
  parts.Recorded();
  return got;
}

// On the local store: writes the chunk into the upload's file at its offset, fsyncs it, then
// moves the offset (the same compare-and-set, no part row).
crm::Result<Received> ReceiveIntoFile(Services& services, const UploadRow& row,
                                      const UploadChunk& chunk, int64_t generation) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<UploadFileWriter> writer,
                       UploadFileWriter::Open(FileOf(services, row.client_id, row.id), row.id,
                                              row.offset, generation));
  crm::Result<Received> got = StreamChunk(
      chunk, row.length - row.offset, [&](std::string_view bytes) { return writer->Write(bytes); });
  crm::Status recorded = got.status();
  if (recorded.ok() && got->size > 0) {
    recorded = writer->Sync();  // on the disk before the offset claims it
    const int64_t expires_at = services.host().NowUnix() + kUploadLifetimeSeconds;
    if (recorded.ok())
      recorded = UploadStore(services.host().Db())
                     .Advance(row.id, row.offset, row.offset + got->size, expires_at, generation);
  }
  if (!recorded.ok() || got->size == 0) {
    writer->Discard();
    return recorded.ok() ? got : crm::Result<Received>(recorded);
  }
  writer->Recorded();
  return got;
}

crm::Result<Received> ReceiveChunk(Services& services, const UploadRow& row,
                                   const UploadChunk& chunk, int64_t generation) {
  if (services.files().StoresLocally()) return ReceiveIntoFile(services, row, chunk, generation);
  return row.object_key.empty() ? ReceivePart(services, row, chunk, generation)
                                : ReceiveIntoParts(services, row, chunk, generation);
}

// Appends one stored part to the pending file.
crm::Status CopyPart(crm::ObjectStore& objects, const UploadPart& part, PendingFile& file) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectReader> reader, objects.Open(part.key));
  std::string buffer(kReadChunk, '\0');
  int64_t copied = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(size_t n, reader->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    CRM_RETURN_IF_ERROR(file.Write(std::string_view(buffer.data(), n)));
    copied += static_cast<int64_t>(n);
  }
  if (copied != part.size) return crm::Internal("upload part " + part.key + " is short");
  return crm::Status::Ok();
}

// The store joins the upload's recorded parts into its object, unless an earlier finish that
// failed later did (the object is there, whole).
crm::Status CompleteObject(crm::ObjectStore& objects, const UploadRow& row,
                           const std::vector<UploadPart>& parts) {
  crm::Result<crm::ObjectInfo> done = objects.Stat(row.object_key);
  if (done.ok() && done->size == static_cast<uint64_t>(row.length)) return crm::Status::Ok();
  if (!done.ok() && done.status().code() != crm::StatusCode::kNotFound) return done.status();
  std::vector<crm::ObjectPart> numbered;
  for (const UploadPart& part : parts) {
    if (part.number == 0) return crm::Internal("upload " + row.id + " ends with a part object");
    numbered.push_back({part.number, part.tag});
  }
  return objects.CompleteParts(row.object_key, row.parts_upload_id, numbered);
}

// The upload's file (local store) or its parts copied in order (S3), or the object its
// parts made (a store that writes objects in parts), as a pending file.
crm::Result<std::unique_ptr<PendingFile>> UploadedFile(Services& services,
                                                       const FoundUpload& upload,
                                                       const UploadMeta& meta) {
  const DocumentType& type = upload.type;
  if (services.files().StoresLocally()) {
    const std::filesystem::path path = FileOf(services, upload.row.client_id, upload.row.id);
    if (UploadFileSize(path) != upload.row.length)
      return crm::Internal("upload " + upload.row.id + " is short");
    // Linked, not copied; hashed as the bytes came unless a restart came between.
    return services.files().Adopt(path, meta.filename, type.max_size, type.accept,
                                  UploadFileSha256(upload.row.id, upload.row.length));
  }
  CRM_ASSIGN_OR_RETURN(std::vector<UploadPart> parts,
                       UploadStore(services.host().Db()).Parts(upload.row.id));
  int64_t expected = 0;
  for (const UploadPart& part : parts) {
    if (part.start != expected) return crm::Internal("upload " + upload.row.id + " has a gap");
    expected += part.size;
  }
  if (expected != upload.row.length) return crm::Internal("upload " + upload.row.id + " is short");
  if (!upload.row.object_key.empty()) {
    CRM_RETURN_IF_ERROR(CompleteObject(services.files().objects(), upload.row, parts));
    return services.files().Fetch(upload.row.object_key, meta.filename, type.max_size, type.accept);
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<PendingFile> file,
                       services.files().Begin(meta.filename, type.max_size, type.accept));
  for (const UploadPart& part : parts)
    CRM_RETURN_IF_ERROR(CopyPart(services.files().objects(), part, *file));
  return file;
}

// The upload's bytes through the multipart upload's pipeline, then DocumentService::Upload.
crm::Result<ClientDocument> AssembleDocument(Services& services, const crm::Principal& actor,
                                             const FoundUpload& upload) {
  CRM_ASSIGN_OR_RETURN(UploadMeta meta, ReadMetadata(upload.row.metadata));
  const DocumentType& type = upload.type;
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<PendingFile> file, UploadedFile(services, upload, meta));
  CRM_RETURN_IF_ERROR(FinishFile(*file, type));
  UploadInput input;
  input.fields = std::move(meta.fields);
  input.files.push_back(std::move(file));
  return services.documents().Upload(actor, upload.row.client_id, type.id, std::move(input));
}

// This request takes over from any PATCH still in flight (UploadStore::TakeTurn): `upload`'s
// offset becomes the one as of now. On the local store, a PATCH of this process stops writing
// too, and an upload whose file lost the bytes its offset claims (removed by hand) is gone.
crm::Result<int64_t> TakeTurn(Services& services, FoundUpload& upload) {
  CRM_ASSIGN_OR_RETURN(std::optional<UploadStore::Turn> turn,
                       UploadStore(services.host().Db()).TakeTurn(upload.row.id));
  if (!turn) return crm::NotFound("no such upload");
  upload.row.offset = turn->offset;
  if (!services.files().StoresLocally()) return turn->generation;
  TakeUploadFileTurn(upload.row.id, turn->generation);
  std::optional<int64_t> size =
      UploadFileSize(FileOf(services, upload.row.client_id, upload.row.id));
  if (!size) return crm::Internal("cannot read the upload's file");
  if (*size < upload.row.offset) {
    DropUpload(services, upload.row);
    return crm::NotFound("the upload's bytes are gone");
  }
  return turn->generation;
}

// Makes the document of a complete upload, once across nodes (ClaimFinish).
crm::Result<ClientDocument> FinishUpload(Services& services, const crm::Principal& actor,
                                         const FoundUpload& upload) {
  UploadStore store(services.host().Db());
  const int64_t now = services.host().NowUnix();
  CRM_ASSIGN_OR_RETURN(bool claimed,
                       store.ClaimFinish(upload.row.id, now, now + kFinishLeaseSeconds));
  if (!claimed) return crm::Conflict("the upload is being finished");
  crm::Result<ClientDocument> doc = AssembleDocument(services, actor, upload);
  if (doc.ok() || doc.status().http_status() < 500) {
    DropUpload(services, upload.row, doc.ok());  // stored, or refused for good
  } else {
    (void)store.ReleaseFinish(upload.row.id);  // the store or the database failed: retry later
  }
  return doc;
}

// An upload's file in the temp folder, named "<client_id>-<upload_id>.tus" (upload_file.h).
struct UploadFileName {
  std::filesystem::path path;
  int64_t client_id = 0;
  std::string id;
  int64_t modified_at = 0;  // seconds since the epoch
};

void ForEachUploadFile(Services& services, const std::function<void(const UploadFileName&)>& on) {
  std::error_code ec;
  std::vector<UploadFileName> found;  // listed first, removed after
  for (const auto& entry : std::filesystem::directory_iterator(services.files().temp_dir(), ec)) {
    if (entry.path().extension() != kResumableSuffix) continue;
    const std::string stem = entry.path().stem().string();
    const size_t dash = stem.find('-');
    std::optional<int64_t> client =
        crm::text::ParseId(std::string_view(stem).substr(0, std::min(dash, stem.size())));
    if (dash == std::string::npos || !client) continue;
    std::error_code e2;
    const auto mtime = std::filesystem::last_write_time(entry.path(), e2);
    if (e2) continue;
    const auto since_epoch = std::chrono::file_clock::to_sys(mtime).time_since_epoch();
    UploadFileName file;
    file.path = entry.path();
    file.client_id = *client;
    file.id = stem.substr(dash + 1);
    file.modified_at = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    found.push_back(std::move(file));
  }
  for (const UploadFileName& file : found) on(file);
}

// Upload files over an hour old that no row names (a crash between the row's removal and the
// file's); returns how many it removed.
crm::Result<int> RemoveOrphanFiles(Services& services, int64_t now) {
  UploadStore store(services.host().Db());
  std::vector<UploadFileName> old;
  ForEachUploadFile(services, [&](const UploadFileName& file) {
    if (now - file.modified_at > kOrphanAgeSeconds) old.push_back(file);
  });
  int removed = 0;
  for (const UploadFileName& file : old) {
    CRM_ASSIGN_OR_RETURN(std::optional<UploadRow> row, store.Find(file.id));
    std::error_code ignored;
    if (!row && std::filesystem::remove(file.path, ignored)) ++removed;
  }
  return removed;
}

// A store that writes objects in parts (S3, shared by every node) gets the upload's bytes as
// parts of the object that becomes the document's file: its key and the store's upload id go in
// the row. Not on the local store (one file written in place) nor a store without parts.
crm::Status StartObjectInParts(Services& services, UploadRow& row) {
  crm::ObjectStore& objects = services.files().objects();
  if (services.files().StoresLocally() || objects.MinPartSize() == 0) return crm::Status::Ok();
  row.object_key = FileStore::NewBlobKey(row.client_id);
  if (row.object_key.empty()) return crm::Internal("no randomness");
  CRM_ASSIGN_OR_RETURN(row.parts_upload_id, objects.StartParts(row.object_key));
  return crm::Status::Ok();
}

}  // namespace

crm::Result<UploadStatus> CreateUpload(Services& services, const crm::Principal& actor,
                                       const NewUpload& request) {
  CRM_ASSIGN_OR_RETURN(UploadMeta meta, ReadMetadata(request.metadata));
  CRM_ASSIGN_OR_RETURN(DocumentType type, WritableType(services, actor, request.channel,
                                                       request.client_id, meta.type_id));
  if (request.length == 0) return crm::Unprocessable("file: the file is empty");
  if (request.length > static_cast<uint64_t>(type.max_size))
    return crm::TooLarge("Upload-Length is over this document type's limit");
  CRM_RETURN_IF_ERROR(ValidateFields(type, meta.fields).status());
  UploadRow row;
  row.id = RandomHex(16);
  if (row.id.empty()) return crm::Internal("no randomness");
  row.client_id = request.client_id;
  row.type_id = type.id;
  row.channel = request.channel;
  row.length = static_cast<int64_t>(request.length);
  row.metadata = request.metadata;
  row.created_by = ActorLabel(actor);
  row.created_at = services.host().NowUnix();
  row.expires_at = row.created_at + kUploadLifetimeSeconds;
  CRM_RETURN_IF_ERROR(StartObjectInParts(services, row));
  crm::Status inserted = UploadStore(services.host().Db()).Insert(row);
  if (!inserted.ok() && !row.object_key.empty())
    (void)services.files().objects().AbortParts(row.object_key, row.parts_upload_id);
  CRM_RETURN_IF_ERROR(inserted);
  return StatusOf(row);
}

crm::Result<UploadStatus> GetUploadStatus(Services& services, const crm::Principal& actor,
                                          UploadChannel channel, int64_t client_id,
                                          const std::string& id) {
  CRM_ASSIGN_OR_RETURN(FoundUpload upload, FindUpload(services, actor, channel, client_id, id));
  CRM_RETURN_IF_ERROR(TakeTurn(services, upload).status());
  return StatusOf(upload.row);
}

crm::Result<ChunkOutcome> AppendUpload(Services& services, const crm::Principal& actor,
                                       UploadChannel channel, int64_t client_id,
                                       const std::string& id, const UploadChunk& chunk) {
  CRM_ASSIGN_OR_RETURN(FoundUpload upload, FindUpload(services, actor, channel, client_id, id));
  CRM_ASSIGN_OR_RETURN(int64_t generation, TakeTurn(services, upload));
  UploadRow& row = upload.row;
  if (chunk.offset != static_cast<uint64_t>(row.offset))
    return crm::Conflict("Upload-Offset must be " + std::to_string(row.offset));
  const uint64_t room = static_cast<uint64_t>(row.length - row.offset);
  if (chunk.content_length && *chunk.content_length > room)
    return crm::TooLarge("the chunk goes past Upload-Length");
  if (room > 0) {
    CRM_ASSIGN_OR_RETURN(Received got, ReceiveChunk(services, row, chunk, generation));
    if (!got.cut.ok()) return got.cut;  // kept; the client is gone, nobody reads an answer
    row.offset += got.size;
    if (got.size > 0) row.expires_at = services.host().NowUnix() + kUploadLifetimeSeconds;
  }
  ChunkOutcome outcome{StatusOf(row), std::nullopt};
  if (row.offset == row.length) {
    CRM_ASSIGN_OR_RETURN(ClientDocument doc, FinishUpload(services, actor, upload));
    outcome.document = std::move(doc);
  }
  return outcome;
}

crm::Status TerminateUpload(Services& services, const crm::Principal& actor, UploadChannel channel,
                            int64_t client_id, const std::string& id) {
  CRM_ASSIGN_OR_RETURN(FoundUpload upload, FindUpload(services, actor, channel, client_id, id));
  DropUpload(services, upload.row);
  return crm::Status::Ok();
}

crm::Result<int> SweepUploads(Services& services) {
  UploadStore store(services.host().Db());
  const int64_t now = services.host().NowUnix();
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> expired, store.Expired(now, kSweepBatch));
  for (const std::string& id : expired) {
    CRM_ASSIGN_OR_RETURN(std::optional<UploadRow> row, store.Find(id));
    if (row) DropUpload(services, *row);
  }
  int removed = static_cast<int>(expired.size());
  CRM_ASSIGN_OR_RETURN(int orphan_files, RemoveOrphanFiles(services, now));
  removed += orphan_files;
  std::vector<std::string> old;
  CRM_RETURN_IF_ERROR(
      services.files().objects().List(kUploadPartsPrefix, [&](const crm::ObjectInfo& info) {
        if (now - info.modified_at > kOrphanAgeSeconds) old.push_back(info.key);
        return true;
      }));
  for (const std::string& key : old) {
    CRM_ASSIGN_OR_RETURN(bool known, store.KnowsPart(key));
    if (known) continue;
    if (services.files().objects().Delete(key).ok()) ++removed;
  }
  return removed;
}

void RemoveClientUploads(Services& services, int64_t client_id) {
  ForEachUploadFile(services, [&](const UploadFileName& file) {
    std::error_code ignored;
    if (file.client_id == client_id) std::filesystem::remove(file.path, ignored);
  });
  crm::ObjectStore& objects = services.files().objects();
  std::vector<std::string> keys;
  crm::Status listed =
      objects.List(std::string(kUploadPartsPrefix) + std::to_string(client_id) + "/",
                   [&](const crm::ObjectInfo& info) {
                     keys.push_back(info.key);
                     return true;
                   });
  if (!listed.ok())
    services.host().Log(
        crm::LogLevel::kWarning,
        "client-documents: cannot list the uploads of a deleted client: " + listed.ToString());
  for (const std::string& key : keys) (void)objects.Delete(key);
}

}  // namespace cd
