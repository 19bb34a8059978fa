// sample-host/app/profile_api.cc — handlers of profile_api.h: short adapters from JSON to
// NewsletterStore and TimelineStore, registered from one table.
#include "sample-host/app/profile_api.h"

#include <boost/json.hpp>

#include <cstdio>
#include <ctime>

#include "sample-host/app/api_routes.h"
#include "sample-host/app/money.h"
#include "sample-host/core/logger.h"  // FormatIsoUtc
#include "text/text.h"

namespace host {

// Generated (sample-host/app/CMakeLists.txt): {"openapi.json", its text}.
std::vector<std::pair<std::string, std::string>> EmbeddedHostOpenApi();

namespace json = boost::json;
namespace {

constexpr uint64_t kMaxJsonBody = 256 * 1024;

crm::Status SendJson(crm::Response& response, int status, const json::value& v) {
  response.SetStatus(status);
  return response.SendJson(json::serialize(v));
}

crm::Result<json::object> ReadJsonObject(crm::Request& request) {
  CRM_ASSIGN_OR_RETURN(std::string body, ReadWholeBody(request, kMaxJsonBody));
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return crm::InvalidArgument("body: not valid JSON (" + ec.message() + ")");
  if (!v.is_object()) return crm::InvalidArgument("body: must be a JSON object");
  return std::move(v.as_object());
}

// The string member `key` ("" when absent or null); kInvalidArgument for another type.
crm::Result<std::string> StringMember(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::string();
  if (!it->value().is_string()) {
    return crm::InvalidArgument(std::string(key) + ": must be a string");
  }
  return std::string(it->value().as_string());
}

crm::Result<int64_t> ClientId(ClientStore& clients, const crm::Request& request) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  CRM_RETURN_IF_ERROR(clients.Get(*id).status());
  return *id;
}

json::object ListObject(const NewsletterList& l) {
  return {{"id", l.id}, {"name", l.name}, {"subscribers", l.subscribers}};
}

crm::Status GetLists(const ProfileApiDeps& d, crm::Request&, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(std::vector<NewsletterList> lists, d.newsletter.List());
  json::array items;
  for (const auto& l : lists) items.emplace_back(ListObject(l));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status PostList(const ProfileApiDeps& d, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  CRM_ASSIGN_OR_RETURN(std::string name, StringMember(o, "name"));
  CRM_ASSIGN_OR_RETURN(NewsletterList list, d.newsletter.Create(name));
  return SendJson(res, 201, ListObject(list));
}

crm::Status PostTimeline(const ProfileApiDeps& d, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(d.clients, req));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  crm::TimelineEntry e;
  e.client_id = id;
  CRM_ASSIGN_OR_RETURN(e.type, StringMember(o, "type"));
  CRM_ASSIGN_OR_RETURN(e.title, StringMember(o, "title"));
  CRM_ASSIGN_OR_RETURN(e.detail, StringMember(o, "detail"));
  e.actor = "api";
  CRM_ASSIGN_OR_RETURN(std::string amount_text, StringMember(o, "amount"));
  std::optional<int64_t> amount;
  if (!amount_text.empty()) {
    amount = ParseAmountCents(amount_text);
    if (!amount) return crm::Unprocessable("amount: must be a decimal string such as \"100.00\"");
  }
  CRM_ASSIGN_OR_RETURN(std::string occurred_text, StringMember(o, "occurred_at"));
  std::optional<int64_t> occurred_at;
  if (!occurred_text.empty()) {
    occurred_at = ParseIsoUtc(occurred_text);
    if (!occurred_at) return crm::Unprocessable("occurred_at: must be YYYY-MM-DDTHH:MM:SSZ");
  }
  CRM_ASSIGN_OR_RETURN(std::string note_html, StringMember(o, "note_html"));  // H13, sanitised
  auto added = d.timeline.AddRecorded(e, amount, occurred_at.value_or(0), note_html);
  if (!added.ok()) {
    if (added.status().code() != crm::StatusCode::kInvalidArgument) return added.status();
    return crm::Unprocessable(added.status().message());
  }
  const TimelineRecord& r = *added;
  json::object out{{"id", r.id},
                   {"type", r.type},
                   {"title", r.title},
                   {"detail", r.detail},
                   {"note_html", r.note_html},
                   {"attachments", json::array()},
                   {"occurred_at", FormatIsoUtc(r.created_at)}};
  out["amount"] = amount ? json::value(CentsToDecimal(*amount)) : json::value(nullptr);
  return SendJson(res, 201, out);
}

crm::Status GetStats(const ProfileApiDeps& d, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(d.clients, req));
  CRM_ASSIGN_OR_RETURN(ClientStats s, d.timeline.Stats(id));
  json::object out;
  out["last_action_at"] =
      s.last_action_at > 0 ? json::value(FormatIsoUtc(s.last_action_at)) : json::value(nullptr);
  out["purchases"] = s.purchases;
  out["revenue"] = CentsToDecimal(s.revenue_cents);
  out["support_requests"] = s.support_requests;
  return SendJson(res, 200, out);
}

