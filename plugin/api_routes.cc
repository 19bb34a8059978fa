// plugin/api_routes.cc — the HTTP API of SPEC §5. Each route is a short named adapter:
// parse the ids and the body, call one use case (documents) or store (types, settings), send
// JSON; errors are returned for the host to answer. Routes are registered from one table.
#include "plugin/api_routes.h"

#include <boost/json.hpp>

#include "plugin/access.h"
#include "plugin/api_json.h"
#include "plugin/comments/comments.h"
#include "plugin/documents/use_cases.h"
#include "plugin/embedded.h"
#include "plugin/journal/request_address.h"
#include "plugin/journal/use_cases.h"
#include "plugin/links/links.h"
#include "plugin/reminders/reminders.h"
#include "plugin/review/use_cases.h"
#include "text/text.h"

namespace cd {
namespace json = boost::json;

namespace {
constexpr size_t kMaxJsonBody = 1 << 20;
}  // namespace

crm::Result<int64_t> IdParam(const crm::Request& request, std::string_view name) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam(name));
  if (!id) return crm::NotFound("no such " + std::string(name));
  return *id;
}

std::string Language(const crm::Request& request) {
  if (auto lang = request.Query("lang"); lang && crm::IsLanguage(*lang)) return *lang;
  if (auto header = request.Header("Accept-Language")) {
    std::string l = crm::text::BestAcceptLanguage(*header);
    if (!l.empty()) return l;
  }
  const std::string& l = request.Caller().language;
  return crm::IsLanguage(l) ? l : "en";
}

namespace {

std::string MediaType(const crm::Request& request) {
  std::string ct = request.Header("Content-Type").value_or("");
  return crm::text::ToLowerAscii(crm::text::Trim(std::string_view(ct).substr(0, ct.find(';'))));
}

}  // namespace

