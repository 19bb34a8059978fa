// plugin/uploads/upload_store.cc — SQL of upload_store.h, the same on SQLite and PostgreSQL.
#include "plugin/uploads/upload_store.h"

namespace cd {
namespace {

constexpr char kSelectUpload[] =
    "SELECT id, client_id, type_id, channel, upload_length, upload_offset, metadata, created_by, "
    "created_at, expires_at, object_key, parts_upload_id FROM cd_uploads WHERE id = ?";

std::string ChannelName(UploadChannel channel) {
  return channel == UploadChannel::kApi ? "api" : "client";
}

UploadRow RowOf(const crm::SqlRow& r) {
  UploadRow row;
  row.id = r.Text(0);
  row.client_id = r.Int(1);
  row.type_id = r.Int(2);
  row.channel = r.Text(3) == "api" ? UploadChannel::kApi : UploadChannel::kClientArea;
  row.length = r.Int(4);
  row.offset = r.Int(5);
  row.metadata = r.Text(6);
  row.created_by = r.Text(7);
  row.created_at = r.Int(8);
  row.expires_at = r.Int(9);
  row.object_key = r.IsNull(10) ? "" : r.Text(10);
  row.parts_upload_id = r.IsNull(11) ? "" : r.Text(11);
  return row;
}

crm::Result<std::vector<UploadPart>> PartsIn(crm::SqlExecutor& db, const std::string& id) {
  CRM_ASSIGN_OR_RETURN(
      auto rows, db.QueryAll("SELECT start_offset, size, storage_key, part_number, part_tag FROM "
                             "cd_upload_parts WHERE upload_id = ? ORDER BY start_offset",
                             {id}));
  std::vector<UploadPart> parts;
  for (const auto& r : rows)
    parts.push_back(
        UploadPart{r.Int(0), r.Int(1), r.Text(2), static_cast<int>(r.Int(3)), r.Text(4)});
  return parts;
}

// NULL for "" (an upload without an object in parts).
crm::SqlValue TextOrNull(const std::string& text) {
  return text.empty() ? crm::SqlValue() : crm::SqlValue(text);
}

}  // namespace

std::string PartRowKey(const std::string& object_key, int number) {
  return object_key + "#" + std::to_string(number);
}

crm::Status UploadStore::Insert(const UploadRow& row) {
  return db_
      .Exec(
          "INSERT INTO cd_uploads (id, client_id, type_id, channel, upload_length, upload_offset, "
          "metadata, created_by, created_at, expires_at, object_key, parts_upload_id) VALUES (?, "
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {row.id, row.client_id, row.type_id, ChannelName(row.channel), row.length, row.offset,
           row.metadata, row.created_by, row.created_at, row.expires_at, TextOrNull(row.object_key),
           TextOrNull(row.parts_upload_id)})
      .status();
}

crm::Result<std::optional<UploadRow>> UploadStore::Find(const std::string& id) {
  CRM_ASSIGN_OR_RETURN(auto r, db_.QueryOne(kSelectUpload, {id}));
  if (!r) return std::optional<UploadRow>();
  return std::optional<UploadRow>(RowOf(*r));
}

crm::Result<std::optional<UploadStore::Turn>> UploadStore::TakeTurn(const std::string& id) {
  CRM_ASSIGN_OR_RETURN(auto r, db_.QueryOne("UPDATE cd_uploads SET patch_generation = "
                                            "patch_generation + 1 WHERE id = ? RETURNING "
                                            "patch_generation, upload_offset",
                                            {id}));
  if (!r) return std::optional<Turn>();
  return std::optional<Turn>(Turn{r->Int(0), r->Int(1)});
}

namespace {

crm::Status MoveOffset(crm::SqlExecutor& db, const std::string& id, int64_t from, int64_t to,
                       int64_t expires_at, int64_t generation) {
  CRM_ASSIGN_OR_RETURN(
      int64_t moved,
      db.Exec("UPDATE cd_uploads SET upload_offset = ?, expires_at = ? WHERE id = ? AND "
              "upload_offset = ? AND patch_generation = ? AND ? <= upload_length",
              {to, expires_at, id, from, generation, to}));
  if (moved != 1) return crm::Conflict("the upload's offset moved, or a newer request took over");
  return crm::Status::Ok();
}

}  // namespace

crm::Status UploadStore::Advance(const std::string& id, int64_t from, int64_t to,
                                 int64_t expires_at, int64_t generation) {
  return MoveOffset(db_, id, from, to, expires_at, generation);
}

crm::Status UploadStore::AddPart(const std::string& id, const UploadPart& part, int64_t expires_at,
                                 int64_t generation) {
  return AddParts(id, part.start, {part}, expires_at, generation);
}

crm::Status UploadStore::AddParts(const std::string& id, int64_t offset,
                                  const std::vector<UploadPart>& parts, int64_t expires_at,
                                  int64_t generation) {
  if (parts.empty()) return crm::Internal("no part to record");
  const UploadPart& last = parts.back();
  return db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(MoveOffset(tx, id, offset, last.start + last.size, expires_at, generation));
    if (parts.front().start < offset) {
      CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM cd_upload_parts WHERE upload_id = ? AND "
                                  "start_offset >= ?",
                                  {id, parts.front().start})
                              .status());
    }
    for (const UploadPart& part : parts) {
      CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO cd_upload_parts (upload_id, start_offset, size, "
                                  "storage_key, part_number, part_tag) VALUES (?, ?, ?, ?, ?, ?)",
                                  {id, part.start, part.size, part.key,
                                   static_cast<int64_t>(part.number), part.tag})
                              .status());
    }
    return crm::Status::Ok();
  });
}

