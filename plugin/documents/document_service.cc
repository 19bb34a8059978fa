// plugin/documents/document_service.cc — a client's documents: reads, uploads with archiving
// of the old version, deletes, downloads, client deletion and scrub. Access rules first.
#include "plugin/documents/document_service.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <boost/json.hpp>

#include "plugin/access.h"
#include "plugin/documents/list_sql.h"
#include "plugin/journal/journal.h"
#include "plugin/review/review_store.h"
#include "plugin/review/state.h"
#include "plugin/timeline_text.h"
#include "text/money.h"
#include "text/text.h"

namespace cd {
namespace json = boost::json;

namespace {

constexpr int64_t kTempMaxAgeSeconds = 3600;

std::string FieldsToJson(const std::map<std::string, std::string>& fields) {
  json::object o;
  for (const auto& [k, v] : fields) o[k] = v;
  return json::serialize(o);
}

std::map<std::string, std::string> FieldsFromJson(const std::string& text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, val] : v.as_object())
    if (val.is_string()) out[std::string(k)] = std::string(val.as_string());
  return out;
}

using crm::text::IsIsoDate;

bool IsNumber(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return false;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno == 0 && std::isfinite(v);
}

constexpr char kSelectFile[] =
    "SELECT f.id, f.name, f.size, f.mime, f.sha256, f.storage_key, f.thumbnail_key FROM cd_files f";

StoredFile FileFromRow(const crm::SqlRow& r) {
  StoredFile f;
  f.id = r.Int(0);
  f.name = r.Text(1);
  f.size = r.Int(2);
  f.mime = r.Text(3);
  f.sha256 = r.Text(4);
  f.storage_key = r.Text(5);
  f.thumbnail_key = r.Text(6);
  return f;
}

// Fills `doc` from the client's current document of doc->type (status missing if none); its
// state on `now`'s day comes from the review module (plugin/review/review_store.h).
crm::Status LoadDocument(crm::SqlExecutor& db, int64_t now, ClientDocument* doc) {
  CRM_ASSIGN_OR_RETURN(
      auto row, db.QueryOne("SELECT id, fields_json, uploaded_at, uploaded_by FROM cd_documents"
                            " WHERE client_id = ? AND type_id = ?",
                            {doc->client_id, doc->type.id}));
  if (!row.has_value()) {
    doc->status = DocumentStatus::kMissing;
    return crm::Status::Ok();
  }
  const crm::SqlRow& r = *row;
  int64_t document_id = r.Int(0);
  doc->status = DocumentStatus::kUploaded;
  doc->fields = FieldsFromJson(r.Text(1));
  doc->uploaded_at = r.Int(2);
  doc->uploaded_by = r.Text(3);
  CRM_ASSIGN_OR_RETURN(
      auto files,
      db.QueryAll(std::string(kSelectFile) + " WHERE f.document_id = ? ORDER BY f.position, f.id",
                  {document_id}));
  for (const crm::SqlRow& fr : files) doc->files.push_back(FileFromRow(fr));
  return LoadState(db, IsoDate(now), doc);
}

// Moves the current document (if any) to a new archived version. Returns whether there
// was one.
crm::Result<bool> ArchiveCurrent(crm::SqlExecutor& tx, int64_t client_id, int64_t type_id,
                                 int64_t now, const std::string& who, const char* reason) {
  CRM_ASSIGN_OR_RETURN(
      auto row, tx.QueryOne("SELECT id, fields_json, uploaded_at, uploaded_by FROM cd_documents"
                            " WHERE client_id = ? AND type_id = ?",
                            {client_id, type_id}));
  if (!row.has_value()) return false;
  const crm::SqlRow& r = *row;
  int64_t document_id = r.Int(0);
  CRM_ASSIGN_OR_RETURN(
      auto version,
      tx.QueryOne(
          "INSERT INTO cd_versions (client_id, type_id, fields_json, uploaded_at,"
          " uploaded_by, archived_at, archived_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          " RETURNING id",
          {client_id, type_id, r.Text(1), r.Int(2), r.Text(3), now, who, std::string(reason)}));
  int64_t version_id = version->Int(0);
  CRM_RETURN_IF_ERROR(
      (tx.Exec("UPDATE cd_files SET document_id = NULL, version_id = ? WHERE document_id = ?",
               {version_id, document_id}))
          .status());
  return true;
}