crm::Result<json::value> ReadJson(crm::Request& request) {
  if (MediaType(request) != "application/json")
    return crm::UnsupportedType("Content-Type must be application/json");
  std::string body;
  char buffer[16 * 1024];
  while (true) {
    CRM_ASSIGN_OR_RETURN(size_t n, request.ReadBody(buffer, sizeof(buffer)));
    if (n == 0) break;
    if (body.size() + n > kMaxJsonBody) return crm::TooLarge("JSON body larger than 1 MiB");
    body.append(buffer, n);
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

namespace {

std::string UrlBase() { return kApiPrefix; }

// ---- Types ---------------------------------------------------------------------------

crm::Status ListTypes(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckReadTypes(req.Caller()));
  bool all = req.Query("include_archived").value_or("") == "1" ||
             req.Query("include_archived").value_or("") == "true";
  CRM_ASSIGN_OR_RETURN(std::vector<DocumentType> types, sv.types().List(all));
  std::string lang = Language(req);
  json::array items;
  for (const DocumentType& t : types) items.push_back(TypeToJson(t, lang));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status CreateType(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  std::string lang = Language(req);
  CRM_ASSIGN_OR_RETURN(TypeDraft draft, TypeDraftFromJson(body, lang));
  CRM_ASSIGN_OR_RETURN(DocumentType created, sv.types().Create(draft));
  return SendJson(res, 201, TypeToJson(created, lang));
}

crm::Status GetType(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckReadTypes(req.Caller()));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(DocumentType type, sv.types().Get(id));
  return SendJson(res, 200, TypeToJson(type, Language(req)));
}

crm::Status UpdateType(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  std::string lang = Language(req);
  CRM_ASSIGN_OR_RETURN(TypeDraft draft, TypeDraftFromJson(body, lang));
  CRM_ASSIGN_OR_RETURN(DocumentType updated, sv.types().Update(id, draft));
  return SendJson(res, 200, TypeToJson(updated, lang));
}

crm::Status DeleteType(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_RETURN_IF_ERROR(sv.types().Delete(id));  // 409 while documents exist
  return SendNoContent(res);
}

// ---- Settings ------------------------------------------------------------------------

crm::Status GetSettings(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckReadTypes(req.Caller()));
  CRM_ASSIGN_OR_RETURN(Settings settings, sv.settings().Get());
  return SendJson(res, 200, SettingsToJson(settings, Language(req)));
}

crm::Status PutSettings(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(CheckSettings(req.Caller()));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  CRM_ASSIGN_OR_RETURN(Settings current, sv.settings().Get());
  std::string lang = Language(req);
  CRM_ASSIGN_OR_RETURN(Settings next, SettingsFromJson(body, current, lang));
  CRM_RETURN_IF_ERROR(sv.settings().Save(next));
  return SendJson(res, 200, SettingsToJson(next, lang));
}

// ---- A client's documents: adapters over plugin/documents/use_cases.h ----------------

crm::Status ListClientDocuments(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(std::vector<ClientDocument> docs, ListDocuments(sv, req.Caller(), cid));
  std::string lang = Language(req);
  json::array items;
  for (const ClientDocument& d : docs) items.push_back(DocumentToJson(d, lang, UrlBase()));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status GetClientDocument(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_ASSIGN_OR_RETURN(ClientDocument doc, GetDocument(sv, req.Caller(), cid, tid));
  return SendJson(res, 200, DocumentToJson(doc, Language(req), UrlBase()));
}

crm::Status UploadClientDocument(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_ASSIGN_OR_RETURN(UploadOutcome outcome,
                       UploadDocument(sv, req.Caller(), UploadRequestOf(req, cid, tid)));
  return SendJson(res, outcome.created ? 201 : 200,
                  DocumentToJson(outcome.doc, Language(req), UrlBase()));
}

// POST …/documents/{type_id}/files: the files still missing from the current document (issue
// 15.13, the back of a two-file ID sent later); the same use case as the client area's /add.
crm::Status AddClientDocumentFiles(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_ASSIGN_OR_RETURN(ClientDocument doc,
                       AddDocumentFiles(sv, req.Caller(), UploadRequestOf(req, cid, tid)));
  return SendJson(res, 200, DocumentToJson(doc, Language(req), UrlBase()));
}

crm::Status DeleteClientDocument(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_RETURN_IF_ERROR(DeleteDocument(sv, req.Caller(), cid, tid));
  return SendNoContent(res);
}

// POST …/documents/{type_id}/review {"decision": "approve"|"reject", "reason"}.
crm::Status ReviewClientDocument(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  if (!body.is_object()) return crm::InvalidArgument("body: must be a JSON object");
  ReviewDecision decision;
  for (auto [name, out] :
       {std::pair{"decision", &decision.decision}, std::pair{"reason", &decision.reason}}) {
    const json::value* v = body.as_object().if_contains(name);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_string()) return crm::Unprocessable(std::string(name) + ": a string");
    *out = std::string(v->as_string());
  }
  CRM_ASSIGN_OR_RETURN(ClientDocument doc, ReviewDocument(sv, req.Caller(), cid, tid, decision));
  return SendJson(res, 200, DocumentToJson(doc, Language(req), UrlBase()));
}

// ---- Reminders (PT6): one client's pause, over plugin/reminders/reminders.h ----------

crm::Status SendPause(crm::Response& res, const ReminderPause& p) {
  json::value at = nullptr;
  if (p.paused) at = json::value(IsoTimeUtc(p.since));
  return SendJson(res, 200,
                  json::object{{"paused", p.paused}, {"paused_at", at}, {"paused_by", p.by}});
}

crm::Status GetClientReminders(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(ReminderPause pause, GetReminderPause(sv, req.Caller(), cid));
  return SendPause(res, pause);
}

crm::Status PutClientReminders(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  const json::value* paused = body.is_object() ? body.as_object().if_contains("paused") : nullptr;
  if (paused == nullptr || !paused->is_bool())
    return crm::Unprocessable("paused: required, a boolean");
  CRM_ASSIGN_OR_RETURN(ReminderPause pause,
                       SetReminderPause(sv, req.Caller(), cid, paused->as_bool()));
  return SendPause(res, pause);
}

// ---- Comments (PT3): adapters over plugin/comments/comments.h ----------------------

}  // namespace

json::object CommentToJson(const Comment& c) {
  return json::object{{"id", c.id},
                      {"author", json::object{{"kind", c.author_kind}, {"name", c.author_name}}},
                      {"body", c.body},
                      {"created_at", IsoTimeUtc(c.created_at)}};
}

crm::Status SendComments(crm::Response& response, const std::vector<Comment>& comments) {
  json::array items;
  for (const Comment& c : comments) items.push_back(CommentToJson(c));
  return SendJson(response, 200, json::object{{"items", std::move(items)}});
}

