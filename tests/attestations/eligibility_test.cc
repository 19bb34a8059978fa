// tests/attestations/eligibility_test.cc — the eligibility rule on fixed dates (SPEC AT2): an
// active contract whose today is covered by a fully paid receipt; otherwise the reason's key.
#include <gtest/gtest.h>

#include "plugin/attestations/attestations.h"

namespace cd::attestations {
namespace {

crm::ContractDetail Contract(std::string status, std::string start, std::string end,
                             std::vector<crm::ContractReceipt> receipts) {
  crm::ContractDetail d;
  d.contract = {1, 1, "AUTO", "Car", "A-1", std::move(status), std::move(start), std::move(end)};
  d.receipts = std::move(receipts);
  return d;
}

TEST(Eligibility, ActiveAndPaidForTodayOnly) {
  auto paid = Contract("active", "2026-01-01", "", {{1, "2026-01-01", "2026-06-30", 100, true}});
  EXPECT_EQ(IneligibleReason(paid, "2026-01-01"), std::nullopt);  // first day covered
  EXPECT_EQ(IneligibleReason(paid, "2026-06-30"), std::nullopt);  // last day covered
  EXPECT_EQ(IneligibleReason(paid, "2026-07-01"), "client-documents.attestations.not_paid");
  auto unpaid = Contract("active", "2026-01-01", "", {{1, "2026-01-01", "2026-12-31", 100, false}});
  EXPECT_EQ(IneligibleReason(unpaid, "2026-03-01"), "client-documents.attestations.not_paid");
  auto none = Contract("active", "2026-01-01", "", {});
  EXPECT_EQ(IneligibleReason(none, "2026-03-01"), "client-documents.attestations.not_paid");
  auto terminated = Contract("terminated", "2025-01-01", "2025-12-31",
                             {{1, "2025-01-01", "2026-12-31", 1, true}});
  EXPECT_EQ(IneligibleReason(terminated, "2026-03-01"), "client-documents.attestations.not_active");
  auto pending = Contract("pending", "2026-05-01", "", {{1, "2026-01-01", "2026-12-31", 1, true}});
  EXPECT_EQ(IneligibleReason(pending, "2026-03-01"), "client-documents.attestations.not_active");
  auto ended =
      Contract("active", "2026-01-01", "2026-02-28", {{1, "2026-01-01", "2026-12-31", 1, true}});
  EXPECT_EQ(IneligibleReason(ended, "2026-03-01"), "client-documents.attestations.not_active");
  EXPECT_TRUE(IsKnownPlaceholder("contract.number"));
  EXPECT_FALSE(IsKnownPlaceholder("motif"));
}

}  // namespace
}  // namespace cd::attestations
