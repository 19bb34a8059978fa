// hooks/page_routes.h — a hook file's routes as a table ({method, pattern, audience, body
// limit, handler}), registered in one loop: each handler is a named adapter of that file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "host-api/http.h"
#include "host-api/registrar.h"
#include "host-api/status.h"

namespace cd::hooks {

using PageHandler = crm::Status (*)(Context& ctx, crm::Request& request, crm::Response& response);

struct PageRoute {
  std::string method;
  std::string pattern;
  crm::Audience audience;
  uint64_t max_body = 0;  // 0 for routes without a body
  PageHandler handler = nullptr;
};

// Adds every route of `routes`, each handler holding `ctx`; stops at the first error.
crm::Status AddPageRoutes(crm::Registrar& registrar, const ContextPtr& ctx,
                          const std::vector<PageRoute>& routes);

}  // namespace cd::hooks
