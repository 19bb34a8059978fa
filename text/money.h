// text/money.h — amounts of money as whole cents (never floating point): parsing the API's
// decimal strings ("1234.50"), writing them back, and showing them in the reader's format
// (SPEC H12: "1 234,50 €" in French and Dutch, "€1,234.50" in English); calendar dates. Shared by
// sample-host (app/money.h re-exports it) and the module (the portal's amounts due, payments).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::text {

// "100", "100.5", "100.50", "-12.00" (a refund) -> cents; nullopt for anything else (more
// than two decimals, a comma, an exponent, spaces, over 999,999,999,999.99).
std::optional<int64_t> ParseAmountCents(std::string_view text);

// 123450 -> "1234.50"; -5 -> "-0.05".
std::string CentsToDecimal(int64_t cents);

// The amount in euros in `language`'s format: "fr"/"nl" "1 234,50 €" (no-break spaces),
// anything else "€1,234.50".
std::string FormatMoney(int64_t cents, std::string_view language);

// A whole number in `language`'s format: "en" 10,000; "fr" 10 000 (no-break space); "nl" 10.000.
std::string FormatCount(int64_t n, std::string_view language);

// "YYYY-MM-DD" naming a real calendar day (leap years included).
bool IsIsoDate(std::string_view s);

}  // namespace crm::text
