// plugin/documents/list_sql.cc — the SQL the module gives the host's client list: the
// completeness column and the `doc.<type_id>` filters (page and count forms), over `c.id`.
#include "plugin/documents/list_sql.h"

#include <optional>
#include <utility>
#include <vector>

#include "text/text.h"

namespace cd {

std::string CompletenessColumnSql() {
  // One correlated probe per (listed client, required type) on the unique
  // (client_id, type_id) index; required types are few, so this stays O(page size).
  return "(CASE WHEN EXISTS (SELECT 1 FROM cd_types t WHERE t.active = 1"
         " AND t.upload_mode = 'required' AND NOT EXISTS (SELECT 1 FROM cd_documents d"
         " WHERE d.client_id = c.id AND d.type_id = t.id)) THEN 'no' ELSE 'yes' END)";
}

namespace {

// The type's documents as a set SQLite builds once from the (type_id, client_id) index.
constexpr const char* kTypeSet =
    "c.id IN (SELECT d.client_id FROM cd_documents d WHERE d.type_id = ?)";

}  // namespace

crm::SqlPredicate TypeSetPredicate(int64_t type_id) {
  return crm::SqlPredicate{kTypeSet, {type_id}};
}

crm::Result<DocumentFilter> ParseDocumentFilter(std::string_view filter_id,
                                                std::string_view value) {
  std::optional<int64_t> type_id;
  if (filter_id.substr(0, 4) == "doc.") type_id = crm::text::ParseId(filter_id.substr(4));
  if (!type_id) return crm::NotFound("not a documents filter");
  DocumentFilter f;
  f.type_id = *type_id;
  if (value == "uploaded") {
    f.uploaded = true;
  } else if (value != "missing") {
    return crm::InvalidArgument("filter " + std::string(filter_id) +
                                ": uploaded, missing, pending, approved,"
                                " rejected, expiring or expired");
  }
  return f;
}

crm::Result<crm::SqlPredicate> DocumentFilterPredicate(std::string_view filter_id,
                                                       std::string_view value) {
  CRM_ASSIGN_OR_RETURN(DocumentFilter f, ParseDocumentFilter(filter_id, value));
  // A page walks the host's sort index and stops after LIMIT rows: one probe of the
  // unique (client_id, type_id) index per client walked.
  std::string probe =
      "EXISTS (SELECT 1 FROM cd_documents d WHERE d.client_id = c.id AND d.type_id = ?)";
  return crm::SqlPredicate{f.uploaded ? probe : "NOT " + probe, {f.type_id}};
}

crm::Result<crm::FilterCountPredicate> DocumentFilterCount(std::string_view filter_id,
                                                           std::string_view value) {
  CRM_ASSIGN_OR_RETURN(DocumentFilter f, ParseDocumentFilter(filter_id, value));
  // The total visits every match: count the set (never NULL: client_id is NOT NULL),
  // and "missing" as all rows minus the set, instead of one probe per client.
  return crm::FilterCountPredicate{TypeSetPredicate(f.type_id), !f.uploaded};
}

std::string ClientSetKey(int64_t type_id, std::string_view fact) {
  return "cd." + std::to_string(type_id) + "." + std::string(fact);
}

crm::Result<crm::ClientSetFormula> DocumentFilterSets(std::string_view filter_id,
                                                      std::string_view value) {
  CRM_ASSIGN_OR_RETURN(DocumentFilter f, ParseDocumentFilter(filter_id, value));
  std::vector<std::string> has{ClientSetKey(f.type_id, "has")};
  if (f.uploaded) return crm::ClientSetFormula{std::move(has), {}};
  return crm::ClientSetFormula{{}, std::move(has)};
}

crm::SqlPredicate TypeCountSql(int64_t type_id, std::string_view states_in) {
  // CAST: PostgreSQL sums BIGINT as NUMERIC.
  std::string sql =
      "(SELECT CAST(COALESCE(SUM(k.n), 0) AS BIGINT) FROM cd_document_counts k WHERE k.type_id = ?";
  if (!states_in.empty()) sql += " AND k.review_state IN (" + std::string(states_in) + ")";
  return crm::SqlPredicate{sql + ")", {type_id}};
}

crm::Result<crm::SqlPredicate> DocumentFilterSize(std::string_view filter_id,
                                                  std::string_view value) {
  CRM_ASSIGN_OR_RETURN(DocumentFilter f, ParseDocumentFilter(filter_id, value));
  // uploaded: the set itself; missing: the host keeps all clients minus it (complement).
  return TypeCountSql(f.type_id);
}

}  // namespace cd
