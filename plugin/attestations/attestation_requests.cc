// plugin/attestations/attestation_requests.cc — requesting (AT2), storing and sharing (AT3),
// validating or refusing (AT4) an attestation, and downloading its PDF.
#include <ctime>

#include "plugin/access.h"
#include "plugin/attestations/attestations.h"
#include "plugin/attestations/template_doc.h"
#include "plugin/journal/journal.h"
#include "plugin/timeline_text.h"
#include "text/text.h"

namespace cd::attestations {
namespace {

constexpr char kAttestationColumns[] =
    "SELECT id, client_id, contract_id, template_id, status, COALESCE(storage_key, ''), "
    "file_name, size, sha256, created_at, decided_by, COALESCE(decided_at, 0), reason FROM "
    "cd_attestations ";

Attestation AttestationFromRow(const crm::SqlRow& r) {
  return {r.Int(0), r.Int(1),  r.Int(2), r.Int(3),   r.Text(4), r.Text(5), r.Text(6),
          r.Int(7), r.Text(8), r.Int(9), r.Text(10), r.Int(11), r.Text(12)};
}

std::string Date(int64_t now, std::string_view language) {
  time_t t = static_cast<time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, language == "en" ? "%Y-%m-%d" : "%d/%m/%Y", &tm);
  return buf;
}

// "2026-01-31" in the reader's format.
std::string LocalDate(const std::string& iso, std::string_view language) {
  return crm::text::LocalIsoDate(language, iso);
}

crm::Status CheckRequester(const crm::Principal& actor, int64_t client_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  if (!actor.IsClient() && !actor.HasPermission(kPermWrite))
    return crm::PermissionDenied("needs documents.write");
  return crm::Status::Ok();
}

}  // namespace

namespace {

// The known placeholders' values (SPEC §6) from the host's client and contract.
std::map<std::string, std::string> KnownValues(crm::HostServices& host,
                                               const crm::ClientInfo& client,
                                               const crm::ContractDetail& d, int64_t beneficiary_id,
                                               const std::string& lang) {
  std::map<std::string, std::string> v = {
      {"client.first_name", client.first_name},
      {"client.last_name", client.last_name},
      {"client.company", client.company},
      {"client.email", client.email},
      {"client.address", client.address},
      {"contract.number", d.contract.number},
      {"contract.product", d.contract.product_name},
      {"contract.start_on", LocalDate(d.contract.start_on, lang)},
      {"contract.end_on", LocalDate(d.contract.end_on, lang)},
      {"today", Date(host.NowUnix(), lang)}};
  for (const auto& b : d.beneficiaries) {
    if (b.id == beneficiary_id) {
      v["beneficiary.label"] = b.label;
      v["beneficiary.kind"] = host.Translate(lang, "client-documents.attestations.kind." + b.kind);
    }
  }
  return v;
}

// A made-up client and contract for specimens (the admin's preview, never stored).
crm::ClientInfo SampleClient() {
  crm::ClientInfo c;
  c.first_name = "Marie";
  c.last_name = "Dupont";
  c.company = "Exemple SA";
  c.email = "marie.dupont@example.com";
  c.address = "Rue de l'Exemple 1\n1000 Bruxelles";
  return c;
}

crm::ContractDetail SampleContract(int64_t now) {
  crm::ContractDetail d;
  d.contract.number = "SPEC-0001";
  d.contract.product_name = "Specimen";
  time_t t = static_cast<time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char start[16], end[16];
  std::strftime(start, sizeof start, "%Y-01-01", &tm);
  std::strftime(end, sizeof end, "%Y-12-31", &tm);
  d.contract.start_on = start;
  d.contract.end_on = end;
  d.beneficiaries.push_back({1, "vehicle", "AB-123-CD"});
  return d;
}

}  // namespace

crm::Result<std::map<std::string, std::string>> AttestationService::Values(
    const Template& t, const crm::ContractDetail& d, const AttestationRequest& req) {
  CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, host_.FindClient(req.client_id));
  std::map<std::string, std::string> v =
      KnownValues(host_, client, d, req.beneficiary_id, client.language);
  for (const auto& p : t.placeholders) {
    if (p.known) continue;
    auto it = req.values.find(p.key);
    std::string value(it == req.values.end() ? p.default_value
                                             : std::string(crm::text::Trim(it->second)));
    // The label closes the message, so that pages can name the field in the reader's words.
    if (value.size() > 2000)
      return crm::Unprocessable("values." + p.key + ": too long (label: " + p.label + ")");
    if (value.empty() && p.required)
      return crm::Unprocessable("values." + p.key + ": required (label: " + p.label + ")");
    v[p.key] = value;
  }
  return v;
}

