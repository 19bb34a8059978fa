// plugin/attestations/attestations.h — attestation requests (SPEC AT1-AT4, §6 "Attestations"):
// templates an admin uploads and attaches to the host's products, and the attestations a client
// (or staff) requests for a contract: eligibility, the template filled and converted to PDF,
// stored in the module's file store, shared at once or held for validation (a task in the
// host's inbox), then validated or refused (refusal destroys the PDF). Each public method is
// one use case: who acts, what is asked, every rule checked.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/contracts.h"
#include "host-api/http.h"
#include "host-api/services.h"
#include "host-api/status.h"
#include "plugin/attestations/pdf_converter.h"
#include "plugin/file_store.h"

namespace cd::attestations {

inline constexpr int64_t kMaxTemplateBytes = 10 << 20;
inline constexpr int64_t kMaxPdfBytes = 50 << 20;
// Where staff open an attestation's PDF (the task's link): + id + "/pdf".
inline constexpr char kAttestationPdfPath[] = "/admin/plugins/client-documents/attestations/";

struct Placeholder {
  std::string key;
  bool known = false;  // filled from host data (SPEC §6 list); unknown ones are client fields
  std::string label;
  std::string default_value;
  bool required = false;
};

struct Template {
  int64_t id = 0;
  std::string name;
  std::string entity;      // "client", "contract" or "beneficiary"
  std::string title;       // shown to the client when there is a choice ("" -> name)
  std::string validation;  // "none" or "prior"
  std::string format;      // "docx" or "odt"
  std::vector<Placeholder> placeholders;
};

struct TemplateUpload {
  std::string name, entity, title, validation = "none";
  std::string bytes;  // the file
};

// PATCH: only what is set changes; placeholders by key (unknown ones only).
struct TemplatePatch {
  std::optional<std::string> title, validation;
  std::vector<Placeholder> placeholders;
};

struct Attestation {
  int64_t id = 0;
  int64_t client_id = 0;
  int64_t contract_id = 0;  // 0: a client-level attestation
  int64_t template_id = 0;
  std::string status;       // "shared", "awaiting_validation" or "refused"
  std::string storage_key;  // "" once refused
  std::string file_name;
  int64_t size = 0;
  std::string sha256;
  int64_t created_at = 0;
  std::string decided_by;
  int64_t decided_at = 0;
  std::string reason;
};

struct AttestationRequest {
  int64_t client_id = 0;
  int64_t contract_id = 0;  // 0: a client-level template (no contract)
  int64_t template_id = 0;
  int64_t beneficiary_id = 0;  // 0: none
  std::map<std::string, std::string> values;
};

// A product and the templates attached to it (the admin pages' products form).
struct ProductTemplates {
  std::string code;
  std::string name;  // the host's name, or "" for a code only this module knows
  std::vector<int64_t> template_ids;
};

bool IsKnownPlaceholder(std::string_view key);

// Why a template was refused, for pages in the reader's language: `key` is an i18n key under
// "client-documents.attestations." ("error_braces", ...; "error_other" when the message is not
// one of the template checks'), `excerpt` the quoted document text the message names, if any.
struct TemplateRefusal {
  std::string key;
  std::string excerpt;
};
TemplateRefusal ClassifyTemplateRefusal(const crm::Status& error);

// nullopt when a request without prior validation may go ahead on `today` (YYYY-MM-DD): the
// contract is active and a fully paid receipt covers today. Otherwise the i18n key of the
// reason ("client-documents.attestations.not_active" / ".not_paid").
std::optional<std::string> IneligibleReason(const crm::ContractDetail& contract,
                                            std::string_view today);

// Thread-safe. `converter` and the host's contract view / task inbox outlive it.
class AttestationService {
 public:
  AttestationService(crm::HostServices& host, FileStore& files, PdfConverter& converter);

