// sample-host/core/job_leases.cc — the lease upsert of JobLeases (portable SQL: SQLite 3.35+ and
// PostgreSQL both have ON CONFLICT ... DO UPDATE ... WHERE and RETURNING).
#include "sample-host/core/job_leases.h"

#include <utility>

namespace host {

JobLeases::JobLeases(crm::Database& db, std::string holder, std::function<int64_t()> now)
    : db_(db), holder_(std::move(holder)), now_(std::move(now)) {}

crm::Result<bool> JobLeases::TryTake(std::string_view job, int64_t period_seconds) {
  const int64_t now = now_();
  // A row comes back only when it was inserted or when the update's WHERE held.
  CRM_ASSIGN_OR_RETURN(
      auto row,
      db_.QueryOne("INSERT INTO job_leases (job, holder, run_at, run_after) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, "
                   "run_at = excluded.run_at, run_after = excluded.run_after "
                   "WHERE job_leases.run_after <= ? RETURNING holder",
                   {std::string(job), holder_, now, now + period_seconds, now}));
  return row.has_value();
}

}  // namespace host
