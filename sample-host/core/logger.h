// sample-host/core/logger.h — the host's log: one line per message on stderr and a ring of recent
// lines in memory, so the admin pages can show plugin load errors without reading files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/services.h"

namespace host {

class Clock;

// Thread-safe. Lines look like `2026-11-22T10:00:00Z WARN plugin-loader: message`.
// Control characters in the message are replaced so one call is always one line.
class Logger {
 public:
  // `clock` may be null (system time). `to_stderr` false keeps lines in memory only (tests).
  explicit Logger(Clock* clock = nullptr, bool to_stderr = true, size_t ring_size = 1000);

  void Log(crm::LogLevel level, std::string_view component, std::string_view message);
  void Info(std::string_view component, std::string_view message) {
    Log(crm::LogLevel::kInfo, component, message);
  }
  void Warn(std::string_view component, std::string_view message) {
    Log(crm::LogLevel::kWarning, component, message);
  }
  void Error(std::string_view component, std::string_view message) {
    Log(crm::LogLevel::kError, component, message);
  }

  // The most recent lines, oldest first (at most `max`).
  std::vector<std::string> Recent(size_t max = SIZE_MAX) const;

  // The formatted line for these values (no newline); exposed for tests.
  static std::string FormatLine(int64_t unix_seconds, crm::LogLevel level,
                                std::string_view component, std::string_view message);

 private:
  Clock* clock_;
  bool to_stderr_;
  size_t ring_size_;
  mutable std::mutex mutex_;
  std::deque<std::string> ring_;
};

// A Unix time in UTC through strftime's `format` (at most 63 characters out).
std::string FormatUtc(int64_t unix_seconds, const char* format);
// "2026-11-22T10:00:00Z"
std::string FormatIsoUtc(int64_t unix_seconds);

}  // namespace host
