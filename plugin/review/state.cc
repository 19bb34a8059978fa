// plugin/review/state.cc — the state rules of state.h, in C++ and as SQL.
#include "plugin/review/state.h"

#include <cstdio>
#include <ctime>

namespace cd {

std::string_view ReviewStateName(ReviewState state) {
  switch (state) {
    case ReviewState::kPending:
      return "pending";
    case ReviewState::kApproved:
      return "approved";
    case ReviewState::kRejected:
      return "rejected";
    case ReviewState::kNone:
      break;
  }
  return "none";
}

ReviewState ParseReviewState(std::string_view name) {
  if (name == "pending") return ReviewState::kPending;
  if (name == "approved") return ReviewState::kApproved;
  if (name == "rejected") return ReviewState::kRejected;
  return ReviewState::kNone;
}

DocumentStatus ComputeStatus(const StateFacts& f, std::string_view today) {
  if (!f.has_document) return DocumentStatus::kMissing;
  DocumentStatus base = DocumentStatus::kUploaded;
  if (f.type_review) {
    if (f.review == ReviewState::kRejected) return DocumentStatus::kRejected;
    if (f.review != ReviewState::kApproved) return DocumentStatus::kPending;
    base = DocumentStatus::kApproved;
  }
  if (!f.expires_on.empty() && f.expires_on < today) return DocumentStatus::kExpired;
  if (!f.warn_on.empty() && f.warn_on <= today) return DocumentStatus::kExpiring;
  return base;
}

namespace {

// The SQL twins of ComputeStatus's steps (d may be a missing row: d.id IS NULL).
constexpr char kHas[] = "d.id IS NOT NULL";
constexpr char kPending[] = "(t.review = 1 AND d.review_state NOT IN ('approved', 'rejected'))";
constexpr char kRejected[] = "(t.review = 1 AND d.review_state = 'rejected')";
constexpr char kAccepted[] = "(t.review = 0 OR d.review_state = 'approved')";
constexpr char kExpired[] = "(d.expires_on IS NOT NULL AND d.expires_on < ?)";
constexpr char kWarned[] = "(d.warn_on IS NOT NULL AND d.warn_on <= ?)";

}  // namespace

crm::SqlPredicate StatusCondition(DocumentStatus status, const std::string& today) {
  const std::string has = kHas;
  const std::string accepted = has + " AND " + kAccepted;
  const std::string not_expired = " AND NOT " + std::string(kExpired);
  switch (status) {
    case DocumentStatus::kMissing:
      return {"d.id IS NULL", {}};
    case DocumentStatus::kPending:
      return {"(" + has + " AND " + kPending + ")", {}};
    case DocumentStatus::kRejected:
      return {"(" + has + " AND " + kRejected + ")", {}};
    case DocumentStatus::kExpired:
      return {"(" + accepted + " AND " + kExpired + ")", {today}};
    case DocumentStatus::kExpiring:
      return {"(" + accepted + not_expired + " AND " + kWarned + ")", {today, today}};
    case DocumentStatus::kApproved:
      return {"(" + has + " AND t.review = 1 AND d.review_state = 'approved'" + not_expired +
                  " AND NOT " + kWarned + ")",
              {today, today}};
    case DocumentStatus::kUploaded:
      break;
  }
  return {"(" + has + " AND t.review = 0" + not_expired + " AND NOT " + kWarned + ")",
          {today, today}};
}

crm::SqlPredicate TypeStatusCondition(DocumentStatus status, bool review,
                                      const std::string& today) {
  const crm::SqlPredicate never{"1 = 0", {}};  // both dialects (PostgreSQL has no integer truth)
  const std::string undated = std::string(" AND NOT ") + kExpired + " AND NOT " + kWarned;
  // What may expire: every document of a type without review, the approved ones with it.
  const std::string accepted = review ? "d.review_state = 'approved' AND " : "";
  switch (status) {
    case DocumentStatus::kMissing:
      return never;
    case DocumentStatus::kPending:
      if (!review) return never;
      return {"d.review_state NOT IN ('approved', 'rejected')", {}};
    case DocumentStatus::kRejected:
      if (!review) return never;
      return {"d.review_state = 'rejected'", {}};
    case DocumentStatus::kApproved:
      if (!review) return never;
      return {"(d.review_state = 'approved'" + undated + ")", {today, today}};
    case DocumentStatus::kUploaded:
      if (review) return never;
      return {"(" + undated.substr(5) + ")", {today, today}};
    case DocumentStatus::kExpired:
      return {"(" + accepted + kExpired + ")", {today}};
    case DocumentStatus::kExpiring:
      return {"(" + accepted + "NOT " + kExpired + " AND " + kWarned + ")", {today, today}};
  }
  return never;
}

crm::SqlPredicate SatisfiedCondition(const std::string& today) {
  crm::SqlPredicate row = SatisfiedRowCondition(today);
  return {"(" + std::string(kHas) + " AND " + row.sql + ")", row.params};
}

crm::SqlPredicate SatisfiedRowCondition(const std::string& today) {
  return {"(" + std::string(kAccepted) + " AND NOT " + kExpired + ")", {today}};
}

bool IsSatisfied(DocumentStatus status) {
  return status == DocumentStatus::kUploaded || status == DocumentStatus::kApproved ||
         status == DocumentStatus::kExpiring;
}

std::string IsoDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string AddDays(std::string_view iso_date, int days) {
  int y = 0, m = 0, d = 0;
  if (iso_date.size() != 10 ||
      std::sscanf(std::string(iso_date).c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
    return "";
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return IsoDate(static_cast<int64_t>(timegm(&tm)) + static_cast<int64_t>(days) * 86400);
}

}  // namespace cd
