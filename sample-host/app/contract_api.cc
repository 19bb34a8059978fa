// sample-host/app/contract_api.cc — adapters of the contract API: JSON in, one ContractStore
// call, JSON out.
#include "sample-host/app/contract_api.h"

#include <boost/json.hpp>

#include "text/text.h"

namespace host {
namespace json = boost::json;
namespace {

constexpr uint64_t kMaxJsonBody = 64 * 1024;

crm::Result<json::object> ReadJsonObject(crm::Request& request) {
  std::string body;
  char buf[8192];
  for (;;) {
    CRM_ASSIGN_OR_RETURN(size_t n, request.ReadBody(buf, sizeof buf));
    if (n == 0) break;
    if (body.size() + n > kMaxJsonBody) return crm::TooLarge("request body too large");
    body.append(buf, n);
  }
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return crm::InvalidArgument("body: must be a JSON object");
  return v.as_object();
}

crm::Result<std::string> StringField(const json::object& o, const char* key, bool required) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) {
    if (required) return crm::InvalidArgument(std::string(key) + ": required");
    return std::string();
  }
  if (!it->value().is_string())
    return crm::InvalidArgument(std::string(key) + ": must be a string");
  return std::string(it->value().as_string());
}

crm::Result<int64_t> PathId(const crm::Request& request, const char* what) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("id"));
  if (!id) return crm::NotFound(std::string("no such ") + what);
  return *id;
}

json::object ContractObject(const crm::ContractInfo& c) {
  return json::object{{"id", c.id},
                      {"client_id", c.client_id},
                      {"product", c.product_code},
                      {"product_name", c.product_name},
                      {"number", c.number},
                      {"status", c.status},
                      {"start_on", c.start_on},
                      {"end_on", c.end_on.empty() ? json::value(nullptr) : json::value(c.end_on)}};
}

json::object ReceiptObject(const crm::ContractReceipt& r) {
  return json::object{{"id", r.id},
                      {"period_start", r.period_start},
                      {"period_end", r.period_end},
                      {"amount", CentsToDecimal(r.amount_cents)},
                      {"paid", r.paid}};
}

json::object BeneficiaryObject(const crm::ContractBeneficiary& b) {
  return json::object{{"id", b.id}, {"kind", b.kind}, {"label", b.label}};
}

crm::Status Send(crm::Response& res, int status, const json::value& v) {
  res.SetStatus(status);
  return res.SendJson(json::serialize(v));
}

crm::Status ListProducts(ContractStore& store, crm::Request&, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(auto products, store.ListProducts());
  json::array items;
  for (const auto& p : products) items.push_back(json::object{{"code", p.code}, {"name", p.name}});
  return Send(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status CreateProduct(ContractStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  CRM_ASSIGN_OR_RETURN(std::string code, StringField(o, "code", true));
  CRM_ASSIGN_OR_RETURN(std::string name, StringField(o, "name", true));
  CRM_ASSIGN_OR_RETURN(Product p, store.CreateProduct(code, name));
  return Send(res, 201, json::object{{"code", p.code}, {"name", p.name}});
}

crm::Status ListContracts(ContractStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t client_id, PathId(req, "client"));
  CRM_ASSIGN_OR_RETURN(auto contracts, store.ClientContracts(client_id));
  json::array items;
  for (const auto& c : contracts) items.push_back(ContractObject(c));
  return Send(res, 200, json::object{{"items", std::move(items)}});
}

crm::Status CreateContract(ContractStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t client_id, PathId(req, "client"));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  NewContract c;
  CRM_ASSIGN_OR_RETURN(c.product, StringField(o, "product", true));
  CRM_ASSIGN_OR_RETURN(c.number, StringField(o, "number", true));
  CRM_ASSIGN_OR_RETURN(c.status, StringField(o, "status", true));
  CRM_ASSIGN_OR_RETURN(c.start_on, StringField(o, "start_on", true));
  CRM_ASSIGN_OR_RETURN(c.end_on, StringField(o, "end_on", false));
  CRM_ASSIGN_OR_RETURN(crm::ContractInfo created, store.CreateContract(client_id, c));
  return Send(res, 201, ContractObject(created));
}

