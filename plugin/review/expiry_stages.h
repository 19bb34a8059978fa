// plugin/review/expiry_stages.h — the expiry stage of each dated document as of one stored day
// (schema 16, issue 10): what lets the list count `doc.<type>=expiring|expired` from an index run
// in client order instead of testing the dates of every document of the type.
#pragma once

#include <cstdint>
#include <string>

#include "host-api/sql.h"

namespace cd {

// expiry_stage values: the dated steps of state.h ComputeStatus on the stored day.
enum class ExpiryStage : int64_t { kNone = 0, kWarned = 1, kExpired = 2 };

// The day the stored stages are for ("YYYY-MM-DD"; "" before any, e.g. a database whose migration
// has not run).
crm::Result<std::string> ExpiryStageDay(crm::SqlExecutor& db);

// What BringExpiryStagesTo did.
struct ExpiryStagesMoved {
  std::string from_day;   // the day the stages were for
  bool all = false;       // every dated document restaged (no day, or a day after `today`)
  int64_t documents = 0;  // documents whose stage was written
};

// Restages the documents for `today` and stores it, in one transaction: forward from the stored
// day, only the documents whose expiry date or warning date lies between the two days (ranges of
// (type_id, expires_on), found through schema 12's per-date counters for the warning dates);
// otherwise (no day, or a clock that went back) every dated document. Nothing to do (and no write
// transaction) when the stored day is `today`. On PostgreSQL the day's table is locked
// (EXCLUSIVE) before the transaction's first query: writers that read the old day in the schema's
// trigger (FOR SHARE) have committed, and their documents are seen and restaged; later writers
// wait and take the new day (migrations/postgresql/0016).
crm::Result<ExpiryStagesMoved> BringExpiryStagesTo(crm::Database& db, const std::string& today);

}  // namespace cd
