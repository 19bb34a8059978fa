// plugin/documents/use_cases.h — each thing a person can do with a client's documents, as
// ONE function: who acts and what is asked in, every rule checked, a Result out. The API,
// the client area and the admin tab are adapters over these, so their rules cannot drift.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/model.h"
#include "plugin/services.h"
#include "plugin/upload_pipeline.h"

namespace cd {

// Room for the extra fields and the multipart framing on top of the files of an upload.
inline constexpr uint64_t kUploadFieldRoom = 1 << 20;
// The host's cap on an upload body, the same on every upload route: a route's max_body is
// fixed at registration while types change at run time, so it allows the largest type
// (kMaxMaxSize x kMaxMaxFiles); UploadDocument enforces the type's own, smaller limit.
inline constexpr uint64_t kUploadBodyLimit =
    static_cast<uint64_t>(kMaxMaxSize) * kMaxMaxFiles + kUploadFieldRoom;

// The largest body an upload of `type` may declare (its files plus kUploadFieldRoom).
uint64_t UploadBodyLimit(const DocumentType& type);

// What an upload asks: the document (client, type) and the request's body, streamed.
struct UploadRequest {
  int64_t client_id = 0;
  int64_t type_id = 0;
  std::string content_type;                // the Content-Type header, as sent
  std::optional<uint64_t> content_length;  // the declared length, when there is one
  BodyReader read;                         // the body; read only once every rule passed
};

// An UploadRequest over `request` (its headers and ReadBody). `request` must outlive it.
UploadRequest UploadRequestOf(crm::Request& request, int64_t client_id, int64_t type_id);

struct UploadOutcome {
  ClientDocument doc;    // the document as stored now
  bool created = false;  // true: added (none before); false: replaced an existing one
};

// Adds or replaces a document. Before a byte of the body is read: the type exists
// (kNotFound), CheckWrite (access.h: a client never for an admin_only or archived type),
// the client exists (kNotFound), the body is multipart/form-data (kUnsupportedType), a
// declared Content-Length fits UploadBodyLimit(type) (kTooLarge). Then the body is
// streamed (upload_pipeline.h: sniffing, sizes, file count) and stored
// (DocumentService::Upload: fields, archive of the previous version, timeline).
crm::Result<UploadOutcome> UploadDocument(Services& services, const crm::Principal& actor,
                                          const UploadRequest& request);

// Issue 15.13: adds the files still missing to the current document (the back of a two-file ID
// sent later) with UploadDocument's checks before the body is read, then the body streamed the
// same way, then DocumentService::AddFiles (kNotFound without a current document,
// kUnprocessable past max_files counting the files already there; nothing archived).
crm::Result<ClientDocument> AddDocumentFiles(Services& services, const crm::Principal& actor,
                                             const UploadRequest& request);

// Moves the current document to the archive (reason "deleted"). kNotFound for an unknown
// type or client or when there is no document; CheckWrite as for uploads.
crm::Status DeleteDocument(Services& services, const crm::Principal& actor, int64_t client_id,
                           int64_t type_id);

// Edits the extra field values of the current document (form plumbing such as "_csrf" is
// ignored). kNotFound as DeleteDocument; kUnprocessable for invalid values.
crm::Result<ClientDocument> EditDocumentFields(Services& services, const crm::Principal& actor,
                                               int64_t client_id, int64_t type_id,
                                               const std::map<std::string, std::string>& fields);

// Every listed type with the client's document (or status missing). CheckRead; kNotFound
// for an unknown client.
crm::Result<std::vector<ClientDocument>> ListDocuments(Services& services,
                                                       const crm::Principal& actor,
                                                       int64_t client_id);
// One type's document (status missing when none). kNotFound for an unknown client or type.
crm::Result<ClientDocument> GetDocument(Services& services, const crm::Principal& actor,
                                        int64_t client_id, int64_t type_id);
// The archived versions of one type, newest first; staff and tokens only.
crm::Result<std::vector<ArchivedVersion>> ListDocumentVersions(Services& services,
                                                               const crm::Principal& actor,
                                                               int64_t client_id, int64_t type_id);

// A current file to stream: the document's first file, or `file_id` among its files.
// Inline only when `want_inline` and the kind is SafeToViewInline. CheckRead; kNotFound
// for an unknown client or a file of another client or type.
crm::Result<crm::ObjectReply> DownloadFile(Services& services, const crm::Principal& actor,
                                           int64_t client_id, int64_t type_id,
                                           std::optional<int64_t> file_id, bool want_inline);
// One file of an archived version (staff and tokens only); always an attachment.
crm::Result<crm::ObjectReply> DownloadArchivedFile(Services& services, const crm::Principal& actor,
                                                   int64_t client_id, int64_t file_id);
// The JPEG thumbnail of a current file, shown inline; kNotFound when it has none.
crm::Result<crm::ObjectReply> DownloadThumbnail(Services& services, const crm::Principal& actor,
                                                int64_t client_id, int64_t file_id);

}  // namespace cd