  crm::Result<Template> CreateTemplate(const crm::Principal& actor, const TemplateUpload& upload);
  crm::Result<std::vector<Template>> ListTemplates(const crm::Principal& actor);
  crm::Result<Template> UpdateTemplate(const crm::Principal& actor, int64_t id,
                                       const TemplatePatch& patch);
  crm::Status DeleteTemplate(const crm::Principal& actor, int64_t id);
  crm::Status SetProductTemplates(const crm::Principal& actor, const std::string& product_code,
                                  const std::vector<int64_t>& template_ids);
  // One template (staff with documents.settings); kNotFound when unknown.
  crm::Result<Template> FindTemplate(const crm::Principal& actor, int64_t id);
  // The host's products (none on a host without contracts) and the codes templates are
  // attached to, each with its template ids; by code.
  crm::Result<std::vector<ProductTemplates>> ListProductTemplates(const crm::Principal& actor);
  // The template filled with sample values (known placeholders from a made-up client and
  // contract, dates in the actor's language; unknown ones from their default, else "[label]")
  // and converted to PDF, so that staff see what clients will get. documents.settings;
  // kUnavailable when the converter failed.
  crm::Result<std::string> Specimen(const crm::Principal& actor, int64_t id);
  // The templates a client may use for a contract (its product's, by entity).
  crm::Result<std::vector<Template>> TemplatesForContract(const crm::Principal& actor,
                                                          int64_t client_id, int64_t contract_id);

  // The client-level templates (entity "client") a client may request without a contract:
  // every one of them (no eligibility rule: the host has no facts about them).
  crm::Result<std::vector<Template>> ClientTemplates(const crm::Principal& actor,
                                                     int64_t client_id);

  // A contract-level request (contract_id > 0), or a client-level one (contract_id 0: a
  // template of entity "client", on any host, the only kind on a host without contracts).
  // kNotFound (contract of another client, unknown template or beneficiary, template not on
  // the product), kConflict "not_eligible" (message in the client's language), kUnprocessable
  // (a required field missing), kUnavailable (the converter failed: retry).
  crm::Result<Attestation> Request(const crm::Principal& actor, const AttestationRequest& req);
  crm::Result<std::vector<Attestation>> List(const crm::Principal& actor,
                                             const std::string& status);
  // "validate" shares, "refuse" destroys the PDF; the client is mailed either way. kConflict
  // when already decided.
  crm::Result<Attestation> Decide(const crm::Principal& actor, int64_t id,
                                  const std::string& decision, const std::string& reason);
  // One contract's attestations, newest first (CheckRead: a client sees its own).
  crm::Result<std::vector<Attestation>> ListForContract(const crm::Principal& actor,
                                                        int64_t client_id, int64_t contract_id);
  // True when the reserved area has something under "Attestations" for this client: a
  // client-level template to request or an attestation already made (the menu entry's rule).
  crm::Result<bool> ShowsClientArea(int64_t client_id);
  // Every attestation of one client, newest first (CheckRead: a client sees its own).
  crm::Result<std::vector<Attestation>> ListForClient(const crm::Principal& actor,
                                                      int64_t client_id);
  // The contract as the host gives it (kNotFound for another client's or without contracts).
  crm::Result<crm::ContractDetail> ClientContract(const crm::Principal& actor, int64_t client_id,
                                                  int64_t contract_id);
  // The PDF: staff and tokens always, the client only its own shared ones.
  crm::Result<crm::ObjectReply> Download(const crm::Principal& actor, int64_t id);

  crm::HostServices& host() { return host_; }

 private:
  crm::Result<Template> GetTemplate(int64_t id, std::string* bytes);
  crm::Result<Attestation> GetAttestation(int64_t id);
  crm::Result<std::vector<Template>> QueryTemplates(const std::string& where,
                                                    std::vector<crm::SqlValue> params);
  // The contract of a contract-level request with every check (ownership, the template on its
  // product, the beneficiary, eligibility); an empty detail for a client-level one.
  crm::Result<crm::ContractDetail> RequestTarget(const AttestationRequest& req, const Template& t);
  void AfterStore(const Attestation& a, const Template& t, const std::string& about);
  crm::Result<std::map<std::string, std::string>> Values(const Template& t,
                                                         const crm::ContractDetail& contract,
                                                         const AttestationRequest& req);
  crm::Result<Attestation> Store(const crm::Principal& actor, const AttestationRequest& req,
                                 const Template& t, const std::string& pdf);
  void MailClient(int64_t client_id, const std::string& what, const std::string& reason);
  void Timeline(const crm::Principal& actor, const Attestation& a, const std::string& type,
                const std::string& detail);

  crm::HostServices& host_;
  FileStore& files_;
  PdfConverter& converter_;
};

}  // namespace cd::attestations
