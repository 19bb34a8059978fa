// sample-host/app/api_routes.cc — handlers of the host's client API: JSON in and out with
// Boost.JSON, request bodies read in bounded chunks, every error returned as a Status the server
// turns into SPEC §5's shape.
#include "sample-host/app/api_routes.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "sample-host/app/client_csv.h"
#include "text/json_writer.h"
#include "text/text.h"

namespace host {
namespace json = boost::json;
namespace {

constexpr uint64_t kMaxJsonBody = 256 * 1024;
constexpr uint64_t kMaxCsvBody = 32ull * 1024 * 1024;

crm::Audience TokenAudience(std::string scope) {
  crm::Audience a;
  a.kind = crm::Audience::Kind::kApiToken;
  a.scope = std::move(scope);
  return a;
}

}  // namespace

crm::Result<std::string> ReadWholeBody(crm::Request& request, uint64_t limit) {
  std::string body;
  char buf[16384];
  for (;;) {
    auto n = request.ReadBody(buf, sizeof buf);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    if (body.size() + *n > limit)
      return crm::TooLarge("request body larger than " + std::to_string(limit) + " bytes");
    body.append(buf, *n);
  }
  return body;
}

namespace {

crm::Result<int64_t> PathId(const crm::Request& request) {
  // Positive ids only: "0" is no client either.
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  return *id;
}

using crm::text::JsonWriter;

void WriteAddress(JsonWriter& w, std::string_view key, const ClientAddress& a) {
  w.Key(key).BeginObject();
  w.Key("street").String(a.street).Key("postal_code").String(a.postal_code);
  w.Key("city").String(a.city).Key("region").String(a.region);
  w.Key("country").String(a.country).EndObject();
}

// SPEC §6 "Host additions" (issue 14).
void WriteProfileFields(const Client& c, JsonWriter& w) {
  w.Key("newsletter").BeginObject().Key("status").String(c.newsletter.status);
  w.Key("lists").BeginArray();
  for (const auto& l : c.newsletter.lists) w.String(l);
  w.EndArray().EndObject();
  WriteAddress(w, "billing_address", c.billing_address);
  WriteAddress(w, "delivery_address", c.delivery_address);
  w.Key("origin").BeginObject();
  w.Key("source").String(c.origin.source).Key("medium").String(c.origin.medium);
  w.Key("campaign").String(c.origin.campaign).Key("referrer").String(c.origin.referrer);
  w.Key("device").String(c.origin.device).EndObject();
  w.Key("avatar_url");
  if (c.avatar.empty()) {
    w.Null();
  } else {
    w.String("/admin/clients/" + std::to_string(c.id) + "/avatar/" + c.avatar);
  }
}

// SPEC §5's client JSON, its members only (the caller opens and closes the object: a list item
// adds its "columns"). Written straight as text (issue 10): a tree of Boost.JSON values and
// its serialization were a third of a list request.
void WriteClientFields(const Client& c, JsonWriter& w) {
  w.Key("id").Int(c.id);
  w.Key("first_name").String(c.first_name).Key("last_name").String(c.last_name);
  w.Key("email").String(c.email).Key("phone").String(c.phone);
  w.Key("mobile").String(c.mobile).Key("website").String(c.website);
  w.Key("birth_date");
  if (c.birth_date.empty()) {
    w.Null();
  } else {
    w.String(c.birth_date);
  }
  w.Key("gender").String(c.gender).Key("language").String(c.language);
  WriteAddress(w, "address", c.address);
  w.Key("company").String(c.company).Key("vat_number").String(c.vat_number);
  w.Key("tax_code").String(c.tax_code);
  w.Key("tags").BeginArray();
  for (const auto& t : c.tags) w.String(t);
  w.EndArray();
  w.Key("login_enabled").Bool(c.login_enabled).Key("email_confirmed").Bool(c.email_confirmed);
  w.Key("created_at").Int(c.created_at);
  WriteProfileFields(c, w);
}

void WriteSqlValue(JsonWriter& w, const crm::SqlValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) {
    w.String(*s);
  } else if (auto* i = std::get_if<int64_t>(&v)) {
    w.Int(*i);
  } else if (auto* d = std::get_if<double>(&v)) {
    w.Double(*d);
  } else {
    w.Null();
  }
}

crm::Status SendClient(crm::Response& response, int status, const Client& c) {
  response.SetStatus(status);
  return response.SendJson(ClientToJson(c));
}

crm::Status SendJsonValue(crm::Response& response, int status, const json::value& v) {
  response.SetStatus(status);
  return response.SendJson(json::serialize(v));
}

crm::Status ApplyString(const json::object& o, std::string_view key, std::string_view field_name,
                        std::string& out) {
  auto it = o.find(key);
  if (it == o.end()) return crm::Status::Ok();
  if (it->value().is_null()) {
    out.clear();
    return crm::Status::Ok();
  }
  if (!it->value().is_string()) {
    return crm::InvalidArgument(std::string(field_name) + ": must be a string");
  }
  out = std::string(it->value().as_string());
  return crm::Status::Ok();
}

crm::Status ApplyAddress(const json::object& o, std::string_view key, ClientAddress& address) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return crm::Status::Ok();
  if (!it->value().is_object())
    return crm::InvalidArgument(std::string(key) + ": must be an object");
  const json::object& a = it->value().as_object();
  std::string k(key);
  CRM_RETURN_IF_ERROR(ApplyString(a, "street", k + ".street", address.street));
  CRM_RETURN_IF_ERROR(ApplyString(a, "postal_code", k + ".postal_code", address.postal_code));
  CRM_RETURN_IF_ERROR(ApplyString(a, "city", k + ".city", address.city));
  CRM_RETURN_IF_ERROR(ApplyString(a, "region", k + ".region", address.region));
  return ApplyString(a, "country", k + ".country", address.country);
}