crm::Result<std::string> CommentBodyOf(crm::Request& request) {
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(request));
  const json::value* text = body.is_object() ? body.as_object().if_contains("body") : nullptr;
  if (text == nullptr || !text->is_string()) return crm::Unprocessable("body: a string");
  return std::string(text->as_string());
}

namespace {

crm::Status ListDocumentComments(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_ASSIGN_OR_RETURN(std::vector<Comment> comments, ListComments(sv, req.Caller(), cid, tid));
  return SendComments(res, comments);
}

crm::Status AddDocumentComment(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_ASSIGN_OR_RETURN(std::string text, CommentBodyOf(req));
  CRM_ASSIGN_OR_RETURN(Comment c, AddComment(sv, req.Caller(), cid, tid, text));
  return SendJson(res, 201, CommentToJson(c));
}

// ---- Links (PT1, PT2) ----------------------------------------------------------------

crm::Status CreateClientLink(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(req));
  CRM_ASSIGN_OR_RETURN(LinkRequest request, LinkRequestFromJson(body));
  CRM_ASSIGN_OR_RETURN(MintedLink minted, CreateLink(sv, req.Caller(), cid, request));
  return SendJson(res, 201, LinkJson(minted.link, sv.host().NowUnix(), minted.url));
}

crm::Status ListClientLinks(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(std::vector<Link> links, ListLinks(sv, req.Caller(), cid));
  json::array items;
  for (const Link& link : links) items.push_back(LinkJson(link, sv.host().NowUnix()));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status RevokeClientLink(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t id, IdParam(req, "id"));
  CRM_RETURN_IF_ERROR(RevokeLink(sv, req.Caller(), cid, id));
  return SendNoContent(res);
}

crm::Status DownloadClientFile(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  std::optional<int64_t> file_id;
  if (auto f = req.Query("file_id")) {
    file_id = crm::text::ParseId(std::string_view(*f));
    if (!file_id) return crm::NotFound("no such file");
  }
  bool want_inline = req.Query("inline").value_or("") == "1";
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply,
                       DownloadFile(sv, req.Caller(), cid, tid, file_id, want_inline));
  return res.SendObject(reply);
}

crm::Status ListClientVersions(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t tid, IdParam(req, "type_id"));
  CRM_ASSIGN_OR_RETURN(std::vector<ArchivedVersion> versions,
                       ListDocumentVersions(sv, req.Caller(), cid, tid));
  json::array items;
  for (const ArchivedVersion& v : versions) items.push_back(ArchivedToJson(v, UrlBase()));
  return SendJson(res, 200, json::object{{"items", std::move(items)}});
}

// One file of an archived version (the `url` of the versions' files). Never inline.
crm::Status DownloadClientArchivedFile(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t cid, IdParam(req, "client_id"));
  CRM_ASSIGN_OR_RETURN(int64_t fid, IdParam(req, "file_id"));
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply, DownloadArchivedFile(sv, req.Caller(), cid, fid));
  return res.SendObject(reply);
}

// ---- The journal (PT4, X5): adapters over plugin/journal/use_cases.h ------------------

crm::Status ListJournalEntries(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(JournalQuery query, JournalQueryOf(req));
  if (req.Query("format").value_or("") == "csv") {
    CRM_ASSIGN_OR_RETURN(std::string csv, ExportJournalCsv(sv, req.Caller(), query));
    res.SetHeader("Content-Disposition", "attachment; filename=\"journal.csv\"");
    return res.Send(csv, "text/csv; charset=utf-8");
  }
  CRM_ASSIGN_OR_RETURN(JournalPage page, ListJournal(sv, req.Caller(), query));
  json::array items;
  for (const JournalEntry& e : page.items) items.push_back(JournalEntryToJson(e));
  return SendJson(res, 200,
                  json::object{{"items", std::move(items)},
                               {"total", page.total},
                               {"page", page.page},
                               {"per_page", page.per_page}});
}

crm::Status VerifyJournalChain(Services& sv, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(JournalVerdict v, VerifyJournal(sv, req.Caller()));
  json::value bad = nullptr;
  if (v.first_bad_seq) bad = *v.first_bad_seq;
  return SendJson(
      res, 200,
      json::object{{"ok", v.ok}, {"entries", v.entries}, {"head", v.head}, {"first_bad_seq", bad}});
}

