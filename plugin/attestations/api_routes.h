// plugin/attestations/api_routes.h — the attestation routes (SPEC §6 "Attestations"), one
// table of short adapters over AttestationService, under the module's API prefix P:
//   POST P/templates (settings:write; multipart: file, name, entity, title?, validation),
//   GET P/templates (any module scope), PATCH and DELETE P/templates/{id} (settings:write),
//   GET P/templates/{id}/specimen (settings:write; the PDF with sample values),
//   PUT P/products/{code}/templates (settings:write; {"template_ids": [...]}),
//   POST P/clients/{client_id}/contracts/{contract_id}/attestations (documents:write),
//   POST P/clients/{client_id}/attestations (documents:write; a client-level template),
//   GET P/attestations?status= (documents:read), POST P/attestations/{id}/decision
//   (documents:write; {"decision", "reason"?}), GET P/attestations/{id}/pdf (documents:read);
// and for sessions: POST /account/contracts/{contract_id}/attestations and
// POST /account/attestations (client, CSRF; JSON or form), GET /account/attestations (the
// client's attestations and the client-level request form), GET
// /account/attestations/{id}/pdf (the client's PDF once shared), GET
// /account/contracts/{contract_id}/attestation (the contract's request form), GET
// /admin/plugins/client-documents/attestations/{id}/pdf (staff with documents.read), and the
// staff validation page GET /admin/plugins/client-documents/attestations with its decision form
// POST .../attestations/{id}/decision (documents.write, CSRF).
#pragma once

#include <memory>

#include "host-api/registrar.h"
#include "plugin/attestations/attestations.h"

namespace cd::attestations {

// The multipart body of a template upload (a `file` part; fields name, entity, title,
// validation), shared by the API and the admin page. kUnprocessable without a file.
crm::Result<TemplateUpload> ParseTemplateUpload(crm::Request& req);

// A specimen PDF as the reply (inline, not cached).
crm::Status SendSpecimen(const std::string& pdf, crm::Response& res);

crm::Status RegisterAttestationRoutes(crm::Registrar& registrar,
                                      std::shared_ptr<AttestationService> service);

}  // namespace cd::attestations
