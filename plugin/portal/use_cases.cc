// plugin/portal/use_cases.cc — the portal's use cases (use_cases.h): each checks every rule in a
// fixed order (access, client, then the request) before anything is stored.
#include "plugin/portal/use_cases.h"

#include <utility>

#include "plugin/access.h"
#include "plugin/documents/document_service.h"
#include "plugin/journal/journal.h"
#include "plugin/portal/shared_store.h"
#include "plugin/review/state.h"
#include "text/money.h"
#include "text/text.h"

namespace cd {
namespace {

std::string Today(Services& sv) { return IsoDate(sv.host().NowUnix()); }
std::string SharedObject(int64_t id) { return "shared:" + std::to_string(id); }

// Staff (documents.write) and tokens (documents:write); clients and links never.
crm::Status CheckStaffWrite(const crm::Principal& actor, int64_t client_id) {
  if (actor.IsClient()) return crm::PermissionDenied("only staff may do this");
  return CheckWrite(actor, client_id, DocumentType{});
}

// Who added a file or decided, as the portal stores it.
std::string AuthorKind(const crm::Principal& actor) {
  if (!actor.IsClient()) return "staff";
  return LinkIdOf(actor) != 0 ? "contact" : "client";
}

crm::Result<std::string> BoundedText(std::string_view value, const char* name, size_t max,
                                     bool required) {
  std::string text(crm::text::TrimAll(value));
  if (required && text.empty()) return crm::Unprocessable(std::string(name) + ": required");
  if (text.size() > max)
    return crm::Unprocessable(std::string(name) + ": at most " + std::to_string(max) + " bytes");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
      return crm::Unprocessable(std::string(name) + ": control characters are not allowed");
  }
  return text;
}

// The pipeline's limits for a shared or supporting file.
DocumentType SharedFileKind() {
  DocumentType t;
  t.accept = DefaultAccept();
  t.max_size = kSharedMaxSize;
  t.max_files = 1;
  return t;
}

// Checks the body's framing, then streams it through the upload pipeline.
crm::Result<UploadInput> ReceiveSharedBody(Services& sv, const SharedUpload& up) {
  if (MediaTypeOf(up.content_type) != "multipart/form-data")
    return crm::UnsupportedType("Content-Type must be multipart/form-data");
  if (up.content_length && *up.content_length > kSharedBodyLimit)
    return crm::TooLarge("body larger than a shared file may be");
  return ReceiveMultipart(up.content_type, up.read, SharedFileKind(), sv.files());
}

// Puts the received file into the store; its row is written by the caller.
crm::Result<std::pair<SharedFile, CommittedFile>> CommitShared(Services& sv,
                                                               const crm::Principal& actor,
                                                               PendingFile& f, int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(CommittedFile c, sv.files().Commit(f, client_id));
  SharedFile row{0,
                 f.display_name(),
                 f.size(),
                 f.mime(),
                 f.sha256(),
                 c.storage_key,
                 c.thumbnail_key,
                 AuthorKind(actor),
                 ActorLabel(actor),
                 sv.host().NowUnix()};
  return std::make_pair(std::move(row), c);
}

void Timeline(Services& sv, int64_t client_id, const std::string& type, const std::string& title,
              const std::string& detail, const crm::Principal& actor) {
  crm::Status t = sv.host().AddTimeline({client_id, type, title, detail, ActorLabel(actor)});
  if (!t.ok()) sv.host().Log(crm::LogLevel::kWarning, "timeline: " + t.ToString());
}

// ---- Share form ------------------------------------------------------------------------

struct ShareFields {
  std::string title;
  std::string category;
  std::optional<int64_t> project_id;
  std::string due_on;
  std::optional<int64_t> amount_due;
  bool decision_required = false;
};

std::string Field(const UploadInput& in, const char* key) {
  auto it = in.fields.find(key);
  return it == in.fields.end() ? "" : std::string(crm::text::Trim(it->second));
}

crm::Result<ShareFields> ParseShareFields(const UploadInput& in) {
  ShareFields f;
  CRM_ASSIGN_OR_RETURN(f.title, BoundedText(Field(in, "title"), "title", kMaxTitleBytes, true));
  f.category = Field(in, "category");
  if (f.category != "quote" && f.category != "order" && f.category != "invoice" &&
      f.category != "report" && f.category != "other")
    return crm::Unprocessable("category: quote, order, invoice, report or other");
  if (std::string p = Field(in, "project_id"); !p.empty()) {
    f.project_id = crm::text::ParseId(std::string_view(p));
    if (!f.project_id) return crm::NotFound("no such project");
  }
  f.due_on = Field(in, "due_on");
  if (!f.due_on.empty() && !crm::text::IsIsoDate(f.due_on))
    return crm::Unprocessable("due_on: a date YYYY-MM-DD");
  if (std::string a = Field(in, "amount_due"); !a.empty()) {
    f.amount_due = crm::text::ParseAmountCents(a);
    if (!f.amount_due || *f.amount_due <= 0)
      return crm::Unprocessable("amount_due: a positive amount such as 120.00");
  }
  std::string decision = Field(in, "decision");
  if (decision != "" && decision != "none" && decision != "required")
    return crm::Unprocessable("decision: none or required");
  f.decision_required = decision == "required";
  if (f.category == "invoice" && !f.amount_due)
    return crm::Unprocessable("amount_due: an invoice needs the amount due");
  if (f.category == "invoice" && f.decision_required)
    return crm::Unprocessable("decision: an invoice is paid, not decided");
  return f;
}

crm::Result<int64_t> InsertShared(crm::SqlExecutor& tx, int64_t client_id, const ShareFields& f,
                                  const std::string& who, int64_t now) {
  crm::SqlValue project = f.project_id ? crm::SqlValue(*f.project_id) : crm::SqlValue();
  crm::SqlValue due = f.due_on.empty() ? crm::SqlValue() : crm::SqlValue(f.due_on);
  crm::SqlValue amount = f.amount_due ? crm::SqlValue(*f.amount_due) : crm::SqlValue();
  CRM_ASSIGN_OR_RETURN(auto row,
                       tx.QueryOne("INSERT INTO cd_shared (client_id, project_id, title, category,"
                                   " due_on, amount_due_cents, decision_required, created_by,"
                                   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                   {client_id, project, f.title, f.category, due, amount,
                                    int64_t{f.decision_required ? 1 : 0}, who, now}));
  if (!row) return crm::Internal("shared document not stored");
  return row->Int(0);
}

}  // namespace

