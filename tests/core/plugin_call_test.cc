// tests/core/plugin_call_test.cc — CallPlugin, the one way the host runs plugin code: what it
// returns for each kind of callback, and exactly one log line per exception, none otherwise.
#include "sample-host/core/plugin_call.h"

#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sample-host/core/logger.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

class PluginCallTest : public ::testing::Test {
 protected:
  Logger log_{nullptr, /*to_stderr=*/false};
};

TEST_F(PluginCallTest, VoidCallbackGivesOkAndLogsNothing) {
  int calls = 0;
  crm::Status s = CallPlugin(log_, "void hook", [&] { ++calls; });
  EXPECT_OK(s);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(log_.Recent().empty());
}

TEST_F(PluginCallTest, StatusAndResultArePassedThrough) {
  EXPECT_OK(CallPlugin(log_, "status hook", [] { return crm::Status::Ok(); }));
  crm::Status refused =
      CallPlugin(log_, "status hook", [] { return crm::NotFound("no such thing"); });
  EXPECT_EQ(refused.code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(refused.message(), "no such thing");

  crm::Result<int> value = CallPlugin(log_, "result hook", [] { return crm::Result<int>(42); });
  ASSERT_OK(value);
  EXPECT_EQ(*value, 42);
  crm::Result<int> error =
      CallPlugin(log_, "result hook", []() -> crm::Result<int> { return crm::Conflict("taken"); });
  EXPECT_EQ(error.status().code(), crm::StatusCode::kConflict);
  // A plugin's own error is the caller's to report: CallPlugin logs only exceptions.
  EXPECT_TRUE(log_.Recent().empty());
}

TEST_F(PluginCallTest, PlainValueIsWrappedInAResult) {
  crm::Result<std::vector<std::string>> items = CallPlugin(log_, "plain hook", [] {
    return std::vector<std::string>{"a", "b"};
  });
  ASSERT_OK(items);
  EXPECT_EQ(*items, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(log_.Recent().empty());
}

TEST_F(PluginCallTest, StdExceptionBecomesInternalAndOneLogLine) {
  crm::Result<int> r =
      CallPlugin(log_, "menu filter demo.menu", []() -> int { throw std::runtime_error("boom"); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), crm::StatusCode::kInternal);
  EXPECT_EQ(r.status().message(), "menu filter demo.menu threw: boom");
  auto lines = log_.Recent();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("ERROR plugin: menu filter demo.menu threw: boom"), std::string::npos)
      << lines[0];
}

TEST_F(PluginCallTest, NonStandardExceptionBecomesInternalAndOneLogLine) {
  crm::Status s = CallPlugin(log_, "job demo.reminders", []() -> crm::Status { throw 7; });
  EXPECT_EQ(s.code(), crm::StatusCode::kInternal);
  EXPECT_EQ(s.message(), "job demo.reminders threw a non-standard exception");
  crm::Status v = CallPlugin(log_, "void hook", [] { throw "text"; });
  EXPECT_EQ(v.code(), crm::StatusCode::kInternal);
  auto lines = log_.Recent();
  ASSERT_EQ(lines.size(), 2u);  // one per call
  EXPECT_NE(lines[0].find("ERROR plugin: job demo.reminders threw a non-standard exception"),
            std::string::npos);
  EXPECT_NE(lines[1].find("ERROR plugin: void hook threw"), std::string::npos);
}

TEST_F(PluginCallTest, LogFunctionSinkGetsTheSameOneLine) {
  std::vector<std::pair<crm::LogLevel, std::string>> seen;
  const std::function<void(crm::LogLevel, std::string_view)> sink =
      [&](crm::LogLevel level, std::string_view m) { seen.emplace_back(level, std::string(m)); };
  crm::Status s =
      CallPlugin(sink, "handler of GET /x", []() -> crm::Status { throw std::logic_error("bad"); });
  EXPECT_EQ(s.code(), crm::StatusCode::kInternal);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, crm::LogLevel::kError);
  EXPECT_EQ(seen[0].second, "handler of GET /x threw: bad");
  EXPECT_OK(CallPlugin(sink, "handler of GET /x", [] { return crm::Status::Ok(); }));
  EXPECT_EQ(seen.size(), 1u);
}

}  // namespace
}  // namespace host
