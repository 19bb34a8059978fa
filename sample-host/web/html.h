// sample-host/web/html.h — small text helpers the pages share: HTML escaping for fragments built
// in C++, URL encoding for links built from user input, and the local-path check for `next` parameters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace host::web {

// Escapes & < > " ' so that `text` is safe inside element content and quoted attributes.
std::string EscapeHtml(std::string_view text);

// Percent-encodes everything but unreserved characters (RFC 3986), for one query value.
std::string UrlEncode(std::string_view text);

// "a=1&b=x%20y" from pairs, each side URL-encoded.
std::string BuildQuery(const std::vector<std::pair<std::string, std::string>>& params);

// True for a path on this site ("/admin/clients?x=1"), false for anything a browser could
// take to another origin ("//evil", "/\\evil", "https://...", control characters). Used
// before redirecting to a caller-supplied `next`, to avoid an open redirect.
bool IsSafeLocalPath(std::string_view path);

// Parses a positive decimal id ("12"); 0 when `text` is not one (ids from URLs are never trusted).
int64_t ParseId(std::string_view text);

// "2026-11-22 10:53" (UTC) from Unix seconds; empty for 0.
std::string FormatTime(int64_t unix_seconds);

// Unix seconds at 00:00 UTC of a "YYYY-MM-DD" date, or -1 when it is not one.
int64_t ParseDate(std::string_view date);

}  // namespace host::web
