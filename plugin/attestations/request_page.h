// plugin/attestations/request_page.h — the client's attestation page (SPEC AT2), phone-friendly:
// GET /account/contracts/{contract_id}/attestation shows the form (template choice only when
// there are several, a beneficiary choice when the product has beneficiary templates, one field
// per unknown placeholder with its label and default) and the contract's attestations; the
// form posts to /account/contracts/{contract_id}/attestations (RequestPageOutcome answers it).
#pragma once

#include <string>

#include "host-api/http.h"
#include "plugin/attestations/attestations.h"

namespace cd::attestations {

crm::Status ShowRequestPage(AttestationService& service, crm::HostServices& host, crm::Request& req,
                            crm::Response& res);

// GET /account/attestations: the client-level templates' request form (no contract needed; the
// only attestations on a host without contracts) and every attestation of the client, shared
// ones downloadable (the "Attestations" area of "My documents").
crm::Status ShowClientAttestationsPage(AttestationService& service, crm::Request& req,
                                       crm::Response& res);

// The page after a form post: the PDF's link, "sent for processing", or the error in words.
crm::Status SendRequestOutcomePage(crm::HostServices& host, const crm::Request& req,
                                   const crm::Result<Attestation>& outcome, crm::Response& res);

// Staff: GET /admin/plugins/client-documents/attestations, the attestations awaiting validation
// (then the latest others), each with its PDF and Validate / Refuse (with a reason) forms.
crm::Status ShowValidationPage(AttestationService& service, crm::Request& req, crm::Response& res);
// The form post of one decision; back to the list.
crm::Status DecideFromPage(AttestationService& service, crm::Request& req, crm::Response& res);

}  // namespace cd::attestations
