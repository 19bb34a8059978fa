// plugin/documents/scrub_job.h — when the module's scrub (DocumentService::Scrub) runs: soon
// after start-up, so what a crash left (temp files, orphan blobs) goes, and then every hour.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "host-api/services.h"
#include "host-api/status.h"
#include "plugin/documents/document_service.h"

namespace cd {

// The job is registered to run at start-up (Registrar::AddScheduledJobRunAtStart, host API
// 1.3: once every plugin has loaded and its migrations ran), then every kScrubEverySeconds.
// Run() scrubs when due, so an early or repeated call only reads the clock.
inline constexpr int64_t kScrubEverySeconds = 3600;

// Thread-safe (the host never runs one job twice at once, but tests may).
class ScrubJob {
 public:
  ScrubJob(DocumentService& documents, crm::HostServices& host);

  // The job's run: scrubs when due (see above; host.NowUnix() is the clock, a clock set back
  // makes it due too), logging how many entries went. Returns the scrub's error, if any; a
  // failed scrub is tried again at the next call.
  crm::Status Run();

 private:
  bool Due(int64_t now);

  DocumentService& documents_;
  crm::HostServices& host_;
  std::mutex mutex_;
  std::optional<int64_t> last_run_;  // guarded by mutex_
};

}  // namespace cd
