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

std::string ClientInitials(const Client& client) {
  std::string out;
  int count = 0;
  for (const std::string* part : {&client.first_name, &client.last_name, &client.company}) {
    if (count >= 2) break;
    std::string initial = crm::text::UpperInitial(*part);
    if (initial.empty()) continue;
    out += initial;
    ++count;
  }
  return out.empty() ? "#" : out;
}

std::string AvatarUrl(const Client& client) {
  if (client.avatar.empty()) return "";
  return "/admin/clients/" + std::to_string(client.id) + "/avatar/" + client.avatar;
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
