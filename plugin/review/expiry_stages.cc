// plugin/review/expiry_stages.cc — the "expiry-stages" job's work (expiry_stages.h).
#include "plugin/review/expiry_stages.h"

namespace cd {

namespace {

// ComputeStatus's dated steps for the day bound first and second.
constexpr char kStageOfDay[] =
    "CASE WHEN expires_on IS NOT NULL AND expires_on < ? THEN 2"
    " WHEN warn_on IS NOT NULL AND warn_on <= ? THEN 1 ELSE 0 END";

bool IsIsoDay(const std::string& day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (day[i] < '0' || day[i] > '9') return false;
  return true;
}

// Restages the documents that `where` selects (its parameters after the two of the stage).
crm::Result<int64_t> Restage(crm::SqlExecutor& tx, const std::string& today,
                             const std::string& where, const crm::SqlParams& where_params) {
  crm::SqlParams params{today, today};
  params.insert(params.end(), where_params.begin(), where_params.end());
  return tx.Exec(
      std::string("UPDATE cd_documents SET expiry_stage = ") + kStageOfDay + " WHERE " + where,
      params);
}

// The documents a move from `from_day` to `today` crosses: expired from the day after the expiry
// date (dates in [from_day, today)), warned on the warning date (dates in (from_day, today]).
// The expiry dates from each type's range of (type_id, expires_on); the warning dates through
// schema 12's per-date counters, which name each (type, expiry date) that has such a warning date,
// and that range of (type_id, expires_on) (an index on the warning date would also be the one
// SQLite took for the count from the dates, and sorted).
crm::Result<int64_t> RestageCrossed(crm::SqlExecutor& tx, const std::string& from_day,
                                    const std::string& today) {
  CRM_ASSIGN_OR_RETURN(int64_t n, Restage(tx, today,
                                          "type_id IN (SELECT id FROM cd_types)"
                                          " AND expires_on >= ? AND expires_on < ?",
                                          {from_day, today}));
  CRM_ASSIGN_OR_RETURN(auto pairs, tx.QueryAll("SELECT DISTINCT type_id, expires_on"
                                               " FROM cd_document_expiry_counts"
                                               " WHERE warn_on > ? AND warn_on <= ? AND n > 0"
                                               " ORDER BY 1, 2",
                                               {from_day, today}));
  for (const crm::SqlRow& pair : pairs) {
    const std::string expires_on = pair.Text(1);  // '' for none
    crm::SqlParams params{pair.Int(0)};
    if (!expires_on.empty()) params.push_back(expires_on);
    params.insert(params.end(), {from_day, today});
    CRM_ASSIGN_OR_RETURN(
        int64_t warned, Restage(tx, today,
                                std::string("type_id = ? AND ") +
                                    (expires_on.empty() ? "expires_on IS NULL" : "expires_on = ?") +
                                    " AND warn_on > ? AND warn_on <= ?",
                                params));
    n += warned;
  }
  return n;
}

crm::Status MoveStages(crm::SqlExecutor& tx, crm::SqlDialect dialect, const std::string& today,
                       ExpiryStagesMoved& moved) {
  if (dialect == crm::SqlDialect::kPostgresql) {
    // The job gives way: a writer holding a document's row waits for the day (the trigger's FOR
    // SHARE) while the job may wait for that document; the job's lock wait ends first (well
    // before the writer's deadlock check, 1 s), fails this run, and the next minute's run goes on.
    CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL lock_timeout = '200ms'").status());
    // Before any query, so that this SERIALIZABLE transaction's snapshot comes after the lock:
    // writers that read the old day in the trigger (FOR SHARE: ROW SHARE on the table) have
    // committed, and their documents are restaged below; later ones wait and read the new day.
    // Plain reads of the day (the list's) do not wait.
    CRM_RETURN_IF_ERROR(tx.Exec("LOCK TABLE cd_expiry_stage_day IN EXCLUSIVE MODE").status());
  }
  CRM_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT day FROM cd_expiry_stage_day WHERE id = 1"));
  if (!row.has_value()) return crm::Internal("cd_expiry_stage_day has no row (schema 16)");
  moved.from_day = row->Text(0);
  if (moved.from_day == today) return crm::Status::Ok();  // another process was first
  moved.all = !IsIsoDay(moved.from_day) || moved.from_day > today;
  if (moved.all) {
    CRM_ASSIGN_OR_RETURN(moved.documents,
                         Restage(tx, today, "expires_on IS NOT NULL OR warn_on IS NOT NULL", {}));
  } else {
    CRM_ASSIGN_OR_RETURN(moved.documents, RestageCrossed(tx, moved.from_day, today));
  }
  return tx.Exec("UPDATE cd_expiry_stage_day SET day = ? WHERE id = 1", {today}).status();
}

}  // namespace

crm::Result<std::string> ExpiryStageDay(crm::SqlExecutor& db) {
  CRM_ASSIGN_OR_RETURN(auto row, db.QueryOne("SELECT day FROM cd_expiry_stage_day WHERE id = 1"));
  return row.has_value() ? row->Text(0) : std::string();
}

crm::Result<ExpiryStagesMoved> BringExpiryStagesTo(crm::Database& db, const std::string& today) {
  if (!IsIsoDay(today)) return crm::InvalidArgument("not a YYYY-MM-DD day: " + today);
  ExpiryStagesMoved moved;
  CRM_ASSIGN_OR_RETURN(moved.from_day, ExpiryStageDay(db));
  if (moved.from_day == today) return moved;  // the usual case: a read, no write transaction
  const crm::SqlDialect dialect = db.Dialect();
  CRM_RETURN_IF_ERROR(db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    moved = ExpiryStagesMoved{};
    return MoveStages(tx, dialect, today, moved);
  }));
  return moved;
}

}  // namespace cd
