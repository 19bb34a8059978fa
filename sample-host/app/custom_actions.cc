// sample-host/app/custom_actions.cc — attachments of custom actions: sniff, store the object, then
// the row (a crash between the two leaves at worst an unreferenced object, which the client's
// deletion lists and removes); delete the rows, then the objects.
#include "sample-host/app/custom_actions.h"

#include <algorithm>

#include "sample-host/app/avatars.h"  // SniffMediaType, PutObject, DeleteObjectsUnder
#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"
#include "text/file_name.h"

namespace host {
namespace {

constexpr char kColumns[] =
    "id, entry_id, client_id, object_name, file_name, media_type, size, sha256, created_at";

Attachment RowToAttachment(const crm::SqlRow& r) {
  Attachment a;
  a.id = r.Int(0);
  a.entry_id = r.Int(1);
  a.client_id = r.Int(2);
  a.object_name = r.Text(3);
  a.file_name = r.Text(4);
  a.media_type = r.Text(5);
  a.size = r.Int(6);
  a.sha256 = r.Text(7);
  a.created_at = r.Int(8);
  return a;
}

// The entry's type, checked to be a custom action of that client.
crm::Status CheckCustomEntry(crm::SqlExecutor& db, int64_t client_id, int64_t entry_id) {
  CRM_ASSIGN_OR_RETURN(auto row, db.QueryOne("SELECT type FROM timeline WHERE id = ? AND "
                                             "client_id = ?",
                                             {entry_id, client_id}));
  if (!row.has_value()) return crm::NotFound("no such history entry");
  if (!IsCustomActionType(row->Text(0)))
    return crm::Conflict("only a custom action (call, meeting, email, note, other) can be changed");
  return crm::Status::Ok();
}

}  // namespace

bool IsCustomActionType(std::string_view type) {
  return std::find(std::begin(kCustomActionTypes), std::end(kCustomActionTypes), type) !=
         std::end(kCustomActionTypes);
}

bool AllowedAttachmentType(std::string_view mime) {
  static constexpr std::string_view kExact[] = {
      "application/pdf",
      "image/jpeg",
      "image/png",
      "image/webp",
      "image/gif",
      "text/plain",
      "text/csv",
      "application/msword",
      "application/vnd.ms-excel",
      "application/vnd.ms-powerpoint",
      "application/rtf",
      "text/rtf",
  };
  if (std::find(std::begin(kExact), std::end(kExact), mime) != std::end(kExact)) return true;
  return mime.starts_with("application/vnd.openxmlformats-officedocument.") ||
         mime.starts_with("application/vnd.oasis.opendocument.");
}

crm::Result<Attachment> CustomActions::Attach(int64_t client_id, int64_t entry_id,
                                              std::string_view file_name, std::string_view bytes) {
  CRM_RETURN_IF_ERROR(CheckCustomEntry(db_, client_id, entry_id));
  if (bytes.size() > kMaxAttachmentBytes) return crm::TooLarge("attachment: 20 MiB at most");
  Attachment a;
  a.media_type = SniffMediaType(bytes);
  if (!AllowedAttachmentType(a.media_type)) {
    return crm::UnsupportedType("attachment: a PDF, a picture, an office document or text, not " +
                                (a.media_type.empty() ? std::string("this file") : a.media_type));
  }
  a.entry_id = entry_id;
  a.client_id = client_id;
  a.object_name = RandomHex(16);
  a.file_name = crm::text::SanitizeFileName(file_name);
  a.size = static_cast<int64_t>(bytes.size());
  a.sha256 = Sha256Hex(bytes);
  a.created_at = now_();
  CRM_RETURN_IF_ERROR(PutObject(store_, a.Key(), bytes));  // durable before the row names it
  // The entry may have gone meanwhile: the row is written only if it is still there. (The
  // casts type the parameters for PostgreSQL.)
  auto row = db_.QueryOne(
      "INSERT INTO timeline_attachments (entry_id, client_id, object_name, file_name, media_type, "
      "size, sha256, created_at) SELECT id, client_id, CAST(? AS TEXT), CAST(? AS TEXT), "
      "CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT) FROM timeline "
      "WHERE id = ? AND client_id = ? RETURNING id",
      {a.object_name, a.file_name, a.media_type, a.size, a.sha256, a.created_at, entry_id,
       client_id});
  if (!row.ok() || !row->has_value()) {
    (void)store_.Delete(a.Key());
    if (!row.ok()) return row.status();
    return crm::NotFound("no such history entry");
  }
  a.id = (*row)->Int(0);
  return a;
}

crm::Result<std::vector<Attachment>> ListAttachments(crm::SqlExecutor& db, int64_t client_id) {
  std::vector<Attachment> out;
  CRM_RETURN_IF_ERROR(db.Query(std::string("SELECT ") + kColumns +
                                   " FROM timeline_attachments WHERE client_id = ? ORDER BY id",
                               {client_id}, [&](const crm::SqlRow& r) {
                                 out.push_back(RowToAttachment(r));
                                 return true;
                               }));
  return out;
}

crm::Result<std::vector<Attachment>> CustomActions::OfEntry(int64_t client_id, int64_t entry_id) {
  std::vector<Attachment> out;
  CRM_RETURN_IF_ERROR(db_.Query(std::string("SELECT ") + kColumns +
                                    " FROM timeline_attachments WHERE client_id = ? AND "
                                    "entry_id = ? ORDER BY id",
                                {client_id, entry_id}, [&](const crm::SqlRow& r) {
                                  out.push_back(RowToAttachment(r));
                                  return true;
                                }));
  return out;
}

crm::Result<Attachment> CustomActions::Find(int64_t client_id, int64_t entry_id,
                                            int64_t attachment_id) {
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne(std::string("SELECT ") + kColumns +
                                                  " FROM timeline_attachments WHERE id = ? AND "
                                                  "entry_id = ? AND client_id = ?",
                                              {attachment_id, entry_id, client_id}));
  if (!row.has_value()) return crm::NotFound("no such attachment");
  return RowToAttachment(*row);
}

