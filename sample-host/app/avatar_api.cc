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

// The quoted parameter `key` ("name", "filename") of a part's Content-Disposition header.
std::string DispositionParam(std::string_view headers, std::string_view key) {
  const std::string wanted = std::string(key) + "=\"";
  for (size_t at = headers.find(wanted); at != std::string_view::npos;
       at = headers.find(wanted, at + 1)) {
    if (at == 0 || (headers[at - 1] != ' ' && headers[at - 1] != ';')) continue;
    size_t start = at + wanted.size();
    size_t end = headers.find('"', start);
    if (end == std::string_view::npos) return "";
    return std::string(headers.substr(start, end - start));
  }
  return "";
}

std::string BoundaryOf(std::string_view content_type) {
  size_t at = content_type.find("boundary=");
  if (at == std::string_view::npos) return "";
  std::string_view b = content_type.substr(at + 9);
  if (!b.empty() && b.front() == '"') {
    b.remove_prefix(1);
    b = b.substr(0, b.find('"'));
  } else {
    b = b.substr(0, b.find(';'));
  }
  return std::string(crm::text::Trim(b));
}

}  // namespace

std::optional<std::vector<MultipartPart>> MultipartParts(std::string_view content_type,
                                                         std::string_view body) {
  std::string boundary = BoundaryOf(content_type);
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  std::vector<MultipartPart> parts;
  size_t at = body.find(delimiter);
  while (at != std::string_view::npos) {
    size_t headers = at + delimiter.size();
    if (body.substr(headers, 2) != "\r\n") return parts;  // "--": the closing delimiter
    size_t content = body.find("\r\n\r\n", headers);
    if (content == std::string_view::npos) return std::nullopt;
    size_t next = body.find("\r\n" + delimiter, content + 4);
    if (next == std::string_view::npos) return std::nullopt;
    std::string_view head = body.substr(headers, content - headers);
    MultipartPart part;
    part.name = DispositionParam(head, "name");
    part.filename = DispositionParam(head, "filename");
    part.content = std::string(body.substr(content + 4, next - content - 4));
    parts.push_back(std::move(part));
    at = next + 2;
  }
  return std::nullopt;
}

std::optional<std::string> MultipartFile(std::string_view content_type, std::string_view body,
                                         std::string_view field) {
  std::optional<std::vector<MultipartPart>> parts = MultipartParts(content_type, body);
  if (!parts) return std::nullopt;
  for (MultipartPart& part : *parts) {
    if (part.name == field) return std::move(part.content);
  }
  return std::nullopt;
}

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