crm::Result<crm::ObjectReply> ReplyFor(FileStore& store, const crm::SqlRow& r, bool thumbnail) {
  StoredFile f = FileFromRow(r);
  const std::string& key = thumbnail ? f.thumbnail_key : f.storage_key;
  if (key.empty()) return crm::NotFound("no thumbnail");
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply, store.ReplyFor(key));
  reply.mime = thumbnail ? "image/jpeg" : f.mime;
  reply.download_name = thumbnail ? "thumbnail.jpg" : f.name;
  reply.etag = f.sha256;
  return reply;
}

// What an upload writes: the document's rows point at the committed blobs.
struct UploadRows {
  int64_t client_id;
  int64_t type_id;
  const std::map<std::string, std::string>* fields;
  const std::vector<std::unique_ptr<PendingFile>>* files;
  const std::vector<CommittedFile>* committed;  // one per file, same order
  int64_t now;
  const std::string& who;
};

// In the caller's transaction: archives the current document (reason "replaced"), writes
// the document row and one row per file. Returns whether a document was replaced.
crm::Result<bool> WriteUploadRows(crm::SqlExecutor& tx, const UploadRows& u) {
  CRM_ASSIGN_OR_RETURN(bool replaced,
                       ArchiveCurrent(tx, u.client_id, u.type_id, u.now, u.who, "replaced"));
  const std::string fields = FieldsToJson(*u.fields);
  CRM_RETURN_IF_ERROR(
      (replaced ? tx.Exec("UPDATE cd_documents SET fields_json = ?, uploaded_at = ?,"
                          " uploaded_by = ? WHERE client_id = ? AND type_id = ?",
                          {fields, u.now, u.who, u.client_id, u.type_id})
                : tx.Exec("INSERT INTO cd_documents (client_id, type_id, fields_json, uploaded_at,"
                          " uploaded_by) VALUES (?, ?, ?, ?, ?)",
                          {u.client_id, u.type_id, fields, u.now, u.who}))
          .status());
  CRM_ASSIGN_OR_RETURN(
      auto id_row, tx.QueryOne("SELECT id FROM cd_documents WHERE client_id = ? AND type_id = ?",
                               {u.client_id, u.type_id}));
  if (!id_row.has_value()) return crm::Internal("document row vanished");
  const int64_t document_id = id_row->Int(0);
  for (size_t i = 0; i < u.files->size(); ++i) {
    const PendingFile& f = *(*u.files)[i];
    const CommittedFile& c = (*u.committed)[i];
    CRM_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO cd_files (client_id, type_id, document_id, position, name, size,"
                " mime, sha256, storage_key, thumbnail_key, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {u.client_id, u.type_id, document_id, static_cast<int64_t>(i), f.display_name(),
                 f.size(), f.mime(), f.sha256(), c.storage_key, c.thumbnail_key, u.now})
            .status());
  }
  return replaced;
}

// The journal's entry of an upload: the files' SHA-256, never their (personal) names.
JournalRecord UploadJournalRecord(const UploadRows& u, bool replaced) {
  std::string detail = "sha256=";
  for (size_t i = 0; i < u.files->size(); ++i) detail += (i ? "," : "") + (*u.files)[i]->sha256();
  return {replaced ? "replaced" : "uploaded", u.client_id, DocumentObject(u.type_id), detail};
}

std::string Joined(const std::vector<std::unique_ptr<PendingFile>>& files) {
  std::string out;
  for (const auto& f : files) {
    if (!out.empty()) out += ", ";
    out += f->display_name();
  }
  return out;
}

}  // namespace

