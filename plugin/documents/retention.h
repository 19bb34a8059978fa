// plugin/documents/retention.h — the retention purge (PT7, SPEC §6 `retention_days`): archived
// versions of a type that keeps them for a limited time are removed once older than that, rows
// first, then their objects, each one journaled.
#pragma once

#include <cstdint>

#include "host-api/status.h"
#include "plugin/services.h"

namespace cd {

// The purge job's period: hourly (cheap when nothing is due: one indexed query per type with
// a retention).
inline constexpr int64_t kRetentionEverySeconds = 3600;

struct PurgeCount {
  int versions = 0;
  int files = 0;
};

// For every type (archived types too) with `retention_days`, the archived versions whose
// archived_at is more than that many days before the host's clock: in one transaction per
// version its file rows and its row go and the journal gets "erased" (actor system, object
// "version:<id>", detail "retention:<days>d" and the files' SHA-256s); after the commit its
// objects (and thumbnails) leave the store (a failure leaves an orphan for the scrub). The
// current documents are never touched. Logs the counts; returns them.
crm::Result<PurgeCount> PurgeExpiredVersions(Services& services);

}  // namespace cd
