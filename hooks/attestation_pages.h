// hooks/attestation_pages.h — the admin pages of attestation templates (SPEC AT1, issue 13) and
// the menu entries of attestations: adapters over AttestationService, registered by
// RegisterAttestations (hooks/attestations.cc), which owns the service.
#pragma once

#include <memory>

#include "hooks/context.h"
#include "plugin/attestations/attestations.h"

namespace cd::hooks {

// Where staff manage templates (documents.settings).
inline const std::string kTemplatesPath = std::string(kAdminPrefix) + "/attestation-templates";
// The client's attestations and client-level request form (plugin/attestations/request_page.h).
inline constexpr char kAccountAttestations[] = "/account/attestations";

// The routes under kTemplatesPath (list + upload, one template's page + save, delete,
// specimen, a product's templates), the admin menu entry "Attestation templates" and the
// reserved-area entry "Attestations" (shown when client-level templates exist or the client has
// attestations).
crm::Status RegisterAttestationPages(crm::Registrar& registrar, const ContextPtr& ctx,
                                     std::shared_ptr<attestations::AttestationService> service);

}  // namespace cd::hooks
