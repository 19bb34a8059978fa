// text/local_time.h — instants in the reader's format and the host's time zone (issue 15.14),
// shared by the host's pages and the module. The zone's offset comes from the host (ICU, host
// API 1.5 HostServices::UtcOffsetSeconds); these only format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crm::text {

// The calendar date of `unix_seconds` in a zone `utc_offset_seconds` from UTC, in the reader's
// format: "2026-12-31" in English, "31/12/2026" in French and Dutch.
std::string LocalDate(std::string_view language, int64_t unix_seconds, int32_t utc_offset_seconds);

// LocalDate plus the time of day and which zone it is: "31/12/2026 15:05 (Europe/Brussels)";
// "31/12/2026 14:05 UTC" when `zone` is "UTC" or empty.
std::string LocalDateTime(std::string_view language, int64_t unix_seconds,
                          int32_t utc_offset_seconds, std::string_view zone);

}  // namespace crm::text