crm::Status CustomActions::Delete(int64_t client_id, int64_t entry_id) {
  std::vector<std::string> keys;
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(CheckCustomEntry(tx, client_id, entry_id));
    CRM_RETURN_IF_ERROR(tx.Query("SELECT object_name FROM timeline_attachments WHERE entry_id = ?",
                                 {entry_id}, [&](const crm::SqlRow& r) {
                                   keys.push_back(std::to_string(client_id) + "/" + r.Text(0));
                                   return true;
                                 }));
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM timeline_attachments WHERE entry_id = ?", {entry_id}).status());
    return tx.Exec("DELETE FROM timeline WHERE id = ?", {entry_id}).status();
  }));
  for (const std::string& key : keys) (void)store_.Delete(key);  // rows first, then objects
  return crm::Status::Ok();
}

crm::ObjectReply CustomActions::Download(const Attachment& a) {
  crm::ObjectReply reply;
  reply.store = &store_;
  reply.key = a.Key();
  reply.mime = a.media_type;
  reply.download_name = a.file_name;
  reply.inline_view = false;
  reply.etag = a.sha256;
  return reply;
}

crm::ClientDeletionHook CustomActions::DeletionHook() {
  crm::ClientDeletionHook hook;
  hook.id = "custom-actions";
  hook.delete_rows = [](int64_t, crm::SqlExecutor&) { return crm::Status::Ok(); };
  hook.after_commit = [this](int64_t client_id) {
    DeleteObjectsUnder(store_, std::to_string(client_id) + "/");
  };
  return hook;
}

crm::Status SeedDemoActions(crm::Database& db, TimelineStore& timeline, CustomActions& actions) {
  CRM_ASSIGN_OR_RETURN(auto first, db.QueryOne("SELECT id FROM clients ORDER BY id LIMIT 1"));
  if (!first.has_value()) return crm::Status::Ok();
  int64_t client_id = first->Int(0);
  CRM_ASSIGN_OR_RETURN(
      int64_t entry_id,
      timeline.AddAction(client_id, "host.call", "Call about the contract renewal",
                         "<p>Talked about the <strong>renewal</strong> for next year:</p>"
                         "<ul><li>new prices from <em>March</em></li>"
                         "<li>send the <a href=\"https://example.com/offer\">offer</a></li></ul>",
                         "admin:demo"));
  const std::string pdf =
      "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
      "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
      "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
      "trailer<</Root 1 0 R>>\n%%EOF\n";
  return actions.Attach(client_id, entry_id, "call-notes.pdf", pdf).status();
}

}  // namespace host