crm::Result<std::string> AttestationService::Specimen(const crm::Principal& actor, int64_t id) {
  CRM_RETURN_IF_ERROR(CheckSettings(actor));
  std::string bytes;
  CRM_ASSIGN_OR_RETURN(Template t, GetTemplate(id, &bytes));
  std::map<std::string, std::string> v =
      KnownValues(host_, SampleClient(), SampleContract(host_.NowUnix()), 1, actor.language);
  for (const auto& p : t.placeholders) {
    if (!p.known) v[p.key] = p.default_value.empty() ? "[" + p.label + "]" : p.default_value;
  }
  CRM_ASSIGN_OR_RETURN(std::string filled, FillTemplate(bytes, v));
  return converter_.Convert(filled, t.format);
}

crm::Result<Attestation> AttestationService::Store(const crm::Principal& actor,
                                                   const AttestationRequest& req, const Template& t,
                                                   const std::string& pdf) {
  CRM_ASSIGN_OR_RETURN(
      auto file, files_.Begin("attestation-" + t.name + ".pdf", kMaxPdfBytes, {"application/pdf"}));
  CRM_RETURN_IF_ERROR(file->Write(pdf));
  CRM_RETURN_IF_ERROR(file->Finish());
  CRM_ASSIGN_OR_RETURN(CommittedFile committed, files_.Commit(*file, req.client_id));
  std::string status = t.validation == "prior" ? "awaiting_validation" : "shared";
  crm::SqlValue beneficiary =
      req.beneficiary_id > 0 ? crm::SqlValue(req.beneficiary_id) : crm::SqlValue();
  const int64_t now = host_.NowUnix();
  int64_t id = 0;
  // The row and its journal entry together, for a client that still exists (PT4).
  crm::Status s = host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(host_.LockClient(tx, req.client_id));
    CRM_ASSIGN_OR_RETURN(
        auto row,
        tx.QueryOne(
            "INSERT INTO cd_attestations (client_id, contract_id, template_id, "
            "beneficiary_id, status, storage_key, file_name, size, sha256, requested_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {req.client_id, req.contract_id, t.id, beneficiary, status, committed.storage_key,
             file->display_name(), file->size(), file->sha256(), ActorLabel(actor), now}));
    if (!row) return crm::Internal("INSERT returned no id");
    id = row->Int(0);
    return Journal::Append(
        tx, now, actor,
        {"attestation_requested", req.client_id, "attestation:" + std::to_string(id),
         "status=" + status + " sha256=" + file->sha256()});
  });
  if (!s.ok()) {
    files_.Remove(committed);  // no row, no file
    return s;
  }
  return GetAttestation(id);
}

crm::Result<crm::ContractDetail> AttestationService::RequestTarget(const AttestationRequest& req,
                                                                   const Template& t) {
  if (req.contract_id == 0) {  // client-level: no contract, no eligibility rule
    if (t.entity != "client") return crm::NotFound("no such template for this client");
    if (req.beneficiary_id > 0) return crm::Unprocessable("beneficiary_id: not for this template");
    return crm::ContractDetail{};
  }
  crm::ContractView* contracts = host_.Contracts();
  if (contracts == nullptr) return crm::NotFound("this host has no contracts");
  auto found = contracts->FindContract(req.contract_id);
  if (!found.ok() || found->contract.client_id != req.client_id)
    return crm::NotFound("no such contract");
  const crm::ContractDetail& d = *found;
  CRM_ASSIGN_OR_RETURN(auto linked,
                       host_.Db().QueryOne("SELECT 1 FROM cd_att_product_templates "
                                           "WHERE product_code = ? AND template_id = ?",
                                           {d.contract.product_code, t.id}));
  if (!linked) return crm::NotFound("no such template for this contract");
  bool has_beneficiary = false;
  for (const auto& b : d.beneficiaries)
    has_beneficiary = has_beneficiary || b.id == req.beneficiary_id;
  if (req.beneficiary_id > 0 && !has_beneficiary) return crm::NotFound("no such beneficiary");
  if ((t.entity == "beneficiary") != (req.beneficiary_id > 0))
    return crm::Unprocessable(t.entity == "beneficiary" ? "beneficiary_id: required"
                                                        : "beneficiary_id: not for this template");
  if (t.validation == "none") {
    if (auto reason = IneligibleReason(d, Date(host_.NowUnix(), "en"))) {
      CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, host_.FindClient(req.client_id));
      return crm::Conflict(host_.Translate(client.language, *reason));
    }
  }
  return *found;
}

