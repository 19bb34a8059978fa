// plugin/attestations/request_page.cc — HTML of the client's attestation page; every value is
// escaped; texts in the client's language.
#include "plugin/attestations/request_page.h"

#include <ctime>

#include "text/text.h"

namespace cd::attestations {
namespace {

using crm::text::EscapeHtml;

std::string T(crm::HostServices& host, const crm::Request& req, std::string_view key) {
  return EscapeHtml(
      host.Translate(req.Caller().language, "client-documents.attestations." + std::string(key)));
}

// A refused request in the client's words: the eligibility reason (already translated), a
// field named by its label ("values.<key>: required (label: <label>)"), else a general sentence.
std::string RefusalText(crm::HostServices& host, const crm::Request& req, const crm::Status& s) {
  const std::string& lang = req.Caller().language;
  if (s.code() == crm::StatusCode::kConflict) return s.message();
  if (s.code() == crm::StatusCode::kUnavailable)
    return host.Translate(lang, "client-documents.attestations.retry");
  const std::string& m = s.message();
  size_t label = m.find(" (label: ");
  if (m.rfind("values.", 0) == 0 && label != std::string::npos && m.back() == ')') {
    bool too_long = m.find(": too long") != std::string::npos;
    std::string text =
        host.Translate(lang, too_long ? "client-documents.attestations.field_too_long"
                                      : "client-documents.attestations.field_required");
    std::string field = m.substr(label + 9, m.size() - label - 10);
    size_t at = text.find("{field}");
    return at == std::string::npos ? text + " " + field : text.replace(at, 7, field);
  }
  return host.Translate(lang, "client-documents.attestations.request_invalid");
}

std::string TodayIso(int64_t now) {
  time_t t = static_cast<time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string Fields(const std::vector<Template>& templates) {
  std::string h;
  std::vector<std::string> seen;
  for (const auto& t : templates) {
    for (const auto& p : t.placeholders) {
      if (p.known || std::find(seen.begin(), seen.end(), p.key) != seen.end()) continue;
      seen.push_back(p.key);
      h += "<label>" + EscapeHtml(p.label.empty() ? p.key : p.label) + (p.required ? " *" : "") +
           "<input type=\"text\" name=\"value." + EscapeHtml(p.key) + "\" value=\"" +
           EscapeHtml(p.default_value) + "\"" + (p.required ? " required" : "") + "></label>";
    }
  }
  return h;
}

std::string Choices(crm::HostServices& host, const crm::Request& req,
                    const std::vector<Template>& templates, const crm::ContractDetail& d) {
  std::string h;
  bool beneficiary_templates = false;
  for (const auto& t : templates) beneficiary_templates |= t.entity == "beneficiary";
  if (beneficiary_templates && !d.beneficiaries.empty()) {
    h += "<label>" + T(host, req, "beneficiary") +
         "<select name=\"beneficiary_id\"><option value=\"\">" + T(host, req, "whole_contract") +
         "</option>";
    for (const auto& b : d.beneficiaries) {
      h += "<option value=\"" + std::to_string(b.id) + "\">" + EscapeHtml(b.label) + "</option>";
    }
    h += "</select></label>";
  }
  if (templates.size() == 1) {
    return h + "<input type=\"hidden\" name=\"template_id\" value=\"" +
           std::to_string(templates[0].id) + "\">";
  }
  h += "<fieldset><legend>" + T(host, req, "choose_template") + "</legend>";
  for (size_t i = 0; i < templates.size(); ++i) {
    const Template& t = templates[i];
    h += "<label><input type=\"radio\" name=\"template_id\" value=\"" + std::to_string(t.id) +
         "\"" + (i == 0 ? " checked" : "") + "> " + EscapeHtml(t.title.empty() ? t.name : t.title) +
         "</label>";
  }
  return h + "</fieldset>";
}

std::string History(crm::HostServices& host, const crm::Request& req,
                    const std::vector<Attestation>& list) {
  if (list.empty()) return "";
  std::string h = "<h2>" + T(host, req, "mine") + "</h2><ul class=\"attestations\">";
  for (const auto& a : list) {
    h += "<li>";
    if (a.status == "shared") {
      h += "<a href=\"/account/attestations/" + std::to_string(a.id) + "/pdf\">" +
           EscapeHtml(a.file_name) + "</a>";
    } else {
      h += T(host, req, a.status == "refused" ? "refused" : "sent_for_processing");
    }
    h += "</li>";
  }
  return h + "</ul>";
}

}  // namespace

crm::Status ShowRequestPage(AttestationService& service, crm::HostServices& host, crm::Request& req,
                            crm::Response& res) {
  std::optional<int64_t> contract_id = crm::text::ParseId(req.PathParam("contract_id"));
  if (!contract_id) return crm::NotFound("no such contract");
  const int64_t client_id = req.Caller().client_id;  // from the session only
  CRM_ASSIGN_OR_RETURN(crm::ContractDetail d,
                       service.ClientContract(req.Caller(), client_id, *contract_id));
  CRM_ASSIGN_OR_RETURN(auto templates,
                       service.TemplatesForContract(req.Caller(), client_id, *contract_id));
  CRM_ASSIGN_OR_RETURN(auto history,
                       service.ListForContract(req.Caller(), client_id, *contract_id));
  std::string body = "<p><a href=\"/account/contracts\">←</a> " +
                     EscapeHtml(d.contract.product_name + " — " + d.contract.number) + "</p>";
  bool prior = false;
  for (const auto& t : templates) prior |= t.validation == "prior";
  auto reason = IneligibleReason(d, TodayIso(host.NowUnix()));
  if (templates.empty()) {
    body += "<p>" + T(host, req, "none_offered") + "</p>";
  } else if (reason && !prior) {
    body += "<p class=\"notice\">" + EscapeHtml(host.Translate(req.Caller().language, *reason)) +
            "</p>";
  } else {
    body += "<form class=\"attestation-request\" method=\"post\" action=\"/account/contracts/" +
            std::to_string(*contract_id) +
            "/attestations\"><input type=\"hidden\" name=\"_csrf\" value=\"" +
            EscapeHtml(req.Caller().csrf_token) + "\">" + Choices(host, req, templates, d) +
            Fields(templates) + "<button type=\"submit\">" + T(host, req, "send") +
            "</button></form>";
  }
  body += History(host, req, history);
  return res.SendPage(
      {crm::PageReply::Layout::kAccount,
       host.Translate(req.Caller().language, "client-documents.attestations.request_title"),
       "<div class=\"attestation-page\">" + body + "</div>", 200});
}

crm::Status ShowClientAttestationsPage(AttestationService& service, crm::Request& req,
                                       crm::Response& res) {
  crm::HostServices& host = service.host();
  const int64_t client_id = req.Caller().client_id;  // from the session only
  CRM_ASSIGN_OR_RETURN(auto templates, service.ClientTemplates(req.Caller(), client_id));
  CRM_ASSIGN_OR_RETURN(auto history, service.ListForClient(req.Caller(), client_id));
  std::string body;
  if (templates.empty()) {
    body += "<p>" + T(host, req, "none_for_client") + "</p>";
  } else {
    body +=
        "<form class=\"attestation-request\" method=\"post\" "
        "action=\"/account/attestations\"><input type=\"hidden\" name=\"_csrf\" value=\"" +
        EscapeHtml(req.Caller().csrf_token) + "\">" +
        Choices(host, req, templates, crm::ContractDetail{}) + Fields(templates) +
        "<button type=\"submit\">" + T(host, req, "send") + "</button></form>";
  }
  body += History(host, req, history);
  return res.SendPage(
      {crm::PageReply::Layout::kAccount,
       host.Translate(req.Caller().language, "client-documents.attestations.client_title"),
       "<div class=\"attestation-page\">" + body + "</div>", 200});
}

crm::Status SendRequestOutcomePage(crm::HostServices& host, const crm::Request& req,
                                   const crm::Result<Attestation>& outcome, crm::Response& res) {
  std::optional<std::string> contract = req.PathParam("contract_id");
  std::string back = "<p><a href=\"" +
                     (contract ? "/account/contracts/" + EscapeHtml(*contract) + "/attestation"
                               : std::string("/account/attestations")) +
                     "\">←</a></p>";
  std::string body;
  int status = 200;
  if (outcome.ok() && outcome->status == "shared") {
    body = "<p class=\"success\">" + T(host, req, "ready") +
           "</p><p><a class=\"button\" href=\"/account/attestations/" +
           std::to_string(outcome->id) + "/pdf\">" + T(host, req, "download") + "</a></p>";
  } else if (outcome.ok()) {
    body = "<p class=\"success\">" + T(host, req, "sent_for_processing") + "</p>";
  } else {
    status = outcome.status().http_status();
    std::string msg = EscapeHtml(RefusalText(host, req, outcome.status()));
    body = "<p class=\"error\">" + msg + "</p>";
  }
  return res.SendPage(
      {crm::PageReply::Layout::kAccount,
       host.Translate(req.Caller().language, "client-documents.attestations.request_title"),
       "<div class=\"attestation-page\">" + body + back + "</div>", status});
}

namespace {

std::string DecisionForms(crm::HostServices& host, const crm::Request& req, const Attestation& a) {
  std::string action =
      "/admin/plugins/client-documents/attestations/" + std::to_string(a.id) + "/decision";
  std::string csrf = "<input type=\"hidden\" name=\"_csrf\" value=\"" +
                     EscapeHtml(req.Caller().csrf_token) + "\">";
  return "<form method=\"post\" action=\"" + action + "\">" + csrf +
         "<input type=\"hidden\" name=\"decision\" value=\"validate\"><button type=\"submit\">" +
         T(host, req, "validate") + "</button></form><form method=\"post\" action=\"" + action +
         "\">" + csrf + "<input type=\"hidden\" name=\"decision\" value=\"refuse\"><label>" +
         T(host, req, "reason") +
         " <input type=\"text\" name=\"reason\" required></label><button type=\"submit\">" +
         T(host, req, "refuse") + "</button></form>";
}

}  // namespace

crm::Status ShowValidationPage(AttestationService& service, crm::Request& req, crm::Response& res) {
  crm::HostServices& host = service.host();
  CRM_ASSIGN_OR_RETURN(auto list, service.List(req.Caller(), ""));
  std::string rows;
  for (const auto& a : list) {
    rows += "<tr data-attestation-id=\"" + std::to_string(a.id) + "\"><td>#" +
            std::to_string(a.id) + "</td><td><a href=\"/admin/clients/" +
            std::to_string(a.client_id) + "\">" + std::to_string(a.client_id) + "</a></td><td>" +
            EscapeHtml(a.status) + "</td><td>";
    if (!a.storage_key.empty()) {
      rows += "<a href=\"" + std::string(kAttestationPdfPath) + std::to_string(a.id) + "/pdf\">" +
              EscapeHtml(a.file_name) + "</a>";
    } else {
      rows += EscapeHtml(a.decided_by + " — " + a.reason) + " <code>" +
              EscapeHtml(a.sha256.substr(0, 12)) + "</code>";
    }
    rows += "</td><td>" + (a.status == "awaiting_validation" ? DecisionForms(host, req, a) : "") +
            "</td></tr>";
  }
  std::string body =
      rows.empty() ? "<p>—</p>"
                   : "<table class=\"table attestations\"><tbody>" + rows + "</tbody></table>";
  return res.SendPage(
      {crm::PageReply::Layout::kAdmin,
       host.Translate(req.Caller().language, "client-documents.attestations.admin_title"), body,
       200});
}

crm::Status DecideFromPage(AttestationService& service, crm::Request& req, crm::Response& res) {
  std::optional<int64_t> id = crm::text::ParseId(req.PathParam("id"));
  if (!id) return crm::NotFound("no such attestation");
  CRM_RETURN_IF_ERROR(service
                          .Decide(req.Caller(), *id, req.FormValue("decision").value_or(""),
                                  req.FormValue("reason").value_or(""))
                          .status());
  return res.Redirect("/admin/plugins/client-documents/attestations");
}

}  // namespace cd::attestations
