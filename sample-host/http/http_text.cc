// sample-host/http/http_text.cc — implements the HTTP text helpers of http_text.h.
// Kept apart from the Beast code so that every rule here is unit-tested without sockets; trimming,
// case and percent-coding come from text/text.h.
#include "sample-host/http/http_text.h"

#include "text/json_writer.h"
#include "text/text.h"

namespace host::http_text {
namespace {

using crm::text::EqualsIgnoreCaseAscii;
using crm::text::Trim;

bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(std::string_view in) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!in.empty()) {
    size_t amp = in.find('&');
    std::string_view part = in.substr(0, amp);
    in = amp == std::string_view::npos ? std::string_view() : in.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(crm::text::PercentDecodeLenient(part), std::string());
    } else {
      out.emplace_back(crm::text::PercentDecodeLenient(part.substr(0, eq)),
                       crm::text::PercentDecodeLenient(part.substr(eq + 1)));
    }
  }
  return out;
}

Framing CheckRequestFraming(const std::vector<std::pair<std::string, std::string>>& headers) {
  int length_fields = 0;
  bool has_transfer_encoding = false;
  std::vector<std::string_view> codings;  // every field's list, in order
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCaseAscii(name, "content-length")) {
      uint64_t ignored = 0;
      if (++length_fields > 1 || !ParseUint(Trim(value), &ignored)) return Framing::kAmbiguous;
    } else if (EqualsIgnoreCaseAscii(name, "transfer-encoding")) {
      // One field only, with no empty element: the list rules would ignore them, but a
      // parser that reads only the last field, or stops at an empty one, would not
      // (found by tests/fuzz/http_framing_fuzz).
      if (has_transfer_encoding) return Framing::kAmbiguous;
      has_transfer_encoding = true;
      std::string_view list = value;
      while (true) {
        size_t comma = list.find(',');
        std::string_view coding = Trim(list.substr(0, comma));
        if (coding.empty()) return Framing::kAmbiguous;
        codings.push_back(coding);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    }
  }
  if (!has_transfer_encoding) return Framing::kOk;
  // The server decodes no coding but chunked, and chunked only once, last.
  if (length_fields > 0 || codings.size() != 1 || !EqualsIgnoreCaseAscii(codings[0], "chunked")) {
    return Framing::kAmbiguous;
  }
  return Framing::kOk;
}

std::optional<std::string> FindCookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = Trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(part.substr(0, eq)) != name) continue;
    std::string_view value = Trim(part.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

RangeKind ParseRange(std::string_view header, uint64_t size, ByteRange* out) {
  header = Trim(header);
  constexpr std::string_view kPrefix = "bytes=";
  if (header.size() < kPrefix.size() ||
      !EqualsIgnoreCaseAscii(header.substr(0, kPrefix.size()), kPrefix)) {
    return RangeKind::kNone;
  }
  std::string_view spec = Trim(header.substr(kPrefix.size()));
  if (spec.find(',') != std::string_view::npos) return RangeKind::kNone;  // one range only
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeKind::kNone;
  std::string_view a = Trim(spec.substr(0, dash));
  std::string_view b = Trim(spec.substr(dash + 1));
  uint64_t first = 0, last = 0;
  if (a.empty()) {  // suffix: the last n bytes
    uint64_t n = 0;
    if (!ParseUint(b, &n)) return RangeKind::kNone;
    if (n == 0 || size == 0) return RangeKind::kUnsatisfiable;
    first = n >= size ? 0 : size - n;
    last = size - 1;
  } else {
    if (!ParseUint(a, &first)) return RangeKind::kNone;
    if (b.empty()) {
      last = size == 0 ? 0 : size - 1;
    } else {
      if (!ParseUint(b, &last)) return RangeKind::kNone;
      if (last < first) return RangeKind::kNone;  // invalid syntax: ignore the header
      if (last >= size) last = size == 0 ? 0 : size - 1;
    }
    if (first >= size) return RangeKind::kUnsatisfiable;
  }
  out->first = first;
  out->last = last;
  return RangeKind::kSatisfiable;
}

std::string ContentDisposition(std::string_view download_name, bool inline_view) {
  // Only the last path component: a name is never a path on the user's disk.
  std::string_view name = download_name;
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string utf8;   // control bytes removed
  std::string ascii;  // safe printable ASCII for the quoted fallback
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) continue;
    utf8 += static_cast<char>(c);
    if (c >= 0x80) {
      if (c >= 0xC0) ascii += '_';  // one '_' per UTF-8 character, not per byte
    } else if (c != '"' && c != '\\' && c != ';' && c != '%') {
      ascii += static_cast<char>(c);
    }
  }
  // Leading dots would make a hidden file or a relative name on some systems.
  size_t lead = ascii.find_first_not_of(". ");
  ascii = lead == std::string::npos ? std::string() : ascii.substr(lead);
  size_t lead8 = utf8.find_first_not_of(". ");
  utf8 = lead8 == std::string::npos ? std::string() : utf8.substr(lead8);
  if (ascii.empty()) ascii = "download";
  if (utf8.empty()) utf8 = ascii;
  std::string out = inline_view ? "inline" : "attachment";
  out += "; filename=\"" + ascii + "\"";
  out += "; filename*=UTF-8''" + crm::text::PercentEncode(utf8);
  return out;
}

