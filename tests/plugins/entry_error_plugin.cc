// tests/plugins/entry_error_plugin.cc — an entry that registers a route, then returns an error:
// the plugin fails and nothing it staged becomes visible.
#include "host-api/plugin.h"

namespace {
crm::Status Register(crm::Registrar& r, crm::HostServices&) {
  crm::Route route;
  route.method = "GET";
  route.pattern = "/api/v1/plugins/test-entry-error/x";
  route.handler = [](crm::Request&, crm::Response& response) { return response.SendJson("{}"); };
  CRM_RETURN_IF_ERROR(r.AddRoute(std::move(route)));
  return crm::Unprocessable("settings table unreadable: cannot start");
}
}  // namespace

CRM_PLUGIN("test-entry-error", "Entry error", "1.0.0", Register)
