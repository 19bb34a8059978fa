// plugin/documents/scrub_job.cc — the scrub job's schedule over the host's short period: the
// first call scrubs (re-hash included), later ones only once an hour has passed since the
// last scrub, re-hashing once a day; and the on-demand run of `sample-host scrub`.
#include "plugin/documents/scrub_job.h"

#include <string>

namespace cd {

namespace {

bool Elapsed(const std::optional<int64_t>& last, int64_t now, int64_t period) {
  return !last || now < *last || now - *last >= period;
}

}  // namespace

std::string ScrubReportJson(const ScrubReport& r) {
  return "{\"checked\":" + std::to_string(r.checked) + ",\"missing\":" + std::to_string(r.missing) +
         ",\"altered\":" + std::to_string(r.altered) +
         ",\"orphans_removed\":" + std::to_string(r.orphans_removed) +
         ",\"temp_removed\":" + std::to_string(r.temp_removed) + "}";
}

ScrubJob::ScrubJob(DocumentService& documents, crm::HostServices& host)
    : documents_(documents), host_(host) {}

std::optional<bool> ScrubJob::Due(int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!Elapsed(last_run_, now, kScrubEverySeconds)) return std::nullopt;
  last_run_ = now;
  bool rehash = Elapsed(last_rehash_, now, kRehashEverySeconds);
  if (rehash) last_rehash_ = now;
  return rehash;
}

crm::Result<ScrubReport> ScrubJob::Scrub(bool rehash) {
  crm::Result<ScrubReport> report = documents_.Scrub(rehash);
  if (!report.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_run_.reset();  // tried again at the next call
    if (rehash) last_rehash_.reset();
    return report.status();
  }
  if (report->removed() > 0 || report->missing > 0 || report->altered > 0) {
    host_.Log(crm::LogLevel::kInfo, "client-documents: scrub " + ScrubReportJson(*report));
  }
  return report;
}

crm::Status ScrubJob::Run() {
  std::optional<bool> rehash = Due(host_.NowUnix());
  if (!rehash) return crm::Status::Ok();
  return Scrub(*rehash).status();
}

crm::Result<crm::CommandReport> ScrubJob::RunNow() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_run_ = last_rehash_ = host_.NowUnix();
  }
  CRM_ASSIGN_OR_RETURN(ScrubReport report, Scrub(/*rehash=*/true));
  return crm::CommandReport{ScrubReportJson(report), report.missing > 0 || report.altered > 0};
}

}  // namespace cd
