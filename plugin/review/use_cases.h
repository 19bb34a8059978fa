// plugin/review/use_cases.h — staff's review of a client's document (PT5) and the review queue,
// each as one function every route calls (API, admin tab, queue page).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/model.h"
#include "plugin/review/review_store.h"
#include "plugin/services.h"

namespace cd {

inline constexpr size_t kMaxReasonBytes = 2000;

// What staff decide: "approve" or "reject" (with a reason the client reads).
struct ReviewDecision {
  std::string decision;
  std::string reason;
};

// Rules, in order: the type exists (kNotFound); a client or a link never reviews (kNotFound:
// no hint); staff need documents.write, a token documents:write too (kPermissionDenied); the
// client exists (kNotFound); the decision is approve|reject (kUnprocessable); a reject has a
// reason of at most kMaxReasonBytes, no control characters but line breaks (kUnprocessable);
// the document is pending (kConflict). Then, in one transaction, the decision is stored and
// journaled (approved / rejected); the timeline gets an entry. Returns the document now.
crm::Result<ClientDocument> ReviewDocument(Services& services, const crm::Principal& actor,
                                           int64_t client_id, int64_t type_id,
                                           const ReviewDecision& decision);

// Pending documents of every client, oldest first (staff with documents.read, tokens with
// documents:read); at most `limit`.
crm::Result<std::vector<QueueItem>> ListReviewQueue(Services& services, const crm::Principal& actor,
                                                    int limit);

}  // namespace cd