crm::Status SendOpenApi(Services&, crm::Request&, crm::Response& res) {
  return res.Send(OpenApiJson(), "application/json; charset=utf-8");
}

// ---- The route table -----------------------------------------------------------------

using ApiHandler = crm::Status (*)(Services&, crm::Request&, crm::Response&);

struct ApiRoute {
  const char* method;
  const char* pattern;  // under kApiPrefix
  const char* scope;    // the host checks it; nullptr: a public route
  uint64_t max_body;
  ApiHandler handler;
};

constexpr uint64_t kJsonBody = 1 << 20;  // the host's default; ReadJson caps at the same

constexpr ApiRoute kRoutes[] = {
    {"GET", "/types", "", kJsonBody, ListTypes},
    {"POST", "/types", kScopeSettings, kJsonBody, CreateType},
    {"GET", "/types/{id}", "", kJsonBody, GetType},
    {"PATCH", "/types/{id}", kScopeSettings, kJsonBody, UpdateType},
    {"DELETE", "/types/{id}", kScopeSettings, kJsonBody, DeleteType},
    {"GET", "/settings", "", kJsonBody, GetSettings},
    {"PUT", "/settings", kScopeSettings, kJsonBody, PutSettings},
    {"GET", "/clients/{client_id}/documents", kScopeRead, kJsonBody, ListClientDocuments},
    {"GET", "/clients/{client_id}/documents/{type_id}", kScopeRead, kJsonBody, GetClientDocument},
    {"POST", "/clients/{client_id}/documents/{type_id}", kScopeWrite, kUploadBodyLimit,
     UploadClientDocument},
    {"POST", "/clients/{client_id}/documents/{type_id}/files", kScopeWrite, kUploadBodyLimit,
     AddClientDocumentFiles},
    {"DELETE", "/clients/{client_id}/documents/{type_id}", kScopeWrite, kJsonBody,
     DeleteClientDocument},
    {"POST", "/clients/{client_id}/documents/{type_id}/review", kScopeWrite, kJsonBody,
     ReviewClientDocument},
    {"GET", "/clients/{client_id}/reminders", kScopeRead, kJsonBody, GetClientReminders},
    {"PUT", "/clients/{client_id}/reminders", kScopeWrite, kJsonBody, PutClientReminders},
    {"GET", "/clients/{client_id}/documents/{type_id}/comments", kScopeRead, kJsonBody,
     ListDocumentComments},
    {"POST", "/clients/{client_id}/documents/{type_id}/comments", kScopeWrite, kJsonBody,
     AddDocumentComment},
    {"GET", "/clients/{client_id}/documents/{type_id}/file", kScopeRead, kJsonBody,
     DownloadClientFile},
    {"GET", "/clients/{client_id}/documents/{type_id}/versions", kScopeRead, kJsonBody,
     ListClientVersions},
    {"GET", "/clients/{client_id}/archive/files/{file_id}", kScopeRead, kJsonBody,
     DownloadClientArchivedFile},
    {"GET", "/clients/{client_id}/links", kScopeRead, kJsonBody, ListClientLinks},
    {"POST", "/clients/{client_id}/links", kScopeWrite, kJsonBody, CreateClientLink},
    {"DELETE", "/clients/{client_id}/links/{id}", kScopeWrite, kJsonBody, RevokeClientLink},
    {"GET", "/journal", kScopeRead, kJsonBody, ListJournalEntries},
    {"GET", "/journal/verify", kScopeRead, kJsonBody, VerifyJournalChain},
    {"GET", "/openapi.json", nullptr, kJsonBody, SendOpenApi},
};

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
  for (const ApiRoute& r : kRoutes) {
    crm::Route route;
    route.method = r.method;
    route.pattern = std::string(kApiPrefix) + r.pattern;
    if (r.scope) {
      route.audience.kind = crm::Audience::Kind::kApiToken;
      route.audience.scope = r.scope;
    } else {
      route.audience.kind = crm::Audience::Kind::kPublic;
    }
    route.max_body = r.max_body;
    ApiHandler handler = r.handler;
    route.handler = [sv, handler](crm::Request& req, crm::Response& res) {
      RequestAddressScope address(req.RemoteAddress());  // the journal's "from where"
      return handler(*sv, req, res);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace cd
