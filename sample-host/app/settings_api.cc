// sample-host/app/settings_api.cc — adapters of settings_api.h: JSON in, HostSettings, JSON out.
#include "sample-host/app/settings_api.h"

#include <boost/json.hpp>

#include "sample-host/app/api_routes.h"  // TokenApiRoute
#include "sample-host/app/avatar_api.h"  // ReadSmallBody

namespace host {
namespace json = boost::json;
namespace {

constexpr uint64_t kMaxSettingsBody = 16 * 1024;

crm::Status SendSettings(HostSettings& settings, crm::Response& res) {
  res.SetStatus(200);
  return res.SendJson(json::serialize(json::object{{"time_zone", settings.TimeZone()}}));
}

crm::Status PutSettings(HostSettings& settings, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(req, kMaxSettingsBody));
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return crm::InvalidArgument("body: must be a JSON object");
  const json::object& o = v.as_object();
  for (const auto& [key, value] : o) {
    if (key != "time_zone") return crm::InvalidArgument("unknown setting: " + std::string(key));
  }
  if (const json::value* zone = o.if_contains("time_zone")) {
    if (!zone->is_string()) return crm::Unprocessable("time_zone: must be a string");
    CRM_RETURN_IF_ERROR(settings.SetTimeZone(std::string(zone->as_string())));
  }
  return SendSettings(settings, res);
}

}  // namespace

crm::Status RegisterSettingsApi(crm::Registrar& registrar, HostSettings& settings) {
  HostSettings* s = &settings;
  CRM_RETURN_IF_ERROR(registrar.AddRoute(
      TokenApiRoute("GET", "/api/v1/settings", "settings:write", "plugins.manage", 0,
                    [s](crm::Request&, crm::Response& res) { return SendSettings(*s, res); })));
  return registrar.AddRoute(TokenApiRoute(
      "PUT", "/api/v1/settings", "settings:write", "plugins.manage", kMaxSettingsBody,
      [s](crm::Request& req, crm::Response& res) { return PutSettings(*s, req, res); }));
}

}  // namespace host
