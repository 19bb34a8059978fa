// sample-host/web/html.h — small text helpers the pages share: HTML escaping for fragments built
// in C++, URL encoding for links built from user input, and the local-path check for `next`
// parameters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sample-host/core/time_zone.h"
#include "text/text.h"

namespace host::web {

// Escaping (& < > " '), percent-encoding of one URL component and id parsing (positive ids
// only, nullopt otherwise) are the shared ones of text/text.h.
using crm::text::EscapeHtml;
using crm::text::ParseId;
using crm::text::PercentEncode;

// "a=1&b=x%20y" from pairs, each side percent-encoded.
std::string BuildQuery(const std::vector<std::pair<std::string, std::string>>& params);

// True for a path on this site ("/admin/clients?x=1"), false for anything a browser could
// take to another origin ("//evil", "/\\evil", "https://...", control characters). Used
// before redirecting to a caller-supplied `next`, to avoid an open redirect.
bool IsSafeLocalPath(std::string_view path);

// An instant in the reader's format and the host's time zone (issue 15.14):
// "2026-11-22 11:53 (Europe/Brussels)", "22/11/2026 10:53 UTC"; empty for 0.
std::string FormatTime(int64_t unix_seconds, std::string_view language, const HostTimeZone& zone);
// The calendar date of an instant in the host's time zone, in the reader's format; empty for 0.
std::string FormatDay(int64_t unix_seconds, std::string_view language, const HostTimeZone& zone);

// Unix seconds at 00:00 UTC of a "YYYY-MM-DD" date, or -1 when it is not one.
int64_t ParseDate(std::string_view date);

}  // namespace host::web
