// plugin/review/review_store.cc — review and expiry facts in cd_documents (review_store.h).
#include "plugin/review/review_store.h"

#include <boost/json.hpp>

#include "plugin/documents/list_sql.h"
#include "plugin/review/expiry_stages.h"
#include "plugin/review/state.h"

namespace cd {
namespace {

crm::SqlValue DateOrNull(const std::string& date) {
  return date.empty() ? crm::SqlValue() : crm::SqlValue(date);
}

std::map<std::string, std::string> FieldsOf(const std::string& json_text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json_text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, val] : v.as_object())
    if (val.is_string()) out[std::string(k)] = std::string(val.as_string());
  return out;
}

// The SQL of "today" in a dialect (UTC, YYYY-MM-DD).
std::string TodaySql(crm::SqlDialect dialect) {
  return dialect == crm::SqlDialect::kSqlite ? "date('now')"
                                             : "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
}

// Replaces every "?" of `sql` by `expr`.
std::string Inline(const std::string& sql, const std::string& expr) {
  std::string out;
  for (char c : sql) out += c == '?' ? expr : std::string(1, c);
  return out;
}

}  // namespace

ExpiryDates ExpiryOf(const DocumentType& type, const std::map<std::string, std::string>& fields) {
  if (type.expiry_field.empty()) return {};
  auto it = fields.find(type.expiry_field);
  if (it == fields.end() || it->second.empty()) return {};
  return {it->second, AddDays(it->second, -type.expiry_warn_days)};
}

crm::Status WriteUploadState(crm::SqlExecutor& tx, const DocumentType& type, int64_t client_id,
                             const std::map<std::string, std::string>& fields) {
  ExpiryDates e = ExpiryOf(type, fields);
  const ReviewState state = type.review ? ReviewState::kPending : ReviewState::kNone;
  return tx
      .Exec(
          "UPDATE cd_documents SET review_state = ?, review_reason = '', review_by = '',"
          " review_at = NULL, expires_on = ?, warn_on = ? WHERE client_id = ? AND type_id = ?",
          {std::string(ReviewStateName(state)), DateOrNull(e.expires_on), DateOrNull(e.warn_on),
           client_id, type.id})
      .status();
}

crm::Status WriteExpiry(crm::SqlExecutor& tx, const DocumentType& type, int64_t client_id,
                        const std::map<std::string, std::string>& fields) {
  ExpiryDates e = ExpiryOf(type, fields);
  return tx
      .Exec(
          "UPDATE cd_documents SET expires_on = ?, warn_on = ? WHERE client_id = ? AND type_id = ?",
          {DateOrNull(e.expires_on), DateOrNull(e.warn_on), client_id, type.id})
      .status();
}

crm::Status RecomputeTypeExpiry(crm::SqlExecutor& tx, const DocumentType& type) {
  CRM_ASSIGN_OR_RETURN(auto rows, tx.QueryAll("SELECT client_id, fields_json FROM cd_documents"
                                              " WHERE type_id = ?",
                                              {type.id}));
  for (const crm::SqlRow& r : rows) {
    CRM_RETURN_IF_ERROR(WriteExpiry(tx, type, r.Int(0), FieldsOf(r.Text(1))));
  }
  return crm::Status::Ok();
}

crm::Status LoadState(crm::SqlExecutor& db, std::string_view today, ClientDocument* doc) {
  CRM_ASSIGN_OR_RETURN(
      auto row, db.QueryOne("SELECT review_state, review_reason, review_by, review_at,"
                            " COALESCE(expires_on, ''), COALESCE(warn_on, '') FROM cd_documents"
                            " WHERE client_id = ? AND type_id = ?",
                            {doc->client_id, doc->type.id}));
  StateFacts facts;
  facts.type_review = doc->type.review;
  if (row.has_value()) {
    facts.has_document = true;
    facts.review = ParseReviewState(row->Text(0));
    facts.expires_on = row->Text(4);
    facts.warn_on = row->Text(5);
    doc->expires_on = facts.expires_on;
    if (doc->type.review) {
      ReviewState shown = facts.review == ReviewState::kNone ? ReviewState::kPending : facts.review;
      doc->review =
          ReviewInfo{std::string(ReviewStateName(shown)), row->Text(1), row->Text(2), row->Int(3)};
    }
  }
  doc->status = ComputeStatus(facts, today);
  return crm::Status::Ok();
}

