// sample-host/web/avatar_pages.cc — adapters of the avatar pages over AvatarStore. The upload is
// read whole (it is small, AvatarStore refuses more than kMaxAvatarBytes); the part's file name and
// Content-Type are ignored. Refusals are error pages in the reader's language with the upload
// rules' statuses (415, 413, 422).
#include "sample-host/web/avatar_pages.h"

#include "sample-host/app/avatar_api.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "text/text.h"

namespace host::web {
namespace {

// Room for the multipart framing around the picture.
constexpr uint64_t kMaxUploadBody = kMaxAvatarBytes + 64 * 1024;

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

crm::Result<int64_t> ClientId(const crm::Request& rq) {
  std::optional<int64_t> id = crm::text::ParseId(rq.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  return *id;
}

// The store's refusal with its status, and a message in the reader's language.
crm::Status Translated(const AvatarPageDeps& d, const crm::Request& rq, const crm::Status& s) {
  const char* key = nullptr;
  switch (s.code()) {
    case crm::StatusCode::kUnsupportedType:
      key = "avatar.bad_type";
      break;
    case crm::StatusCode::kTooLarge:
      key = "avatar.too_large";
      break;
    case crm::StatusCode::kUnprocessable:
      key = "avatar.unreadable";
      break;
    default:
      return s;
  }
  return crm::Status(s.code(), PageContext(d.registry, rq).texts().Get(key));
}

crm::Status Upload(const AvatarPageDeps& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(rq));
  crm::Result<std::string> body = ReadSmallBody(rq, kMaxUploadBody);
  if (!body.ok()) return Translated(d, rq, body.status());
  std::optional<std::string> file =
      MultipartFile(rq.Header("Content-Type").value_or(""), *body, "avatar");
  if (!file || file->empty()) return crm::InvalidArgument("avatar: choose a picture");
  crm::Result<std::string> stored = d.avatars.Set(id, *file);
  if (!stored.ok()) return Translated(d, rq, stored.status());
  return rs.Redirect("/admin/clients/" + std::to_string(id) + "?notice=saved");
}

crm::Status Remove(const AvatarPageDeps& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(rq));
  CRM_RETURN_IF_ERROR(d.avatars.Remove(id));
  return rs.Redirect("/admin/clients/" + std::to_string(id) + "?notice=saved");
}

crm::Status Show(const AvatarPageDeps& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(int64_t id, ClientId(rq));
  CRM_ASSIGN_OR_RETURN(std::string key, d.avatars.KeyOf(id, rq.PathParam("name").value_or("")));
  crm::ObjectReply reply;
  reply.store = &d.avatars.store();
  reply.key = key;
  reply.mime = "image/jpeg";
  reply.download_name = "avatar.jpg";
  reply.inline_view = true;
  reply.etag = rq.PathParam("name").value_or("");
  return rs.SendObject(reply);
}

}  // namespace

std::optional<std::string> MultipartFile(std::string_view content_type, std::string_view body,
                                         std::string_view field) {
  std::string boundary = BoundaryOf(content_type);
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  const std::string wanted = "name=\"" + std::string(field) + "\"";
  size_t at = body.find(delimiter);
  while (at != std::string_view::npos) {
    size_t headers = at + delimiter.size();
    if (body.substr(headers, 2) != "\r\n") return std::nullopt;  // "--": the closing delimiter
    size_t content = body.find("\r\n\r\n", headers);
    if (content == std::string_view::npos) return std::nullopt;
    size_t next = body.find("\r\n" + delimiter, content + 4);
    if (next == std::string_view::npos) return std::nullopt;
    if (body.substr(headers, content - headers).find(wanted) != std::string_view::npos)
      return std::string(body.substr(content + 4, next - content - 4));
    at = next + 2;
  }
  return std::nullopt;
}

crm::Status RegisterAvatarPages(crm::Registrar& registrar, const AvatarPageDeps& deps) {
  struct Entry {
    const char* method;
    const char* pattern;
    const char* permission;
    crm::Status (*handler)(const AvatarPageDeps&, crm::Request&, crm::Response&);
  };
  static constexpr Entry kEntries[] = {
      {"GET", "/admin/clients/{id}/avatar/{name}", "clients.read", Show},
      {"POST", "/admin/clients/{id}/avatar", "clients.write", Upload},
      {"POST", "/admin/clients/{id}/avatar/delete", "clients.write", Remove},
  };
  for (const Entry& e : kEntries) {
    crm::Route route;
    route.method = e.method;
    route.pattern = e.pattern;
    route.audience = AdminAudience(e.permission);
    route.max_body = kMaxUploadBody;
    route.handler = [deps, &e](crm::Request& rq, crm::Response& rs) {
      return e.handler(deps, rq, rs);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace host::web
