// plugin/documents/scrub_job.cc — the scrub job's schedule over the host's short period: the
// first call scrubs, later ones only once an hour has passed since the last scrub.
#include "plugin/documents/scrub_job.h"

#include <string>

namespace cd {

ScrubJob::ScrubJob(DocumentService& documents, crm::HostServices& host)
    : documents_(documents), host_(host) {}

bool ScrubJob::Due(int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (last_run_ && now >= *last_run_ && now - *last_run_ < kScrubEverySeconds) return false;
  last_run_ = now;
  return true;
}

crm::Status ScrubJob::Run() {
  const int64_t now = host_.NowUnix();
  if (!Due(now)) return crm::Status::Ok();
  crm::Result<int> removed = documents_.Scrub();
  if (!removed.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_run_.reset();  // tried again at the next call
    return removed.status();
  }
  if (*removed > 0) {
    host_.Log(crm::LogLevel::kInfo,
              "client-documents: scrub removed " + std::to_string(*removed) + " entries");
  }
  return crm::Status::Ok();
}

}  // namespace cd
