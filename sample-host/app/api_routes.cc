// sample-host/app/api_routes.cc — handlers of the host's client API: JSON in and out with Boost.JSON,
// request bodies read in bounded chunks, every error returned as a Status the server turns into SPEC §5's shape.
#include "sample-host/app/api_routes.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "sample-host/app/client_csv.h"

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

// Adds a token route whose handler also needs the token owner's CURRENT `permission`, the
// one the admin pages need for the same action (issue 15.2): the server checks the scope,
// this the permission, so a token never does more than its admin may do on the pages.
crm::Status AddTokenRoute(crm::Registrar& registrar, std::string permission, crm::Route route) {
  route.handler = [permission, inner = std::move(route.handler)](crm::Request& req,
                                                                 crm::Response& res) {
    if (!req.Caller().HasPermission(permission)) {
      return crm::PermissionDenied("the token's owner lacks the permission " + permission);
    }
    return inner(req, res);
  };
  return registrar.AddRoute(std::move(route));
}

crm::Result<std::string> ReadWholeBody(crm::Request& request, uint64_t limit) {
  std::string body;
  char buf[16384];
  for (;;) {
    auto n = request.ReadBody(buf, sizeof buf);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    if (body.size() + *n > limit) return crm::TooLarge("request body larger than " + std::to_string(limit) + " bytes");
    body.append(buf, *n);
  }
  return body;
}

crm::Result<int64_t> PathId(const crm::Request& request) {
  auto id = request.PathParam("id");
  if (!id || id->empty() || id->size() > 18 ||
      !std::all_of(id->begin(), id->end(), [](unsigned char c) { return std::isdigit(c); })) {
    return crm::NotFound("no such client");
  }
  return std::stoll(*id);
}

json::object ClientObject(const Client& c) {
  json::object o;
  o["id"] = c.id;
  o["first_name"] = c.first_name;
  o["last_name"] = c.last_name;
  o["email"] = c.email;
  o["phone"] = c.phone;
  o["mobile"] = c.mobile;
  o["website"] = c.website;
  o["birth_date"] = c.birth_date.empty() ? json::value(nullptr) : json::value(c.birth_date);
  o["gender"] = c.gender;
  o["language"] = c.language;
  o["address"] = json::object{{"street", c.address.street},
                              {"postal_code", c.address.postal_code},
                              {"city", c.address.city},
                              {"region", c.address.region},
                              {"country", c.address.country}};
  o["company"] = c.company;
  o["vat_number"] = c.vat_number;
  o["tax_code"] = c.tax_code;
  json::array tags;
  for (const auto& t : c.tags) tags.emplace_back(t);
  o["tags"] = std::move(tags);
  o["login_enabled"] = c.login_enabled;
  o["email_confirmed"] = c.email_confirmed;
  o["created_at"] = c.created_at;
  return o;
}

json::value SqlToJson(const crm::SqlValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return json::value(*s);
  if (auto* i = std::get_if<int64_t>(&v)) return json::value(*i);
  if (auto* d = std::get_if<double>(&v)) return json::value(*d);
  return json::value(nullptr);
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

}  // namespace

