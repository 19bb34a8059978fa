// tests/support/e2e_site_test.cc — the end-to-end suites' base fixture (see the header).
#include "tests/support/e2e_site_test.h"

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

}  // namespace crm_test
