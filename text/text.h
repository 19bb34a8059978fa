// text/text.h — small text helpers shared by sample-host and the module (outside the
// host-api contract): trimming, case, id parsing, escaping, percent-encoding, languages.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace crm::text {

// Removes spaces and tabs (and, with TrimAll, CR, LF, VT, FF too) at both ends.
std::string_view Trim(std::string_view s);
std::string_view TrimAll(std::string_view s);

// ASCII lower case; other bytes (UTF-8 included) are kept as they are.
std::string ToLowerAscii(std::string_view s);
bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b);

// A positive database id written in decimal digits only (no sign, no spaces, at most 18
// digits so it never overflows int64): "12" -> 12; "", "0", "-3", "1e3", "007x" -> nullopt.
std::optional<int64_t> ParseId(std::string_view s);
std::optional<int64_t> ParseId(const std::optional<std::string>& s);  // nullopt stays nullopt
inline std::optional<int64_t> ParseId(const char* s) { return ParseId(std::string_view(s)); }

// HTML text and attribute escaping: & < > " ' become entities.
std::string EscapeHtml(std::string_view s);

// RFC 3986 percent-encoding of everything but the unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string PercentEncode(std::string_view s);
// Strict decoding: nullopt for a '%' not followed by two hex digits. With plus_is_space,
// '+' becomes ' ' (forms and query strings).
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);
// Lenient decoding for queries and forms: '+' is a space and a bad escape stays as typed.
std::string PercentDecodeLenient(std::string_view s);

// The best of crm::kLanguages offered by an Accept-Language header ("fr-BE,fr;q=0.9,en;q=0.5"):
// highest q wins, ties keep the header's order, q=0 is never chosen; empty when none fits.
std::string BestAcceptLanguage(std::string_view header);

// RFC 4648 base64 with padding ("A-Z a-z 0-9 + /", "=").
std::string Base64Encode(std::string_view bytes);
// Strict decoding of Base64Encode's alphabet: nullopt for a length that is not a multiple of
// 4, a byte outside the alphabet, misplaced padding or non-zero pad bits ("" decodes to "").
std::optional<std::string> Base64Decode(std::string_view text);
// The first character of `word` as an initial: its whole UTF-8 sequence (never half of it), in
// upper case for ASCII, Latin-1, Latin Extended-A and basic Cyrillic letters ("élise" -> "É",
// "łukasz" -> "Ł"), as it is for other letters; "" when `word` starts with neither a letter nor a
// digit (space, punctuation, invalid UTF-8).
std::string UpperInitial(std::string_view word);
// `text` with each "{name}" replaced by its value (plain text in, plain text out).
std::string FillPlaceholders(
    std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values);

// A "YYYY-MM-DD" date in the reader's format: as it is in English, "31/12/2026" in French and
// Dutch (issue 11); anything that is not such a date comes back as it is.
std::string LocalIsoDate(std::string_view language, std::string_view iso_date);

}  // namespace crm::text
