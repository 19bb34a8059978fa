// plugin/attestations/api_routes.cc — adapters: parse ids and body, call one use case, send JSON.
#include "plugin/attestations/api_routes.h"

#include <boost/json.hpp>

#include "plugin/access.h"
#include "plugin/api_routes.h"
#include "plugin/attestations/request_page.h"
#include "plugin/multipart_parser.h"
#include "text/text.h"

namespace cd::attestations {
namespace json = boost::json;
namespace {

constexpr uint64_t kJsonBody = 1 << 20;
constexpr uint64_t kTemplateBody = kMaxTemplateBytes + (64 << 10);
using Handler = crm::Status (*)(AttestationService&, crm::Request&, crm::Response&);

crm::Result<int64_t> Id(const crm::Request& r, std::string_view name) {
  std::optional<int64_t> id = crm::text::ParseId(r.PathParam(name));
  if (!id) return crm::NotFound("no such " + std::string(name));
  return *id;
}

crm::Result<std::string> ReadBody(crm::Request& req, uint64_t limit) {
  std::string body;
  char buf[16384];
  for (;;) {
    CRM_ASSIGN_OR_RETURN(size_t n, req.ReadBody(buf, sizeof buf));
    if (n == 0) return body;
    if (body.size() + n > limit) return crm::TooLarge("body too large");
    body.append(buf, n);
  }
}

crm::Result<json::object> ReadJsonObject(crm::Request& req) {
  CRM_ASSIGN_OR_RETURN(std::string body, ReadBody(req, kJsonBody));
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return crm::InvalidArgument("body: a JSON object");
  return v.as_object();
}

std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

json::object TemplateJson(const Template& t) {
  json::array ps;
  for (const auto& p : t.placeholders) {
    ps.push_back(json::object{{"key", p.key},
                              {"known", p.known},
                              {"label", p.label},
                              {"default", p.default_value},
                              {"required", p.required}});
  }
  return json::object{{"id", t.id},
                      {"name", t.name},
                      {"entity", t.entity},
                      {"title", t.title},
                      {"validation", t.validation},
                      {"placeholders", std::move(ps)}};
}

// `pdf` as `viewer` may fetch it: staff and tokens through the API while it exists, a client
// through its area once shared (a held one is null: the client does not see it yet).
json::object AttestationJson(const Attestation& a, const crm::Principal& viewer) {
  json::value pdf = nullptr;
  const bool client = viewer.IsClient();
  if (!a.storage_key.empty() && (!client || a.status == "shared")) {
    pdf = json::object{{"url", (client ? std::string("/account") : std::string(kApiPrefix)) +
                                   "/attestations/" + std::to_string(a.id) + "/pdf"},
                       {"sha256", a.sha256},
                       {"size", a.size}};
  }
  json::value contract = nullptr;  // null for a client-level attestation
  if (a.contract_id > 0) contract = a.contract_id;
  json::object o{{"id", a.id},
                 {"client_id", a.client_id},
                 {"contract_id", contract},
                 {"template_id", a.template_id},
                 {"status", a.status},
                 {"pdf", pdf},
                 {"sha256", a.sha256},
                 {"created_at", a.created_at}};
  if (a.status == "refused") {
    o["decision"] = json::object{{"by", a.decided_by}, {"at", a.decided_at}, {"reason", a.reason}};
  }
  return o;
}

crm::Status Send(crm::Response& res, int status, const json::value& v) {
  res.SetStatus(status);
  return res.SendJson(json::serialize(v));
}

}  // namespace

crm::Result<TemplateUpload> ParseTemplateUpload(crm::Request& req) {
  CRM_ASSIGN_OR_RETURN(std::string boundary,
                       BoundaryFromContentType(req.Header("Content-Type").value_or("")));
  TemplateUpload up;
  std::string current, field;
  bool saw_file = false;
  MultipartParser parser(boundary, {[&](const PartHeaders& h) {
                                      current = h.disposition.name;
                                      field.clear();
                                      saw_file = saw_file || current == "file";
                                      return crm::Status::Ok();
                                    },
                                    [&](std::string_view d) {
                                      std::string& into = current == "file" ? up.bytes : field;
                                      if (into.size() + d.size() > kMaxTemplateBytes)
                                        return crm::TooLarge("file: at most 10 MB");
                                      into.append(d);
                                      return crm::Status::Ok();
                                    },
                                    [&] {
                                      if (current == "name") up.name = field;
                                      if (current == "entity") up.entity = field;
                                      if (current == "title") up.title = field;
                                      if (current == "validation") up.validation = field;
                                      return crm::Status::Ok();
                                    }});
  char buf[16384];
  for (;;) {
    CRM_ASSIGN_OR_RETURN(size_t n, req.ReadBody(buf, sizeof buf));
    if (n == 0) break;
    CRM_RETURN_IF_ERROR(parser.Feed(std::string_view(buf, n)));
  }
  CRM_RETURN_IF_ERROR(parser.Finish());
  if (!saw_file) return crm::Unprocessable("file: required");
  return up;
}

namespace {

crm::Status CreateTemplate(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(TemplateUpload up, ParseTemplateUpload(req));
  CRM_ASSIGN_OR_RETURN(Template t, s.CreateTemplate(req.Caller(), up));
  return Send(res, 201, TemplateJson(t));
}

crm::Status ListTemplates(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(auto list, s.ListTemplates(req.Caller()));
  json::array items;
  for (const auto& t : list) items.push_back(TemplateJson(t));
  return Send(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status PatchTemplate(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, Id(req, "id"));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  TemplatePatch patch;
  if (o.contains("title")) patch.title = Str(o, "title");
  if (o.contains("validation")) patch.validation = Str(o, "validation");
  if (auto it = o.find("placeholders"); it != o.end() && it->value().is_array()) {
    for (const auto& e : it->value().as_array()) {
      if (!e.is_object()) return crm::InvalidArgument("placeholders: objects");
      const json::object& p = e.as_object();
      auto req_it = p.find("required");
      patch.placeholders.push_back(
          {Str(p, "key"), false, Str(p, "label"), Str(p, "default"),
           req_it != p.end() && req_it->value().is_bool() && req_it->value().as_bool()});
    }
  }
  CRM_ASSIGN_OR_RETURN(Template t, s.UpdateTemplate(req.Caller(), id, patch));
  return Send(res, 200, TemplateJson(t));
}

crm::Status DeleteTemplate(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, Id(req, "id"));
  CRM_RETURN_IF_ERROR(s.DeleteTemplate(req.Caller(), id));
  res.SetStatus(204);
  return res.Send("", "text/plain; charset=utf-8");
}

crm::Status PutProductTemplates(AttestationService& s, crm::Request& req, crm::Response& res) {
  std::string code = std::string(req.PathParam("code").value_or(""));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  std::vector<int64_t> ids;
  auto it = o.find("template_ids");
  if (it == o.end() || !it->value().is_array())
    return crm::InvalidArgument("template_ids: an array");
  for (const auto& v : it->value().as_array()) {
    if (!v.is_int64() || v.as_int64() <= 0) return crm::InvalidArgument("template_ids: ids");
    ids.push_back(v.as_int64());
  }
  CRM_RETURN_IF_ERROR(s.SetProductTemplates(req.Caller(), code, ids));
  json::array out;
  for (int64_t id : ids) out.push_back(id);
  return Send(res, 200, json::object{{"product", code}, {"template_ids", std::move(out)}});
}

// The request of a JSON body {"template_id","beneficiary_id"?,"values"} or a form
// (template_id, beneficiary_id, value.<key>).
crm::Result<AttestationRequest> ParseRequest(crm::Request& req) {
  AttestationRequest r;
  if (!req.Form().empty()) {
    for (const auto& [k, v] : req.Form()) {
      if (k == "template_id") r.template_id = crm::text::ParseId(std::string_view(v)).value_or(0);
      if (k == "beneficiary_id")
        r.beneficiary_id = crm::text::ParseId(std::string_view(v)).value_or(0);
      if (k.rfind("value.", 0) == 0) r.values[k.substr(6)] = v;
    }
  } else {
    CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
    if (auto it = o.find("template_id"); it != o.end() && it->value().is_int64())
      r.template_id = it->value().as_int64();
    if (auto it = o.find("beneficiary_id"); it != o.end() && it->value().is_int64())
      r.beneficiary_id = it->value().as_int64();
    if (auto it = o.find("values"); it != o.end() && it->value().is_object()) {
      for (const auto& [k, v] : it->value().as_object()) {
        if (!v.is_string()) return crm::Unprocessable("values: strings");
        r.values[std::string(k)] = std::string(v.as_string());
      }
    }
  }
  if (r.template_id <= 0) return crm::Unprocessable("template_id: required");
  return r;
}

crm::Status SendRequestOutcome(crm::Result<Attestation> a, const crm::Principal& viewer,
                               crm::Response& res) {
  if (!a.ok() && a.status().code() == crm::StatusCode::kConflict) {
    return Send(res, 409,
                json::object{{"error", json::object{{"code", "not_eligible"},
                                                    {"message", a.status().message()}}}});
  }
  if (!a.ok()) return a.status();
  return Send(res, 201, AttestationJson(*a, viewer));
}

crm::Status RequestForClient(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t client_id, Id(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t contract_id, Id(req, "contract_id"));
  CRM_ASSIGN_OR_RETURN(AttestationRequest r, ParseRequest(req));
  r.client_id = client_id;
  r.contract_id = contract_id;
  return SendRequestOutcome(s.Request(req.Caller(), r), req.Caller(), res);
}

// A client-level template (no contract): staff for a client, or the client from its area.
crm::Status RequestClientLevel(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t client_id, Id(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(AttestationRequest r, ParseRequest(req));
  r.client_id = client_id;
  return SendRequestOutcome(s.Request(req.Caller(), r), req.Caller(), res);
}

crm::Status RequestClientLevelFromAccount(AttestationService& s, crm::Request& req,
                                          crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(AttestationRequest r, ParseRequest(req));
  r.client_id = req.Caller().client_id;  // from the session only
  if (!req.Form().empty())
    return SendRequestOutcomePage(s.host(), req, s.Request(req.Caller(), r), res);
  return SendRequestOutcome(s.Request(req.Caller(), r), req.Caller(), res);
}

crm::Status SpecimenPdf(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, Id(req, "id"));
  CRM_ASSIGN_OR_RETURN(std::string pdf, s.Specimen(req.Caller(), id));
  return SendSpecimen(pdf, res);
}

crm::Status RequestFromAccount(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t contract_id, Id(req, "contract_id"));
  CRM_ASSIGN_OR_RETURN(AttestationRequest r, ParseRequest(req));
  r.client_id = req.Caller().client_id;  // from the session only
  r.contract_id = contract_id;
  if (!req.Form().empty())
    return SendRequestOutcomePage(s.host(), req, s.Request(req.Caller(), r), res);
  return SendRequestOutcome(s.Request(req.Caller(), r), req.Caller(), res);
}

crm::Status RequestPage(AttestationService& s, crm::Request& req, crm::Response& res) {
  return ShowRequestPage(s, s.host(), req, res);
}

crm::Status ClientAttestationsPage(AttestationService& s, crm::Request& req, crm::Response& res) {
  return ShowClientAttestationsPage(s, req, res);
}

crm::Status ListAttestations(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(auto list, s.List(req.Caller(), req.Query("status").value_or("")));
  json::array items;
  for (const auto& a : list) items.push_back(AttestationJson(a, req.Caller()));
  return Send(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status Decide(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, Id(req, "id"));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  CRM_ASSIGN_OR_RETURN(Attestation a,
                       s.Decide(req.Caller(), id, Str(o, "decision"), Str(o, "reason")));
  return Send(res, 200, AttestationJson(a, req.Caller()));
}

crm::Status DownloadPdf(AttestationService& s, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, Id(req, "id"));
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply file, s.Download(req.Caller(), id));
  return res.SendObject(file);
}