SharedUpload SharedUploadOf(crm::Request& request, int64_t client_id, int64_t shared_id) {
  SharedUpload out;
  out.client_id = client_id;
  out.shared_id = shared_id;
  out.content_type = request.Header("Content-Type").value_or("");
  out.content_length = request.ContentLength();
  out.read = [&request](char* buffer, size_t size) { return request.ReadBody(buffer, size); };
  return out;
}

// ---- Projects ---------------------------------------------------------------------------

crm::Result<std::vector<Project>> ListProjects(Services& sv, const crm::Principal& actor,
                                               int64_t client_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  return LoadProjects(sv.host().Db(), client_id);
}

namespace {

crm::Status ApplyDraft(const ProjectDraft& draft, Project& p) {
  if (draft.name) {
    CRM_ASSIGN_OR_RETURN(p.name, BoundedText(*draft.name, "name", kMaxTitleBytes, true));
  }
  if (draft.reference) {
    CRM_ASSIGN_OR_RETURN(p.reference, BoundedText(*draft.reference, "reference", 100, false));
  }
  if (draft.status) {
    if (*draft.status != "open" && *draft.status != "closed")
      return crm::Unprocessable("status: open or closed");
    p.status = *draft.status;
  }
  return crm::Status::Ok();
}

}  // namespace

