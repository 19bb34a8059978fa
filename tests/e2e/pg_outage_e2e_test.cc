// tests/e2e/pg_outage_e2e_test.cc — the real sample-host when its PostgreSQL server is missing or
// goes away (issue 16): a command that cannot reach the database exits with code 3 and a clear
// message that never shows the URL's password; while serving, requests are answered 503 with the
// JSON error shape (a page for a browser), nothing is half-written, and the host recovers by
// itself when the server is back. Runs its own throw-away cluster (.ci/pg), so that stopping it
// does not disturb the other tests.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using crm_test::Bearer;
using crm_test::ErrorCode;
using crm_test::HttpClient;
using crm_test::HttpResponse;

constexpr char kBinary[] = CRM_E2E_SAMPLE_HOST;
constexpr char kPluginDir[] = CRM_E2E_PLUGIN_DIR;
constexpr char kPgScript[] = CRM_E2E_PG_SCRIPT;
constexpr char kAdminEmail[] = "boss@outage.test";
constexpr char kAdminPassword[] = "outage-password-42";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// A private cluster for the whole suite; CRM_E2E_PG_URL points the site helpers at it.
class PgOutageE2e : public crm_test::E2eSiteTest {
 protected:
  PgOutageE2e() : E2eSiteTest({kBinary, kPluginDir, "pg-outage", kAdminEmail, kAdminPassword}) {}

  static void SetUpTestSuite() {
    cluster_ = new fs::path(crm_test::FreshDir("pg-outage"));
    port_ = FreePort();
    ASSERT_TRUE(Cluster("start")) << "cannot start a PostgreSQL cluster with " << kPgScript;
    std::string url = "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/crm";
    ::setenv("CRM_E2E_PG_URL", url.c_str(), 1);
  }
  static void TearDownTestSuite() {
    (void)Cluster("stop");
    std::error_code ec;
    fs::remove_all(*cluster_, ec);
    delete cluster_;
  }
  static bool Cluster(const std::string& verb) {
    std::string cmd = std::string(kPgScript) + " " + verb + " " + cluster_->string();
    if (verb == "start") cmd += " " + std::to_string(port_);
    return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
  }

  void TearDown() override {
    // A failed test must not leave the next one without its server.
    if (!fs::exists(*cluster_ / "data" / "postmaster.pid")) (void)Cluster("start");
  }

  static fs::path* cluster_;
  static int port_;
  const std::string& token_ = full_;  // this suite's name for the full-scope token
};

fs::path* PgOutageE2e::cluster_ = nullptr;
int PgOutageE2e::port_ = 0;

TEST_F(PgOutageE2e, UnreachableDatabaseAtStartExitsWithCode3AndHidesThePassword) {
  const std::string url =
      "postgresql://postgres:s3cret-pw@127.0.0.1:" + std::to_string(FreePort()) + "/crm";
  fs::path data = crm_test::FreshDir("pg-outage-cli");
  for (const std::string& command :
       {std::string("create-admin"), std::string("create-token"), std::string("serve --port 0")}) {
    crm_test::CliResult r = crm_test::RunCli(
        kBinary, command + " --data " + data.string() + " --email a@b.test --database " + url,
        "password-123456");
    EXPECT_EQ(r.code, 3) << command << ": " << r.output;
    EXPECT_NE(r.output.find("cannot open the database postgresql://postgres:***@127.0.0.1"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("s3cret-pw"), std::string::npos) << r.output;
  }
  crm_test::CliResult bad = crm_test::RunCli(
      kBinary, "create-token --data " + data.string() + " --email a@b.test --database mysql://x/y",
      "");
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_NE(bad.output.find("--database must be a postgresql:// URL"), std::string::npos);
  std::error_code ec;
  fs::remove_all(data, ec);
}

TEST_F(PgOutageE2e, DownWhileServingIs503ThenRecoversWithNothingHalfWritten) {
  HttpClient api(host_->port());
  const auto json_headers = Bearer(token_, {{"Content-Type", "application/json"}});
  HttpResponse first =
      api.Post("/api/v1/clients", json_headers,
               R"({"first_name":"Before","last_name":"Outage","email":"b@o.test"})");
  ASSERT_EQ(first.status, 201) << first.body;

  ASSERT_TRUE(Cluster("stop"));
  for (int i = 0; i < 3; ++i) {  // every pooled connection finds the server gone
    HttpResponse list = api.Get("/api/v1/clients", Bearer(token_));
    EXPECT_EQ(list.status, 503) << list.body;
    EXPECT_EQ(ErrorCode(list), "unavailable") << list.body;
  }
  HttpResponse during =
      api.Post("/api/v1/clients", json_headers,
               R"({"first_name":"During","last_name":"Outage","email":"d@o.test"})");
  EXPECT_EQ(during.status, 503) << during.body;
  HttpClient browser(host_->port(), {true, 60});
  browser.SetCookie("sid", std::string(64, 'a'));
  HttpResponse page = browser.Get("/admin/clients", {{"Accept", "text/html"}});
  EXPECT_EQ(page.status, 503) << page.body.substr(0, 300);
  EXPECT_NE(page.body.find("<html"), std::string::npos) << "a browser gets a page";
  EXPECT_EQ(host_->pid() > 0 && ::kill(host_->pid(), 0) == 0, true) << "the host must keep running";

  ASSERT_TRUE(Cluster("start"));
  HttpResponse after = api.Get("/api/v1/clients?per_page=100", Bearer(token_));
  ASSERT_EQ(after.status, 200) << after.body << "\n" << host_->Output();
  json::value v = json::parse(after.body);
  EXPECT_EQ(v.at("total").as_int64(), 1) << "the refused POST must have stored nothing";
  EXPECT_EQ(v.at("items").as_array()[0].at("first_name").as_string(), "Before");
  HttpResponse again =
      api.Post("/api/v1/clients", json_headers,
               R"({"first_name":"After","last_name":"Outage","email":"a@o.test"})");
  EXPECT_EQ(again.status, 201) << again.body;
}

}  // namespace