crm::Result<std::map<std::string, std::string>> ValidateFields(
    const DocumentType& type, const std::map<std::string, std::string>& given) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : given) {
    // Form plumbing (e.g. "_csrf") is not document data.
    if (!key.empty() && key[0] == '_') continue;
    bool known = false;
    for (const FieldDef& f : type.fields) known = known || f.key == key;
    if (!known) return crm::Unprocessable("fields." + key + ": " + std::string(kFieldUnknown));
  }
  for (const FieldDef& f : type.fields) {
    auto it = given.find(f.key);
    std::string value = it == given.end() ? "" : std::string(crm::text::TrimAll(it->second));
    for (char c : value)
      if (static_cast<unsigned char>(c) < 0x20)
        return crm::Unprocessable("fields." + f.key + ": " + std::string(kFieldControlChars));
    if (value.empty()) {
      if (f.required)
        return crm::Unprocessable("fields." + f.key + ": " + std::string(kFieldRequired));
      continue;
    }
    if (f.type == FieldType::kDate && !IsIsoDate(value))
      return crm::Unprocessable("fields." + f.key + ": " + std::string(kFieldNotDate));
    if (f.type == FieldType::kNumber && !IsNumber(value))
      return crm::Unprocessable("fields." + f.key + ": " + std::string(kFieldNotNumber));
    out[f.key] = value;
  }
  return out;
}

DocumentService::DocumentService(crm::HostServices& host, TypeStore& types, FileStore& files)
    : host_(host), types_(types), files_(files) {}

crm::Result<std::vector<ClientDocument>> DocumentService::List(const crm::Principal& actor,
                                                               int64_t client_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_ASSIGN_OR_RETURN(auto client, host_.FindClient(client_id));
  CRM_ASSIGN_OR_RETURN(auto types, types_.List(/*include_inactive=*/true));
  std::vector<ClientDocument> out;
  for (const DocumentType& t : types) {
    ClientDocument doc;
    doc.client_id = client_id;
    doc.type = t;
    CRM_RETURN_IF_ERROR(LoadDocument(host_.Db(), host_.NowUnix(), &doc));
    // Archived types stay listed only where the client has a document of them.
    if (!t.active && doc.status == DocumentStatus::kMissing) continue;
    out.push_back(std::move(doc));
  }
  return out;
}

crm::Result<ClientDocument> DocumentService::Get(const crm::Principal& actor, int64_t client_id,
                                                 int64_t type_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR((host_.FindClient(client_id)).status());
  CRM_ASSIGN_OR_RETURN(auto type, types_.Get(type_id));
  ClientDocument doc;
  doc.client_id = client_id;
  doc.type = type;
  CRM_RETURN_IF_ERROR(LoadDocument(host_.Db(), host_.NowUnix(), &doc));
  if (!doc.type.active && doc.status == DocumentStatus::kMissing && actor.IsClient())
    return crm::NotFound("no document type " + std::to_string(type_id));
  return doc;
}

