// sample-host/app/csv.h — RFC 4180 CSV: a writer (quoting, `;` or `,`, optional UTF-8 BOM for
// Excel, formula-injection guard) and a reader (separator auto-detection, BOM, quoted fields
// spanning lines).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/status.h"

namespace host::csv {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One field as RFC 4180 writes it: quoted (with doubled quotes) when it holds the
// separator, a quote, CR or LF, or leading/trailing spaces. A field that a spreadsheet
// would run as a formula (starts with =, @, tab, CR, or +/- followed by more than a
// number) gets a leading apostrophe; the reader removes it again (Unguard).
std::string Field(std::string_view value, char separator);

// A whole record: fields joined by `separator`, ended by CRLF.
std::string Row(const std::vector<std::string>& fields, char separator);

// Undoes Field's formula guard: "'=1+2" -> "=1+2"; other values unchanged.
std::string Unguard(std::string_view value);

struct Record {
  int64_t line = 0;  // 1-based line of the text where the record starts
  std::vector<std::string> fields;
};

// The separator of a CSV text: ';' or ',' (whichever occurs more often outside quotes
// on the first record), ',' when neither occurs.
char DetectSeparator(std::string_view text);

// Parses a whole CSV text (a leading UTF-8 BOM is skipped). `separator` 0: detect it.
// Accepts CRLF and LF line ends and quoted fields holding separators, quotes and
// newlines. kInvalidArgument, naming the line, for a quote that is never closed or
// text after a closing quote; embedded NUL bytes are refused too. Blank lines are
// skipped. Fields are not unguarded (see Unguard).
crm::Result<std::vector<Record>> Parse(std::string_view text, char separator = 0);

}  // namespace host::csv
