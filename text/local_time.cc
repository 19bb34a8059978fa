// text/local_time.cc — the wall time of an instant at a given offset: the offset is added to the
// instant and the result read as UTC (gmtime_r), so no process-wide time zone is involved.
#include "text/local_time.h"

#include <ctime>

namespace crm::text {
namespace {

std::tm WallTime(int64_t unix_seconds, int32_t utc_offset_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds + utc_offset_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string LocalDate(std::string_view language, int64_t unix_seconds, int32_t utc_offset_seconds) {
  std::tm tm = WallTime(unix_seconds, utc_offset_seconds);
  char buf[32];
  // Issue 11: "31/12/2026" in fr and nl.
  const char* format = (language == "fr" || language == "nl") ? "%d/%m/%Y" : "%Y-%m-%d";
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string LocalDateTime(std::string_view language, int64_t unix_seconds,
                          int32_t utc_offset_seconds, std::string_view zone) {
  std::tm tm = WallTime(unix_seconds, utc_offset_seconds);
  char buf[16];
  std::strftime(buf, sizeof buf, " %H:%M", &tm);
  std::string out = LocalDate(language, unix_seconds, utc_offset_seconds) + buf;
  if (zone.empty() || zone == "UTC") return out + " UTC";
  return out.append(" (").append(zone).append(")");
}

}  // namespace crm::text