crm::Status GetContract(ContractStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, PathId(req, "contract"));
  CRM_ASSIGN_OR_RETURN(crm::ContractDetail d, store.FindContract(id));
  res.SetStatus(200);
  return res.SendJson(ContractToJson(d));
}

crm::Status AddReceipt(ContractStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, PathId(req, "contract"));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  crm::ContractReceipt r;
  CRM_ASSIGN_OR_RETURN(r.period_start, StringField(o, "period_start", true));
  CRM_ASSIGN_OR_RETURN(r.period_end, StringField(o, "period_end", true));
  CRM_ASSIGN_OR_RETURN(std::string amount, StringField(o, "amount", true));
  std::optional<int64_t> cents = ParseReceiptCents(amount);
  if (!cents) return crm::InvalidArgument("amount: a decimal string such as \"120.00\"");
  r.amount_cents = *cents;
  auto paid = o.find("paid");
  if (paid != o.end() && !paid->value().is_bool())
    return crm::InvalidArgument("paid: must be true or false");
  r.paid = paid != o.end() && paid->value().as_bool();
  CRM_ASSIGN_OR_RETURN(crm::ContractReceipt created, store.AddReceipt(id, r));
  return Send(res, 201, ReceiptObject(created));
}

crm::Status AddBeneficiary(ContractStore& store, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(int64_t id, PathId(req, "contract"));
  CRM_ASSIGN_OR_RETURN(json::object o, ReadJsonObject(req));
  crm::ContractBeneficiary b;
  CRM_ASSIGN_OR_RETURN(b.kind, StringField(o, "kind", true));
  CRM_ASSIGN_OR_RETURN(b.label, StringField(o, "label", true));
  CRM_ASSIGN_OR_RETURN(crm::ContractBeneficiary created, store.AddBeneficiary(id, b));
  return Send(res, 201, BeneficiaryObject(created));
}

struct ContractRoute {
  const char* method;
  const char* pattern;
  const char* scope;
  const char* permission;
  crm::Status (*handler)(ContractStore&, crm::Request&, crm::Response&);
};

constexpr ContractRoute kContractRoutes[] = {
    {"GET", "/api/v1/products", "clients:read", "clients.read", ListProducts},
    {"POST", "/api/v1/products", "clients:write", "clients.write", CreateProduct},
    {"GET", "/api/v1/clients/{id}/contracts", "clients:read", "clients.read", ListContracts},
    {"POST", "/api/v1/clients/{id}/contracts", "clients:write", "clients.write", CreateContract},
    {"GET", "/api/v1/contracts/{id}", "clients:read", "clients.read", GetContract},
    {"POST", "/api/v1/contracts/{id}/receipts", "clients:write", "clients.write", AddReceipt},
    {"POST", "/api/v1/contracts/{id}/beneficiaries", "clients:write", "clients.write",
     AddBeneficiary},
};

}  // namespace

std::string ContractToJson(const crm::ContractDetail& d) {
  json::object o = ContractObject(d.contract);
  json::array receipts, beneficiaries;
  for (const auto& r : d.receipts) receipts.push_back(ReceiptObject(r));
  for (const auto& b : d.beneficiaries) beneficiaries.push_back(BeneficiaryObject(b));
  o["receipts"] = std::move(receipts);
  o["beneficiaries"] = std::move(beneficiaries);
  return json::serialize(o);
}

crm::Status RegisterContractApi(crm::Registrar& registrar, ContractStore& store) {
  for (const ContractRoute& r : kContractRoutes) {
    crm::Route route;
    route.method = r.method;
    route.pattern = r.pattern;
    route.audience.kind = crm::Audience::Kind::kApiToken;
    route.audience.scope = r.scope;
    route.max_body = kMaxJsonBody;
    route.handler = [&store, &r](crm::Request& req, crm::Response& res) -> crm::Status {
      if (!req.Caller().HasPermission(r.permission)) {
        return crm::PermissionDenied(std::string("the token's owner lacks the permission ") +
                                     r.permission);
      }
      return r.handler(store, req, res);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace host
