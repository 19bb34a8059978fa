// text/text.cc — implements text/text.h. No dependency beyond the standard library and the
// language list of host-api/http.h, so both binaries link it.
#include "text/text.h"

#include <cctype>
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

namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The upper case of a lower-case letter of the ranges UpperInitial names; others unchanged.
char32_t UpperOf(char32_t cp) {
  if (cp >= U'a' && cp <= U'z') return cp - 0x20;
  if ((cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)) return cp - 0x20;
  if (cp == 0xFF) return 0x178;
  if (cp == 0x131) return U'I';
  if (cp == 0x17F) return U'S';
  bool odd_lower = (cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
  bool even_lower = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
  if ((odd_lower && cp % 2 == 1) || (even_lower && cp % 2 == 0)) return cp - 1;
  if (cp >= 0x430 && cp <= 0x44F) return cp - 0x20;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 0x50;
  return cp;
}

std::string Utf8Of(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size())
      n |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64Alphabet[n & 63] : '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    size_t pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    uint32_t n = 0;
    for (size_t k = 0; k < 4; ++k) {
      int v = k >= 4 - pad ? 0 : Base64Value(text[i + k]);
      if (v < 0) return std::nullopt;
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    if ((pad == 1 && (n & 0xff) != 0) || (pad == 2 && (n & 0xffff) != 0)) return std::nullopt;
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

std::string UpperInitial(std::string_view word) {
  if (word.empty()) return "";
  auto byte = [&](size_t i) { return static_cast<unsigned char>(word[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) {
    if (!std::isalnum(lead)) return "";
    return std::string(1, static_cast<char>(std::toupper(lead)));
  }
  size_t len = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (len == 0 || (len == 3 && lead >= 0xF0) || word.size() < len) return "";
  char32_t cp = lead & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t i = 1; i < len; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return "";
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  // Latin-1 punctuation and symbols (U+0080..U+00BF, ×, ÷) are not initials.
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return "";
  return Utf8Of(UpperOf(cp));
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
