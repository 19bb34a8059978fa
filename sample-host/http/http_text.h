// sample-host/http/http_text.h — the small text rules of HTTP the server applies: path decoding,
// query and cookie parsing, Range and Content-Disposition, dates, header sanity. Pure functions, no
// Beast.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace host::http_text {

// Percent-coding, trimming and case-insensitive comparison are crm::text's (text/text.h).

// Splits "a=1&b=x%20y" into decoded pairs in order. Malformed escapes are kept literally
// (crm::text::PercentDecodeLenient: a query is never a reason to fail a whole request); a
// key without '=' has an empty value.
std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(std::string_view in);

// The value of cookie `name` in one or several Cookie header values ("a=b; c=d").
std::optional<std::string> FindCookie(std::string_view cookie_header, std::string_view name);

// A single byte range resolved against a file size: [first, last] inclusive.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

enum class RangeKind { kNone, kSatisfiable, kUnsatisfiable };

// Parses a Range header ("bytes=a-b", "bytes=a-", "bytes=-n") against `size`. Anything we
// do not serve (other units, several ranges, garbage) yields kNone: RFC 9110 lets a server
// ignore Range and send the whole representation.
RangeKind ParseRange(std::string_view header, uint64_t size, ByteRange* out);

// `Content-Disposition` per RFC 6266 / 5987: `attachment; filename="ascii"; filename*=UTF-8''...`.
// The ASCII fallback drops quotes, backslashes, control bytes, path separators and non-ASCII;
// the extended form carries the (path-stripped, control-free) UTF-8 name percent-encoded.
std::string ContentDisposition(std::string_view download_name, bool inline_view);

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of a Unix time.
std::string HttpDate(std::time_t t);

// True when `s` may be put in a header without splitting it (no CR, LF or NUL).
bool IsSafeHeaderValue(std::string_view s);
// True for an RFC 9110 token (header names).
bool IsToken(std::string_view s);

// Compares in time that depends only on the lengths, so a CSRF token cannot be guessed byte by
// byte.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The reason phrase of a status code ("Not Found"); "Unknown" for codes we do not use.
std::string_view ReasonPhrase(int status);

// A path is routable when it is absolute, has no empty-after-decoding dot segments ("." or
// ".."), no encoded slash or NUL. Returns the decoded path, or nullopt (the server answers 400).
std::optional<std::string> DecodeRequestPath(std::string_view raw_path);

// True when `location` is a local path ("/x", not "//host", not "/\\host", no scheme, no CR/LF).
bool IsLocalRedirect(std::string_view location);

// Whether a request's framing headers say unambiguously where its body ends (RFC 9112 §6.3).
// kAmbiguous: a Transfer-Encoding (over all its fields) that is not exactly "chunked"
// ("gzip", "xchunked", "chunked, identity", "chunked, chunked"), more than one
// Transfer-Encoding field or an empty element in it ("chunked," or a second, empty field),
// Transfer-Encoding together
// with Content-Length, or a Content-Length repeated (even with one value, "5, 5") or not
// 1*DIGIT. The server answers 400 and closes: read with the wrong framing, the rest of the
// body would run as a second request (request smuggling).
enum class Framing { kOk, kAmbiguous };
Framing CheckRequestFraming(const std::vector<std::pair<std::string, std::string>>& headers);

// The boundary of a `multipart/form-data; boundary=...` Content-Type (quoted or not), or ""
// when the type is another one or the boundary is empty.
std::string MultipartBoundary(std::string_view content_type);

// The value of the first part of a multipart/form-data body when that part is the text field
// `name` (a Content-Disposition `form-data; name="<name>"` without a file name) and it ends
// within `prefix`, the body's first bytes; nullopt otherwise (another first part, a preamble
// before the first boundary, a part not complete in `prefix`). How the server finds the `_csrf`
// field a page's multipart form sends first, before the handler reads a byte (issue 15.14).
std::optional<std::string> FirstMultipartField(std::string_view content_type,
                                               std::string_view prefix, std::string_view name);

// JSON string escaping for the small error bodies the server writes itself.
std::string JsonEscape(std::string_view s);

}  // namespace host::http_text
