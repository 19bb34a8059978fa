// plugin/review/state.h — the ONE place a document's state is decided (PT5, X1): missing,
// uploaded, pending, approved, rejected, expiring, expired; in C++ for one document and as SQL
// for the client list (column, filters), both from the same rules, tested against each other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host-api/hooks.h"
#include "plugin/model.h"

namespace cd {

// What staff decided, stored in cd_documents.review_state and kept up to date in the
// transaction that uploads (pending for a reviewed type, none otherwise) or reviews.
enum class ReviewState { kNone, kPending, kApproved, kRejected };
std::string_view ReviewStateName(ReviewState state);  // "none" | "pending" | ...
ReviewState ParseReviewState(std::string_view name);  // anything else: kNone

// The stored facts a document's state is computed from.
struct StateFacts {
  bool has_document = false;
  bool type_review = false;  // the type's `review` switch, now
  ReviewState review = ReviewState::kNone;
  std::string expires_on;  // "YYYY-MM-DD" or "" (no expiry)
  std::string warn_on;     // expires_on minus the type's expiry_warn_days, or ""
};

// The rules, in order: no document: missing. A reviewed type: pending (also a document
// stored before the type asked for review, review "none"), rejected, else approved. Then
// expiry for what is uploaded or approved: expired when expires_on < today, expiring from
// warn_on. `today` is "YYYY-MM-DD" (UTC), given by the caller so a fixed clock drives it.
DocumentStatus ComputeStatus(const StateFacts& facts, std::string_view today);

// The same rules as SQL over `d` (cd_documents, the row may be absent: LEFT JOIN or a probe)
// and `t` (cd_types): a condition true when a document is in `status` on `today` (params:
// `today` as many times as the SQL has "?"). `status` kMissing is "no row".
crm::SqlPredicate StatusCondition(DocumentStatus status, const std::string& today);
// The same rules over `d` alone, for one type whose review switch is known before the query
// (`review`): no row of cd_types per document, so a list probe is one index look-up of
// (client_id, type_id) and its row. A state the type cannot have is "1 = 0" (never). `status`
// kMissing is never too: it is no condition on a row.
crm::SqlPredicate TypeStatusCondition(DocumentStatus status, bool review, const std::string& today);
// True when the document counts as there for completeness and the gate: uploaded,
// approved or expiring (not pending, rejected or expired).
crm::SqlPredicate SatisfiedCondition(const std::string& today);
// The same for a row known to exist (inside EXISTS over `d`): without "d.id IS NOT NULL",
// which PostgreSQL can only test on the table row (the id is in no index of the probe).
crm::SqlPredicate SatisfiedRowCondition(const std::string& today);
bool IsSatisfied(DocumentStatus status);

// "YYYY-MM-DD" of Unix seconds (UTC), and `days` later or earlier ("" stays "").
std::string IsoDate(int64_t unix_seconds);
std::string AddDays(std::string_view iso_date, int days);

}  // namespace cd
