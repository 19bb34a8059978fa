// sample-host/app/contract_store.h — products, contracts per client, their receipts and
// beneficiaries (SPEC §6 "Attestations", host side), and the read-only crm::ContractView the
// host gives plugins (host API 1.3). Also the eligibility rule every caller shares.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/contracts.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/money.h"

namespace host {

struct Product {
  int64_t id = 0;
  std::string code;
  std::string name;
};

// What a caller gives to create a contract (the product by its code).
struct NewContract {
  std::string product;
  std::string number;
  std::string status = "active";
  std::string start_on;
  std::string end_on;  // empty: open-ended
};

// True for a real calendar date written YYYY-MM-DD.
using crm::text::IsIsoDate;
// A receipt's amount: "120.00" / "120" / "120.5" -> 12000 / 12000 / 12050 (money.h's
// ParseAmountCents without refunds); nullopt for anything else, a negative amount included.
std::optional<int64_t> ParseReceiptCents(std::string_view s);

// Thread-safe; `db` must outlive it.
class ContractStore final : public crm::ContractView {
 public:
  ContractStore(crm::Database& db, std::function<int64_t()> now);

  crm::Result<std::vector<Product>> ListProducts();
  // kInvalidArgument for an empty code/name; kConflict when the code exists.
  crm::Result<Product> CreateProduct(std::string_view code, std::string_view name);
  // kNotFound for an unknown client; kInvalidArgument naming the field (unknown product,
  // status, dates, end before start); kConflict for a number already used.
  crm::Result<crm::ContractInfo> CreateContract(int64_t client_id, const NewContract& c);
  // kNotFound for an unknown contract; kInvalidArgument for bad dates / amount.
  crm::Result<crm::ContractReceipt> AddReceipt(int64_t contract_id, const crm::ContractReceipt& r);
  crm::Result<crm::ContractBeneficiary> AddBeneficiary(int64_t contract_id,
                                                       const crm::ContractBeneficiary& b);

  crm::Result<std::vector<crm::ContractInfo>> ClientContracts(int64_t client_id) override;
  crm::Result<crm::ContractDetail> FindContract(int64_t contract_id) override;
  crm::Result<std::vector<crm::ContractProduct>> Products() override;

 private:
  crm::Database& db_;
  std::function<int64_t()> now_;
};

// The demo's products (AUTO, HOME, LIFE) and, for the first clients (those who can log in
// first), contracts in each state with receipts and beneficiaries (seed_contracts.cc).
crm::Status SeedDemoContracts(crm::Database& db, ContractStore& store, int64_t now_unix);

}  // namespace host
