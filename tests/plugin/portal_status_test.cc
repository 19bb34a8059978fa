// tests/plugin/portal_status_test.cc — SharedStatus and AmountStillDue (plugin/portal/status.h):
// every category against decisions, due dates around today and payments.
#include <gtest/gtest.h>

#include "plugin/portal/status.h"

namespace cd {
namespace {

constexpr char kToday[] = "2026-06-15";

std::string Status(const std::string& category, const std::string& decision,
                   const std::string& due_on, std::optional<int64_t> amount = std::nullopt,
                   int64_t paid = 0) {
  return SharedStatus(SharedFacts{category, decision, due_on, amount, paid}, kToday);
}

TEST(PortalStatusTest, QuoteIsDecidedOrExpiresAfterItsDueDate) {
  EXPECT_EQ(Status("quote", "", ""), "to_validate");
  EXPECT_EQ(Status("quote", "", "2026-06-15"), "to_validate");  // the due day itself counts
  EXPECT_EQ(Status("quote", "", "2026-06-14"), "expired");
  EXPECT_EQ(Status("quote", "approved", "2026-06-14"), "validated");  // decided in time stays
  EXPECT_EQ(Status("quote", "refused", "2026-07-01"), "refused");
}

TEST(PortalStatusTest, OrderIsSignedOrRefused) {
  EXPECT_EQ(Status("order", "", "2026-01-01"), "to_sign");  // an order does not expire
  EXPECT_EQ(Status("order", "approved", ""), "signed");
  EXPECT_EQ(Status("order", "refused", ""), "refused");
}

TEST(PortalStatusTest, InvoiceFollowsPaymentsAndItsDueDate) {
  EXPECT_EQ(Status("invoice", "", "2026-06-20", 10000, 0), "unpaid");
  EXPECT_EQ(Status("invoice", "", "2026-06-20", 10000, 9999), "unpaid");
  EXPECT_EQ(Status("invoice", "", "2026-06-10", 10000, 3000), "overdue");
  EXPECT_EQ(Status("invoice", "", "2026-06-10", 10000, 10000), "paid");
  EXPECT_EQ(Status("invoice", "", "", 10000, 0), "unpaid");
  EXPECT_EQ(AmountStillDue({"invoice", "", "", 10000, 3000}), 7000);
  EXPECT_EQ(AmountStillDue({"invoice", "", "", 10000, 10000}), 0);
  EXPECT_EQ(AmountStillDue({"report", "", "", std::nullopt, 0}), std::nullopt);
}

TEST(PortalStatusTest, ReportsAndOthersAreAvailable) {
  EXPECT_EQ(Status("report", "", "2020-01-01"), "available");
  EXPECT_EQ(Status("other", "approved", ""), "available");
}

}  // namespace
}  // namespace cd
