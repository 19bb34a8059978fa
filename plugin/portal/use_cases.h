// plugin/portal/use_cases.h — projects and the documents staff share with a client (PT8, SPEC
// §6): each thing a person can do as ONE function (who acts, what is asked, every rule checked,
// a Result out). The API, the client area, the Portal tab (and the link routes the links
// feature adds) are adapters over these. Every function works for a link session's principal
// (plugin/links/grant.h): it acts as the link's client, journaled as "link:<id>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/links/grant.h"
#include "plugin/services.h"
#include "plugin/upload_pipeline.h"

namespace cd {

// Shared files: the default allow-list (PDF, JPEG, PNG, WebP, HEIC), 50 MiB, one file a request.
inline constexpr int64_t kSharedMaxSize = 50LL * 1024 * 1024;
inline constexpr uint64_t kSharedBodyLimit = kSharedMaxSize + (1 << 20);
inline constexpr size_t kMaxTitleBytes = 200;
inline constexpr size_t kMaxDecisionReasonBytes = 2000;

struct Project {
  int64_t id = 0;
  int64_t client_id = 0;
  std::string name;
  std::string reference;
  std::string status = "open";  // open | closed
  int64_t created_at = 0;
};

// A create (name required) or a partial update (unset members kept).
struct ProjectDraft {
  std::optional<std::string> name;
  std::optional<std::string> reference;
  std::optional<std::string> status;
};

struct SharedFile {
  int64_t id = 0;
  std::string name;
  int64_t size = 0;
  std::string mime;
  std::string sha256;
  std::string storage_key;
  std::string thumbnail_key;  // "" when it has none
  std::string added_by_kind;  // staff | client | contact
  std::string added_by;
  int64_t created_at = 0;
};

struct Payment {
  int64_t id = 0;
  int64_t amount_cents = 0;
  std::string paid_on;
  std::string recorded_by;
  int64_t created_at = 0;
};

struct SharedDocument {
  int64_t id = 0;
  int64_t client_id = 0;
  int64_t project_id = 0;  // 0: in no project
  std::string title;
  std::string category;  // quote | order | invoice | report | other
  std::string due_on;    // "YYYY-MM-DD" or ""
  std::optional<int64_t> amount_due_cents;
  std::optional<int64_t> still_due_cents;  // amount due minus payments (invoices)
  int64_t paid_cents = 0;
  bool decision_required = false;
  std::string decision_value;  // "" | approved | refused
  std::string decision_reason;
  std::string decision_by;
  int64_t decision_at = 0;
  std::string created_by;
  int64_t created_at = 0;
  std::string status;  // SharedStatus (status.h) on the day it was read
  std::vector<SharedFile> files;
  std::vector<Payment> payments;
};

// A multipart body to receive: the share form or a supporting file.
struct SharedUpload {
  int64_t client_id = 0;
  int64_t shared_id = 0;                   // supporting files only
  std::string content_type;                // as sent
  std::optional<uint64_t> content_length;  // as declared
  BodyReader read;                         // read only once every rule passed
};
SharedUpload SharedUploadOf(crm::Request& request, int64_t client_id, int64_t shared_id = 0);

// ---- Projects -----------------------------------------------------------------------------
// CheckRead (access.h), then the client exists (kNotFound). Oldest first.
crm::Result<std::vector<Project>> ListProjects(Services& sv, const crm::Principal& actor,
                                               int64_t client_id);
// Staff with documents.write (a token documents:write); the client exists; name 1-200 bytes
// after trimming, reference at most 100, status open|closed (kUnprocessable).
crm::Result<Project> CreateProject(Services& sv, const crm::Principal& actor, int64_t client_id,
                                   const ProjectDraft& draft);
// As CreateProject; a project of another client is kNotFound.
crm::Result<Project> UpdateProject(Services& sv, const crm::Principal& actor, int64_t client_id,
                                   int64_t project_id, const ProjectDraft& draft);

// ---- Shared documents ----------------------------------------------------------------------
// Staff with documents.write; the client exists; multipart/form-data (kUnsupportedType); a
// declared length within kSharedBodyLimit (kTooLarge). Then the body streams through the upload
// pipeline (sniffed type, allow-list, size, SHA-256, location metadata) and the fields are
// checked: title 1-200 bytes, category, project_id of THIS client (kNotFound), due_on a date,
// amount_due a positive decimal (an invoice needs one), decision none|required (an invoice is
// never decided) — kUnprocessable. The file goes to the store, then the rows and the journal's
// "shared" in one transaction; a timeline entry.
crm::Result<SharedDocument> ShareDocument(Services& sv, const crm::Principal& actor,
                                          const SharedUpload& upload);
// CheckRead; the client exists; `project_id` (when given) filters. Oldest first.
crm::Result<std::vector<SharedDocument>> ListShared(Services& sv, const crm::Principal& actor,
                                                    int64_t client_id,
                                                    std::optional<int64_t> project_id);
// CheckRead; another client's document is kNotFound.
crm::Result<SharedDocument> GetShared(Services& sv, const crm::Principal& actor, int64_t client_id,
                                      int64_t shared_id);
// Staff with documents.write: the rows (files, payments, comments) go, journaled "deleted",
// then the objects.
crm::Status DeleteShared(Services& sv, const crm::Principal& actor, int64_t client_id,
                         int64_t shared_id);
// One file of a shared document (CheckRead), inline only for SafeToViewInline kinds when
// asked; journaled "viewed" / "downloaded".
crm::Result<crm::ObjectReply> DownloadSharedFile(Services& sv, const crm::Principal& actor,
                                                 int64_t client_id, int64_t shared_id,
                                                 int64_t file_id, bool want_inline);
// A client (or a link contact) adds a supporting file (proof of payment, signed plan) to one of
// its shared documents; staff with documents.write may too. Same pipeline; journaled
// "uploaded"; a timeline entry.
crm::Result<SharedDocument> AddSupportingFile(Services& sv, const crm::Principal& actor,
                                              const SharedUpload& upload);

// ---- Payments and decisions --------------------------------------------------------------
// Staff with documents.write. Only an invoice (kConflict otherwise); amount a decimal > 0 and
// at most what is still due, paid_on a date or today (kUnprocessable). Journaled "paid".
crm::Result<SharedDocument> RecordPayment(Services& sv, const crm::Principal& actor,
                                          int64_t client_id, int64_t shared_id,
                                          const std::string& amount, const std::string& paid_on);
// The client (or a link contact) decides: another client's document is kNotFound, staff and
// tokens kPermissionDenied; decision approve|refuse, a refusal needs a reason (kUnprocessable);
// a document that asks no decision, one already decided or an expired quote is kConflict.
// Stored with who and when, journaled "decided", a timeline entry, a mail to notify_email.
crm::Result<SharedDocument> DecideShared(Services& sv, const crm::Principal& actor,
                                         int64_t client_id, int64_t shared_id,
                                         const std::string& decision, const std::string& reason);

// ---- Scope, deletion --------------------------------------------------------------------
// Whether a link session may see `doc`: the link's client, and its scope covers the
// document's project (LinkGrant::CoversProject).
bool SharedVisibleTo(const LinkGrant& grant, const SharedDocument& doc);
// CD9: the client's projects, shared documents, their files' rows and payments, inside the
// host's deletion transaction (comments go with DeleteClientComments; the objects with
// FileStore::RemoveClient, all under files/<client_id>/).
crm::Status DeleteClientPortal(crm::SqlExecutor& tx, int64_t client_id);

}  // namespace cd