crm::Result<Project> CreateProject(Services& sv, const crm::Principal& actor, int64_t client_id,
                                   const ProjectDraft& draft) {
  CRM_RETURN_IF_ERROR(CheckStaffWrite(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  if (!draft.name) return crm::Unprocessable("name: required");
  Project p;
  p.client_id = client_id;
  CRM_RETURN_IF_ERROR(ApplyDraft(draft, p));
  p.created_at = sv.host().NowUnix();
  CRM_ASSIGN_OR_RETURN(
      auto row, sv.host().Db().QueryOne(
                    "INSERT INTO cd_projects (client_id, name, reference, status, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    {client_id, p.name, p.reference, p.status, p.created_at, p.created_at}));
  if (!row) return crm::Internal("project not stored");
  p.id = row->Int(0);
  return p;
}

crm::Result<Project> UpdateProject(Services& sv, const crm::Principal& actor, int64_t client_id,
                                   int64_t project_id, const ProjectDraft& draft) {
  CRM_RETURN_IF_ERROR(CheckStaffWrite(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  CRM_ASSIGN_OR_RETURN(auto found, FindProject(sv.host().Db(), client_id, project_id));
  if (!found) return crm::NotFound("no such project");
  Project p = *found;
  CRM_RETURN_IF_ERROR(ApplyDraft(draft, p));
  CRM_RETURN_IF_ERROR(
      sv.host()
          .Db()
          .Exec("UPDATE cd_projects SET name = ?, reference = ?, status = ?,"
                " updated_at = ? WHERE id = ? AND client_id = ?",
                {p.name, p.reference, p.status, sv.host().NowUnix(), p.id, client_id})
          .status());
  return p;
}

// ---- Shared documents ---------------------------------------------------------------------

crm::Result<SharedDocument> ShareDocument(Services& sv, const crm::Principal& actor,
                                          const SharedUpload& up) {
  CRM_RETURN_IF_ERROR(CheckStaffWrite(actor, up.client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(up.client_id).status());
  CRM_ASSIGN_OR_RETURN(UploadInput input, ReceiveSharedBody(sv, up));
  CRM_ASSIGN_OR_RETURN(ShareFields fields, ParseShareFields(input));
  if (fields.project_id) {
    CRM_ASSIGN_OR_RETURN(auto p, FindProject(sv.host().Db(), up.client_id, *fields.project_id));
    if (!p) return crm::NotFound("no such project");
  }
  // The object first (durable), then the rows: a crash leaves an orphan for the scrub only.
  CRM_ASSIGN_OR_RETURN(auto file, CommitShared(sv, actor, *input.files.front(), up.client_id));
  const int64_t now = sv.host().NowUnix();
  int64_t id = 0;
  crm::Status s = sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(sv.host().LockClient(tx, up.client_id));
    CRM_ASSIGN_OR_RETURN(id, InsertShared(tx, up.client_id, fields, ActorLabel(actor), now));
    CRM_RETURN_IF_ERROR(InsertSharedFile(tx, id, up.client_id, file.first));
    return Journal::Append(tx, now, actor,
                           {"shared", up.client_id, SharedObject(id),
                            "category=" + fields.category + " sha256=" + file.first.sha256});
  });
  if (!s.ok()) {
    sv.files().Remove(file.second);
    return s;
  }
  Timeline(sv, up.client_id, "client-documents.shared", "Document shared: " + fields.title,
           fields.category, actor);
  return LoadOneShared(sv.host().Db(), up.client_id, id, Today(sv));
}

crm::Result<std::vector<SharedDocument>> ListShared(Services& sv, const crm::Principal& actor,
                                                    int64_t client_id,
                                                    std::optional<int64_t> project_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  return LoadShared(sv.host().Db(), client_id, std::nullopt, project_id, Today(sv));
}

crm::Result<SharedDocument> GetShared(Services& sv, const crm::Principal& actor, int64_t client_id,
                                      int64_t shared_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  return LoadOneShared(sv.host().Db(), client_id, shared_id, Today(sv));
}

namespace {

// The rows of some of a client's shared documents (`where` on cd_shared, params after the
// client id), children first.
crm::Status DeleteSharedRows(crm::SqlExecutor& tx, int64_t client_id, const std::string& where,
                             crm::SqlParams extra) {
  crm::SqlParams params{client_id};
  params.insert(params.end(), extra.begin(), extra.end());
  const std::string in = " IN (SELECT id FROM cd_shared WHERE client_id = ?" + where + ")";
  for (const std::string& sql :
       {"DELETE FROM cd_comment_notices WHERE comment_id IN (SELECT id FROM cd_comments"
        " WHERE shared_id" +
            in + ")",
        "DELETE FROM cd_comments WHERE shared_id" + in,
        "DELETE FROM cd_shared_files WHERE shared_id" + in,
        "DELETE FROM cd_shared_payments WHERE shared_id" + in}) {
    CRM_RETURN_IF_ERROR(tx.Exec(sql, params).status());
  }
  return tx.Exec("DELETE FROM cd_shared WHERE client_id = ?" + where, params).status();
}

}  // namespace

crm::Status DeleteShared(Services& sv, const crm::Principal& actor, int64_t client_id,
                         int64_t shared_id) {
  CRM_RETURN_IF_ERROR(CheckStaffWrite(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  CRM_ASSIGN_OR_RETURN(SharedDocument doc,
                       LoadOneShared(sv.host().Db(), client_id, shared_id, Today(sv)));
  const int64_t now = sv.host().NowUnix();
  CRM_RETURN_IF_ERROR(sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(DeleteSharedRows(tx, client_id, " AND id = ?", {shared_id}));
    return Journal::Append(tx, now, actor, {"deleted", client_id, SharedObject(shared_id), ""});
  }));
  // Rows first, then the objects (a failure leaves orphans for the scrub).
  for (const SharedFile& f : doc.files) sv.files().Remove({f.storage_key, f.thumbnail_key});
  Timeline(sv, client_id, "client-documents.shared_deleted",
           "Shared document deleted: " + doc.title, "", actor);
  return crm::Status::Ok();
}

crm::Result<crm::ObjectReply> DownloadSharedFile(Services& sv, const crm::Principal& actor,
                                                 int64_t client_id, int64_t shared_id,
                                                 int64_t file_id, bool want_inline) {
  CRM_ASSIGN_OR_RETURN(SharedDocument doc, GetShared(sv, actor, client_id, shared_id));
  for (const SharedFile& f : doc.files) {
    if (f.id != file_id) continue;
    CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply, sv.files().ReplyFor(f.storage_key));
    reply.mime = f.mime;
    reply.download_name = f.name;
    reply.etag = f.sha256;
    reply.inline_view = want_inline && SafeToViewInline(f.mime);
    CRM_RETURN_IF_ERROR(
        sv.journal().Append(actor, {reply.inline_view ? "viewed" : "downloaded", client_id,
                                    SharedObject(shared_id), "sha256=" + f.sha256}));
    return reply;
  }
  return crm::NotFound("no such file");
}

crm::Result<SharedDocument> AddSupportingFile(Services& sv, const crm::Principal& actor,
                                              const SharedUpload& up) {
  if (!actor.IsClient()) CRM_RETURN_IF_ERROR(CheckStaffWrite(actor, up.client_id));
  CRM_ASSIGN_OR_RETURN(SharedDocument doc, GetShared(sv, actor, up.client_id, up.shared_id));
  CRM_ASSIGN_OR_RETURN(UploadInput input, ReceiveSharedBody(sv, up));
  CRM_ASSIGN_OR_RETURN(auto file, CommitShared(sv, actor, *input.files.front(), up.client_id));
  const int64_t now = sv.host().NowUnix();
  crm::Status s = sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(sv.host().LockClient(tx, up.client_id));
    CRM_ASSIGN_OR_RETURN(auto still,
                         tx.QueryOne("SELECT 1 FROM cd_shared WHERE id = ?", {up.shared_id}));
    if (!still) return crm::NotFound("no such shared document");
    CRM_RETURN_IF_ERROR(InsertSharedFile(tx, up.shared_id, up.client_id, file.first));
    return Journal::Append(tx, now, actor,
                           {"uploaded", up.client_id, SharedObject(up.shared_id),
                            "supporting sha256=" + file.first.sha256});
  });
  if (!s.ok()) {
    sv.files().Remove(file.second);
    return s;
  }
  Timeline(sv, up.client_id, "client-documents.shared_file", "Supporting file added: " + doc.title,
           file.first.name, actor);
  return LoadOneShared(sv.host().Db(), up.client_id, up.shared_id, Today(sv));
}

// ---- Payments --------------------------------------------------------------------------------

crm::Result<SharedDocument> RecordPayment(Services& sv, const crm::Principal& actor,
                                          int64_t client_id, int64_t shared_id,
                                          const std::string& amount, const std::string& paid_on) {
  CRM_RETURN_IF_ERROR(CheckStaffWrite(actor, client_id));
  CRM_ASSIGN_OR_RETURN(SharedDocument doc, GetShared(sv, actor, client_id, shared_id));
  if (doc.category != "invoice") return crm::Conflict("payments are recorded on invoices only");
  std::optional<int64_t> cents = crm::text::ParseAmountCents(crm::text::Trim(amount));
  if (!cents || *cents <= 0) return crm::Unprocessable("amount: a positive amount such as 120.00");
  std::string day = paid_on.empty() ? Today(sv) : paid_on;
  if (!crm::text::IsIsoDate(day)) return crm::Unprocessable("paid_on: a date YYYY-MM-DD");
  const int64_t now = sv.host().NowUnix();
  CRM_RETURN_IF_ERROR(sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    // Read again inside the transaction: two payments at once must not pay twice.
    CRM_ASSIGN_OR_RETURN(auto paid, tx.QueryOne("SELECT COALESCE(SUM(amount_cents), 0) FROM"
                                                " cd_shared_payments WHERE shared_id = ?",
                                                {shared_id}));
    if (*cents > doc.amount_due_cents.value_or(0) - paid->Int(0))
      return crm::Unprocessable("amount: more than the amount still due");
    CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO cd_shared_payments (shared_id, client_id,"
                                " amount_cents, paid_on, recorded_by, created_at)"
                                " VALUES (?, ?, ?, ?, ?, ?)",
                                {shared_id, client_id, *cents, day, ActorLabel(actor), now})
                            .status());
    return Journal::Append(tx, now, actor,
                           {"paid", client_id, SharedObject(shared_id),
                            "amount=" + crm::text::CentsToDecimal(*cents)});
  }));
  Timeline(sv, client_id, "client-documents.paid", "Payment recorded: " + doc.title,
           crm::text::CentsToDecimal(*cents), actor);
  return GetShared(sv, actor, client_id, shared_id);
}

bool SharedVisibleTo(const LinkGrant& grant, const SharedDocument& doc) {
  return grant.client_id == doc.client_id && grant.CoversProject(doc.project_id);
}

crm::Status DeleteClientPortal(crm::SqlExecutor& tx, int64_t client_id) {
  CRM_RETURN_IF_ERROR(DeleteSharedRows(tx, client_id, "", {}));
  return tx.Exec("DELETE FROM cd_projects WHERE client_id = ?", {client_id}).status();
}

}  // namespace cd