crm::Result<ClientDocument> DocumentService::Upload(const crm::Principal& actor, int64_t client_id,
                                                    int64_t type_id, UploadInput input) {
  auto type = types_.Get(type_id);
  if (!type.ok()) {
    // A client must not learn about types it cannot see; staff get the plain 404.
    return type.status();
  }
  CRM_RETURN_IF_ERROR(CheckWrite(actor, client_id, *type));
  CRM_ASSIGN_OR_RETURN(auto client, host_.FindClient(client_id));
  if (input.files.empty()) return crm::Unprocessable("file: required");
  if (input.files.size() > static_cast<size_t>(type->max_files))
    return crm::Unprocessable("at most " + std::to_string(type->max_files) + " file(s)");
  for (const auto& f : input.files)
    if (f->sha256().empty()) return crm::Internal("upload not finished");
  CRM_ASSIGN_OR_RETURN(auto fields, ValidateFields(*type, input.fields));

  // Blobs first (renamed into place and fsynced), rows second: a crash in between
  // leaves an orphan blob for Scrub, never a row without its file.
  CRM_ASSIGN_OR_RETURN(std::vector<CommittedFile> committed, CommitBlobs(input.files, client_id));
  const int64_t now = host_.NowUnix();
  const std::string who = ActorLabel(actor);
  bool replaced = false;
  crm::Status s = host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    // The client may have been deleted while the files streamed in: then no row is written.
    CRM_RETURN_IF_ERROR(host_.LockClient(tx, client_id));
    UploadRows rows{client_id, type_id, &fields, &input.files, &committed, now, who};
    CRM_ASSIGN_OR_RETURN(replaced, WriteUploadRows(tx, rows));
    CRM_RETURN_IF_ERROR(WriteUploadState(tx, *type, client_id, fields));
    return Journal::Append(tx, now, actor, UploadJournalRecord(rows, replaced));
  });
  if (!s.ok()) {
    for (const CommittedFile& c : committed) files_.Remove(c);
    return s;
  }

  crm::TimelineEntry entry;
  entry.client_id = client_id;
  entry.type = replaced ? "client-documents.replace" : "client-documents.upload";
  entry.title = TimelineMessage(
      replaced ? "client-documents.timeline.replaced" : "client-documents.timeline.uploaded",
      type->name);
  entry.detail = Joined(input.files);
  entry.actor = who;
  Record(entry);

  return Reload(client_id, *type);
}

crm::Status DocumentService::WriteAddedFiles(crm::SqlExecutor& tx, const DocumentType& type,
                                             int64_t client_id, const UploadInput& input,
                                             const std::vector<CommittedFile>& committed,
                                             int64_t now, const std::string& who) {
  CRM_ASSIGN_OR_RETURN(
      auto doc, tx.QueryOne("SELECT d.id, d.fields_json, COUNT(f.id), COALESCE(MAX(f.position), -1)"
                            " FROM cd_documents d LEFT JOIN cd_files f ON f.document_id = d.id"
                            " WHERE d.client_id = ? AND d.type_id = ? GROUP BY d.id, d.fields_json",
                            {client_id, type.id}));
  if (!doc) return crm::NotFound("no document to add files to");
  if (doc->Int(2) + static_cast<int64_t>(input.files.size()) > type.max_files)
    return crm::Unprocessable("at most " + std::to_string(type.max_files) + " file(s)");
  std::string sha256;
  for (size_t i = 0; i < input.files.size(); ++i) {
    const PendingFile& f = *input.files[i];
    CRM_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO cd_files (client_id, type_id, document_id, position, name, size,"
                " mime, sha256, storage_key, thumbnail_key, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {client_id, type.id, doc->Int(0), doc->Int(3) + 1 + static_cast<int64_t>(i),
                 f.display_name(), f.size(), f.mime(), f.sha256(), committed[i].storage_key,
                 committed[i].thumbnail_key, now})
            .status());
    sha256 += (i ? "," : "") + f.sha256();
  }
  CRM_RETURN_IF_ERROR(tx.Exec("UPDATE cd_documents SET uploaded_at = ?, uploaded_by = ?"
                              " WHERE id = ?",
                              {now, who, doc->Int(0)})
                          .status());
  CRM_RETURN_IF_ERROR(WriteUploadState(tx, type, client_id, FieldsFromJson(doc->Text(1))));
  return crm::Status::Ok();
}

