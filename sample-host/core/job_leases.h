// sample-host/core/job_leases.h — "run this job now?" across every host node on one database:
// a lease row per job (host schema 8) that one atomic upsert takes for one period.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// Thread-safe (each call is one statement). The clock is the wall clock in Unix seconds, shared
// by the nodes (keep them NTP-synchronised: a node whose clock runs ahead may run a job early).
class JobLeases {
 public:
  // `holder` names this node in the rows (for people reading them); `now` gives Unix seconds.
  JobLeases(crm::Database& db, std::string holder, std::function<int64_t()> now);

  // True when this node may run `job` now: no node ran it in the last `period_seconds`. Taking
  // it records this node and pushes the next allowed run one period ahead, in one statement
  // (INSERT ... ON CONFLICT DO UPDATE ... WHERE run_after <= now RETURNING), so two nodes
  // asking at once cannot both get it. A database error comes back as is (the caller skips).
  crm::Result<bool> TryTake(std::string_view job, int64_t period_seconds);

 private:
  crm::Database& db_;
  std::string holder_;
  std::function<int64_t()> now_;
};

}  // namespace host
