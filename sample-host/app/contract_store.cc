// sample-host/app/contract_store.cc — SQL of products, contracts, receipts and beneficiaries;
// portable (SQLite and PostgreSQL): bound parameters, INSERT ... RETURNING id.
#include "sample-host/app/contract_store.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "text/text.h"

namespace host {
namespace {

constexpr char kContractColumns[] =
    "SELECT c.id, c.client_id, p.code, p.name, c.number, c.status, c.start_on, "
    "COALESCE(c.end_on, '') FROM contracts c JOIN products p ON p.id = c.product_id ";

crm::ContractInfo ContractFromRow(const crm::SqlRow& r) {
  crm::ContractInfo c;
  c.id = r.Int(0);
  c.client_id = r.Int(1);
  c.product_code = r.Text(2);
  c.product_name = r.Text(3);
  c.number = r.Text(4);
  c.status = r.Text(5);
  c.start_on = r.Text(6);
  c.end_on = r.Text(7);
  return c;
}

crm::Result<int64_t> InsertReturningId(crm::SqlExecutor& db, std::string_view sql,
                                       const crm::SqlParams& params) {
  CRM_ASSIGN_OR_RETURN(auto row, db.QueryOne(std::string(sql) + " RETURNING id", params));
  if (!row) return crm::Internal("INSERT returned no id");
  return row->Int(0);
}

crm::Status RequireContract(crm::Database& db, int64_t contract_id) {
  CRM_ASSIGN_OR_RETURN(auto row,
                       db.QueryOne("SELECT id FROM contracts WHERE id = ?", {contract_id}));
  if (!row) return crm::NotFound("no such contract");
  return crm::Status::Ok();
}

}  // namespace

std::optional<int64_t> ParseReceiptCents(std::string_view s) {
  std::optional<int64_t> cents = ParseAmountCents(s);
  if (cents && *cents < 0) return std::nullopt;
  return cents;
}

ContractStore::ContractStore(crm::Database& db, std::function<int64_t()> now)
    : db_(db), now_(std::move(now)) {}

crm::Result<std::vector<Product>> ContractStore::ListProducts() {
  CRM_ASSIGN_OR_RETURN(auto rows,
                       db_.QueryAll("SELECT id, code, name FROM products ORDER BY code"));
  std::vector<Product> out;
  for (const auto& r : rows) out.push_back({r.Int(0), r.Text(1), r.Text(2)});
  return out;
}

crm::Result<std::vector<crm::ContractProduct>> ContractStore::Products() {
  CRM_ASSIGN_OR_RETURN(std::vector<Product> products, ListProducts());
  std::vector<crm::ContractProduct> out;
  for (const Product& p : products) out.push_back({p.code, p.name});
  return out;
}

crm::Result<Product> ContractStore::CreateProduct(std::string_view code, std::string_view name) {
  std::string c(crm::text::Trim(code)), n(crm::text::Trim(name));
  if (c.empty() || c.size() > 64)
    return crm::InvalidArgument("code: required (64 characters at most)");
  if (n.empty() || n.size() > 200)
    return crm::InvalidArgument("name: required (200 characters at most)");
  auto id = InsertReturningId(db_, "INSERT INTO products (code, name, created_at) VALUES (?, ?, ?)",
                              {c, n, now_()});
  if (!id.ok() && id.status().code() == crm::StatusCode::kConflict)
    return crm::Conflict("code: a product \"" + c + "\" already exists");
  if (!id.ok()) return id.status();
  return Product{*id, c, n};
}

crm::Result<crm::ContractInfo> ContractStore::CreateContract(int64_t client_id,
                                                             const NewContract& c) {
  CRM_ASSIGN_OR_RETURN(auto client,
                       db_.QueryOne("SELECT id FROM clients WHERE id = ?", {client_id}));
  if (!client) return crm::NotFound("no such client");
  CRM_ASSIGN_OR_RETURN(auto product,
                       db_.QueryOne("SELECT id FROM products WHERE code = ?", {c.product}));
  if (!product) return crm::InvalidArgument("product: no product \"" + c.product + "\"");
  std::string number(crm::text::Trim(c.number));
  if (number.empty() || number.size() > 64) return crm::InvalidArgument("number: required");
  if (c.status != "pending" && c.status != "active" && c.status != "terminated")
    return crm::InvalidArgument("status: one of pending, active, terminated");
  if (!IsIsoDate(c.start_on)) return crm::InvalidArgument("start_on: a date YYYY-MM-DD");
  if (!c.end_on.empty() && (!IsIsoDate(c.end_on) || c.end_on < c.start_on))
    return crm::InvalidArgument("end_on: a date YYYY-MM-DD, not before start_on");
  crm::SqlValue end = c.end_on.empty() ? crm::SqlValue() : crm::SqlValue(c.end_on);
  auto id =
      InsertReturningId(db_,
                        "INSERT INTO contracts (client_id, product_id, number, status, "
                        "start_on, end_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        {client_id, product->Int(0), number, c.status, c.start_on, end, now_()});
  if (!id.ok() && id.status().code() == crm::StatusCode::kConflict)
    return crm::Conflict("number: a contract \"" + number + "\" already exists");
  if (!id.ok()) return id.status();
  CRM_ASSIGN_OR_RETURN(crm::ContractDetail d, FindContract(*id));
  return d.contract;
}

crm::Result<crm::ContractReceipt> ContractStore::AddReceipt(int64_t contract_id,
                                                            const crm::ContractReceipt& r) {
  CRM_RETURN_IF_ERROR(RequireContract(db_, contract_id));
  if (!IsIsoDate(r.period_start)) return crm::InvalidArgument("period_start: a date YYYY-MM-DD");
  if (!IsIsoDate(r.period_end) || r.period_end < r.period_start)
    return crm::InvalidArgument("period_end: a date YYYY-MM-DD, not before period_start");
  if (r.amount_cents < 0) return crm::InvalidArgument("amount: not negative");
  crm::ContractReceipt out = r;
  CRM_ASSIGN_OR_RETURN(out.id, InsertReturningId(db_,
                                                 "INSERT INTO contract_receipts (contract_id, "
                                                 "period_start, period_end, amount_cents, paid) "
                                                 "VALUES (?, ?, ?, ?, ?)",
                                                 {contract_id, r.period_start, r.period_end,
                                                  r.amount_cents, int64_t{r.paid ? 1 : 0}}));
  return out;
}

crm::Result<crm::ContractBeneficiary> ContractStore::AddBeneficiary(
    int64_t contract_id, const crm::ContractBeneficiary& b) {
  CRM_RETURN_IF_ERROR(RequireContract(db_, contract_id));
  if (b.kind != "person" && b.kind != "vehicle" && b.kind != "building")
    return crm::InvalidArgument("kind: one of person, vehicle, building");
  std::string label(crm::text::Trim(b.label));
  if (label.empty() || label.size() > 200) return crm::InvalidArgument("label: required");
  crm::ContractBeneficiary out{0, b.kind, label};
  CRM_ASSIGN_OR_RETURN(out.id, InsertReturningId(db_,
                                                 "INSERT INTO contract_beneficiaries "
                                                 "(contract_id, kind, label) VALUES (?, ?, ?)",
                                                 {contract_id, b.kind, label}));
  return out;
}

crm::Result<std::vector<crm::ContractInfo>> ContractStore::ClientContracts(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(auto rows, db_.QueryAll(std::string(kContractColumns) +
                                                   "WHERE c.client_id = ? ORDER BY c.start_on "
                                                   "DESC, c.id DESC",
                                               {client_id}));
  std::vector<crm::ContractInfo> out;
  for (const auto& r : rows) out.push_back(ContractFromRow(r));
  return out;
}

crm::Result<crm::ContractDetail> ContractStore::FindContract(int64_t contract_id) {
  CRM_ASSIGN_OR_RETURN(
      auto row, db_.QueryOne(std::string(kContractColumns) + "WHERE c.id = ?", {contract_id}));
  if (!row) return crm::NotFound("no such contract");
  crm::ContractDetail d;
  d.contract = ContractFromRow(*row);
  CRM_ASSIGN_OR_RETURN(auto receipts,
                       db_.QueryAll("SELECT id, period_start, period_end, amount_cents, paid FROM "
                                    "contract_receipts WHERE contract_id = ? ORDER BY "
                                    "period_start, id",
                                    {contract_id}));
  for (const auto& r : receipts)
    d.receipts.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4) != 0});
  CRM_ASSIGN_OR_RETURN(auto beneficiaries,
                       db_.QueryAll("SELECT id, kind, label FROM contract_beneficiaries WHERE "
                                    "contract_id = ? ORDER BY id",
                                    {contract_id}));
  for (const auto& r : beneficiaries) d.beneficiaries.push_back({r.Int(0), r.Text(1), r.Text(2)});
  return d;
}

}  // namespace host
