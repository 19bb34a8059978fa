// plugin/review/use_cases.cc — ReviewDocument and the review queue (use_cases.h).
#include "plugin/review/use_cases.h"

#include "plugin/access.h"
#include "plugin/journal/journal.h"
#include "plugin/journal/use_cases.h"
#include "plugin/review/state.h"
#include "plugin/timeline_text.h"
#include "text/text.h"

namespace cd {
namespace {

// Who may review: staff or a token allowed to write documents; anyone else learns nothing.
crm::Status CheckReview(const crm::Principal& actor, int64_t client_id, const DocumentType& type) {
  if (!actor.IsAdmin() && !actor.IsToken()) return crm::NotFound("no such document");
  return CheckWrite(actor, client_id, type);
}

crm::Result<std::string> CheckedReason(const ReviewDecision& d) {
  if (d.decision != "approve" && d.decision != "reject")
    return crm::Unprocessable("decision: approve or reject");
  std::string reason(crm::text::TrimAll(d.reason));
  if (d.decision == "reject" && reason.empty())
    return crm::Unprocessable("reason: required to reject");
  if (reason.size() > kMaxReasonBytes)
    return crm::Unprocessable("reason: at most " + std::to_string(kMaxReasonBytes) + " bytes");
  for (char c : reason) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
      return crm::Unprocessable("reason: control characters are not allowed");
  }
  return reason;
}

}  // namespace

crm::Result<ClientDocument> ReviewDocument(Services& services, const crm::Principal& actor,
                                           int64_t client_id, int64_t type_id,
                                           const ReviewDecision& decision) {
  CRM_ASSIGN_OR_RETURN(DocumentType type, services.types().Get(type_id));
  CRM_RETURN_IF_ERROR(CheckReview(actor, client_id, type));
  CRM_RETURN_IF_ERROR(services.host().FindClient(client_id).status());
  CRM_ASSIGN_OR_RETURN(std::string reason, CheckedReason(decision));
  CRM_ASSIGN_OR_RETURN(ClientDocument doc, services.documents().Get(actor, client_id, type_id));
  if (doc.status != DocumentStatus::kPending)
    return crm::Conflict("the document is not pending review (status " +
                         std::string(DocumentStatusName(doc.status)) + ")");

  const bool approve = decision.decision == "approve";
  const int64_t now = services.host().NowUnix();
  ReviewInfo info{approve ? "approved" : "rejected", approve ? "" : reason, ActorLabel(actor), now};
  CRM_RETURN_IF_ERROR(services.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(WriteDecision(tx, type, client_id, info));
    return Journal::Append(tx, now, actor, {info.state, client_id, DocumentObject(type_id), ""});
  }));
  crm::TimelineEntry entry{client_id, "client-documents.review",
                           TimelineMessage(approve ? "client-documents.timeline.approved"
                                                   : "client-documents.timeline.rejected",
                                           type.name),
                           approve ? "" : reason, info.by};
  crm::Status t = services.host().AddTimeline(entry);
  if (!t.ok()) services.host().Log(crm::LogLevel::kWarning, "timeline: " + t.ToString());
  return services.documents().Get(actor, client_id, type_id);
}

crm::Result<std::vector<QueueItem>> ListReviewQueue(Services& services, const crm::Principal& actor,
                                                    int limit) {
  CRM_RETURN_IF_ERROR(CheckJournalRead(actor));  // staff and tokens that read documents
  return PendingQueue(services.host().Db(), limit);
}

}  // namespace cd
