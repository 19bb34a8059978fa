// plugin/attestations/api_routes.h — the attestation routes (SPEC §6 "Attestations"), one
// table of short adapters over AttestationService, under the module's API prefix P:
//   POST   P/templates                      settings:write  multipart: file, name, entity, title?,
//   validation GET    P/templates                      any module scope PATCH  P/templates/{id}
//   settings:write DELETE P/templates/{id}                 settings:write PUT
//   P/products/{code}/templates      settings:write  {"template_ids": [...]} POST
//   P/clients/{client_id}/contracts/{contract_id}/attestations   documents:write GET
//   P/attestations?status=           documents:read POST   P/attestations/{id}/decision
//   documents:write {"decision", "reason"?} GET    P/attestations/{id}/pdf          documents:read
// and for sessions: POST /account/contracts/{contract_id}/attestations (client, CSRF; JSON
// or form), GET /account/attestations/{id}/pdf (the client's PDF once shared) and
// GET /admin/plugins/client-documents/attestations/{id}/pdf (staff with documents.read), and the
// staff validation page GET /admin/plugins/client-documents/attestations with its decision form
// POST .../attestations/{id}/decision (documents.write, CSRF).
#pragma once

#include <memory>

#include "host-api/registrar.h"
#include "plugin/attestations/attestations.h"

namespace cd::attestations {

crm::Status RegisterAttestationRoutes(crm::Registrar& registrar,
                                      std::shared_ptr<AttestationService> service);

}  // namespace cd::attestations
