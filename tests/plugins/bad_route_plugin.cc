// tests/plugins/bad_route_plugin.cc — tries to take over a host route (/admin/login) outside its
// namespaces: refused, and nothing of the plugin is registered.
#include "host-api/plugin.h"

namespace {
crm::Status Register(crm::Registrar& r, crm::HostServices&) {
  crm::Route route;
  route.method = "POST";
  route.pattern = "/admin/login";
  route.handler = [](crm::Request&, crm::Response& response) { return response.SendJson("{}"); };
  return r.AddRoute(std::move(route));
}
}  // namespace

CRM_PLUGIN("test-bad-route", "Bad route", "1.0.0", Register)
