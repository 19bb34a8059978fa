// plugin/attestations/pdf_converter.h — the supervisor of the PDF worker (SPEC AT3): a separate
// process (cd-pdf-worker, a warm LibreOfficeKit) spoken to over a socket, one job at a time,
// with a hard timeout; the worker is killed and started again after a crash, a timeout or
// `max_jobs` jobs. Conversions never run in the host's process.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/status.h"

namespace cd::attestations {

struct PdfConverterOptions {
  // The worker's command line; "{profile}" in an argument becomes the worker's own
  // LibreOffice profile folder (under work_dir, fresh for each worker process).
  std::vector<std::string> command;
  std::filesystem::path work_dir;  // temp files of the jobs, removed after each job
  std::chrono::milliseconds start_timeout{60000};
  std::chrono::milliseconds job_timeout{30000};
  int max_jobs = 200;
};

// True for bytes that look like a whole PDF ("%PDF-" header, "%%EOF" near the end).
bool LooksLikePdf(std::string_view bytes);

// Thread-safe (jobs are serialised).
class PdfConverter {
 public:
  explicit PdfConverter(PdfConverterOptions options);
  ~PdfConverter();
  PdfConverter(const PdfConverter&) = delete;
  PdfConverter& operator=(const PdfConverter&) = delete;

  // The PDF of `document` (`extension`: "docx" or "odt"). kUnavailable when the worker failed,
  // hung or produced no valid PDF (it is then stopped; the next job starts a fresh one).
  crm::Result<std::string> Convert(std::string_view document, std::string_view extension);
  // Starts the worker now, if not running (so that the first request finds it warm).
  crm::Status Warm();
  // Worker processes started so far.
  int starts() const { return starts_; }
  // The running worker's pid (0 when none): the tests kill it.
  pid_t worker_pid() const { return pid_; }

 private:
  crm::Status StartLocked();
  void StopLocked();
  crm::Result<std::string> ReadLineLocked(std::chrono::steady_clock::time_point deadline);
  crm::Result<std::string> RunJobLocked(const std::filesystem::path& in,
                                        const std::filesystem::path& out);

  PdfConverterOptions options_;
  std::mutex mu_;
  std::atomic<pid_t> pid_{0};
  int fd_ = -1;
  int jobs_ = 0;
  std::atomic<int> starts_{0};
  uint64_t next_job_ = 0;
  std::string buffer_;
};

}  // namespace cd::attestations
