// hooks/page_routes.cc — registers a hook file's route table (page_routes.h).
#include "hooks/page_routes.h"

#include "plugin/journal/request_address.h"

namespace cd::hooks {

crm::Status AddPageRoutes(crm::Registrar& registrar, const ContextPtr& ctx,
                          const std::vector<PageRoute>& routes) {
  for (const PageRoute& r : routes) {
    PageHandler handler = r.handler;
    CRM_RETURN_IF_ERROR(registrar.AddRoute(
        crm::Route{r.method, r.pattern, r.audience,
                   [ctx, handler](crm::Request& request, crm::Response& response) {
                     RequestAddressScope address(request.RemoteAddress());
                     return handler(*ctx, request, response);
                   },
                   r.max_body}));
  }
  return crm::Status::Ok();
}

}  // namespace cd::hooks
