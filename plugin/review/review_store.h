// plugin/review/review_store.h — the stored facts of review and expiry (PT5, X1) in
// cd_documents: written in the transaction that uploads, edits fields, reviews or changes a
// type, read back into a ClientDocument with its state (state.h), and the list's SQL.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "host-api/hooks.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "plugin/model.h"

namespace cd {

// The expiry date of `fields` for `type` ("" when the type has no expiry field or the value
// is empty) and the day the warning starts.
struct ExpiryDates {
  std::string expires_on;
  std::string warn_on;
};
ExpiryDates ExpiryOf(const DocumentType& type, const std::map<std::string, std::string>& fields);

// After an upload or a replacement, in its transaction: review "pending" for a reviewed type
// ("none" otherwise), the previous decision cleared, the expiry dates of the new fields.
crm::Status WriteUploadState(crm::SqlExecutor& tx, const DocumentType& type, int64_t client_id,
                             const std::map<std::string, std::string>& fields);
// After the fields were edited: the expiry dates only (the review stays).
crm::Status WriteExpiry(crm::SqlExecutor& tx, const DocumentType& type, int64_t client_id,
                        const std::map<std::string, std::string>& fields);
// After a type's expiry field or warning changed: every document of the type again.
crm::Status RecomputeTypeExpiry(crm::SqlExecutor& tx, const DocumentType& type);

// Reads the review columns of the client's current document of doc->type and sets
// doc->status (ComputeStatus on `today`), doc->review and doc->expires_on. A missing
// document stays missing.
crm::Status LoadState(crm::SqlExecutor& db, std::string_view today, ClientDocument* doc);

// Records staff's decision when the document is pending (kConflict otherwise).
crm::Status WriteDecision(crm::SqlExecutor& tx, const DocumentType& type, int64_t client_id,
                          ReviewInfo decision);

// How many active required types the client has satisfied on `today` (state.h
// SatisfiedCondition), and how many there are: the summary box and the gate.
struct RequiredCounts {
  int required = 0;
  int satisfied = 0;
};
crm::Result<RequiredCounts> CountRequired(crm::SqlExecutor& db, int64_t client_id,
                                          const std::string& today);

// The list column's SQL ("yes" when every active required type is satisfied), with today
// taken by the database in `dialect` (a column's SQL is fixed when it is registered).
std::string CompletenessSql(crm::SqlDialect dialect);

// `doc.<type_id>` filters for the review states (pending, approved, rejected, expiring,
// expired): kNotFound for another value (uploaded and missing are the documents feature's).
// The type's review switch is known before the query and inlined (state.h
// TypeStatusCondition): a page's probe reads no cd_types row.
// The probe's SQL differs by `dialect` (see the .cc).
crm::Result<crm::SqlPredicate> StateFilterPredicate(const DocumentType& type,
                                                    std::string_view value,
                                                    const std::string& today,
                                                    crm::SqlDialect dialect);
// The set, for counts: "c.id IN (SELECT d.client_id ...)". On SQLite `pending` (two review
// states) is the UNION ALL of each state's run of (type_id, review_state, client_id): both in
// client order, so a count that merges id streams (the host's INTERSECT) merges them too instead
// of reading every document of the type and filtering out approved and rejected (region +
// pending at a million clients: 9.8 -> 7.6 ms of CPU for the count). PostgreSQL hashes such a
// union (15x slower): there pending is `review_state IN ('none', 'pending')`, the predicate of
// schema 17's partial index (type_id, client_id), one run in client order. A client has one
// document per type: the two runs never hold the same client. Expiring and expired, when
// `stage_day` (the day the stored expiry stages are for, expiry_stages.h ExpiryStageDay) is
// `today`: the run of their stage in (type_id, expiry_stage, client_id) (schema 16); on any other
// day, every document of the type in client order with its dates tested (three times the entries at
// a million clients).
crm::Result<crm::FilterCountPredicate> StateFilterCount(const DocumentType& type,
                                                        std::string_view value,
                                                        const std::string& today,
                                                        crm::SqlDialect dialect,
                                                        std::string_view stage_day);

// The exact size of StateFilterCount's set on `today` from the counters (host API 1.4): the
// review states from schema 10's counters; expiring, expired, and approved for a type with an
// expiry field, from schema 12's per-date counters (a sum over the type's few distinct dates);
// 0 for a review state of a type without review, or an expiry state of a type without dates.
// kNotFound for any other value.
crm::Result<crm::SqlPredicate> StateFilterSize(const DocumentType& type, std::string_view value,
                                               const std::string& today);

// The client sets of StateFilterCount's clients (host API 1.6 ListFilterSets, schema 18: the
// "cd.<type>.<fact>" sets of list_sql.h ClientSetKey), TypeStatusCondition's rules over them:
// pending {p}, rejected {r}; approved {a} and none of {w, e}; expired {a, e} and expiring {a, w}
// where the type has review, {has, e} and {has, w} where it has not. kNotFound for a review state
// of a type without review (a state it cannot have: the host counts its predicate), for approved,
// expiring and expired unless `stage_day` (expiry_stages.h ExpiryStageDay) is `today` (the stage
// sets are of that day), and for any other value.
crm::Result<crm::ClientSetFormula> StateFilterSets(const DocumentType& type, std::string_view value,
                                                   const std::string& today,
                                                   std::string_view stage_day);

// A pending document of the review queue.
struct QueueItem {
  int64_t client_id = 0;
  int64_t type_id = 0;
  int64_t uploaded_at = 0;
};
// Pending documents of active reviewed types, oldest first, across clients (at most `limit`).
crm::Result<std::vector<QueueItem>> PendingQueue(crm::SqlExecutor& db, int limit);

}  // namespace cd