crm::Result<Attestation> AttestationService::Request(const crm::Principal& actor,
                                                     const AttestationRequest& req) {
  CRM_RETURN_IF_ERROR(CheckRequester(actor, req.client_id));
  std::string bytes;
  CRM_ASSIGN_OR_RETURN(Template t, GetTemplate(req.template_id, &bytes));
  CRM_ASSIGN_OR_RETURN(crm::ContractDetail d, RequestTarget(req, t));
  CRM_ASSIGN_OR_RETURN(auto values, Values(t, d, req));
  CRM_ASSIGN_OR_RETURN(std::string filled, FillTemplate(bytes, values));
  CRM_ASSIGN_OR_RETURN(std::string pdf, converter_.Convert(filled, t.format));
  CRM_ASSIGN_OR_RETURN(Attestation a, Store(actor, req, t, pdf));
  // Journaled with the row (Store); the client's timeline says it too.
  std::string about = req.contract_id > 0 ? d.contract.number : t.name;
  Timeline(actor, a, "client-documents.attestation_requested", about);
  AfterStore(a, t, about);
  return a;
}

// Held: a task for staff; shared: the client is told.
void AttestationService::AfterStore(const Attestation& a, const Template& t,
                                    const std::string& about) {
  if (a.status != "awaiting_validation") return MailClient(a.client_id, "shared", "");
  if (host_.Tasks() == nullptr) return;
  auto task = host_.Tasks()->CreateTask(
      {kPermWrite,
       host_.Translate("en", "client-documents.attestations.task") + " #" + std::to_string(a.id) +
           " (" + about + ")",
       std::string(kAttestationPdfPath) + std::to_string(a.id) + "/pdf", a.client_id});
  if (task.ok()) {
    (void)host_.Db().Exec("UPDATE cd_attestations SET task_id = ? WHERE id = ?", {*task, a.id});
  } else {
    host_.Log(crm::LogLevel::kWarning, "attestation task for template " + std::to_string(t.id) +
                                           ": " + task.status().ToString());
  }
}

crm::Result<Attestation> AttestationService::GetAttestation(int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      auto row, host_.Db().QueryOne(std::string(kAttestationColumns) + "WHERE id = ?", {id}));
  if (!row) return crm::NotFound("no such attestation");
  return AttestationFromRow(*row);
}

crm::Result<std::vector<Attestation>> AttestationService::List(const crm::Principal& actor,
                                                               const std::string& status) {
  if (actor.IsClient() || !actor.HasPermission(kPermRead))
    return crm::PermissionDenied("needs documents.read");
  if (!status.empty() && status != "shared" && status != "awaiting_validation" &&
      status != "refused")
    return crm::InvalidArgument("status: shared, awaiting_validation or refused");
  CRM_ASSIGN_OR_RETURN(auto rows, host_.Db().QueryAll(std::string(kAttestationColumns) +
                                                          "WHERE (? = '' OR status = ?) ORDER "
                                                          "BY created_at DESC, id DESC LIMIT 500",
                                                      {status, status}));
  std::vector<Attestation> out;
  for (const auto& r : rows) out.push_back(AttestationFromRow(r));
  return out;
}

crm::Result<std::vector<Attestation>> AttestationService::ListForClient(const crm::Principal& actor,
                                                                        int64_t client_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_ASSIGN_OR_RETURN(auto rows, host_.Db().QueryAll(std::string(kAttestationColumns) +
                                                          "WHERE client_id = ? ORDER BY "
                                                          "created_at DESC, id DESC LIMIT 500",
                                                      {client_id}));
  std::vector<Attestation> out;
  for (const auto& r : rows) out.push_back(AttestationFromRow(r));
  return out;
}

crm::Result<std::vector<Attestation>> AttestationService::ListForContract(
    const crm::Principal& actor, int64_t client_id, int64_t contract_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_ASSIGN_OR_RETURN(auto rows, host_.Db().QueryAll(std::string(kAttestationColumns) +
                                                          "WHERE client_id = ? AND contract_id = "
                                                          "? ORDER BY created_at DESC, id DESC",
                                                      {client_id, contract_id}));
  std::vector<Attestation> out;
  for (const auto& r : rows) out.push_back(AttestationFromRow(r));
  return out;
}