crm::Result<ClientDocument> DocumentService::AddFiles(const crm::Principal& actor,
                                                      int64_t client_id, int64_t type_id,
                                                      UploadInput input) {
  CRM_ASSIGN_OR_RETURN(DocumentType type, types_.Get(type_id));
  CRM_RETURN_IF_ERROR(CheckWrite(actor, client_id, type));
  CRM_RETURN_IF_ERROR(host_.FindClient(client_id).status());
  if (input.files.empty()) return crm::Unprocessable("file: required");
  for (const auto& f : input.files)
    if (f->sha256().empty()) return crm::Internal("upload not finished");
  // As Upload: blobs first, rows second (a crash leaves an orphan for the scrub).
  CRM_ASSIGN_OR_RETURN(std::vector<CommittedFile> committed, CommitBlobs(input.files, client_id));
  const int64_t now = host_.NowUnix();
  const std::string who = ActorLabel(actor);
  crm::Status s = host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(host_.LockClient(tx, client_id));
    CRM_RETURN_IF_ERROR(WriteAddedFiles(tx, type, client_id, input, committed, now, who));
    std::string detail = "added sha256=";
    for (size_t i = 0; i < input.files.size(); ++i)
      detail += (i ? "," : "") + input.files[i]->sha256();
    return Journal::Append(tx, now, actor,
                           {"uploaded", client_id, DocumentObject(type_id), detail});
  });
  if (!s.ok()) {
    for (const CommittedFile& c : committed) files_.Remove(c);
    return s;
  }
  Record({client_id, "client-documents.add_files",
          TimelineMessage("client-documents.timeline.files_added", type.name), Joined(input.files),
          who});
  return Reload(client_id, type);
}

crm::Result<std::vector<CommittedFile>> DocumentService::CommitBlobs(
    const std::vector<std::unique_ptr<PendingFile>>& files, int64_t client_id) {
  std::vector<CommittedFile> committed;
  for (const auto& f : files) {
    crm::Result<CommittedFile> c = files_.Commit(*f, client_id);
    if (!c.ok()) {
      for (const CommittedFile& done : committed) files_.Remove(done);
      return c.status();
    }
    committed.push_back(*c);
  }
  return committed;
}

void DocumentService::Record(const crm::TimelineEntry& entry) {
  crm::Status t = host_.AddTimeline(entry);
  if (!t.ok()) host_.Log(crm::LogLevel::kWarning, "timeline entry not added: " + t.ToString());
}

crm::Result<ClientDocument> DocumentService::Reload(int64_t client_id, const DocumentType& type) {
  ClientDocument doc;
  doc.client_id = client_id;
  doc.type = type;
  CRM_RETURN_IF_ERROR(LoadDocument(host_.Db(), host_.NowUnix(), &doc));
  return doc;
}

crm::Result<ClientDocument> DocumentService::UpdateFields(
    const crm::Principal& actor, int64_t client_id, int64_t type_id,
    const std::map<std::string, std::string>& given) {
  CRM_ASSIGN_OR_RETURN(auto type, types_.Get(type_id));
  CRM_RETURN_IF_ERROR(CheckWrite(actor, client_id, type));
  CRM_ASSIGN_OR_RETURN(auto fields, ValidateFields(type, given));
  CRM_ASSIGN_OR_RETURN(
      auto r,
      host_.Db().Exec("UPDATE cd_documents SET fields_json = ? WHERE client_id = ? AND type_id = ?",
                      {FieldsToJson(fields), client_id, type_id}));
  if (r == 0) return crm::NotFound("no document to edit");
  CRM_RETURN_IF_ERROR(WriteExpiry(host_.Db(), type, client_id, fields));
  crm::TimelineEntry entry{client_id, "client-documents.fields",
                           TimelineMessage("client-documents.timeline.fields_edited", type.name),
                           "", ActorLabel(actor)};
  Record(entry);
  return Reload(client_id, type);
}

crm::Status DocumentService::Delete(const crm::Principal& actor, int64_t client_id,
                                    int64_t type_id) {
  CRM_ASSIGN_OR_RETURN(auto type, types_.Get(type_id));
  CRM_RETURN_IF_ERROR(CheckWrite(actor, client_id, type));
  const std::string who = ActorLabel(actor);
  const int64_t now = host_.NowUnix();
  CRM_RETURN_IF_ERROR(host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(auto archived,
                         ArchiveCurrent(tx, client_id, type_id, now, who, "deleted"));
    if (!archived) return crm::NotFound("no document to delete");
    auto r = tx.Exec("DELETE FROM cd_documents WHERE client_id = ? AND type_id = ?",
                     {client_id, type_id});
    if (!r.ok()) return r.status();
    return Journal::Append(tx, now, actor,
                           {"deleted", client_id, DocumentObject(type_id), "archived"});
  }));
  crm::TimelineEntry entry{client_id, "client-documents.delete",
                           TimelineMessage("client-documents.timeline.deleted", type.name),
                           TimelineMessage("client-documents.timeline.archived"), who};
  Record(entry);
  return crm::Status::Ok();
}

