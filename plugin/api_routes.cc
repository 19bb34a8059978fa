// plugin/api_routes.cc — the HTTP API of SPEC §5 over the services. Handlers parse and check
// the request, call one service, and send JSON; errors are returned for the host to answer.
#include "plugin/api_routes.h"

#include <boost/json.hpp>

#include "plugin/access.h"
#include "plugin/embedded.h"
#include "plugin/multipart_parser.h"
#include "plugin/type_json.h"
#include "plugin/upload_pipeline.h"

namespace cd {
namespace json = boost::json;

namespace {

constexpr size_t kMaxJsonBody = 1 << 20;
// The host's cap on an upload body: the largest type limit allowed times the most
// files a type may hold, plus room for fields. Each type's own, smaller limit is
// enforced by the pipeline as the bytes arrive.
constexpr uint64_t kMaxUploadBody =
    static_cast<uint64_t>(kMaxMaxSize) * kMaxMaxFiles + (1 << 20);

crm::Result<int64_t> IdParam(const crm::Request& request, std::string_view name) {
  std::optional<std::string> v = request.PathParam(name);
  if (!v || v->empty() || v->size() > 18) return crm::NotFound("no such " + std::string(name));
  for (char c : *v)
    if (c < '0' || c > '9') return crm::NotFound("no such " + std::string(name));
  int64_t id = std::stoll(*v);
  if (id <= 0) return crm::NotFound("no such " + std::string(name));
  return id;
}

bool KnownLanguage(std::string_view l) {
  for (std::string_view known : crm::kLanguages)
    if (l == known) return true;
  return false;
}

// The best of en/fr/nl in an Accept-Language header ("fr-BE,fr;q=0.9,en;q=0.5"): highest
// q wins, ties keep the header's order; empty when none is offered.
std::string FromAcceptLanguage(std::string_view header) {
  std::string best;
  double best_q = 0;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    std::string_view tag = item.substr(0, item.find(';'));
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    tag = tag.substr(0, tag.find('-'));
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    std::string primary(tag);
    for (char& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double q = 1.0;
    if (size_t qpos = item.find("q="); qpos != std::string_view::npos) {
      std::string qtext(item.substr(qpos + 2));
      char* end = nullptr;
      q = std::strtod(qtext.c_str(), &end);
      if (end == qtext.c_str()) q = 0;
    }
    if (KnownLanguage(primary) && q > best_q) {
      best = primary;
      best_q = q;
    }
  }
  return best;
}

// The language of texts in answers: `?lang=`, then the request's Accept-Language, then the
// caller's (for a token the host gives its admin's stored language), then English.
std::string Language(const crm::Request& request) {
  if (auto lang = request.Query("lang"); lang && KnownLanguage(*lang)) return *lang;
  if (auto header = request.Header("Accept-Language")) {
    std::string l = FromAcceptLanguage(*header);
    if (!l.empty()) return l;
  }
  const std::string& l = request.Caller().language;
  return KnownLanguage(l) ? l : "en";
}

std::string MediaType(const crm::Request& request) {
  std::string ct = request.Header("Content-Type").value_or("");
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.pop_back();
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.erase(0, 1);
  for (char& c : ct) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ct;
}

// Reads a JSON body (at most 1 MiB). 415 for another Content-Type, 400 for bad JSON.
crm::Result<json::value> ReadJson(crm::Request& request) {
  if (MediaType(request) != "application/json")
    return crm::UnsupportedType("Content-Type must be application/json");
  std::string body;
  char buffer[16 * 1024];
  while (true) {
    auto n = request.ReadBody(buffer, sizeof(buffer));
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    if (body.size() + *n > kMaxJsonBody) return crm::TooLarge("JSON body larger than 1 MiB");
    body.append(buffer, *n);
  }
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return crm::InvalidArgument("body is not valid JSON: " + ec.message());
  return v;
}

crm::Status SendJson(crm::Response& response, int status, const json::value& v) {
  response.SetStatus(status);
  return response.SendJson(json::serialize(v));
}

crm::Status SendNoContent(crm::Response& response) {
  response.SetStatus(204);
  return response.Send("", "text/plain; charset=utf-8");
}

crm::Route ApiRoute(std::string method, std::string pattern, std::string scope,
                    crm::RouteHandler handler) {
  crm::Route r;
  r.method = std::move(method);
  r.pattern = std::string(kApiPrefix) + pattern;
  r.audience.kind = crm::Audience::Kind::kApiToken;
  r.audience.scope = std::move(scope);
  r.handler = std::move(handler);
  return r;
}

std::string UrlBase() { return kApiPrefix; }

}  // namespace

const std::string& OpenApiJson() {
  static const std::string kDoc = [] {
    for (const auto& [path, content] : EmbeddedOpenApi())
      if (path == "openapi.json") return content;
    return std::string("{}");
  }();
  return kDoc;
}

crm::Status RegisterApiRoutes(crm::Registrar& registrar, Services& services) {
  Services* sv = &services;

  // ---- Types -------------------------------------------------------------------------
  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/types", "", [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        CRM_RETURN_IF_ERROR(CheckReadTypes(req.Caller()));
        bool all = req.Query("include_archived").value_or("") == "1" ||
                   req.Query("include_archived").value_or("") == "true";
        auto types = sv->types().List(all);
        if (!types.ok()) return types.status();
        std::string lang = Language(req);
        json::array items;
        for (const DocumentType& t : *types) items.push_back(TypeToJson(t, lang));
        return SendJson(res, 200, json::object{{"items", std::move(items)}});
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "POST", "/types", kScopeSettings, [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
        auto body = ReadJson(req);
        if (!body.ok()) return body.status();
        std::string lang = Language(req);
        auto draft = TypeDraftFromJson(*body, lang);
        if (!draft.ok()) return draft.status();
        auto created = sv->types().Create(*draft);
        if (!created.ok()) return created.status();
        return SendJson(res, 201, TypeToJson(*created, lang));
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/types/{id}", "", [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        CRM_RETURN_IF_ERROR(CheckReadTypes(req.Caller()));
        auto id = IdParam(req, "id");
        if (!id.ok()) return id.status();
        auto type = sv->types().Get(*id);
        if (!type.ok()) return type.status();
        return SendJson(res, 200, TypeToJson(*type, Language(req)));
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "PATCH", "/types/{id}", kScopeSettings,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
        auto id = IdParam(req, "id");
        if (!id.ok()) return id.status();
        auto body = ReadJson(req);
        if (!body.ok()) return body.status();
        std::string lang = Language(req);
        auto draft = TypeDraftFromJson(*body, lang);
        if (!draft.ok()) return draft.status();
        auto updated = sv->types().Update(*id, *draft);
        if (!updated.ok()) return updated.status();
        return SendJson(res, 200, TypeToJson(*updated, lang));
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "DELETE", "/types/{id}", kScopeSettings,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
        auto id = IdParam(req, "id");
        if (!id.ok()) return id.status();
        CRM_RETURN_IF_ERROR(sv->types().Delete(*id));  // 409 while documents exist
        return SendNoContent(res);
      })));

  // ---- Settings ------------------------------------------------------------------------
  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/settings", "", [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        CRM_RETURN_IF_ERROR(CheckReadTypes(req.Caller()));
        auto s = sv->settings().Get();
        if (!s.ok()) return s.status();
        return SendJson(res, 200, SettingsToJson(*s, Language(req)));
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "PUT", "/settings", kScopeSettings, [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
        auto body = ReadJson(req);
        if (!body.ok()) return body.status();
        auto current = sv->settings().Get();
        if (!current.ok()) return current.status();
        std::string lang = Language(req);
        auto next = SettingsFromJson(*body, *current, lang);
        if (!next.ok()) return next.status();
        CRM_RETURN_IF_ERROR(sv->settings().Save(*next));
        return SendJson(res, 200, SettingsToJson(*next, lang));
      })));

  // ---- A client's documents ------------------------------------------------------------
  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/clients/{client_id}/documents", kScopeRead,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        auto cid = IdParam(req, "client_id");
        if (!cid.ok()) return cid.status();
        auto docs = sv->documents().List(req.Caller(), *cid);
        if (!docs.ok()) return docs.status();
        std::string lang = Language(req);
        json::array items;
        for (const ClientDocument& d : *docs) items.push_back(DocumentToJson(d, lang, UrlBase()));
        return SendJson(res, 200, json::object{{"items", std::move(items)}});
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/clients/{client_id}/documents/{type_id}", kScopeRead,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        auto cid = IdParam(req, "client_id");
        if (!cid.ok()) return cid.status();
        auto tid = IdParam(req, "type_id");
        if (!tid.ok()) return tid.status();
        auto doc = sv->documents().Get(req.Caller(), *cid, *tid);
        if (!doc.ok()) return doc.status();
        return SendJson(res, 200, DocumentToJson(*doc, Language(req), UrlBase()));
      })));

  crm::Route upload = ApiRoute(
      "POST", "/clients/{client_id}/documents/{type_id}", kScopeWrite,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        auto cid = IdParam(req, "client_id");
        if (!cid.ok()) return cid.status();
        auto tid = IdParam(req, "type_id");
        if (!tid.ok()) return tid.status();
        auto type = sv->types().Get(*tid);
        if (!type.ok()) return type.status();
        // Refuse before reading a byte of the body.
        CRM_RETURN_IF_ERROR(CheckWrite(req.Caller(), *cid, *type));
        auto client = sv->host().FindClient(*cid);
        if (!client.ok()) return client.status();
        if (MediaType(req) != "multipart/form-data")
          return crm::UnsupportedType("Content-Type must be multipart/form-data");
        if (auto len = req.ContentLength();
            len && *len > static_cast<uint64_t>(type->max_size) * type->max_files + (1 << 20))
          return crm::TooLarge("body larger than this document type allows");
        auto input = ReceiveMultipart(req, *type, sv->files());
        if (!input.ok()) return input.status();
        // Access was checked above; this only picks 200 (replaced) or 201 (added).
        auto existed = sv->documents().HasDocument(*cid, *tid);
        if (!existed.ok()) return existed.status();
        auto doc = sv->documents().Upload(req.Caller(), *cid, *tid, std::move(*input));
        if (!doc.ok()) return doc.status();
        return SendJson(res, *existed ? 200 : 201, DocumentToJson(*doc, Language(req), UrlBase()));
      });
  upload.max_body = kMaxUploadBody;
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(upload)));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "DELETE", "/clients/{client_id}/documents/{type_id}", kScopeWrite,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        auto cid = IdParam(req, "client_id");
        if (!cid.ok()) return cid.status();
        auto tid = IdParam(req, "type_id");
        if (!tid.ok()) return tid.status();
        CRM_RETURN_IF_ERROR(sv->documents().Delete(req.Caller(), *cid, *tid));
        return SendNoContent(res);
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/clients/{client_id}/documents/{type_id}/file", kScopeRead,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        auto cid = IdParam(req, "client_id");
        if (!cid.ok()) return cid.status();
        auto tid = IdParam(req, "type_id");
        if (!tid.ok()) return tid.status();
        std::optional<int64_t> file_id;
        if (auto f = req.Query("file_id")) {
          if (f->empty() || f->size() > 18 ||
              f->find_first_not_of("0123456789") != std::string::npos)
            return crm::NotFound("no such file");
          file_id = std::stoll(*f);
        }
        auto reply = sv->documents().OpenFile(req.Caller(), *cid, *tid, file_id);
        if (!reply.ok()) return reply.status();
        // Inline only for kinds a browser shows without running anything.
        reply->inline_view = req.Query("inline").value_or("") == "1" && SafeToViewInline(reply->mime);
        return res.SendFile(*reply);
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/clients/{client_id}/documents/{type_id}/versions", kScopeRead,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        auto cid = IdParam(req, "client_id");
        if (!cid.ok()) return cid.status();
        auto tid = IdParam(req, "type_id");
        if (!tid.ok()) return tid.status();
        auto versions = sv->documents().ListArchive(req.Caller(), *cid, *tid);
        if (!versions.ok()) return versions.status();
        json::array items;
        for (const ArchivedVersion& v : *versions) items.push_back(ArchivedToJson(v, UrlBase()));
        return SendJson(res, 200, json::object{{"items", std::move(items)}});
      })));

  // One file of an archived version (the `url` of the versions' files). Never inline.
  CRM_RETURN_IF_ERROR(registrar.AddRoute(ApiRoute(
      "GET", "/clients/{client_id}/archive/files/{file_id}", kScopeRead,
      [sv](crm::Request& req, crm::Response& res) -> crm::Status {
        auto cid = IdParam(req, "client_id");
        if (!cid.ok()) return cid.status();
        auto fid = IdParam(req, "file_id");
        if (!fid.ok()) return fid.status();
        auto reply = sv->documents().OpenArchivedFile(req.Caller(), *cid, *fid);
        if (!reply.ok()) return reply.status();
        return res.SendFile(*reply);
      })));

  // ---- Description -------------------------------------------------------------------
  crm::Route openapi;
  openapi.method = "GET";
  openapi.pattern = std::string(kApiPrefix) + "/openapi.json";
  openapi.audience.kind = crm::Audience::Kind::kPublic;
  openapi.handler = [](crm::Request&, crm::Response& res) -> crm::Status {
    return res.Send(OpenApiJson(), "application/json; charset=utf-8");
  };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(openapi)));
  return crm::Status::Ok();
}

}  // namespace cd
