// tests/core/utilities_test.cc — SHA-256 (known vectors), random tokens, the logger's line format
// and ring, and the clocks.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "sample-host/core/clock.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"

namespace host {
namespace {

TEST(Sha256Test, KnownVectorsOneShotAndIncremental) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.Update("a");
  h.Update(std::string_view("bc"));
  EXPECT_EQ(h.FinishHex(), Sha256Hex("abc"));
  Sha256 moved = Sha256();
  moved.Update("abc");
  Sha256 target = std::move(moved);
  EXPECT_EQ(target.FinishHex(), Sha256Hex("abc"));
}

TEST(RandomTest, TokensHaveTheRightShapeAndDiffer) {
  std::string hex = RandomHex(16);
  EXPECT_EQ(hex.size(), 32u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomToken(32));
  EXPECT_EQ(seen.size(), 100u);
  std::string t = *seen.begin();
  EXPECT_EQ(t.size(), 43u);  // 32 bytes, unpadded base64url
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("abc"), "YWJj");
}

TEST(LoggerTest, FormatsOneLinePerMessageAndKeepsARing) {
  FixedClock clock(1795860000);  // 2026-11-28T10:00:00Z
  EXPECT_EQ(Logger::FormatLine(1795860000, crm::LogLevel::kWarning, "plugin-loader", "refused x"),
            "2026-11-28T10:00:00Z WARN plugin-loader: refused x");
  Logger log(&clock, false, 3);
  log.Info("a", "one");
  log.Error("b", "two\nforged line");
  log.Warn("c", "three");
  log.Log(crm::LogLevel::kDebug, "d", "four");
  auto lines = log.Recent();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "2026-11-28T10:00:00Z ERROR b: two\\nforged line");
  EXPECT_EQ(lines[2], "2026-11-28T10:00:00Z DEBUG d: four");
  EXPECT_EQ(log.Recent(1).size(), 1u);

  // Thread-safe: many writers, the ring stays bounded and consistent.
  Logger shared(&clock, false, 100);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) shared.Info("t", "m");
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(shared.Recent().size(), 100u);
}

TEST(ClockTest, FixedClockMovesOnlyWhenTold) {
  FixedClock c(10);
  EXPECT_EQ(c.NowUnix(), 10);
  c.Advance(5);
  EXPECT_EQ(c.NowUnix(), 15);
  c.Set(1);
  EXPECT_EQ(c.NowUnix(), 1);
  SystemClock s;
  EXPECT_GT(s.NowUnix(), 1700000000);
}

}  // namespace
}  // namespace host