crm::Result<crm::ObjectReply> DocumentService::OpenFile(const crm::Principal& actor,
                                                        int64_t client_id, int64_t type_id,
                                                        std::optional<int64_t> file_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  std::string sql = std::string(kSelectFile) +
                    " JOIN cd_documents d ON f.document_id = d.id"
                    " WHERE d.client_id = ? AND d.type_id = ? AND f.client_id = ?";
  crm::SqlParams params{client_id, type_id, client_id};
  if (file_id) {
    sql += " AND f.id = ?";
    params.push_back(*file_id);
  }
  sql += " ORDER BY f.position, f.id LIMIT 1";
  CRM_ASSIGN_OR_RETURN(auto row, host_.Db().QueryOne(sql, params));
  if (!row.has_value()) return crm::NotFound("no such file");
  return ReplyFor(files_, *row, false);
}

crm::Result<crm::ObjectReply> DocumentService::OpenThumbnail(const crm::Principal& actor,
                                                             int64_t client_id, int64_t file_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_ASSIGN_OR_RETURN(
      auto row,
      host_.Db().QueryOne(std::string(kSelectFile) +
                              " WHERE f.id = ? AND f.client_id = ? AND f.document_id IS NOT NULL",
                          {file_id, client_id}));
  if (!row.has_value()) return crm::NotFound("no such file");
  return ReplyFor(files_, *row, true);
}

crm::Result<std::vector<ArchivedVersion>> DocumentService::ListArchive(const crm::Principal& actor,
                                                                       int64_t client_id,
                                                                       int64_t type_id) {
  if (actor.IsClient()) return crm::PermissionDenied("the archive is for staff");
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  // An unknown client or type is a 404, as on every other document route.
  CRM_RETURN_IF_ERROR((host_.FindClient(client_id)).status());
  CRM_RETURN_IF_ERROR((types_.Get(type_id)).status());
  CRM_ASSIGN_OR_RETURN(
      auto rows,
      host_.Db().QueryAll(
          "SELECT id, fields_json, uploaded_at, uploaded_by, archived_at, archived_by, reason"
          " FROM cd_versions WHERE client_id = ? AND type_id = ? ORDER BY archived_at DESC, id "
          "DESC",
          {client_id, type_id}));
  std::vector<ArchivedVersion> out;
  for (const crm::SqlRow& r : rows) {
    ArchivedVersion v;
    v.id = r.Int(0);
    v.client_id = client_id;
    v.type_id = type_id;
    v.fields = FieldsFromJson(r.Text(1));
    v.uploaded_at = r.Int(2);
    v.uploaded_by = r.Text(3);
    v.archived_at = r.Int(4);
    v.archived_by = r.Text(5);
    v.reason = r.Text(6);
    CRM_ASSIGN_OR_RETURN(
        auto files, host_.Db().QueryAll(std::string(kSelectFile) +
                                            " WHERE f.version_id = ? ORDER BY f.position, f.id",
                                        {v.id}));
    for (const crm::SqlRow& fr : files) v.files.push_back(FileFromRow(fr));
    out.push_back(std::move(v));
  }
  return out;
}

crm::Result<crm::ObjectReply> DocumentService::OpenArchivedFile(const crm::Principal& actor,
                                                                int64_t client_id,
                                                                int64_t file_id) {
  if (actor.IsClient()) return crm::PermissionDenied("the archive is for staff");
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_ASSIGN_OR_RETURN(
      auto row,
      host_.Db().QueryOne(std::string(kSelectFile) +
                              " WHERE f.id = ? AND f.client_id = ? AND f.version_id IS NOT NULL",
                          {file_id, client_id}));
  if (!row.has_value()) return crm::NotFound("no such file");
  return ReplyFor(files_, *row, false);
}