crm::Result<crm::ContractDetail> AttestationService::ClientContract(const crm::Principal& actor,
                                                                    int64_t client_id,
                                                                    int64_t contract_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  crm::ContractView* contracts = host_.Contracts();
  if (contracts == nullptr) return crm::NotFound("this host has no contracts");
  auto found = contracts->FindContract(contract_id);
  if (!found.ok() || found->contract.client_id != client_id)
    return crm::NotFound("no such contract");
  return *found;
}

crm::Result<Attestation> AttestationService::Decide(const crm::Principal& actor, int64_t id,
                                                    const std::string& decision,
                                                    const std::string& reason) {
  if (actor.IsClient() || !actor.HasPermission(kPermWrite))
    return crm::PermissionDenied("needs documents.write");
  if (decision != "validate" && decision != "refuse")
    return crm::Unprocessable("decision: validate or refuse");
  CRM_ASSIGN_OR_RETURN(Attestation a, GetAttestation(id));
  if (a.status != "awaiting_validation")
    return crm::Conflict("the attestation was already decided");
  std::string why(crm::text::Trim(reason));
  std::string status = decision == "validate" ? "shared" : "refused";
  const int64_t now = host_.NowUnix();
  crm::Status s = host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(
        int64_t changed,
        tx.Exec(std::string("UPDATE cd_attestations SET status = ?, decided_by = ?, "
                            "decided_at = ?, reason = ?") +
                    (status == "refused" ? ", storage_key = NULL" : "") +
                    " WHERE id = ? AND status = 'awaiting_validation'",
                {status, ActorLabel(actor), now, why, id}));
    if (changed == 0) return crm::Conflict("the attestation was already decided");
    // The reason is the firm's free text: it stays in the row, not in the hashed journal.
    return Journal::Append(
        tx, now, actor,
        {status == "shared" ? "attestation_validated" : "attestation_refused", a.client_id,
         "attestation:" + std::to_string(id), "sha256=" + a.sha256});
  });
  CRM_RETURN_IF_ERROR(s);
  // Refused: every form of it goes (the row kept who, when, why and the SHA-256).
  if (status == "refused") files_.Remove(CommittedFile{a.storage_key, "", false});
  if (host_.Tasks() != nullptr && a.id > 0) {
    CRM_ASSIGN_OR_RETURN(
        auto task,
        host_.Db().QueryOne("SELECT COALESCE(task_id, 0) FROM cd_attestations WHERE id = ?", {id}));
    if (task && task->Int(0) > 0) (void)host_.Tasks()->CloseTask(task->Int(0), ActorLabel(actor));
  }
  MailClient(a.client_id, status, why);
  Timeline(actor, a, "client-documents.attestation_" + status, why);
  return GetAttestation(id);
}

crm::Result<crm::ObjectReply> AttestationService::Download(const crm::Principal& actor,
                                                           int64_t id) {
  CRM_ASSIGN_OR_RETURN(Attestation a, GetAttestation(id));
  CRM_RETURN_IF_ERROR(CheckRead(actor, a.client_id));
  if (a.storage_key.empty() || (actor.IsClient() && a.status != "shared"))
    return crm::NotFound("no such attestation");
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply, files_.ReplyFor(a.storage_key));
  reply.mime = "application/pdf";
  reply.download_name = a.file_name;
  reply.inline_view = false;
  reply.etag = a.sha256;
  return reply;
}

void AttestationService::Timeline(const crm::Principal& actor, const Attestation& a,
                                  const std::string& type, const std::string& detail) {
  crm::Status s = host_.AddTimeline({a.client_id, type,
                                     TimelineMessage("client-documents.timeline.attestation", a.id),
                                     detail, ActorLabel(actor)});
  if (!s.ok()) host_.Log(crm::LogLevel::kWarning, "attestation timeline: " + s.ToString());
}

void AttestationService::MailClient(int64_t client_id, const std::string& what,
                                    const std::string& reason) {
  auto client = host_.FindClient(client_id);
  if (!client.ok() || client->email.empty()) return;
  const std::string& lang = client->language;
  std::string prefix = "client-documents.attestations.mail_" + what;
  std::string body = host_.Translate(lang, prefix + "_body");
  if (!reason.empty()) body += "\n\n" + reason;
  body += "\n\n" + host_.BaseUrl() + "/account/attestations";
  crm::Status sent =
      host_.SendMail({client->email, host_.Translate(lang, prefix + "_subject"), body});
  if (!sent.ok()) host_.Log(crm::LogLevel::kWarning, "attestation mail: " + sent.ToString());
}

}  // namespace cd::attestations
