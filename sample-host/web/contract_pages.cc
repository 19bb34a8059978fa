// sample-host/web/contract_pages.cc — contract and task pages: HTML built with every value
// escaped, texts from the translations registered here.
#include "sample-host/web/contract_pages.h"

#include "sample-host/core/logger.h"
#include "sample-host/web/html.h"
#include "text/text.h"

namespace host::web {
namespace {

using crm::text::EscapeHtml;

struct Text {
  const char* key;
  const char* en;
  const char* fr;
  const char* nl;
};
constexpr Text kTexts[] = {
    {"contracts.title", "My contracts", "Mes contrats", "Mijn contracten"},
    {"contracts.admin_title", "Contracts", "Contrats", "Contracten"},
    {"contracts.none", "No contract.", "Aucun contrat.", "Geen contract."},
    {"contracts.status.pending", "Pending", "En attente", "In afwachting"},
    {"contracts.status.active", "Active", "En cours", "Lopend"},
    {"contracts.status.terminated", "Terminated", "Résilié", "Opgezegd"},
    {"contracts.period", "Period", "Période", "Periode"},
    {"contracts.paid_until", "Paid until", "Payé jusqu'au", "Betaald tot"},
    {"contracts.receipts", "Receipts", "Quittances", "Premievervaldagen"},
    {"contracts.paid", "paid", "soldée", "betaald"},
    {"contracts.unpaid", "unpaid", "non soldée", "onbetaald"},
    {"contracts.beneficiaries", "Beneficiaries", "Bénéficiaires", "Begunstigden"},
    {"contracts.request", "Request an attestation", "Demander une attestation",
     "Een attest aanvragen"},
    {"tasks.title", "Tasks", "Tâches", "Taken"},
    {"tasks.none", "No open task.", "Aucune tâche ouverte.", "Geen open taak."},
    {"tasks.open_link", "Open", "Ouvrir", "Openen"},
    {"tasks.close", "Close", "Clôturer", "Afsluiten"},
    {"tasks.closed", "Closed", "Clôturée", "Afgesloten"},
    {"tasks.show_all", "Show closed tasks too", "Afficher aussi les tâches clôturées",
     "Ook afgesloten taken tonen"},
};

std::string T(const crm::Request& req, std::string_view key) {
  const std::string& lang = req.Caller().language;
  for (const Text& t : kTexts) {
    if (key == t.key) return lang == "fr" ? t.fr : lang == "nl" ? t.nl : t.en;
  }
  return std::string(key);
}

std::string LocalDate(const crm::Request& req, const std::string& iso) {
  if (iso.size() != 10 || req.Caller().language == "en") return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::string PaidUntil(const crm::ContractDetail& d) {
  std::string until;
  for (const auto& r : d.receipts) {
    if (r.paid && r.period_end > until) until = r.period_end;
  }
  return until;
}

// One contract as a card; `request_link` adds the attestation button on active contracts.
std::string ContractCard(const crm::Request& req, const crm::ContractDetail& d, bool request_link,
                         bool details) {
  const crm::ContractInfo& c = d.contract;
  std::string h =
      "<article class=\"contract-card contract\" data-contract-id=\"" + std::to_string(c.id) +
      "\"><h2>" + EscapeHtml(c.product_name) + " — " + EscapeHtml(c.number) +
      "</h2><p><span class=\"badge status-" + EscapeHtml(c.status) + "\">" +
      EscapeHtml(T(req, "contracts.status." + c.status)) + "</span></p><p>" +
      EscapeHtml(T(req, "contracts.period")) + ": " + EscapeHtml(LocalDate(req, c.start_on)) +
      " → " + EscapeHtml(c.end_on.empty() ? "…" : LocalDate(req, c.end_on)) + "</p>";
  std::string until = PaidUntil(d);
  if (!until.empty()) {
    h += "<p>" + EscapeHtml(T(req, "contracts.paid_until")) + ": " +
         EscapeHtml(LocalDate(req, until)) + "</p>";
  }
  if (!d.beneficiaries.empty()) {
    h += "<p>" + EscapeHtml(T(req, "contracts.beneficiaries")) + ": ";
    for (size_t i = 0; i < d.beneficiaries.size(); ++i)
      h += (i ? ", " : "") + EscapeHtml(d.beneficiaries[i].label);
    h += "</p>";
  }
  if (details && !d.receipts.empty()) {
    h += "<p>" + EscapeHtml(T(req, "contracts.receipts")) + ":</p><ul>";
    for (const auto& r : d.receipts) {
      h += "<li>" + EscapeHtml(LocalDate(req, r.period_start)) + " → " +
           EscapeHtml(LocalDate(req, r.period_end)) + " · " +
           EscapeHtml(CentsToDecimal(r.amount_cents)) + " · " +
           EscapeHtml(T(req, r.paid ? "contracts.paid" : "contracts.unpaid")) + "</li>";
    }
    h += "</ul>";
  }
  if (request_link && c.status == "active") {
    h += "<p><a class=\"button\" href=\"/account/contracts/" + std::to_string(c.id) +
         "/attestation\">" + EscapeHtml(T(req, "contracts.request")) + "</a></p>";
  }
  return h + "</article>";
}

crm::Result<std::string> ContractCards(ContractStore& store, const crm::Request& req,
                                       int64_t client_id, bool account) {
  CRM_ASSIGN_OR_RETURN(auto list, store.ClientContracts(client_id));
  if (list.empty()) return "<p>" + EscapeHtml(T(req, "contracts.none")) + "</p>";
  std::string html;
  for (const auto& c : list) {
    CRM_ASSIGN_OR_RETURN(crm::ContractDetail d, store.FindContract(c.id));
    html += ContractCard(req, d, account, !account);
  }
  return html;
}

crm::Status AccountContracts(ContractStore& store, crm::Request& req, crm::Response& res) {
  // The client id comes from the session only.
  CRM_ASSIGN_OR_RETURN(std::string cards, ContractCards(store, req, req.Caller().client_id, true));
  return res.SendPage({crm::PageReply::Layout::kAccount, T(req, "contracts.title"),
                       "<div class=\"contracts\">" + cards + "</div>", 200});
}

crm::Status AdminContracts(ContractStore& store, crm::Request& req, crm::Response& res) {
  std::optional<int64_t> id = crm::text::ParseId(req.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  CRM_ASSIGN_OR_RETURN(std::string cards, ContractCards(store, req, *id, false));
  return res.SendPage({crm::PageReply::Layout::kAdmin, T(req, "contracts.admin_title"),
                       "<p><a href=\"/admin/clients/" + std::to_string(*id) + "\">←</a></p>" +
                           "<div class=\"contracts\">" + cards + "</div>",
                       200});
}

std::string TaskRow(const crm::Request& req, const TaskRecord& t, const HostTimeZone& zone) {
  std::string h = "<tr data-task-id=\"" + std::to_string(t.id) + "\"><td>" +
                  EscapeHtml(FormatTime(t.created_at, req.Caller().language, zone)) + "</td><td>" +
                  EscapeHtml(t.title) + "</td><td>";
  if (IsSafeLocalPath(t.link))
    h += "<a href=\"" + EscapeHtml(t.link) + "\">" + EscapeHtml(T(req, "tasks.open_link")) + "</a>";
  h += "</td><td>";
  if (t.state == "open") {
    h += "<form method=\"post\" action=\"/admin/tasks/" + std::to_string(t.id) +
         "/close\"><input type=\"hidden\" name=\"_csrf\" value=\"" +
         EscapeHtml(req.Caller().csrf_token) + "\"><button type=\"submit\">" +
         EscapeHtml(T(req, "tasks.close")) + "</button></form>";
  } else {
    h += EscapeHtml(T(req, "tasks.closed")) + " (" + EscapeHtml(t.closed_by) + ")";
  }
  return h + "</td></tr>";
}

crm::Status AdminTasks(TaskStore& tasks, const HostTimeZone& zone, crm::Request& req,
                       crm::Response& res) {
  bool all = req.Query("all").value_or("") == "1";
  CRM_ASSIGN_OR_RETURN(auto list, tasks.List(all));
  std::string rows;
  for (const auto& t : list) {
    if (req.Caller().HasPermission(t.permission)) rows += TaskRow(req, t, zone);
  }
  std::string body = rows.empty() ? "<p>" + EscapeHtml(T(req, "tasks.none")) + "</p>"
                                  : "<table class=\"tasks\"><tbody>" + rows + "</tbody></table>";
  if (!all)
    body +=
        "<p><a href=\"/admin/tasks?all=1\">" + EscapeHtml(T(req, "tasks.show_all")) + "</a></p>";
  return res.SendPage({crm::PageReply::Layout::kAdmin, T(req, "tasks.title"), body, 200});
}

crm::Status CloseTask(TaskStore& tasks, crm::Request& req, crm::Response& res) {
  std::optional<int64_t> id = crm::text::ParseId(req.PathParam("id"));
  if (!id) return crm::NotFound("no such task");
  CRM_ASSIGN_OR_RETURN(TaskRecord t, tasks.Get(*id));
  if (!req.Caller().HasPermission(t.permission)) return crm::NotFound("no such task");
  CRM_RETURN_IF_ERROR(tasks.Close(*id, "admin:" + req.Caller().display_name));
  return res.Redirect("/admin/tasks");
}

crm::Route MakeRoute(const char* method, const char* pattern, crm::Audience::Kind kind,
                     const char* permission,
                     std::function<crm::Status(crm::Request&, crm::Response&)> handler) {
  crm::Route r;
  r.method = method;
  r.pattern = pattern;
  r.audience.kind = kind;
  r.audience.permission = permission;
  r.handler = std::move(handler);
  return r;
}

// The inbox pages (every host) and, without contracts, the menu filter hiding "Contracts".
crm::Status RegisterTaskPages(crm::Registrar& registrar, TaskStore& tasks, bool with_contracts,
                              const HostTimeZone& zone) {
  using K = crm::Audience::Kind;
  TaskStore* t = &tasks;
  const HostTimeZone* z = &zone;
  if (!with_contracts) {
    crm::MenuFilter hide;
    hide.id = "host.no-contracts";
    hide.area = crm::MenuArea::kAccount;
    hide.filter = [](std::vector<crm::MenuItem> items, const crm::Principal&) {
      std::erase_if(items, [](const crm::MenuItem& i) { return i.id == "host.contracts"; });
      return items;
    };
    CRM_RETURN_IF_ERROR(registrar.AddMenuFilter(std::move(hide)));
  }
  CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
      "GET", "/admin/tasks", K::kAdmin, "",
      [t, z](crm::Request& rq, crm::Response& rs) { return AdminTasks(*t, *z, rq, rs); })));
  return registrar.AddRoute(
      MakeRoute("POST", "/admin/tasks/{id}/close", K::kAdmin, "",
                [t](crm::Request& rq, crm::Response& rs) { return CloseTask(*t, rq, rs); }));
}

}  // namespace

crm::Status RegisterContractPages(crm::Registrar& registrar, ContractStore& contracts,
                                  TaskStore& tasks, bool with_contracts, const HostTimeZone& zone) {
  using K = crm::Audience::Kind;
  ContractStore* c = &contracts;
  if (!with_contracts) return RegisterTaskPages(registrar, tasks, false, zone);
  CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
      "GET", "/account/contracts", K::kClient, "",
      [c](crm::Request& rq, crm::Response& rs) { return AccountContracts(*c, rq, rs); })));
  CRM_RETURN_IF_ERROR(registrar.AddRoute(
      MakeRoute("GET", "/admin/clients/{id}/contracts", K::kAdmin, "clients.read",
                [c](crm::Request& rq, crm::Response& rs) { return AdminContracts(*c, rq, rs); })));
  // The Contracts tab of the client profile (/admin/clients/{id}/tabs/host.contracts).
  CRM_RETURN_IF_ERROR(
      registrar.AddProfileTab({"contracts", "web.contracts.tab", "clients.read",
                               [c](const crm::ClientInfo& client, crm::Request& rq) {
                                 return ContractCards(*c, rq, client.id, false);
                               }}));
  return RegisterTaskPages(registrar, tasks, true, zone);
}

}  // namespace host::web
