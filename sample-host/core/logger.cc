// sample-host/core/logger.cc — formats and writes log lines; keeps a bounded ring of recent ones.
// One mutex serialises writers so lines from request threads never interleave.
#include "sample-host/core/logger.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "sample-host/core/clock.h"

namespace host {
namespace {

const char* LevelName(crm::LogLevel level) {
  switch (level) {
    case crm::LogLevel::kDebug:
      return "DEBUG";
    case crm::LogLevel::kInfo:
      return "INFO";
    case crm::LogLevel::kWarning:
      return "WARN";
    case crm::LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

// Keeps one message on one line (a plugin's message may carry newlines or escapes).
void AppendSanitised(std::string& out, std::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string FormatUtc(int64_t unix_seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}

std::string FormatIsoUtc(int64_t unix_seconds) {
  return FormatUtc(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

Logger::Logger(Clock* clock, bool to_stderr, size_t ring_size)
    : clock_(clock), to_stderr_(to_stderr), ring_size_(ring_size == 0 ? 1 : ring_size) {}

std::string Logger::FormatLine(int64_t unix_seconds, crm::LogLevel level,
                               std::string_view component, std::string_view message) {
  std::string line = FormatIsoUtc(unix_seconds);
  line += ' ';
  line += LevelName(level);
  line += ' ';
  AppendSanitised(line, component);
  line += ": ";
  AppendSanitised(line, message);
  return line;
}

void Logger::Log(crm::LogLevel level, std::string_view component, std::string_view message) {
  SystemClock system;
  int64_t now = clock_ ? clock_->NowUnix() : system.NowUnix();
  std::string line = FormatLine(now, level, component, message);
  std::lock_guard<std::mutex> lock(mutex_);
  if (to_stderr_) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  }
  ring_.push_back(std::move(line));
  while (ring_.size() > ring_size_) ring_.pop_front();
}

std::vector<std::string> Logger::Recent(size_t max) const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = std::min(max, ring_.size());
  return std::vector<std::string>(ring_.end() - static_cast<std::ptrdiff_t>(n), ring_.end());
}

}  // namespace host
