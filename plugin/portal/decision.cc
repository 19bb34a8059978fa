// plugin/portal/decision.cc — DecideShared (use_cases.h): a client's (or a link contact's)
// approval or refusal of a shared document, stored, journaled, put in the host's history and
// mailed to the settings' notify_email.
#include "plugin/access.h"
#include "plugin/journal/journal.h"
#include "plugin/portal/shared_store.h"
#include "plugin/portal/use_cases.h"
#include "plugin/review/state.h"
#include "text/text.h"

namespace cd {
namespace {

crm::Result<std::string> CheckedDecision(const std::string& decision, const std::string& reason) {
  if (decision != "approve" && decision != "refuse")
    return crm::Unprocessable("decision: approve or refuse");
  std::string text(crm::text::TrimAll(reason));
  if (decision == "refuse" && text.empty()) return crm::Unprocessable("reason: required to refuse");
  if (text.size() > kMaxDecisionReasonBytes)
    return crm::Unprocessable("reason: at most " + std::to_string(kMaxDecisionReasonBytes) +
                              " bytes");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
      return crm::Unprocessable("reason: control characters are not allowed");
  }
  return text;
}

crm::Status CheckDecidable(const SharedDocument& doc) {
  if (!doc.decision_required) return crm::Conflict("this document asks no decision");
  if (!doc.decision_value.empty()) return crm::Conflict("this document is already decided");
  if (doc.status == "expired") return crm::Conflict("this quote has expired");
  return crm::Status::Ok();
}

// Staff learn of the decision by mail (best effort: the decision stands without it), in the
// firm's language (settings.firm_language).
void MailDecision(Services& sv, const SharedDocument& doc, const std::string& value,
                  const std::string& reason) {
  crm::Result<Settings> settings = sv.settings().Get();
  if (!settings.ok() || settings->notify_email.empty()) return;
  crm::Result<crm::ClientInfo> client = sv.host().FindClient(doc.client_id);
  crm::HostServices& host = sv.host();
  const std::string& lang = settings->firm_language;
  const std::string key = "client-documents.portal.mail_decided_";
  std::string text = host.Translate(lang, key + value) + "\n\n" + doc.title + "\n";
  if (!reason.empty()) text += host.Translate(lang, key + "reason") + " " + reason + "\n";
  text +=
      "\n" + host.BaseUrl() + "/admin/clients/" + std::to_string(doc.client_id) + "/tabs/portal\n";
  if (!settings->firm_name.empty()) text += "\n-- \n" + settings->firm_name + "\n";
  std::string subject = host.Translate(lang, key + "subject");
  if (client.ok()) subject += " " + client->DisplayName();
  crm::Status s = host.SendMail(crm::MailMessage{settings->notify_email, subject, text});
  if (!s.ok()) host.Log(crm::LogLevel::kWarning, "decision mail not sent: " + s.ToString());
}

}  // namespace

crm::Result<SharedDocument> DecideShared(Services& sv, const crm::Principal& actor,
                                         int64_t client_id, int64_t shared_id,
                                         const std::string& decision, const std::string& reason) {
  if (!actor.IsClient()) return crm::PermissionDenied("only the client decides");
  CRM_ASSIGN_OR_RETURN(SharedDocument doc, GetShared(sv, actor, client_id, shared_id));
  CRM_ASSIGN_OR_RETURN(std::string text, CheckedDecision(decision, reason));
  CRM_RETURN_IF_ERROR(CheckDecidable(doc));
  const std::string value = decision == "approve" ? "approved" : "refused";
  const int64_t now = sv.host().NowUnix();
  std::string by = actor.display_name;
  if (by.empty()) {
    crm::Result<crm::ClientInfo> c = sv.host().FindClient(client_id);
    by = c.ok() ? c->DisplayName() : ActorLabel(actor);
  }
  CRM_RETURN_IF_ERROR(sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    // Only an undecided row changes: a second decision at the same moment finds none.
    CRM_ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE cd_shared SET decision_value = ?,"
                                            " decision_reason = ?, decision_by = ?,"
                                            " decision_at = ? WHERE id = ? AND client_id = ?"
                                            " AND decision_value IS NULL",
                                            {value, text, by, now, shared_id, client_id}));
    if (n != 1) return crm::Conflict("this document is already decided");
    return Journal::Append(tx, now, actor,
                           {"decided", client_id, "shared:" + std::to_string(shared_id), value});
  }));
  crm::Status t = sv.host().AddTimeline(
      {client_id, "client-documents.decided",
       (value == "approved" ? "Shared document approved: " : "Shared document refused: ") +
           doc.title,
       text, ActorLabel(actor)});
  if (!t.ok()) sv.host().Log(crm::LogLevel::kWarning, "timeline: " + t.ToString());
  MailDecision(sv, doc, value, text);
  return LoadOneShared(sv.host().Db(), client_id, shared_id, IsoDate(now));
}

}  // namespace cd
