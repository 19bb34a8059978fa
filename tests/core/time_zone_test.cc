// tests/core/time_zone_test.cc — the host's time zone through ICU (issue 15.14): Europe/Brussels
// in winter (+1 h) and summer (+2 h) and on both sides of each daylight-saving change, unknown
// zones refused, and HostTimeZone keeping its zone when a change is refused.
#include "sample-host/core/time_zone.h"

#include <gtest/gtest.h>

namespace host {
namespace {

constexpr char kBrussels[] = "Europe/Brussels";

int32_t Offset(const char* zone, int64_t unix_seconds) {
  crm::Result<int32_t> offset = ZoneOffsetAt(zone, unix_seconds);
  EXPECT_TRUE(offset.ok()) << zone << ": " << offset.status().ToString();
  return offset.ok() ? *offset : -1;
}

TEST(TimeZoneTest, BrusselsIsOneHourAheadInWinterAndTwoInSummer) {
  EXPECT_EQ(Offset(kBrussels, 1768478400), 3600);  // 2026-01-15 12:00 UTC
  EXPECT_EQ(Offset(kBrussels, 1784116800), 7200);  // 2026-07-15 12:00 UTC
  EXPECT_EQ(Offset("UTC", 1784116800), 0);
  EXPECT_EQ(Offset("America/New_York", 1768478400), -5 * 3600);
}

TEST(TimeZoneTest, OffsetChangesAtTheDaylightSavingSwitches) {
  // Summer time starts on 2026-03-29 at 01:00 UTC (02:00 -> 03:00 in Brussels)...
  EXPECT_EQ(Offset(kBrussels, 1774745999), 3600);
  EXPECT_EQ(Offset(kBrussels, 1774746000), 7200);
  // ...and ends on 2026-10-25 at 01:00 UTC (03:00 -> 02:00).
  EXPECT_EQ(Offset(kBrussels, 1792889999), 7200);
  EXPECT_EQ(Offset(kBrussels, 1792890000), 3600);
}

TEST(TimeZoneTest, UnknownZonesAreRefused) {
  for (const char* name : {"Mars/Olympus", "", "europe/nowhere", "GMT+5", "Europe/Brussels\n"}) {
    crm::Result<int32_t> offset = ZoneOffsetAt(name, 1768478400);
    EXPECT_FALSE(offset.ok()) << name;
    EXPECT_EQ(offset.status().code(), crm::StatusCode::kInvalidArgument) << name;
  }
}

TEST(TimeZoneTest, HostTimeZoneStartsInUtcAndKeepsItsZoneOnARefusal) {
  HostTimeZone zone;
  EXPECT_EQ(zone.Name(), "UTC");
  EXPECT_EQ(zone.OffsetAt(1784116800), 0);
  ASSERT_TRUE(zone.Set(kBrussels).ok());
  EXPECT_EQ(zone.Name(), kBrussels);
  EXPECT_EQ(zone.OffsetAt(1784116800), 7200);
  EXPECT_EQ(zone.Set("Atlantis/Capital").code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(zone.Name(), kBrussels);
  EXPECT_EQ(zone.OffsetAt(1768478400), 3600);
}

}  // namespace
}  // namespace host
