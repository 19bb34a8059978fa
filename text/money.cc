// text/money.cc — exact decimal arithmetic on whole cents, and calendar dates (text/money.h).
#include "text/money.h"

#include <cctype>

namespace crm::text {
namespace {

constexpr int64_t kMaxUnits = 999999999999;  // 12 digits before the point
constexpr std::string_view kNoBreakSpace = "\xC2\xA0";

// The digits of `units` with `separator` between groups of three.
std::string Grouped(int64_t units, std::string_view separator) {
  std::string digits = std::to_string(units);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += separator;
    out += digits[i];
  }
  return out;
}

}  // namespace

std::optional<int64_t> ParseAmountCents(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  size_t point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (whole.empty() || whole.size() > 12 || fraction.size() > 2 ||
      (point != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  int64_t units = 0, cents = 0;
  for (char ch : whole) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
    units = units * 10 + (ch - '0');
  }
  for (size_t i = 0; i < 2; ++i) {
    char ch = i < fraction.size() ? fraction[i] : '0';
    if (!std::isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
    cents = cents * 10 + (ch - '0');
  }
  if (units > kMaxUnits) return std::nullopt;
  int64_t total = units * 100 + cents;
  return negative ? -total : total;
}

std::string CentsToDecimal(int64_t cents) {
  bool negative = cents < 0;
  uint64_t abs = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  std::string frac = std::to_string(abs % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + frac;
}

std::string FormatMoney(int64_t cents, std::string_view language) {
  bool negative = cents < 0;
  uint64_t abs = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  auto units = static_cast<int64_t>(abs / 100);
  std::string frac = std::to_string(abs % 100);
  if (frac.size() < 2) frac = "0" + frac;
  std::string sign = negative ? "-" : "";
  if (language == "fr" || language == "nl") {
    return sign + Grouped(units, kNoBreakSpace) + "," + frac + std::string(kNoBreakSpace) + "€";
  }
  return sign + "€" + Grouped(units, ",") + "." + frac;
}

std::string FormatCount(int64_t n, std::string_view language) {
  bool negative = n < 0;
  uint64_t abs = negative ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  std::string_view separator = language == "fr" ? kNoBreakSpace : language == "nl" ? "." : ",";
  return (negative ? "-" : "") + Grouped(static_cast<int64_t>(abs), separator);
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = std::stoi(std::string(s.substr(5, 2)));
  int d = std::stoi(std::string(s.substr(8, 2)));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace crm::text