crm::Result<crm::SqlPredicate> DocumentService::FilterPredicate(std::string_view filter_id,
                                                                std::string_view value) {
  CRM_ASSIGN_OR_RETURN(auto f, ParseDocumentFilter(filter_id, value));
  CRM_ASSIGN_OR_RETURN(auto type, types_.Get(f.type_id));
  if (f.uploaded) {
    // Few documents of the type (a new one): walking a million clients in sort order to
    // find them would probe each; start from the set instead. Counted up to the bound only.
    crm::SqlPredicate size = TypeCountSql(f.type_id);
    CRM_ASSIGN_OR_RETURN(auto few, host_.Db().QueryOne("SELECT " + size.sql, size.params));
    if (few.has_value() && (few)->Int(0) <= kSmallTypeSet) return TypeSetPredicate(f.type_id);
  }
  return DocumentFilterPredicate(filter_id, value);
}

crm::Result<crm::FilterCountPredicate> DocumentService::FilterCount(std::string_view filter_id,
                                                                    std::string_view value) {
  CRM_ASSIGN_OR_RETURN(auto f, ParseDocumentFilter(filter_id, value));
  CRM_RETURN_IF_ERROR((types_.Get(f.type_id)).status());
  return DocumentFilterCount(filter_id, value);
}

crm::Result<Completeness> DocumentService::CountFor(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(
      auto row,
      host_.Db().QueryOne(
          "SELECT"
          " (SELECT COUNT(*) FROM cd_types WHERE active = 1 AND upload_mode = 'required'),"
          " (SELECT COUNT(*) FROM cd_types t JOIN cd_documents d ON d.type_id = t.id"
          "   WHERE d.client_id = ? AND t.active = 1 AND t.upload_mode = 'required'),"
          " (SELECT COUNT(*) FROM cd_types t JOIN cd_documents d ON d.type_id = t.id"
          "   WHERE d.client_id = ? AND t.active = 1)",
          {client_id, client_id}));
  Completeness c;
  c.required_total = static_cast<int>((row)->Int(0));
  c.required_uploaded = static_cast<int>((row)->Int(1));
  c.uploaded_total = static_cast<int>((row)->Int(2));
  return c;
}

crm::Result<bool> DocumentService::HasDocument(int64_t client_id, int64_t type_id) {
  CRM_ASSIGN_OR_RETURN(
      auto row,
      host_.Db().QueryOne("SELECT 1 FROM cd_documents WHERE client_id = ? AND type_id = ?",
                          {client_id, type_id}));
  return row.has_value();
}

crm::Status DocumentService::DeleteClientRows(int64_t client_id, crm::SqlExecutor& tx) {
  // Files reference documents and versions: they go first.
  for (const char* sql :
       {"DELETE FROM cd_files WHERE client_id = ?", "DELETE FROM cd_documents WHERE client_id = ?",
        "DELETE FROM cd_versions WHERE client_id = ?"}) {
    CRM_RETURN_IF_ERROR((tx.Exec(sql, {client_id})).status());
  }
  return crm::Status::Ok();
}

void DocumentService::RemoveClientFiles(int64_t client_id) {
  crm::Status s = files_.RemoveClient(client_id);
  if (!s.ok()) {
    // The scrub job retries: the client no longer exists, so its folder is an orphan.
    host_.Log(crm::LogLevel::kError,
              "client " + std::to_string(client_id) + ": files not removed: " + s.ToString());
  }
}

