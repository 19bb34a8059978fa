// plugin/portal/status.cc — SharedStatus (status.h).
#include "plugin/portal/status.h"

namespace cd {

std::optional<int64_t> AmountStillDue(const SharedFacts& f) {
  if (!f.amount_due) return std::nullopt;
  return *f.amount_due > f.paid ? *f.amount_due - f.paid : 0;
}

std::string SharedStatus(const SharedFacts& f, std::string_view today) {
  const bool passed = !f.due_on.empty() && f.due_on < today;
  if (f.category == "quote") {
    if (f.decision_value == "approved") return "validated";
    if (f.decision_value == "refused") return "refused";
    return passed ? "expired" : "to_validate";
  }
  if (f.category == "order") {
    if (f.decision_value == "approved") return "signed";
    if (f.decision_value == "refused") return "refused";
    return "to_sign";
  }
  if (f.category == "invoice") {
    std::optional<int64_t> left = AmountStillDue(f);
    if (left && *left == 0) return "paid";
    return passed ? "overdue" : "unpaid";
  }
  return "available";
}

}  // namespace cd
