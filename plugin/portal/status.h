// plugin/portal/status.h — the ONE place a shared document's status is decided (PT8, SPEC §6):
// from its stored columns (category, decision, due date, amount due, payments) and today.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cd {

// The stored facts a status is computed from.
struct SharedFacts {
  std::string category;               // quote | order | invoice | report | other
  std::string decision_value;         // "" | "approved" | "refused"
  std::string due_on;                 // "YYYY-MM-DD" or ""
  std::optional<int64_t> amount_due;  // cents (invoices)
  int64_t paid = 0;                   // cents, sum of the payments
};

// The rules: a quote is validated or refused once decided, expired once due_on has passed
// without a decision (due_on < today), else to_validate. An order is signed or refused once
// decided, else to_sign. An invoice is paid once the payments reach the amount due, overdue
// when due_on has passed with money still due, else unpaid. Report and other: available.
// `today` is "YYYY-MM-DD" (UTC), given by the caller so a fixed clock drives it.
std::string SharedStatus(const SharedFacts& facts, std::string_view today);

// What is still owed on an invoice (amount due minus payments, never below 0); nullopt
// without an amount due.
std::optional<int64_t> AmountStillDue(const SharedFacts& facts);

}  // namespace cd
