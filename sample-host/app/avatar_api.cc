// sample-host/app/avatar_api.cc — adapters of the avatar API: the raw body in, AvatarStore, JSON
// out. The Content-Type and any file name the caller gives are ignored: the bytes are sniffed.
#include "sample-host/app/avatar_api.h"

#include <boost/json.hpp>

#include "text/text.h"

namespace host {
namespace {

namespace json = boost::json;

crm::Result<int64_t> ClientId(const crm::Request& request) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  return *id;
}

crm::Status CheckPermission(const crm::Request& request) {
  if (request.Caller().HasPermission("clients.write")) return crm::Status::Ok();
  return crm::PermissionDenied("the token's owner lacks the permission clients.write");
}

crm::Status PutAvatar(AvatarStore& avatars, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckPermission(req));
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(req));
  CRM_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(req, kMaxAvatarBytes));
  CRM_ASSIGN_OR_RETURN(std::string name, avatars.Set(id, body));
  res.SetStatus(200);
  return res.SendJson(json::serialize(
      json::object{{"avatar_url", "/admin/clients/" + std::to_string(id) + "/avatar/" + name}}));
}

crm::Status DeleteAvatar(AvatarStore& avatars, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckPermission(req));
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(req));
  CRM_RETURN_IF_ERROR(avatars.Remove(id));
  res.SetStatus(204);
  return res.Send("", "application/json; charset=utf-8");
}

}  // namespace

crm::Result<std::string> ReadSmallBody(crm::Request& request, uint64_t limit) {
  if (std::optional<uint64_t> declared = request.ContentLength(); declared && *declared > limit)
    return crm::TooLarge("request body too large");
  std::string body;
  char buf[16 * 1024];
  for (;;) {
    CRM_ASSIGN_OR_RETURN(size_t n, request.ReadBody(buf, sizeof buf));
    if (n == 0) break;
    if (body.size() + n > limit) return crm::TooLarge("request body too large");
    body.append(buf, n);
  }
  return body;
}

crm::Status RegisterAvatarApi(crm::Registrar& registrar, AvatarStore& avatars) {
  struct Entry {
    const char* method;
    crm::Status (*handler)(AvatarStore&, crm::Request&, crm::Response&);
  };
  for (const Entry& e : {Entry{"PUT", PutAvatar}, Entry{"DELETE", DeleteAvatar}}) {
    crm::Route route;
    route.method = e.method;
    route.pattern = "/api/v1/clients/{id}/avatar";
    route.audience.kind = crm::Audience::Kind::kApiToken;
    route.audience.scope = "clients:write";
    route.max_body = kMaxAvatarBytes;
    auto handler = e.handler;
    route.handler = [&avatars, handler](crm::Request& req, crm::Response& res) {
      return handler(avatars, req, res);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace host