crm::Result<std::vector<UploadPart>> UploadStore::Parts(const std::string& id) {
  return PartsIn(db_, id);
}

crm::Result<bool> UploadStore::ClaimFinish(const std::string& id, int64_t now, int64_t until) {
  CRM_ASSIGN_OR_RETURN(int64_t n, db_.Exec("UPDATE cd_uploads SET finishing_until = ? WHERE id = "
                                           "? AND finishing_until <= ?",
                                           {until, id, now}));
  return n == 1;
}

crm::Status UploadStore::ReleaseFinish(const std::string& id) {
  return db_.Exec("UPDATE cd_uploads SET finishing_until = 0 WHERE id = ?", {id}).status();
}

crm::Result<std::vector<UploadPart>> UploadStore::Remove(const std::string& id) {
  std::vector<UploadPart> parts;
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(parts, PartsIn(tx, id));
    CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM cd_upload_parts WHERE upload_id = ?", {id}).status());
    return tx.Exec("DELETE FROM cd_uploads WHERE id = ?", {id}).status();
  }));
  return parts;
}

crm::Result<std::vector<std::string>> UploadStore::Expired(int64_t now, int limit) {
  CRM_ASSIGN_OR_RETURN(auto rows, db_.QueryAll("SELECT id FROM cd_uploads WHERE expires_at < ? "
                                               "ORDER BY expires_at LIMIT ?",
                                               {now, static_cast<int64_t>(limit)}));
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.Text(0));
  return ids;
}

crm::Result<bool> UploadStore::KnowsPart(const std::string& key) {
  CRM_ASSIGN_OR_RETURN(auto r,
                       db_.QueryOne("SELECT 1 FROM cd_upload_parts WHERE storage_key = ?", {key}));
  return r.has_value();
}

crm::Status UploadStore::DeleteClientRows(int64_t client_id, crm::SqlExecutor& tx) {
  CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM cd_upload_parts WHERE upload_id IN (SELECT id FROM "
                              "cd_uploads WHERE client_id = ?)",
                              {client_id})
                          .status());
  return tx.Exec("DELETE FROM cd_uploads WHERE client_id = ?", {client_id}).status();
}

}  // namespace cd
