// plugin/portal/shared_store.cc — the portal's rows (shared_store.h).
#include "plugin/portal/shared_store.h"

#include "plugin/portal/status.h"

namespace cd {
namespace {

constexpr char kSelectProject[] =
    "SELECT id, client_id, name, reference, status, created_at FROM cd_projects";
constexpr char kSelectShared[] =
    "SELECT id, client_id, project_id, title, category, due_on, amount_due_cents,"
    " decision_required, decision_value, decision_reason, decision_by, decision_at, created_by,"
    " created_at FROM cd_shared";

Project ProjectFromRow(const crm::SqlRow& r) {
  return Project{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)};
}

SharedDocument SharedFromRow(const crm::SqlRow& r) {
  SharedDocument d;
  d.id = r.Int(0);
  d.client_id = r.Int(1);
  d.project_id = r.IsNull(2) ? 0 : r.Int(2);
  d.title = r.Text(3);
  d.category = r.Text(4);
  d.due_on = r.Text(5);
  if (!r.IsNull(6)) d.amount_due_cents = r.Int(6);
  d.decision_required = r.Int(7) != 0;
  d.decision_value = r.Text(8);
  d.decision_reason = r.Text(9);
  d.decision_by = r.Text(10);
  d.decision_at = r.IsNull(11) ? 0 : r.Int(11);
  d.created_by = r.Text(12);
  d.created_at = r.Int(13);
  return d;
}

crm::Status LoadChildren(crm::SqlExecutor& db, SharedDocument& d, const std::string& today) {
  CRM_ASSIGN_OR_RETURN(
      auto files,
      db.QueryAll("SELECT id, file_name, size, media_type, sha256, storage_key,"
                  " thumbnail_key, added_by_kind, added_by, created_at FROM cd_shared_files"
                  " WHERE shared_id = ? ORDER BY id",
                  {d.id}));
  for (const crm::SqlRow& r : files)
    d.files.push_back(SharedFile{r.Int(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4), r.Text(5),
                                 r.Text(6), r.Text(7), r.Text(8), r.Int(9)});
  CRM_ASSIGN_OR_RETURN(auto pays,
                       db.QueryAll("SELECT id, amount_cents, paid_on, recorded_by, created_at"
                                   " FROM cd_shared_payments WHERE shared_id = ? ORDER BY id",
                                   {d.id}));
  for (const crm::SqlRow& r : pays) {
    d.payments.push_back(Payment{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Int(4)});
    d.paid_cents += r.Int(1);
  }
  SharedFacts facts{d.category, d.decision_value, d.due_on, d.amount_due_cents, d.paid_cents};
  d.status = SharedStatus(facts, today);
  d.still_due_cents = AmountStillDue(facts);
  return crm::Status::Ok();
}

}  // namespace

crm::Result<std::optional<Project>> FindProject(crm::SqlExecutor& db, int64_t client_id,
                                                int64_t id) {
  CRM_ASSIGN_OR_RETURN(auto row,
                       db.QueryOne(std::string(kSelectProject) + " WHERE id = ? AND client_id = ?",
                                   {id, client_id}));
  if (!row) return std::optional<Project>();
  return std::optional<Project>(ProjectFromRow(*row));
}

crm::Result<std::vector<Project>> LoadProjects(crm::SqlExecutor& db, int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(
      auto rows,
      db.QueryAll(std::string(kSelectProject) + " WHERE client_id = ? ORDER BY id", {client_id}));
  std::vector<Project> out;
  for (const crm::SqlRow& r : rows) out.push_back(ProjectFromRow(r));
  return out;
}

crm::Result<std::vector<SharedDocument>> LoadShared(crm::SqlExecutor& db, int64_t client_id,
                                                    std::optional<int64_t> shared_id,
                                                    std::optional<int64_t> project_id,
                                                    const std::string& today) {
  std::string sql = std::string(kSelectShared) + " WHERE client_id = ?";
  crm::SqlParams params{client_id};
  if (shared_id) {
    sql += " AND id = ?";
    params.push_back(*shared_id);
  }
  if (project_id) {
    sql += " AND project_id = ?";
    params.push_back(*project_id);
  }
  CRM_ASSIGN_OR_RETURN(auto rows, db.QueryAll(sql + " ORDER BY id", params));
  std::vector<SharedDocument> out;
  for (const crm::SqlRow& r : rows) {
    SharedDocument d = SharedFromRow(r);
    CRM_RETURN_IF_ERROR(LoadChildren(db, d, today));
    out.push_back(std::move(d));
  }
  return out;
}

crm::Result<SharedDocument> LoadOneShared(crm::SqlExecutor& db, int64_t client_id,
                                          int64_t shared_id, const std::string& today) {
  CRM_ASSIGN_OR_RETURN(auto list, LoadShared(db, client_id, shared_id, std::nullopt, today));
  if (list.empty()) return crm::NotFound("no such shared document");
  return std::move(list.front());
}

crm::Status InsertSharedFile(crm::SqlExecutor& tx, int64_t shared_id, int64_t client_id,
                             const SharedFile& f) {
  return tx
      .Exec(
          "INSERT INTO cd_shared_files (shared_id, client_id, storage_key, file_name,"
          " media_type, size, sha256, thumbnail_key, added_by_kind, added_by, created_at)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {shared_id, client_id, f.storage_key, f.name, f.mime, f.size, f.sha256, f.thumbnail_key,
           f.added_by_kind, f.added_by, f.created_at})
      .status();
}

}  // namespace cd