crm::Status WriteDecision(crm::SqlExecutor& tx, const DocumentType& type, int64_t client_id,
                          ReviewInfo decision) {
  CRM_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec("UPDATE cd_documents SET review_state = ?, review_reason = ?, review_by = ?,"
              " review_at = ? WHERE client_id = ? AND type_id = ?"
              " AND review_state IN ('none', 'pending')",
              {decision.state, decision.reason, decision.by, decision.at, client_id, type.id}));
  if (changed == 0) return crm::Conflict("the document is not pending review");
  return crm::Status::Ok();
}

crm::Result<RequiredCounts> CountRequired(crm::SqlExecutor& db, int64_t client_id,
                                          const std::string& today) {
  crm::SqlPredicate ok = SatisfiedCondition(today);
  crm::SqlParams params = ok.params;  // the SELECT's "?" come before the JOIN's
  params.push_back(client_id);
  CRM_ASSIGN_OR_RETURN(
      auto row, db.QueryOne("SELECT COUNT(*), COALESCE(SUM(CASE WHEN " + ok.sql +
                                " THEN 1 ELSE 0 END), 0) FROM cd_types t LEFT JOIN cd_documents d"
                                " ON d.type_id = t.id AND d.client_id = ?"
                                " WHERE t.active = 1 AND t.upload_mode = 'required'",
                            params));
  RequiredCounts c;
  if (row.has_value()) {
    c.required = static_cast<int>(row->Int(0));
    c.satisfied = static_cast<int>(row->Int(1));
  }
  return c;
}

std::string CompletenessSql(crm::SqlDialect dialect) {
  // One correlated probe per (listed client, required type), answered by schema 13's covering
  // index (client_id, type_id, review_state, expires_on, warn_on) alone. "+d.type_id" keeps
  // SQLite from the unique (client_id, type_id) index, which it prefers for its one row but
  // which holds no state: a cd_documents row per probe, three per listed client (issue 10).
  // The row condition: inside NOT EXISTS the row is there, and "d.id IS NOT NULL" sent
  // PostgreSQL to the table for each document (an index scan instead of an index-only one:
  // 275 against 154 buffers and 1.35-1.46 against 1.14-1.46 ms for a 50-row page).
  const std::string ok = Inline(SatisfiedRowCondition("").sql, TodaySql(dialect));
  return "(CASE WHEN EXISTS (SELECT 1 FROM cd_types t WHERE t.active = 1"
         " AND t.upload_mode = 'required' AND NOT EXISTS (SELECT 1 FROM cd_documents d"
         " WHERE d.client_id = c.id AND +d.type_id = t.id AND " +
         ok + ")) THEN 'no' ELSE 'yes' END)";
}

namespace {

// The state's condition over `d` for `type` (its review switch inlined), kNotFound for
// uploaded, missing or anything else.
crm::Result<crm::SqlPredicate> StateCondition(const DocumentType& type, std::string_view value,
                                              const std::string& today) {
  std::optional<DocumentStatus> status = ParseDocumentStatus(value);
  if (!status || *status == DocumentStatus::kMissing || *status == DocumentStatus::kUploaded)
    return crm::NotFound("not a review state");
  return TypeStatusCondition(*status, type.review, today);
}

// `first` then the condition's parameters.
crm::SqlParams ParamsAfter(crm::SqlValue first, const crm::SqlParams& rest) {
  crm::SqlParams params{std::move(first)};
  params.insert(params.end(), rest.begin(), rest.end());
  return params;
}

}  // namespace