// "origin" (taken by POST only: the stored one stays on update) and "newsletter".
crm::Status ApplyProfileJson(const json::object& o, Client& c) {
  CRM_RETURN_IF_ERROR(ApplyAddress(o, "billing_address", c.billing_address));
  CRM_RETURN_IF_ERROR(ApplyAddress(o, "delivery_address", c.delivery_address));
  if (auto it = o.find("origin"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return crm::InvalidArgument("origin: must be an object");
    const json::object& a = it->value().as_object();
    CRM_RETURN_IF_ERROR(ApplyString(a, "source", "origin.source", c.origin.source));
    CRM_RETURN_IF_ERROR(ApplyString(a, "medium", "origin.medium", c.origin.medium));
    CRM_RETURN_IF_ERROR(ApplyString(a, "campaign", "origin.campaign", c.origin.campaign));
    CRM_RETURN_IF_ERROR(ApplyString(a, "referrer", "origin.referrer", c.origin.referrer));
    CRM_RETURN_IF_ERROR(ApplyString(a, "device", "origin.device", c.origin.device));
  }
  auto it = o.find("newsletter");
  if (it == o.end() || it->value().is_null()) return crm::Status::Ok();
  if (!it->value().is_object()) return crm::InvalidArgument("newsletter: must be an object");
  const json::object& n = it->value().as_object();
  CRM_RETURN_IF_ERROR(ApplyString(n, "status", "newsletter.status", c.newsletter.status));
  auto lists = n.find("lists");
  if (lists == n.end()) return crm::Status::Ok();
  c.newsletter.lists.clear();
  if (lists->value().is_null()) return crm::Status::Ok();
  if (!lists->value().is_array()) {
    return crm::InvalidArgument("newsletter.lists: must be an array of strings");
  }
  for (const auto& l : lists->value().as_array()) {
    if (!l.is_string())
      return crm::InvalidArgument("newsletter.lists: must be an array of strings");
    c.newsletter.lists.emplace_back(l.as_string());
  }
  return crm::Status::Ok();
}

}  // namespace

std::string ClientToJson(const Client& client) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  WriteClientFields(client, w);
  w.EndObject();
  return out;
}

crm::Status ApplyClientJson(std::string_view text, Client& c) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return crm::InvalidArgument("body: not valid JSON (" + ec.message() + ")");
  if (!v.is_object()) return crm::InvalidArgument("body: must be a JSON object");
  const json::object& o = v.as_object();
  struct Str {
    const char* key;
    std::string* field;
  };
  Str fields[] = {
      {"first_name", &c.first_name}, {"last_name", &c.last_name},   {"email", &c.email},
      {"phone", &c.phone},           {"mobile", &c.mobile},         {"website", &c.website},
      {"birth_date", &c.birth_date}, {"gender", &c.gender},         {"language", &c.language},
      {"company", &c.company},       {"vat_number", &c.vat_number}, {"tax_code", &c.tax_code}};
  for (const auto& f : fields) CRM_RETURN_IF_ERROR(ApplyString(o, f.key, f.key, *f.field));
  if (auto it = o.find("address"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return crm::InvalidArgument("address: must be an object");
    const json::object& a = it->value().as_object();
    CRM_RETURN_IF_ERROR(ApplyString(a, "street", "address.street", c.address.street));
    CRM_RETURN_IF_ERROR(
        ApplyString(a, "postal_code", "address.postal_code", c.address.postal_code));
    CRM_RETURN_IF_ERROR(ApplyString(a, "city", "address.city", c.address.city));
    CRM_RETURN_IF_ERROR(ApplyString(a, "region", "address.region", c.address.region));
    CRM_RETURN_IF_ERROR(ApplyString(a, "country", "address.country", c.address.country));
  }
  if (auto it = o.find("tags"); it != o.end()) {
    if (it->value().is_null()) {
      c.tags.clear();
    } else if (!it->value().is_array()) {
      return crm::InvalidArgument("tags: must be an array of strings");
    } else {
      c.tags.clear();
      for (const auto& t : it->value().as_array()) {
        if (!t.is_string()) return crm::InvalidArgument("tags: must be an array of strings");
        c.tags.emplace_back(t.as_string());
      }
    }
  }
  return ApplyProfileJson(o, c);
}