json::object DeviceObject(const ClientDevice& d) {
  return {{"id", d.id},
          {"platform", d.platform},
          {"label", d.label},
          {"token", d.token},
          {"created_at", FormatIsoUtc(d.created_at)},
          {"last_seen_at", FormatIsoUtc(d.last_seen_at)}};
}

crm::Status GetDevices(const ProfileApiDeps& d, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(d.clients, req));
  CRM_ASSIGN_OR_RETURN(std::vector<ClientDevice> devices, d.devices.List(id));
  json::array items;
  for (const auto& device : devices) items.emplace_back(DeviceObject(device));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status PostDevice(const ProfileApiDeps& d, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(d.clients, req));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  ClientDevice device;
  device.client_id = id;
  CRM_ASSIGN_OR_RETURN(device.platform, StringMember(o, "platform"));
  CRM_ASSIGN_OR_RETURN(device.label, StringMember(o, "label"));
  CRM_ASSIGN_OR_RETURN(device.token, StringMember(o, "token"));
  CRM_ASSIGN_OR_RETURN(std::string seen, StringMember(o, "last_seen_at"));
  if (!seen.empty()) {
    std::optional<int64_t> at = ParseIsoUtc(seen);
    if (!at) return crm::Unprocessable("last_seen_at: must be YYYY-MM-DDTHH:MM:SSZ");
    device.last_seen_at = *at;
  }
  auto stored = d.devices.Register(device);
  if (!stored.ok()) {
    if (stored.status().code() != crm::StatusCode::kInvalidArgument) return stored.status();
    return crm::Unprocessable(stored.status().message());
  }
  return SendJson(res, stored->second ? 201 : 200, DeviceObject(stored->first));
}

crm::Status DeleteDevice(const ProfileApiDeps& d, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(d.clients, req));
  std::optional<int64_t> device_id = crm::text::ParseId(req.PathParam("device_id"));
  if (!device_id) return crm::NotFound("no such device");
  CRM_RETURN_IF_ERROR(d.devices.Remove(id, *device_id));
  res.SetStatus(204);
  return res.Send("", "application/json; charset=utf-8");
}

struct ProfileRoute {
  const char* method;
  const char* pattern;
  const char* scope;
  const char* permission;
  crm::Status (*handler)(const ProfileApiDeps&, crm::Request&, crm::Response&);
};

constexpr ProfileRoute kProfileRoutes[] = {
    {"GET", "/api/v1/newsletter-lists", "clients:read", "clients.read", GetLists},
    {"POST", "/api/v1/newsletter-lists", "clients:write", "clients.write", PostList},
    {"POST", "/api/v1/clients/{id}/timeline", "clients:write", "clients.write", PostTimeline},
    {"GET", "/api/v1/clients/{id}/stats", "clients:read", "clients.read", GetStats},
    {"GET", "/api/v1/clients/{id}/devices", "clients:read", "clients.read", GetDevices},
    {"POST", "/api/v1/clients/{id}/devices", "clients:write", "clients.write", PostDevice},
    {"DELETE", "/api/v1/clients/{id}/devices/{device_id}", "clients:write", "clients.write",
     DeleteDevice},
};

}  // namespace

std::optional<int64_t> ParseIsoUtc(std::string_view text) {
  if (text.size() != 20) return std::nullopt;
  std::string s(text);
  std::tm tm{};
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
      z != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t t = timegm(&tm);
  // Normalised dates ("02-30") come back different: refuse them.
  if (t < 0 || FormatIsoUtc(t) != s) return std::nullopt;
  return t;
}

const std::string& HostOpenApiJson() {
  static const std::string kDoc = [] {
    for (const auto& [path, content] : EmbeddedHostOpenApi()) {
      if (path == "openapi.json") return content;
    }
    return std::string("{}");
  }();
  return kDoc;
}

crm::Status RegisterProfileApi(crm::Registrar& registrar, const ProfileApiDeps& deps) {
  crm::Route doc;
  doc.method = "GET";
  doc.pattern = "/api/v1/openapi.json";
  doc.handler = [](crm::Request&, crm::Response& res) { return res.SendJson(HostOpenApiJson()); };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(doc)));
  for (const ProfileRoute& r : kProfileRoutes) {
    auto handler = r.handler;
    CRM_RETURN_IF_ERROR(
        registrar.AddRoute(TokenApiRoute(r.method, r.pattern, r.scope, r.permission, kMaxJsonBody,
                                         [deps, handler](crm::Request& req, crm::Response& res) {
                                           return handler(deps, req, res);
                                         })));
  }
  return crm::Status::Ok();
}

}  // namespace host
