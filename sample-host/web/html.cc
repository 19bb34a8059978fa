// sample-host/web/html.cc — escaping, URL encoding and local-path checks for the pages.
// Kept free of any template or HTTP dependency so that every page and the tests can use it.
#include "sample-host/web/html.h"

#include <charconv>
#include <ctime>

namespace host::web {

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string BuildQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += UrlEncode(k);
    out += '=';
    out += UrlEncode(v);
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

int64_t ParseId(std::string_view text) {
  int64_t value = 0;
  if (text.empty() || text.size() > 18) return 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return 0;
  return value;
}

std::string FormatTime(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M", &tm);
  return buffer;
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