std::string ClientToJson(const Client& client) { return json::serialize(ClientObject(client)); }

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
  Str fields[] = {{"first_name", &c.first_name}, {"last_name", &c.last_name}, {"email", &c.email},
                  {"phone", &c.phone},           {"mobile", &c.mobile},       {"website", &c.website},
                  {"birth_date", &c.birth_date}, {"gender", &c.gender},       {"language", &c.language},
                  {"company", &c.company},       {"vat_number", &c.vat_number}, {"tax_code", &c.tax_code}};
  for (const auto& f : fields) CRM_RETURN_IF_ERROR(ApplyString(o, f.key, f.key, *f.field));
  if (auto it = o.find("address"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return crm::InvalidArgument("address: must be an object");
    const json::object& a = it->value().as_object();
    CRM_RETURN_IF_ERROR(ApplyString(a, "street", "address.street", c.address.street));
    CRM_RETURN_IF_ERROR(ApplyString(a, "postal_code", "address.postal_code", c.address.postal_code));
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
  return crm::Status::Ok();
}

crm::Result<ClientListQuery> ListQueryFromRequest(const crm::Request& request) {
  ClientListQuery q;
  auto number = [](const std::string& s, const char* name) -> crm::Result<int64_t> {
    if (s.empty() || s.size() > 9 ||
        !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return crm::InvalidArgument(std::string(name) + ": must be a positive number");
    }
    return std::stoll(s);
  };
  for (const auto& [key, value] : request.QueryAll()) {
    if (key == "page") {
      auto n = number(value, "page");
      if (!n.ok()) return n.status();
      q.page = *n;
    } else if (key == "per_page") {
      auto n = number(value, "per_page");
      if (!n.ok()) return n.status();
      q.per_page = *n;
    } else if (key == "q") {
      q.q = value;
    } else if (key == "sort") {
      q.sort = value;
    } else if (key.size() > 8 && key.rfind("filter[", 0) == 0 && key.back() == ']') {
      q.filters.emplace_back(key.substr(7, key.size() - 8), value);
    }
  }
  return q;
}

crm::Status RegisterClientApi(crm::Registrar& registrar, ClientStore& clients, Auth& auth) {
  ClientStore* store = &clients;
  Auth* a = &auth;

  CRM_RETURN_IF_ERROR(AddTokenRoute(registrar, "clients.read",
      {"GET", "/api/v1/clients", TokenAudience("clients:read"),
       [store](crm::Request& req, crm::Response& res) -> crm::Status {
         auto q = ListQueryFromRequest(req);
         if (!q.ok()) return q.status();
         auto page = store->List(*q);
         if (!page.ok()) return page.status();
         json::array items;
         for (const auto& row : page->rows) {
           json::object item = ClientObject(row.client);
           json::object cols;
           for (size_t i = 0; i < page->columns.size(); ++i) {
             cols[page->columns[i].key] = SqlToJson(row.column_values[i]);
           }
           item["columns"] = std::move(cols);
           items.emplace_back(std::move(item));
         }
         return SendJsonValue(res, 200,
                              json::object{{"items", std::move(items)},
                                           {"total", page->total},
                                           {"page", page->page},
                                           {"per_page", page->per_page}});
       },
       1 << 20}));

  CRM_RETURN_IF_ERROR(AddTokenRoute(registrar, "clients.write",
      {"POST", "/api/v1/clients", TokenAudience("clients:write"),
       [store](crm::Request& req, crm::Response& res) -> crm::Status {
         auto body = ReadWholeBody(req, kMaxJsonBody);
         if (!body.ok()) return body.status();
         Client c;
         CRM_RETURN_IF_ERROR(ApplyClientJson(*body, c));
         auto created = store->Create(std::move(c));
         if (!created.ok()) return created.status();
         res.SetHeader("Location", "/api/v1/clients/" + std::to_string(created->id));
         return SendJsonValue(res, 201, ClientObject(*created));
       },
       kMaxJsonBody}));

  CRM_RETURN_IF_ERROR(AddTokenRoute(registrar, "clients.import_export",
      {"GET", "/api/v1/clients/export.csv", TokenAudience("clients:read"),
       [store](crm::Request& req, crm::Response& res) -> crm::Status {
         auto q = ListQueryFromRequest(req);
         if (!q.ok()) return q.status();
         CsvExportOptions opt;
         opt.separator = req.Query("sep").value_or(",") == ";" ? ';' : ',';
         opt.bom = req.Query("bom").value_or("0") == "1";
         bool begun = false;
         res.SetHeader("Content-Disposition", "attachment; filename=\"clients.csv\"");
         crm::Status s = ExportClientsCsv(*store, *q, opt, [&](std::string_view chunk) -> crm::Status {
           if (!begun) {
             CRM_RETURN_IF_ERROR(res.BeginStream("text/csv; charset=utf-8"));
             begun = true;
           }
           return res.Write(chunk);
         });
         if (!s.ok()) return s;  // the server answers it when nothing was sent yet
         if (!begun) CRM_RETURN_IF_ERROR(res.BeginStream("text/csv; charset=utf-8"));
         return res.End();
       },
       1 << 20}));

  CRM_RETURN_IF_ERROR(AddTokenRoute(registrar, "clients.import_export",
      {"POST", "/api/v1/clients/import", TokenAudience("clients:write"),
       [store](crm::Request& req, crm::Response& res) -> crm::Status {
         auto body = ReadWholeBody(req, kMaxCsvBody);
         if (!body.ok()) return body.status();
         auto results = ImportClientsCsv(*store, *body);
         if (!results.ok()) return results.status();
         json::array rows;
         int64_t created = 0, updated = 0, failed = 0;
         for (const auto& r : *results) {
           if (!r.ok) ++failed;
           else if (r.message == "updated") ++updated;
           else ++created;
           json::object o{{"line", r.line}, {"ok", r.ok}, {"message", r.message}};
           if (r.ok) o["client_id"] = r.client_id;
           rows.emplace_back(std::move(o));
         }
         return SendJsonValue(res, 200,
                              json::object{{"rows", std::move(rows)},
                                           {"created", created},
                                           {"updated", updated},
                                           {"failed", failed}});
       },
       kMaxCsvBody}));

  CRM_RETURN_IF_ERROR(AddTokenRoute(registrar, "clients.read",
      {"GET", "/api/v1/clients/{id}", TokenAudience("clients:read"),
       [store](crm::Request& req, crm::Response& res) -> crm::Status {
         auto id = PathId(req);
         if (!id.ok()) return id.status();
         auto c = store->Get(*id);
         if (!c.ok()) return c.status();
         return SendJsonValue(res, 200, ClientObject(*c));
       },
       1 << 20}));

  CRM_RETURN_IF_ERROR(AddTokenRoute(registrar, "clients.write",
      {"PATCH", "/api/v1/clients/{id}", TokenAudience("clients:write"),
       [store](crm::Request& req, crm::Response& res) -> crm::Status {
         auto id = PathId(req);
         if (!id.ok()) return id.status();
         auto body = ReadWholeBody(req, kMaxJsonBody);
         if (!body.ok()) return body.status();
         auto c = store->Get(*id);
         if (!c.ok()) return c.status();
         CRM_RETURN_IF_ERROR(ApplyClientJson(*body, *c));
         auto updated = store->Update(std::move(*c));
         if (!updated.ok()) return updated.status();
         return SendJsonValue(res, 200, ClientObject(*updated));
       },
       kMaxJsonBody}));

  CRM_RETURN_IF_ERROR(AddTokenRoute(registrar, "clients.delete",
      {"DELETE", "/api/v1/clients/{id}", TokenAudience("clients:write"),
       [store](crm::Request& req, crm::Response& res) -> crm::Status {
         auto id = PathId(req);
         if (!id.ok()) return id.status();
         CRM_RETURN_IF_ERROR(store->Delete(*id));
         res.SetStatus(204);
         return res.Send("", "application/json; charset=utf-8");
       },
       1 << 20}));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(
      {"GET", "/account/confirm", crm::Audience{},
       [a](crm::Request& req, crm::Response& res) -> crm::Status {
         auto token = req.Query("token");
         auto id = a->ConfirmEmail(token.value_or(""));
         return res.Redirect(id.ok() ? "/account/login?confirmed=1" : "/account/login?confirmed=0");
       },
       1 << 20}));
  return crm::Status::Ok();
}

}  // namespace host
