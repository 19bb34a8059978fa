// tests/support/e2e_site_test.cc — the end-to-end suites' base fixture (see the header).
#include "tests/support/e2e_site_test.h"

#include <string>
#include <utility>

namespace crm_test {

void E2eSiteTest::SetUp() { StartSite(); }

void E2eSiteTest::StartSite(Serve serve) {
  CliResult admin = site_.CreateAdmin();
  ASSERT_EQ(admin.code, 0) << admin.output;
  CliResult token = site_.CreateToken("");
  ASSERT_EQ(token.code, 0) << token.output;
  full_ = token.output;
  ASSERT_NO_FATAL_FAILURE(BeforeStart());
  ASSERT_NO_FATAL_FAILURE(StartHost(std::move(serve)));
}

void E2eSiteTest::StartHost(Serve serve) {
  api_.reset();
  host_.reset();  // stopped before another serves the same data
  auto h = site_.Start(std::move(serve.args), serve.start_timeout);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  host_ = std::move(*h);
  api_ = std::make_unique<HttpClient>(host_->port());
}

std::string E2eSiteTest::Token(const std::string& scope_args) const {
  CliResult token = site_.CreateToken(scope_args);
  EXPECT_EQ(token.code, 0) << token.output;
  EXPECT_EQ(token.output.rfind("crm_", 0), 0u) << token.output;
  return token.output;
}

Headers E2eSiteTest::JsonHeaders(const std::string& token) const {
  return Bearer(token.empty() ? full_ : token, {{"Content-Type", "application/json"}});
}

namespace {

CliResult RunSql(const E2eSite& site, const std::string& sql) {
  const std::string url = SiteDatabaseUrl(site.data());
  return url.empty()
             ? RunCli("sqlite3", "'" + (site.data() / "host.db").string() + "' \"" + sql + "\"", "")
             : RunCli("psql", "'" + url + "' -tAc \"" + sql + "\"", "");
}

}  // namespace

std::string E2eSiteTest::SqlText(const std::string& sql) const {
  CliResult r = RunSql(site_, sql);
  EXPECT_EQ(r.code, 0) << sql << ": " << r.output;
  std::string text = r.output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

int64_t E2eSiteTest::SqlCount(const std::string& sql) const {
  CliResult r = RunSql(site_, sql);
  try {
    if (r.code == 0) return std::stoll(r.output);
  } catch (const std::exception&) {
  }
  ADD_FAILURE() << sql << ": " << r.output;
  return -1;
}

}  // namespace crm_test
