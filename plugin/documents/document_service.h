// plugin/documents/document_service.h — a client's documents as stored (CD5, CD9, CD11): list,
// upload/replace (archiving the old version), delete, downloads, client deletion, scrub.
// Routes do not call it: they call the use cases (use_cases.h), which check the request's
// rules first; every method here checks access (access.h) again, so no caller can skip it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/http.h"
#include "host-api/services.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "plugin/file_store.h"
#include "plugin/model.h"
#include "plugin/type_store.h"
#include "plugin/upload_pipeline.h"

namespace cd {

// Checks and normalises the extra field values of a document of `type` (keys starting with '_'
// are form plumbing and ignored): kUnprocessable ("fields.<key>: ...") for an unknown key, a
// missing required value, control characters, or a date or number that is not one. Upload
// calls it; resumable uploads call it at creation too, before a byte arrives.
crm::Result<std::map<std::string, std::string>> ValidateFields(
    const DocumentType& type, const std::map<std::string, std::string>& given);

// Thread-safe: state lives in the database and the file store.
//
// Deletion policy: Delete moves the current document's files to the archive (reason
// "deleted") so a mis-click loses nothing; deleting the CLIENT removes everything.
class DocumentService {
 public:
  DocumentService(crm::HostServices& host, TypeStore& types, FileStore& files);

  // Every type (active ones, plus inactive ones the client has a document of) with the
  // client's document or status missing. kNotFound when the client does not exist.
  crm::Result<std::vector<ClientDocument>> List(const crm::Principal& actor, int64_t client_id);
  // One type's document (status missing when none). kNotFound for an unknown type.
  crm::Result<ClientDocument> Get(const crm::Principal& actor, int64_t client_id, int64_t type_id);

  // Adds the document, or replaces it (the previous version goes to the archive). The
  // fields are validated against the type (required, date YYYY-MM-DD, number; unknown
  // keys refused) -> kUnprocessable. Files are renamed into place, THEN the rows are
  // written in one transaction; on failure the new blobs are removed. Adds a timeline
  // entry "client-documents.upload" or ".replace".
  crm::Result<ClientDocument> Upload(const crm::Principal& actor, int64_t client_id,
                                     int64_t type_id, UploadInput input);
  // Edits the extra field values of the current document (kNotFound when missing).
  crm::Result<ClientDocument> UpdateFields(const crm::Principal& actor, int64_t client_id,
                                           int64_t type_id,
                                           const std::map<std::string, std::string>& fields);
  // Moves the current document to the archive (reason "deleted"); kNotFound when missing.
  // Timeline entry "client-documents.delete".
  crm::Status Delete(const crm::Principal& actor, int64_t client_id, int64_t type_id);

  // The file to stream: the current document's first file, or `file_id` among its files.
  // kNotFound for a file of another client/type (no IDOR).
  crm::Result<crm::ObjectReply> OpenFile(const crm::Principal& actor, int64_t client_id,
                                         int64_t type_id, std::optional<int64_t> file_id);
  // The JPEG thumbnail of a current file; kNotFound when it has none.
  crm::Result<crm::ObjectReply> OpenThumbnail(const crm::Principal& actor, int64_t client_id,
                                              int64_t file_id);

  // Archived versions of one type, newest first (staff and tokens only).
  crm::Result<std::vector<ArchivedVersion>> ListArchive(const crm::Principal& actor,
                                                        int64_t client_id, int64_t type_id);
  // One archived file of the client (staff and tokens only).
  crm::Result<crm::ObjectReply> OpenArchivedFile(const crm::Principal& actor, int64_t client_id,
                                                 int64_t file_id);

  // The list filter (CD7) for `doc.<type_id>`: kNotFound when filter_id is not one of
  // ours or the type does not exist, kInvalidArgument for a value other than
  // uploaded|missing. See DocumentFilterPredicate (list_sql.h); "uploaded" of a type with
  // few documents starts from the type's set instead.
  crm::Result<crm::SqlPredicate> FilterPredicate(std::string_view filter_id,
                                                 std::string_view value);
  // How the host counts that filter's matches (host API 1.2), same errors. See DocumentFilterCount.
  crm::Result<crm::FilterCountPredicate> FilterCount(std::string_view filter_id,
                                                     std::string_view value);

  // No access check: for the hooks (summary box, gate, completeness).
  crm::Result<Completeness> CountFor(int64_t client_id);
  // No access check: whether the client has a current document of the type.
  crm::Result<bool> HasDocument(int64_t client_id, int64_t type_id);

  // CD9. Deletes every row of the client (documents, versions, files) inside the host's
  // deletion transaction. Rows first: RemoveClientFiles runs after the commit.
  static crm::Status DeleteClientRows(int64_t client_id, crm::SqlExecutor& tx);
  // Removes the client's folder (blobs, thumbnails, versions). Logs failures.
  void RemoveClientFiles(int64_t client_id);
  // Removes orphans: folders of clients that no longer exist, blobs and thumbnails no row
  // names, temp files (all three older than an hour: younger ones may belong to an upload in
  // progress). With `rehash`, first reads every stored file again (documents' files and
  // attestation PDFs) and counts the missing and altered ones, each logged as a warning with
  // its key (a file whose row went meanwhile is not counted). Run by ScrubJob (scrub_job.h)
  // and by `sample-host scrub` (SPEC §6). kUnavailable when the store cannot be reached.
  crm::Result<ScrubReport> Scrub(bool rehash = true);

  // Issue 15.13: appends `input`'s files to the current document (the back of an ID whose
  // front alone was sent) without archiving anything: CheckWrite; kNotFound without a current
  // document; kUnprocessable past the type's max_files, the files already there counted. The
  // fields stay; a reviewed type's document goes back to pending; journal and timeline say it.
  crm::Result<ClientDocument> AddFiles(const crm::Principal& actor, int64_t client_id,
                                       int64_t type_id, UploadInput input);

 private:
  // AddFiles' rows, in its transaction: the new files after the current ones.
  crm::Status WriteAddedFiles(crm::SqlExecutor& tx, const DocumentType& type, int64_t client_id,
                              const UploadInput& input, const std::vector<CommittedFile>& committed,
                              int64_t now, const std::string& who);
  // Scrub's first step: every stored file of `table` (cd_files, cd_attestations) checked.
  crm::Status CheckStoredFiles(int table, ScrubReport& report);
  // Adds a timeline entry; a failure is logged, never fatal (the document is stored).
  void Record(const crm::TimelineEntry& entry);
  // Commits every pending file into the client's folder; on a failure the ones already
  // committed are removed again.
  crm::Result<std::vector<CommittedFile>> CommitBlobs(
      const std::vector<std::unique_ptr<PendingFile>>& files, int64_t client_id);
  // The client's current document of `type`, as stored now.
  crm::Result<ClientDocument> Reload(int64_t client_id, const DocumentType& type);

  crm::HostServices& host_;
  TypeStore& types_;
  FileStore& files_;
};

// A field's validation error reads "fields.<key>: <reason>", the reason one of these
// (the pages translate it, with the field's label in the reader's language).
inline constexpr std::string_view kFieldUnknown = "unknown field";
inline constexpr std::string_view kFieldControlChars = "control characters are not allowed";
inline constexpr std::string_view kFieldRequired = "required";
inline constexpr std::string_view kFieldNotDate = "must be a date YYYY-MM-DD";
inline constexpr std::string_view kFieldNotNumber = "must be a number";

// True for the kinds a browser may show inline without running anything (PDF and the
// raster images); every other kind is served as an attachment, whatever the route.
bool SafeToViewInline(std::string_view mime);

}  // namespace cd