crm::Result<crm::SqlPredicate> StateFilterPredicate(const DocumentType& type,
                                                    std::string_view value,
                                                    const std::string& today,
                                                    crm::SqlDialect dialect) {
  CRM_ASSIGN_OR_RETURN(crm::SqlPredicate cond, StateCondition(type, value, today));
  // One probe per client walked, answered by schema 13's covering index alone. On SQLite
  // "+d.type_id" keeps it from the unique (client_id, type_id) index, which it prefers for its
  // one row but which holds no state (a table row per probe: twice the time at a million
  // clients). Never on PostgreSQL: there `+d.type_id` is an expression the planner cannot
  // estimate (0.5 % instead of the type's share), so it guessed a few hundred matches, built
  // them all as a set and sorted 150,000 clients for a page (4 s at a million clients).
  const char* type_column = dialect == crm::SqlDialect::kSqlite ? "+d.type_id" : "d.type_id";
  return crm::SqlPredicate{"EXISTS (SELECT 1 FROM cd_documents d WHERE d.client_id = c.id AND " +
                               std::string(type_column) + " = ? AND " + cond.sql + ")",
                           ParamsAfter(type.id, cond.params)};
}

crm::Result<crm::FilterCountPredicate> StateFilterCount(const DocumentType& type,
                                                        std::string_view value,
                                                        const std::string& today,
                                                        crm::SqlDialect dialect,
                                                        std::string_view stage_day) {
  CRM_ASSIGN_OR_RETURN(crm::SqlPredicate cond, StateCondition(type, value, today));
  const std::optional<DocumentStatus> status = ParseDocumentStatus(value);
  const bool dated = status == DocumentStatus::kExpiring || status == DocumentStatus::kExpired;
  if (dated && !today.empty() && stage_day == today) {
    // Schema 16: the stage's run of (type_id, expiry_stage, client_id, review_state), the review
    // state tested inside the index ("accepted": approved where the type has review).
    const int64_t stage = static_cast<int64_t>(
        status == DocumentStatus::kExpired ? ExpiryStage::kExpired : ExpiryStage::kWarned);
    return crm::FilterCountPredicate{
        crm::SqlPredicate{std::string("c.id IN (SELECT d.client_id FROM cd_documents d"
                                      " WHERE d.type_id = ? AND d.expiry_stage = ?") +
                              (type.review ? " AND d.review_state = 'approved')" : ")"),
                          {type.id, stage}},
        false};
  }
  if (type.review && status == DocumentStatus::kPending) {
    // "none" too: stored before the type asked for review (TypeStatusCondition's NOT IN; the
    // CHECK of schema 4 allows only the four states).
    if (dialect == crm::SqlDialect::kPostgresql) {
      // Schema 17's partial index, whose predicate this condition matches word for word.
      return crm::FilterCountPredicate{
          crm::SqlPredicate{"c.id IN (SELECT d.client_id FROM cd_documents d WHERE d.type_id = ?"
                            " AND d.review_state IN ('none', 'pending'))",
                            {type.id}},
          false};
    }
    const std::string run =
        "SELECT d.client_id FROM cd_documents d WHERE d.type_id = ? AND d.review_state = ";
    return crm::FilterCountPredicate{
        crm::SqlPredicate{"c.id IN (" + run + "'none' UNION ALL " + run + "'pending')",
                          {type.id, type.id}},
        false};
  }
  // The set, built once from (type_id, review_state, client_id).
  return crm::FilterCountPredicate{
      crm::SqlPredicate{"c.id IN (SELECT d.client_id FROM cd_documents d WHERE d.type_id = ? AND " +
                            cond.sql + ")",
                        ParamsAfter(type.id, cond.params)},
      false};
}

namespace {

// SUM over schema 12's counters of `type`'s dated documents that are "accepted" (any state
// without review, approved with it) and match `dates`, a condition on the counter's expires_on
// and warn_on ('' for none) that ComputeStatus's dated steps give.
crm::SqlPredicate ExpiryCountSql(const DocumentType& type, const std::string& dates,
                                 crm::SqlParams date_params) {
  std::string sql =
      "(SELECT CAST(COALESCE(SUM(x.n), 0) AS BIGINT) FROM cd_document_expiry_counts x"
      " WHERE x.type_id = ?";
  if (type.review) sql += " AND x.review_state = 'approved'";
  crm::SqlParams params{type.id};
  params.insert(params.end(), date_params.begin(), date_params.end());
  return crm::SqlPredicate{sql + " AND " + dates + ")", params};
}

constexpr char kExpiredDates[] = "x.expires_on <> '' AND x.expires_on < ?";
constexpr char kWarnedDates[] = "x.warn_on <> '' AND x.warn_on <= ?";

}  // namespace

