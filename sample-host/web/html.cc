// sample-host/web/html.cc — query strings, local-path checks and dates for the pages.
// Kept free of any template or HTTP dependency so that every page and the tests can use it.
#include "sample-host/web/html.h"

#include <charconv>
#include <ctime>

#include "text/local_time.h"

namespace host::web {

std::string BuildQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += PercentEncode(k);
    out += '=';
    out += PercentEncode(v);
  }
  return out;
}

bool IsSafeLocalPath(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  // "//host" and "/\host" are read by browsers as another origin.
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7F || c == '\\') return false;
  }
  return true;
}

std::string FormatTime(int64_t unix_seconds, std::string_view language, const HostTimeZone& zone) {
  if (unix_seconds <= 0) return "";
  return crm::text::LocalDateTime(language, unix_seconds, zone.OffsetAt(unix_seconds), zone.Name());
}

std::string FormatDay(int64_t unix_seconds, std::string_view language, const HostTimeZone& zone) {
  if (unix_seconds <= 0) return "";
  return crm::text::LocalDate(language, unix_seconds, zone.OffsetAt(unix_seconds));
}

int64_t ParseDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return -1;
  int y = 0, m = 0, d = 0;
  auto num = [&](size_t at, size_t len, int* out) {
    auto [end, ec] = std::from_chars(date.data() + at, date.data() + at + len, *out);
    return ec == std::errc() && end == date.data() + at + len;
  };
  if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d)) return -1;
  if (m < 1 || m > 12 || d < 1 || d > 31) return -1;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace host::web