std::string HttpDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool IsSafeHeaderValue(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::optional<std::string> DecodeRequestPath(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  std::string out;
  out.reserve(raw_path.size());
  // Decode segment by segment so that an encoded '/' can be refused, not turned into a separator.
  size_t start = 1;
  while (true) {
    size_t slash = raw_path.find('/', start);
    std::string_view seg = raw_path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    auto decoded = crm::text::PercentDecode(seg, false);
    if (!decoded) return std::nullopt;
    if (*decoded == "." || *decoded == "..") return std::nullopt;
    for (char c : *decoded) {
      if (c == '/' || c == '\\' || c == '\0') return std::nullopt;
    }
    out += '/';
    out += *decoded;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool IsLocalRedirect(std::string_view location) {
  if (location.empty() || location.front() != '/') return false;
  if (location.size() > 1 && (location[1] == '/' || location[1] == '\\')) return false;
  for (char c : location) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return false;
  }
  return true;
}

std::string MultipartBoundary(std::string_view content_type) {
  size_t semi = content_type.find(';');
  if (!crm::text::EqualsIgnoreCaseAscii(crm::text::Trim(content_type.substr(0, semi)),
                                        "multipart/form-data") ||
      semi == std::string_view::npos) {
    return "";
  }
  std::string_view params = content_type.substr(semi + 1);
  while (!params.empty()) {
    size_t end = params.find(';');
    std::string_view param = crm::text::Trim(params.substr(0, end));
    params = end == std::string_view::npos ? std::string_view() : params.substr(end + 1);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos ||
        !crm::text::EqualsIgnoreCaseAscii(crm::text::Trim(param.substr(0, eq)), "boundary")) {
      continue;
    }
    std::string_view value = crm::text::Trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return "";
}

namespace {

// Whether one part's header block names the text field `name`: a Content-Disposition of
// `form-data` whose `name` parameter is `name`, without `filename` or `filename*`.
bool IsTextField(std::string_view headers, std::string_view name) {
  while (!headers.empty()) {
    size_t eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos ||
        !crm::text::EqualsIgnoreCaseAscii(crm::text::Trim(line.substr(0, colon)),
                                          "Content-Disposition")) {
      continue;
    }
    bool form_data = false, named = false, file = false;
    std::string_view rest = line.substr(colon + 1);
    for (bool first = true; !rest.empty(); first = false) {
      size_t end = rest.find(';');
      std::string_view param = crm::text::Trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      if (first) {
        form_data = crm::text::EqualsIgnoreCaseAscii(param, "form-data");
        continue;
      }
      size_t eq = param.find('=');
      std::string_view key = crm::text::Trim(param.substr(0, eq));
      std::string_view value =
          eq == std::string_view::npos ? std::string_view() : crm::text::Trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      if (crm::text::EqualsIgnoreCaseAscii(key, "name")) named = value == name;
      if (crm::text::EqualsIgnoreCaseAscii(key.substr(0, 8), "filename")) file = true;
    }
    return form_data && named && !file;
  }
  return false;
}

}  // namespace

std::optional<std::string> FirstMultipartField(std::string_view content_type,
                                               std::string_view prefix, std::string_view name) {
  const std::string boundary = MultipartBoundary(content_type);
  if (boundary.empty()) return std::nullopt;
  const std::string opening = "--" + boundary + "\r\n";
  if (prefix.substr(0, opening.size()) != opening) return std::nullopt;
  size_t headers = opening.size();
  size_t content = prefix.find("\r\n\r\n", headers);
  if (content == std::string_view::npos) return std::nullopt;
  // A part without headers starts with the blank line at once.
  std::string_view block = prefix.substr(headers, content - headers);
  if (!IsTextField(block, name)) return std::nullopt;
  size_t next = prefix.find("\r\n--" + boundary, content + 4);
  if (next == std::string_view::npos) return std::nullopt;
  return std::string(prefix.substr(content + 4, next - content - 4));
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  crm::text::AppendJsonEscaped(out, s);
  return out;
}

}  // namespace host::http_text