crm::Result<crm::SqlPredicate> StateFilterSize(const DocumentType& type, std::string_view value,
                                               const std::string& today) {
  std::optional<DocumentStatus> status = ParseDocumentStatus(value);
  if (!status) return crm::NotFound("not a review state");
  const bool review_state = *status == DocumentStatus::kPending ||
                            *status == DocumentStatus::kApproved ||
                            *status == DocumentStatus::kRejected;
  // StatusCondition: every review state needs t.review = 1.
  if (review_state && !type.review) return crm::SqlPredicate{"0", {}};
  const std::string expired = kExpiredDates;
  switch (*status) {
    case DocumentStatus::kPending:  // "none" too: stored before the type asked for review
      return TypeCountSql(type.id, "'none', 'pending'");
    case DocumentStatus::kRejected:
      return TypeCountSql(type.id, "'rejected'");
    case DocumentStatus::kApproved: {
      crm::SqlPredicate all = TypeCountSql(type.id, "'approved'");
      if (type.expiry_field.empty()) return all;
      // Approved and neither expired nor warned: all approved minus the dated ones that are.
      crm::SqlPredicate moved =
          ExpiryCountSql(type, "((" + expired + ") OR (" + kWarnedDates + "))", {today, today});
      all.params.insert(all.params.end(), moved.params.begin(), moved.params.end());
      return crm::SqlPredicate{"(" + all.sql + " - " + moved.sql + ")", all.params};
    }
    case DocumentStatus::kExpired:
      return ExpiryCountSql(type, expired, {today});
    case DocumentStatus::kExpiring:
      return ExpiryCountSql(type, "NOT (" + expired + ") AND " + kWarnedDates, {today, today});
    default:
      break;
  }
  return crm::NotFound("no counter for this state");
}

crm::Result<crm::ClientSetFormula> StateFilterSets(const DocumentType& type, std::string_view value,
                                                   const std::string& today,
                                                   std::string_view stage_day) {
  const std::optional<DocumentStatus> status = ParseDocumentStatus(value);
  if (!status || *status == DocumentStatus::kMissing || *status == DocumentStatus::kUploaded)
    return crm::NotFound("not a review state");
  const bool dated = *status == DocumentStatus::kExpiring || *status == DocumentStatus::kExpired;
  if (!type.review && !dated) return crm::NotFound("a state the type cannot have");
  auto key = [&](std::string_view fact) { return ClientSetKey(type.id, fact); };
  if (*status == DocumentStatus::kPending) return crm::ClientSetFormula{{key("p")}, {}};
  if (*status == DocumentStatus::kRejected) return crm::ClientSetFormula{{key("r")}, {}};
  if (today.empty() || stage_day != today)
    return crm::NotFound("the expiry stages are not of today");
  if (*status == DocumentStatus::kApproved)
    return crm::ClientSetFormula{{key("a")}, {key("w"), key("e")}};
  // What may expire: every document of a type without review, the approved ones with it.
  const std::string accepted = key(type.review ? "a" : "has");
  return crm::ClientSetFormula{{accepted, key(*status == DocumentStatus::kExpired ? "e" : "w")},
                               {}};
}

crm::Result<std::vector<QueueItem>> PendingQueue(crm::SqlExecutor& db, int limit) {
  CRM_ASSIGN_OR_RETURN(
      auto rows,
      db.QueryAll("SELECT d.client_id, d.type_id, d.uploaded_at FROM cd_documents d"
                  " JOIN cd_types t ON t.id = d.type_id WHERE t.review = 1 AND t.active = 1"
                  " AND d.review_state IN ('none', 'pending') ORDER BY d.uploaded_at, d.id LIMIT ?",
                  {static_cast<int64_t>(limit)}));
  std::vector<QueueItem> out;
  for (const crm::SqlRow& r : rows) out.push_back({r.Int(0), r.Int(1), r.Int(2)});
  return out;
}

}  // namespace cd
