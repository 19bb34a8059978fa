// plugin/portal/api_routes.cc — the portal's adapters (api_routes.h): parse the ids and the
// body, call one use case, send JSON (or, for the client area's forms, redirect back).
#include "plugin/portal/api_routes.h"

#include <filesystem>
#include <fstream>

#include <boost/json.hpp>

#include "plugin/access.h"
#include "plugin/api_routes.h"
#include "plugin/comments/comments.h"
#include "plugin/journal/request_address.h"
#include "plugin/portal/export.h"
#include "plugin/portal/portal_json.h"
#include "plugin/portal/use_cases.h"
#include "text/text.h"

namespace cd {
namespace json = boost::json;
namespace {

constexpr uint64_t kJsonBody = 1 << 20;
using Handler = crm::Status (*)(Services&, crm::Request&, crm::Response&);

std::string ApiFilesBase(int64_t client_id) {
  return std::string(kApiPrefix) + "/clients/" + std::to_string(client_id) + "/shared";
}

std::string Str(const json::value& body, std::string_view key) {
  const json::value* v = body.is_object() ? body.as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

crm::Result<ProjectDraft> DraftFromJson(const json::value& body) {
  if (!body.is_object()) return crm::InvalidArgument("body: a JSON object");
  ProjectDraft d;
  for (const auto& [key, v] : body.as_object()) {
    if (!v.is_string()) return crm::Unprocessable(std::string(key) + ": a string");
    std::string s(v.as_string());
    if (key == "name")
      d.name = s;
    else if (key == "reference")
      d.reference = s;
    else if (key == "status")
      d.status = s;
    else
      return crm::InvalidArgument("unknown member: " + std::string(key));
  }
  return d;
}

// ---- Projects --------------------------------------------------------------------------

crm::Status GetProjects(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(auto list, ListProjects(sv, req.Caller(), cid));
  json::array items;
  for (const Project& p : list) items.push_back(ProjectToJson(p));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status PostProject(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  CRM_ASSIGN_OR_RETURN(ProjectDraft draft, DraftFromJson(body));
  CRM_ASSIGN_OR_RETURN(Project p, CreateProject(sv, req.Caller(), cid, draft));
  return SendJson(res, 201, ProjectToJson(p));
}

crm::Status PatchProject(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  CRM_ASSIGN_OR_RETURN(ProjectDraft draft, DraftFromJson(body));
  CRM_ASSIGN_OR_RETURN(Project p, UpdateProject(sv, req.Caller(), cid, id, draft));
  return SendJson(res, 200, ProjectToJson(p));
}

// ---- Shared documents ----------------------------------------------------------------------

crm::Status GetSharedList(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  std::optional<int64_t> project;
  if (auto p = req.Query("project_id")) {
    project = crm::text::ParseId(std::string_view(*p));
    if (!project) return crm::InvalidArgument("project_id: an id");
  }
  CRM_ASSIGN_OR_RETURN(auto list, ListShared(sv, req.Caller(), cid, project));
  json::array items;
  for (const SharedDocument& d : list) items.push_back(SharedToJson(d, ApiFilesBase(cid)));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status PostShared(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(SharedDocument d, ShareDocument(sv, req.Caller(), SharedUploadOf(req, cid)));
  return SendJson(res, 201, SharedToJson(d, ApiFilesBase(cid)));
}

crm::Status GetOneShared(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(SharedDocument d, GetShared(sv, req.Caller(), cid, id));
  return SendJson(res, 200, SharedToJson(d, ApiFilesBase(cid)));
}

crm::Status DeleteOneShared(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_RETURN_IF_ERROR(DeleteShared(sv, req.Caller(), cid, id));
  return SendNoContent(res);
}

crm::Status SendSharedFile(Services& sv, crm::Request& req, crm::Response& res, int64_t cid) {
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(int64_t file_id, IdParam(req, "file_id"));
  const bool want_inline = req.Query("inline").value_or("") == "1";
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply,
                       DownloadSharedFile(sv, req.Caller(), cid, id, file_id, want_inline));
  return res.SendObject(reply);
}

crm::Status GetSharedFile(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  return SendSharedFile(sv, req, res, cid);
}

crm::Status PostPayment(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  if (!body.is_object()) return crm::InvalidArgument("body: a JSON object");
  const json::value* amount = body.as_object().if_contains("amount");
  if (amount == nullptr || !amount->is_string())
    return crm::Unprocessable("amount: a decimal string such as \"120.00\"");
  CRM_ASSIGN_OR_RETURN(SharedDocument d,
                       RecordPayment(sv, req.Caller(), cid, id, std::string(amount->as_string()),
                                     Str(body, "paid_on")));
  return SendJson(res, 201, SharedToJson(d, ApiFilesBase(cid)));
}

crm::Status GetSharedComments(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(auto list, ListSharedComments(sv, req.Caller(), cid, id));
  return SendComments(res, list);
}

crm::Status PostSharedComment(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(std::string text, CommentBodyOf(req));
  CRM_ASSIGN_OR_RETURN(Comment c, AddSharedComment(sv, req.Caller(), cid, id, text));
  return SendJson(res, 201, CommentToJson(c));
}

// Streams the ZIP from its temp file, which goes once sent (or on any error).
crm::Status GetExport(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(std::filesystem::path zip, ExportClient(sv, req.Caller(), cid));
  struct Remove {
    std::filesystem::path p;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } remove{zip};
  std::ifstream in(zip, std::ios::binary);
  if (!in) return crm::Internal("export: the archive cannot be read");
  res.SetHeader("Content-Disposition",
                "attachment; filename=\"client-" + std::to_string(cid) + "-export.zip\"");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  CRM_RETURN_IF_ERROR(res.BeginStream("application/zip"));
  std::vector<char> buf(256 * 1024);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) CRM_RETURN_IF_ERROR(res.Write(std::string_view(buf.data(), in.gcount())));
  }
  return res.End();
}

// ---- The client's session (/account/shared/...) --------------------------------------------

// A form answer goes back to the page (with a flash or an error code), JSON gets JSON.
crm::Status AccountOutcome(crm::Request& req, crm::Response& res, const crm::Status& s, int64_t id,
                           const json::value& ok_json, const char* flash) {
  if (req.Form().empty()) {
    if (!s.ok()) return s;
    return SendJson(res, 200, ok_json);
  }
  std::string to = std::string(kAccountSharedPage) + "?";
  to +=
      s.ok() ? std::string("flash=") + flash : "error=" + std::string(crm::ErrorCodeName(s.code()));
  return res.Redirect(to + "#cd-shared-" + std::to_string(id));
}

std::string AccountFilesBase() { return kAccountSharedPage; }

crm::Status AccountFile(Services& sv, crm::Request& req, crm::Response& res) {
  return SendSharedFile(sv, req, res, req.Caller().client_id);
}

crm::Status AccountDecision(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  std::string decision, reason;
  if (!req.Form().empty()) {
    decision = req.FormValue("decision").value_or("");
    reason = req.FormValue("reason").value_or("");
  } else {
    CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
    decision = Str(body, "decision");
    reason = Str(body, "reason");
  }
  auto d = DecideShared(sv, req.Caller(), req.Caller().client_id, id, decision, reason);
  json::value out = d.ok() ? json::value(SharedToJson(*d, AccountFilesBase())) : nullptr;
  return AccountOutcome(req, res, d.status(), id, out, "decided");
}

crm::Status AccountComment(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  std::string body;
  if (!req.Form().empty()) {
    body = req.FormValue("body").value_or("");
  } else {
    CRM_ASSIGN_OR_RETURN(json::value v, ReadJson(req));
    body = Str(v, "body");
  }
  auto c = AddSharedComment(sv, req.Caller(), req.Caller().client_id, id, body);
  json::value out = c.ok() ? json::value(CommentToJson(*c)) : nullptr;
  if (c.ok() && req.Form().empty()) return SendJson(res, 201, out);
  return AccountOutcome(req, res, c.status(), id, out, "commented");
}

// Multipart: JSON for a script (Accept: application/json), else back to the page.
crm::Status AccountSupportingFile(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  const int64_t cid = req.Caller().client_id;
  auto d = AddSupportingFile(sv, req.Caller(), SharedUploadOf(req, cid, id));
  const bool json_answer =
      req.Header("Accept").value_or("").find("application/json") != std::string::npos;
  if (json_answer) {
    if (!d.ok()) return d.status();
    return SendJson(res, 201, SharedToJson(*d, AccountFilesBase()));
  }
  std::string to = std::string(kAccountSharedPage) + "?";
  to += d.ok() ? std::string("flash=uploaded")
               : "error=" + std::string(crm::ErrorCodeName(d.status().code()));
  return res.Redirect(to + "#cd-shared-" + std::to_string(id));
}

struct RouteSpec {
  const char* method;
  const char* pattern;  // after kApiPrefix, or absolute for "/account/..."
  crm::Audience::Kind kind;
  const char* scope;
  uint64_t max_body;
  Handler handler;
};

using K = crm::Audience::Kind;
constexpr RouteSpec kRoutes[] = {
    {"GET", "/clients/{client_id}/projects", K::kApiToken, kScopeRead, kJsonBody, GetProjects},
    {"POST", "/clients/{client_id}/projects", K::kApiToken, kScopeWrite, kJsonBody, PostProject},
    {"PATCH", "/clients/{client_id}/projects/{id}", K::kApiToken, kScopeWrite, kJsonBody,
     PatchProject},
    {"GET", "/clients/{client_id}/shared", K::kApiToken, kScopeRead, kJsonBody, GetSharedList},
    {"POST", "/clients/{client_id}/shared", K::kApiToken, kScopeWrite, kSharedBodyLimit,
     PostShared},
    {"GET", "/clients/{client_id}/shared/{id}", K::kApiToken, kScopeRead, kJsonBody, GetOneShared},
    {"DELETE", "/clients/{client_id}/shared/{id}", K::kApiToken, kScopeWrite, kJsonBody,
     DeleteOneShared},
    {"GET", "/clients/{client_id}/shared/{id}/files/{file_id}", K::kApiToken, kScopeRead, kJsonBody,
     GetSharedFile},
    {"POST", "/clients/{client_id}/shared/{id}/payments", K::kApiToken, kScopeWrite, kJsonBody,
     PostPayment},
    {"GET", "/clients/{client_id}/shared/{id}/comments", K::kApiToken, kScopeRead, kJsonBody,
     GetSharedComments},
    {"POST", "/clients/{client_id}/shared/{id}/comments", K::kApiToken, kScopeWrite, kJsonBody,
     PostSharedComment},
    {"GET", "/clients/{client_id}/export", K::kApiToken, kScopeRead, kJsonBody, GetExport},
    {"GET", "/account/shared/{id}/files/{file_id}", K::kClient, "", kJsonBody, AccountFile},
    {"POST", "/account/shared/{id}/decision", K::kClient, "", kJsonBody, AccountDecision},
    {"POST", "/account/shared/{id}/comments", K::kClient, "", kJsonBody, AccountComment},
    {"POST", "/account/shared/{id}/files", K::kClient, "", kSharedBodyLimit, AccountSupportingFile},
};

}  // namespace

crm::Status RegisterPortalRoutes(crm::Registrar& registrar, Services& services) {
  Services* sv = &services;
  for (const RouteSpec& r : kRoutes) {
    crm::Route route;
    route.method = r.method;
    std::string pattern = r.pattern;
    route.pattern =
        pattern.rfind("/account/", 0) == 0 ? pattern : std::string(kApiPrefix) + pattern;
    route.audience.kind = r.kind;
    if (r.kind == K::kApiToken) route.audience.scope = r.scope;
    route.max_body = r.max_body;
    Handler handler = r.handler;
    route.handler = [sv, handler](crm::Request& req, crm::Response& res) {
      RequestAddressScope address(req.RemoteAddress());  // the journal's "from where"
      return handler(*sv, req, res);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace cd
