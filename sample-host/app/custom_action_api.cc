// sample-host/app/custom_action_api.cc — adapters of custom_action_api.h: ids from the path, the
// multipart body read whole (at most the limit plus the framing), CustomActions, JSON out. The
// part's Content-Type is ignored (the bytes are sniffed) and its file name only sanitised.
#include "sample-host/app/custom_action_api.h"

#include "sample-host/app/api_routes.h"  // TokenApiRoute
#include "sample-host/app/avatar_api.h"  // ReadSmallBody, MultipartParts
#include "sample-host/core/logger.h"     // FormatIsoUtc
#include "text/text.h"

namespace host {
namespace json = boost::json;
namespace {

constexpr uint64_t kMaxMultipartBody = kMaxAttachmentBytes + 64 * 1024;

struct Ids {
  int64_t client_id = 0;
  int64_t entry_id = 0;
};

crm::Result<Ids> PathIds(const crm::Request& request) {
  std::optional<int64_t> client = crm::text::ParseId(request.PathParam("id"));
  std::optional<int64_t> entry = crm::text::ParseId(request.PathParam("entry_id"));
  if (!client || !entry) return crm::NotFound("no such history entry");
  return Ids{.client_id = *client, .entry_id = *entry};
}

crm::Status PostAttachment(CustomActions& actions, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(Ids ids, PathIds(req));
  CRM_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(req, kMaxMultipartBody));
  auto parts = MultipartParts(req.Header("Content-Type").value_or(""), body);
  if (!parts) return crm::InvalidArgument("body: multipart/form-data with a field \"file\"");
  for (const MultipartPart& part : *parts) {
    if (part.name != "file") continue;
    CRM_ASSIGN_OR_RETURN(Attachment a,
                         actions.Attach(ids.client_id, ids.entry_id, part.filename, part.content));
    res.SetStatus(201);
    return res.SendJson(json::serialize(AttachmentJson(a)));
  }
  return crm::InvalidArgument("file: required (multipart/form-data)");
}

crm::Status GetAttachment(CustomActions& actions, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(Ids ids, PathIds(req));
  std::optional<int64_t> att_id = crm::text::ParseId(req.PathParam("att_id"));
  if (!att_id) return crm::NotFound("no such attachment");
  CRM_ASSIGN_OR_RETURN(Attachment a, actions.Find(ids.client_id, ids.entry_id, *att_id));
  return res.SendObject(actions.Download(a));
}

crm::Status DeleteEntry(CustomActions& actions, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(Ids ids, PathIds(req));
  CRM_RETURN_IF_ERROR(actions.Delete(ids.client_id, ids.entry_id));
  res.SetStatus(204);
  return res.Send("", "application/json; charset=utf-8");
}

struct ActionRoute {
  const char* method;
  const char* pattern;
  const char* scope;
  const char* permission;
  crm::Status (*handler)(CustomActions&, crm::Request&, crm::Response&);
};

constexpr ActionRoute kActionRoutes[] = {
    {"POST", "/api/v1/clients/{id}/timeline/{entry_id}/attachments", "clients:write",
     "clients.write", PostAttachment},
    {"GET", "/api/v1/clients/{id}/timeline/{entry_id}/attachments/{att_id}", "clients:read",
     "clients.read", GetAttachment},
    {"DELETE", "/api/v1/clients/{id}/timeline/{entry_id}", "clients:write", "clients.write",
     DeleteEntry},
};

}  // namespace

json::object AttachmentJson(const Attachment& a) {
  return {{"id", a.id},
          {"file_name", a.file_name},
          {"media_type", a.media_type},
          {"size", a.size},
          {"sha256", a.sha256},
          {"created_at", FormatIsoUtc(a.created_at)},
          {"url", "/api/v1/clients/" + std::to_string(a.client_id) + "/timeline/" +
                      std::to_string(a.entry_id) + "/attachments/" + std::to_string(a.id)}};
}

crm::Status RegisterCustomActionApi(crm::Registrar& registrar, CustomActions& actions) {
  for (const ActionRoute& r : kActionRoutes) {
    auto handler = r.handler;
    CRM_RETURN_IF_ERROR(registrar.AddRoute(
        TokenApiRoute(r.method, r.pattern, r.scope, r.permission, kMaxMultipartBody,
                      [&actions, handler](crm::Request& req, crm::Response& res) {
                        return handler(actions, req, res);
                      })));
  }
  return crm::Status::Ok();
}

}  // namespace host