namespace {

// The tables whose rows name a stored file with its size and SHA-256, read 500 rows at a time
// in id order; and whether a row still names a key.
struct StoredFileTable {
  const char* page_sql;
  const char* still_sql;
};
constexpr StoredFileTable kStoredFileTables[] = {
    {"SELECT id, storage_key, size, sha256 FROM cd_files WHERE id > ? ORDER BY id LIMIT 500",
     "SELECT 1 FROM cd_files WHERE storage_key = ?"},
    {"SELECT id, storage_key, size, sha256 FROM cd_attestations "
     "WHERE storage_key IS NOT NULL AND id > ? ORDER BY id LIMIT 500",
     "SELECT 1 FROM cd_attestations WHERE storage_key = ?"},
};

struct StoredFileRow {
  int64_t id = 0;
  std::string key;
  int64_t size = 0;
  std::string sha256;
};

}  // namespace

crm::Status DocumentService::CheckStoredFiles(int table, ScrubReport& report) {
  const StoredFileTable& t = kStoredFileTables[table];
  for (int64_t after = 0;;) {
    std::vector<StoredFileRow> page;
    CRM_RETURN_IF_ERROR(host_.Db().Query(t.page_sql, {after}, [&](const crm::SqlRow& r) {
      page.push_back({r.Int(0), r.Text(1), r.Int(2), r.Text(3)});
      return true;
    }));
    if (page.empty()) return crm::Status::Ok();
    for (const StoredFileRow& row : page) {
      after = row.id;
      CRM_ASSIGN_OR_RETURN(FileCheck check, files_.Check(row.key, row.size, row.sha256));
      if (check != FileCheck::kIntact) {
        // Deleted meanwhile (rows go first, then the object): not a finding.
        CRM_ASSIGN_OR_RETURN(auto still, host_.Db().QueryOne(t.still_sql, {row.key}));
        if (!still) continue;
        ++(check == FileCheck::kMissing ? report.missing : report.altered);
        host_.Log(crm::LogLevel::kWarning,
                  "client-documents: scrub: " + row.key +
                      (check == FileCheck::kMissing ? " is missing" : " was altered"));
      }
      ++report.checked;
    }
  }
}

crm::Result<ScrubReport> DocumentService::Scrub(bool rehash) {
  ScrubReport found;
  if (rehash) {
    for (int table = 0; table < 2; ++table) CRM_RETURN_IF_ERROR(CheckStoredFiles(table, found));
  }
  auto client_exists = [&](int64_t id) {
    auto c = host_.FindClient(id);
    // Only a definite "not found" makes a folder an orphan; errors keep it.
    return c.ok() || c.status().code() != crm::StatusCode::kNotFound;
  };
  // A blob is known by its row; a thumbnail only when its blob's row names it. Both look-ups
  // go through the unique index on storage_key.
  auto key_is_known = [&](const std::string& key) {
    auto row = host_.Db().QueryOne(
        "SELECT 1 FROM cd_files WHERE storage_key = ? AND (storage_key = ? OR thumbnail_key = ?)",
        {BlobKeyOf(key), key, key});
    // On a database error, keep the file.
    if (!row.ok() || row->has_value()) return true;
    // A shared document's file (plugin/portal/) and its thumbnail, by their row.
    auto shared = host_.Db().QueryOne(
        "SELECT 1 FROM cd_shared_files WHERE storage_key = ? AND (storage_key = ? OR"
        " thumbnail_key = ?)",
        {BlobKeyOf(key), key, key});
    if (!shared.ok() || shared->has_value()) return true;
    // An attestation's PDF (plugin/attestations/, issue 13) is known by its own row.
    auto attestation =
        host_.Db().QueryOne("SELECT 1 FROM cd_attestations WHERE storage_key = ?", {key});
    return !attestation.ok() || attestation->has_value();
  };
  CRM_ASSIGN_OR_RETURN(ScrubReport removed,
                       files_.Scrub(client_exists, key_is_known, kTempMaxAgeSeconds));
  found.orphans_removed = removed.orphans_removed;
  found.temp_removed = removed.temp_removed;
  return found;
}

bool SafeToViewInline(std::string_view mime) {
  return mime == "application/pdf" || mime == "image/jpeg" || mime == "image/png" ||
         mime == "image/webp";
}

}  // namespace cd
