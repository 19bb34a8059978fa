// sample-host/app/seed_contracts.cc — the demo's products and contracts (issue 13): for the
// clients who can log in (and a few others), one contract in each state, receipts paid and
// unpaid around today, beneficiaries of each kind.
#include "sample-host/app/contract_store.h"
#include "sample-host/core/logger.h"

namespace host {

crm::Status SeedDemoContracts(crm::Database& db, ContractStore& store, int64_t now_unix) {
  constexpr int64_t kDay = 86400;
  auto day = [&](int64_t offset) { return FormatUtc(now_unix + offset * kDay, "%Y-%m-%d"); };
  CRM_RETURN_IF_ERROR(store.CreateProduct("AUTO", "Car insurance").status());
  CRM_RETURN_IF_ERROR(store.CreateProduct("HOME", "Home insurance").status());
  CRM_RETURN_IF_ERROR(store.CreateProduct("LIFE", "Life insurance").status());
  CRM_ASSIGN_OR_RETURN(auto rows, db.QueryAll("SELECT id FROM clients ORDER BY login_enabled DESC, "
                                              "id LIMIT 4"));
  int n = 0;
  for (const auto& row : rows) {
    const int64_t client = row.Int(0);
    const std::string k = std::to_string(++n);
    // Active and paid for the current period: eligible.
    CRM_ASSIGN_OR_RETURN(auto paid, store.CreateContract(client, {"AUTO", "AUTO-" + k + "001",
                                                                  "active", day(-200), ""}));
    CRM_RETURN_IF_ERROR(store.AddReceipt(paid.id, {0, day(-200), day(-20), 48000, true}).status());
    CRM_RETURN_IF_ERROR(store.AddReceipt(paid.id, {0, day(-19), day(160), 48000, true}).status());
    CRM_RETURN_IF_ERROR(store.AddBeneficiary(paid.id, {0, "vehicle", "AB-123-CD"}).status());
    CRM_RETURN_IF_ERROR(store.AddBeneficiary(paid.id, {0, "person", "Driver " + k}).status());
    // Active but today's receipt is unpaid: not eligible without prior validation.
    CRM_ASSIGN_OR_RETURN(auto unpaid, store.CreateContract(client, {"HOME", "HOME-" + k + "001",
                                                                    "active", day(-30), ""}));
    CRM_RETURN_IF_ERROR(
        store.AddReceipt(unpaid.id, {0, day(-30), day(335), 31000, false}).status());
    CRM_RETURN_IF_ERROR(
        store.AddBeneficiary(unpaid.id, {0, "building", "12 rue des Lilas"}).status());
    // Pending and terminated.
    CRM_RETURN_IF_ERROR(
        store.CreateContract(client, {"LIFE", "LIFE-" + k + "001", "pending", day(10), ""})
            .status());
    CRM_RETURN_IF_ERROR(store
                            .CreateContract(client, {"AUTO", "AUTO-" + k + "000", "terminated",
                                                     day(-900), day(-201)})
                            .status());
  }
  return crm::Status::Ok();
}

}  // namespace host