crm::Result<ClientListQuery> ListQueryFromRequest(const crm::Request& request) {
  ClientListQuery q;
  q.viewer = &request.Caller();
  auto number = [](const std::string& s, const char* name) -> crm::Result<int64_t> {
    if (s.empty() || s.size() > 9 ||
        !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return crm::InvalidArgument(std::string(name) + ": must be a positive number");
    }
    return std::stoll(s);
  };
  for (const auto& [key, value] : request.QueryAll()) {
    if (key == "page") {
      CRM_ASSIGN_OR_RETURN(q.page, number(value, "page"));
    } else if (key == "per_page") {
      CRM_ASSIGN_OR_RETURN(q.per_page, number(value, "per_page"));
    } else if (key == "q") {
      q.q = value;
    } else if (key == "sort") {
      q.sort = value;
    } else if (key == "after") {
      q.after = value;
    } else if (key == "before") {
      q.before = value;
    } else if (key.size() > 8 && key.rfind("filter[", 0) == 0 && key.back() == ']') {
      q.filters.emplace_back(key.substr(7, key.size() - 8), value);
    }
  }
  return q;
}

namespace {

crm::Status ListClients(ClientStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(ClientListQuery q, ListQueryFromRequest(req));
  CRM_ASSIGN_OR_RETURN(ClientListPage page, store.List(q));
  std::string body;
  body.reserve(1024 * (page.rows.size() + 1));  // a client is some 900 bytes of JSON
  JsonWriter w(body);
  w.BeginObject().Key("items").BeginArray();
  for (const auto& row : page.rows) {
    w.BeginObject();
    WriteClientFields(row.client, w);
    w.Key("columns").BeginObject();
    for (size_t i = 0; i < page.columns.size(); ++i) {
      w.Key(page.columns[i].key);
      WriteSqlValue(w, row.column_values[i]);
    }
    w.EndObject().EndObject();
  }
  w.EndArray();
  w.Key("total").Int(page.total).Key("page").Int(page.page).Key("per_page").Int(page.per_page);
  // SPEC §6: only a bound says so; an exact total has no such field.
  if (!page.total_exact) w.Key("total_exact").Bool(false);
  // Keyset paging (issue 10): present only when there are rows that way.
  if (!page.next.empty()) w.Key("next").String(page.next);
  if (!page.prev.empty()) w.Key("prev").String(page.prev);
  w.EndObject();
  res.SetStatus(200);
  return res.SendJson(body);
}

crm::Status CreateClient(ClientStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(std::string body, ReadWholeBody(req, kMaxJsonBody));
  Client c;
  CRM_RETURN_IF_ERROR(ApplyClientJson(body, c));
  CRM_ASSIGN_OR_RETURN(Client created, store.Create(std::move(c)));
  res.SetHeader("Location", "/api/v1/clients/" + std::to_string(created.id));
  return SendClient(res, 201, created);
}

crm::Status ExportClients(ClientStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(ClientListQuery q, ListQueryFromRequest(req));
  CsvExportOptions opt;
  opt.separator = req.Query("sep").value_or(",") == ";" ? ';' : ',';
  opt.bom = req.Query("bom").value_or("0") == "1";
  bool begun = false;
  res.SetHeader("Content-Disposition", "attachment; filename=\"clients.csv\"");
  crm::Status s = ExportClientsCsv(store, q, opt, [&](std::string_view chunk) -> crm::Status {
    if (!begun) {
      CRM_RETURN_IF_ERROR(res.BeginStream("text/csv; charset=utf-8"));
      begun = true;
    }
    return res.Write(chunk);
  });
  if (!s.ok()) return s;  // the server answers it when nothing was sent yet
  if (!begun) CRM_RETURN_IF_ERROR(res.BeginStream("text/csv; charset=utf-8"));
  return res.End();
}

crm::Status ImportClients(ClientStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(std::string body, ReadWholeBody(req, kMaxCsvBody));
  CRM_ASSIGN_OR_RETURN(std::vector<CsvImportResult> results, ImportClientsCsv(store, body));
  json::array rows;
  int64_t created = 0, updated = 0, failed = 0;
  for (const auto& r : results) {
    if (!r.ok)
      ++failed;
    else if (r.message == "updated")
      ++updated;
    else
      ++created;
    json::object o{{"line", r.line}, {"ok", r.ok}, {"message", r.message}};
    if (r.ok) o["client_id"] = r.client_id;
    rows.emplace_back(std::move(o));
  }
  return SendJsonValue(res, 200,
                       json::object{{"rows", std::move(rows)},
                                    {"created", created},
                                    {"updated", updated},
                                    {"failed", failed}});
}

crm::Status GetClient(ClientStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  CRM_ASSIGN_OR_RETURN(Client c, store.Get(id));
  return SendClient(res, 200, c);
}

crm::Status UpdateClient(ClientStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  CRM_ASSIGN_OR_RETURN(std::string body, ReadWholeBody(req, kMaxJsonBody));
  CRM_ASSIGN_OR_RETURN(Client c, store.Get(id));
  CRM_RETURN_IF_ERROR(ApplyClientJson(body, c));
  CRM_ASSIGN_OR_RETURN(Client updated, store.Update(std::move(c)));
  return SendClient(res, 200, updated);
}

crm::Status DeleteClient(ClientStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  CRM_RETURN_IF_ERROR(store.Delete(id));
  res.SetStatus(204);
  return res.Send("", "application/json; charset=utf-8");
}

// A token route: the server checks `scope`; the handler runs only when the token's owner
// also holds `permission` NOW, the one the admin pages need for the same action (issue
// 15.2), so a token never does more than its admin may do on the pages.
struct TokenRoute {
  const char* method;
  const char* pattern;
  const char* scope;
  const char* permission;
  crm::Status (*handler)(ClientStore&, crm::Request&, crm::Response&);
  uint64_t max_body;
};

constexpr TokenRoute kTokenRoutes[] = {
    {"GET", "/api/v1/clients", "clients:read", "clients.read", ListClients, 1 << 20},
    {"POST", "/api/v1/clients", "clients:write", "clients.write", CreateClient, kMaxJsonBody},
    {"GET", "/api/v1/clients/export.csv", "clients:read", "clients.import_export", ExportClients,
     1 << 20},
    {"POST", "/api/v1/clients/import", "clients:write", "clients.import_export", ImportClients,
     kMaxCsvBody},
    {"GET", "/api/v1/clients/{id}", "clients:read", "clients.read", GetClient, 1 << 20},
    {"PATCH", "/api/v1/clients/{id}", "clients:write", "clients.write", UpdateClient, kMaxJsonBody},
    {"DELETE", "/api/v1/clients/{id}", "clients:write", "clients.delete", DeleteClient, 1 << 20},
};

crm::Route MakeTokenRoute(const TokenRoute& r, ClientStore& store) {
  return TokenApiRoute(
      r.method, r.pattern, r.scope, r.permission, r.max_body,
      [&store, &r](crm::Request& req, crm::Response& res) { return r.handler(store, req, res); });
}

}  // namespace

crm::Route TokenApiRoute(std::string method, std::string pattern, std::string scope,
                         std::string permission, uint64_t max_body, crm::RouteHandler handler) {
  crm::Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.audience = TokenAudience(std::move(scope));
  route.max_body = max_body;
  route.handler = [permission = std::move(permission), handler = std::move(handler)](
                      crm::Request& req, crm::Response& res) -> crm::Status {
    if (!req.Caller().HasPermission(permission)) {
      return crm::PermissionDenied("the token's owner lacks the permission " + permission);
    }
    return handler(req, res);
  };
  return route;
}

crm::Status RegisterClientApi(crm::Registrar& registrar, ClientStore& clients, Auth& auth) {
  for (const TokenRoute& r : kTokenRoutes) {
    CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeTokenRoute(r, clients)));
  }
  crm::Route confirm;
  confirm.method = "GET";
  confirm.pattern = "/account/confirm";
  confirm.handler = [&auth](crm::Request& req, crm::Response& res) -> crm::Status {
    auto id = auth.ConfirmEmail(req.Query("token").value_or(""));
    return res.Redirect(id.ok() ? "/account/login?confirmed=1" : "/account/login?confirmed=0");
  };
  return registrar.AddRoute(std::move(confirm));
}

}  // namespace host