struct RouteSpec {
  const char* method;
  const char* pattern;  // after kApiPrefix, or absolute for "/account/..." and "/admin/..."
  crm::Audience::Kind kind;
  const char* scope;
  uint64_t max_body;
  Handler handler;
};

using K = crm::Audience::Kind;
constexpr RouteSpec kRoutes[] = {
    {"POST", "/templates", K::kApiToken, kScopeSettings, kTemplateBody, CreateTemplate},
    {"GET", "/templates", K::kPublic, "", kJsonBody, ListTemplates},
    {"PATCH", "/templates/{id}", K::kApiToken, kScopeSettings, kJsonBody, PatchTemplate},
    {"DELETE", "/templates/{id}", K::kApiToken, kScopeSettings, kJsonBody, DeleteTemplate},
    {"GET", "/templates/{id}/specimen", K::kApiToken, kScopeSettings, kJsonBody, SpecimenPdf},
    {"PUT", "/products/{code}/templates", K::kApiToken, kScopeSettings, kJsonBody,
     PutProductTemplates},
    {"POST", "/clients/{client_id}/contracts/{contract_id}/attestations", K::kApiToken, kScopeWrite,
     kJsonBody, RequestForClient},
    {"POST", "/clients/{client_id}/attestations", K::kApiToken, kScopeWrite, kJsonBody,
     RequestClientLevel},
    {"GET", "/attestations", K::kApiToken, kScopeRead, kJsonBody, ListAttestations},
    {"POST", "/attestations/{id}/decision", K::kApiToken, kScopeWrite, kJsonBody, Decide},
    {"GET", "/attestations/{id}/pdf", K::kApiToken, kScopeRead, kJsonBody, DownloadPdf},
    {"POST", "/account/contracts/{contract_id}/attestations", K::kClient, "", kJsonBody,
     RequestFromAccount},
    {"GET", "/account/attestations/{id}/pdf", K::kClient, "", kJsonBody, DownloadPdf},
    {"GET", "/account/attestations", K::kClient, "", kJsonBody, ClientAttestationsPage},
    {"POST", "/account/attestations", K::kClient, "", kJsonBody, RequestClientLevelFromAccount},
    {"GET", "/account/contracts/{contract_id}/attestation", K::kClient, "", kJsonBody, RequestPage},
    {"GET", "/admin/plugins/client-documents/attestations/{id}/pdf", K::kAdmin, kPermRead,
     kJsonBody, DownloadPdf},
    {"GET", "/admin/plugins/client-documents/attestations", K::kAdmin, kPermRead, kJsonBody,
     ShowValidationPage},
    {"POST", "/admin/plugins/client-documents/attestations/{id}/decision", K::kAdmin, kPermWrite,
     kJsonBody, DecideFromPage},
};

}  // namespace

crm::Status SendSpecimen(const std::string& pdf, crm::Response& res) {
  res.SetHeader("Content-Disposition", "inline; filename=\"specimen.pdf\"");
  res.SetHeader("Cache-Control", "no-store");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  return res.Send(pdf, "application/pdf");
}

crm::Status RegisterAttestationRoutes(crm::Registrar& registrar,
                                      std::shared_ptr<AttestationService> service) {
  for (const RouteSpec& r : kRoutes) {
    crm::Route route;
    route.method = r.method;
    std::string pattern = r.pattern;
    bool absolute = pattern.rfind("/account/", 0) == 0 || pattern.rfind("/admin/", 0) == 0;
    route.pattern = absolute ? pattern : std::string(kApiPrefix) + pattern;
    route.audience.kind = r.kind;
    if (r.kind == K::kApiToken) route.audience.scope = r.scope;
    if (r.kind == K::kAdmin) route.audience.permission = r.scope;
    route.max_body = r.max_body;
    Handler handler = r.handler;
    route.handler = [service, handler](crm::Request& req, crm::Response& res) {
      return handler(*service, req, res);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace cd::attestations
