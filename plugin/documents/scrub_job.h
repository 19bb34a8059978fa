// plugin/documents/scrub_job.h — when the module's scrub (DocumentService::Scrub) runs: soon
// after start-up, so what a crash left (temp files, orphan blobs) goes, and then every hour;
// and once on demand, for `sample-host scrub` (SPEC §6), with its JSON report.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "host-api/registrar.h"
#include "host-api/services.h"
#include "host-api/status.h"
#include "plugin/documents/document_service.h"

namespace cd {

// The job is registered to run at start-up (Registrar::AddScheduledJobRunAtStart, host API
// 1.3: once every plugin has loaded and its migrations ran), then every kScrubEverySeconds.
// Run() scrubs when due, so an early or repeated call only reads the clock. Re-reading
// every stored file costs a download of the whole store on S3: the job does it on its first
// run and then once a day (kRehashEverySeconds); the cleanup runs hourly.
inline constexpr int64_t kScrubEverySeconds = 3600;
inline constexpr int64_t kRehashEverySeconds = 24 * 3600;

// {"checked":N,"missing":N,"altered":N,"orphans_removed":N,"temp_removed":N}, in that order.
std::string ScrubReportJson(const ScrubReport& report);

// Thread-safe (the host never runs one job twice at once, but tests may).
class ScrubJob {
 public:
  ScrubJob(DocumentService& documents, crm::HostServices& host);

  // The job's run: scrubs when due (see above; host.NowUnix() is the clock, a clock set back
  // makes it due too), logging how many entries went. Returns the scrub's error, if any; a
  // failed scrub is tried again at the next call.
  crm::Status Run();
  // The maintenance command "scrub" (host API 1.4, `sample-host scrub`): a full scrub now,
  // re-hash included, whatever the schedule. `problems` when a file is missing or altered.
  crm::Result<crm::CommandReport> RunNow();

 private:
  // Which of the two parts are due at `now` (none: nullopt); marks them as run.
  std::optional<bool> Due(int64_t now);
  crm::Result<ScrubReport> Scrub(bool rehash);

  DocumentService& documents_;
  crm::HostServices& host_;
  std::mutex mutex_;
  std::optional<int64_t> last_run_;     // guarded by mutex_
  std::optional<int64_t> last_rehash_;  // guarded by mutex_
};

}  // namespace cd
