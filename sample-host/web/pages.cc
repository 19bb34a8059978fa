// sample-host/web/pages.cc — RegisterPages: the host's translations and every page route, in one
// call that main.cc makes on the host's StagingRegistrar before the registry is committed.
#include "sample-host/web/pages.h"

#include "sample-host/web/page_routes.h"
#include "sample-host/web/translations.h"

namespace host::web {

crm::Status RegisterPages(crm::Registrar& registrar, const WebDeps& deps) {
  auto shared = std::make_shared<const WebDeps>(deps);
  CRM_RETURN_IF_ERROR(RegisterHostTranslations(registrar));
  CRM_RETURN_IF_ERROR(RegisterAssetRoutes(registrar));
  CRM_RETURN_IF_ERROR(RegisterAuthPages(registrar, shared));
  CRM_RETURN_IF_ERROR(RegisterClientListPages(registrar, shared));
  CRM_RETURN_IF_ERROR(RegisterClientProfilePages(registrar, shared));
  CRM_RETURN_IF_ERROR(RegisterPluginPages(registrar, shared));
  CRM_RETURN_IF_ERROR(RegisterAccountPages(registrar, shared));
  CRM_RETURN_IF_ERROR(RegisterImpersonationPages(registrar, shared));    // issue 14
  CRM_RETURN_IF_ERROR(RegisterAdminUserPages(registrar, shared));        // issue 14
  CRM_RETURN_IF_ERROR(RegisterAccountSecurityPages(registrar, shared));  // issue 14
  return crm::Status::Ok();
}

}  // namespace host::web
