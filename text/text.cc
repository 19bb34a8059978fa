// text/text.cc — implements text/text.h. No dependency beyond the standard library and the
// language list of host-api/http.h, so both binaries link it.
#include "text/text.h"

#include <charconv>
#include <cstdlib>

#include "host-api/http.h"

namespace crm::text {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsSpace(char c) { return IsBlank(c) || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename Pred>
std::string_view TrimIf(std::string_view s, Pred pred) {
  while (!s.empty() && pred(s.front())) s.remove_prefix(1);
  while (!s.empty() && pred(s.back())) s.remove_suffix(1);
  return s;
}

// The q value of one Accept-Language item ("fr;q=0.8" -> 0.8); 1 without q, 0 when unreadable.
double QualityOf(std::string_view item) {
  size_t semi = item.find(';');
  if (semi == std::string_view::npos) return 1.0;
  std::string_view params = item.substr(semi + 1);
  size_t qpos = params.find("q=");
  if (qpos == std::string_view::npos) return 1.0;
  std::string number(Trim(params.substr(qpos + 2)));
  char* end = nullptr;
  double q = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || q < 0) return 0;
  return q > 1 ? 1 : q;
}

}  // namespace

std::string_view Trim(std::string_view s) { return TrimIf(s, IsBlank); }
std::string_view TrimAll(std::string_view s) { return TrimIf(s, IsSpace); }

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  return true;
}

std::optional<int64_t> ParseId(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value <= 0) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseId(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return ParseId(std::string_view(*s));
}

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
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

std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string PercentDecodeLenient(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string BestAcceptLanguage(std::string_view header) {
  std::string best;
  double best_q = 0;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    std::string_view tag = Trim(item.substr(0, item.find(';')));
    std::string primary = ToLowerAscii(Trim(tag.substr(0, tag.find('-'))));
    double q = QualityOf(item);
    if (IsLanguage(primary) && q > best_q) {
      best = primary;
      best_q = q;
    }
  }
  return best;
}

std::string FillPlaceholders(
    std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + std::string(name) + "}";
    size_t pos = text.find(placeholder);
    while (pos != std::string::npos) {
      text.replace(pos, placeholder.size(), value);
      pos = text.find(placeholder, pos + value.size());
    }
  }
  return text;
}

std::string LocalIsoDate(std::string_view language, std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::string(iso);
  if (language != "fr" && language != "nl") return std::string(iso);
  std::string out;
  out.append(iso.substr(8, 2)).append("/").append(iso.substr(5, 2)).append("/");
  return out.append(iso.substr(0, 4));
}

}  // namespace crm::text
