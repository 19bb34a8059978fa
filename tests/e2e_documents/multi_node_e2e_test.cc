// tests/e2e_documents/multi_node_e2e_test.cc — three `sample-host serve` processes on one
// PostgreSQL database behave as one host (SPEC §6 scale-out, issue 16): a session made on one node
// works on the others, an API token too, a document uploaded through one node downloads through
// another, and a scheduled job runs once across the nodes (not once per node). Each node has its
// own data folder; they share the database and the module's files in one S3 bucket. Needs
// CRM_E2E_PG_URL and CRM_E2E_S3_URL (CTest's `pg` and `s3` fixtures); fails without them.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "sample-host/core/pg_database.h"
#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using crm_test::Bearer;
using crm_test::CsrfFrom;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;
using crm_test::MultipartBuilder;
using crm_test::Pdf;
using crm_test::UrlEncode;

constexpr char kBinary[] = CD_E2E_SAMPLE_HOST;
constexpr char kPluginDir[] = CD_MULTINODE_PLUGIN_DIR;  // client-documents + e2e-jobs
constexpr char kAdminEmail[] = "boss@multinode.test";
constexpr char kAdminPassword[] = "multinode-password-42";
constexpr char kApi[] = "/api/v1/plugins/client-documents";
constexpr int kNodes = 3;

class MultiNodeE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(crm_test::E2ePgServerUrl().empty())
        << "CRM_E2E_PG_URL is not set: the multi-node test runs on PostgreSQL only";
    crm_test::CliResult admin = site_.CreateAdmin();
    ASSERT_EQ(admin.code, 0) << admin.output;
    crm_test::CliResult token = site_.CreateToken("");
    ASSERT_EQ(token.code, 0) << token.output;
    token_ = token.output;
    ASSERT_FALSE(site_.store_url().empty())
        << "CRM_E2E_S3_URL is not set: the nodes share their files through S3";
    // Node 0 serves the site's data folder; the others have their own folder (temp files,
    // outbox) and share the site's database and bucket.
    for (int i = 0; i < kNodes; ++i) {
      crm_test::HostProcess::Options o;
      o.binary = kBinary;
      o.data_dir = i == 0 ? site_.data() : node_dirs_.emplace_back(crm_test::FreshDir("cd-node"));
      o.extra_args = {"--plugins",  kPluginDir,
                      "--database", crm_test::SiteDatabaseUrl(site_.data()),
                      "--store",    site_.store_url()};
      auto h = crm_test::HostProcess::Start(o);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      nodes_.push_back(std::move(*h));
    }
    auto db = host::PgDatabase::Open(crm_test::SiteDatabaseUrl(site_.data()));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  void TearDown() override {
    nodes_.clear();  // stopped before their folders go
    std::error_code ec;
    for (const fs::path& d : node_dirs_) fs::remove_all(d, ec);
  }

  uint16_t Port(int node) const { return nodes_[node]->port(); }

  int64_t JobRuns() {
    auto row = db_->QueryOne("SELECT COUNT(*) FROM e2e_job_runs");
    EXPECT_TRUE(row.ok() && row->has_value()) << row.status().ToString();
    return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  }

  crm_test::E2eSite site_{{kBinary, kPluginDir, "cd-multinode", kAdminEmail, kAdminPassword}};
  std::string token_;
  std::unique_ptr<host::PgDatabase> db_;
  std::vector<fs::path> node_dirs_;
  std::vector<std::unique_ptr<crm_test::HostProcess>> nodes_;
};

TEST_F(MultiNodeE2e, ScheduledJobRunsOnceAcrossNodes) {
  // Every node's scheduler asks for the job at start-up; one gets the lease.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (JobRuns() < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(JobRuns(), 1) << "the job never ran";
  std::this_thread::sleep_for(std::chrono::seconds(3));  // the other nodes had their chance
  EXPECT_EQ(JobRuns(), 1) << "a job ran on more than one node";
  auto lease = db_->QueryOne("SELECT holder, run_after - run_at FROM job_leases WHERE job = ?",
                             {std::string("e2e-jobs.record-run")});
  ASSERT_TRUE(lease.ok() && lease->has_value()) << lease.status().ToString();
  EXPECT_EQ((*lease)->Int(1), 3600);
  EXPECT_FALSE((*lease)->Text(0).empty());
}

TEST_F(MultiNodeE2e, SessionAndTokenWorkOnEveryNode) {
  // Log in on node 0; the session cookie is used on nodes 1 and 2.
  HttpClient login(Port(0), {true, 60});
  HttpResponse r =
      login.Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                 "email=" + UrlEncode(kAdminEmail) + "&password=" + kAdminPassword);
  ASSERT_EQ(r.status, 303) << r.body.substr(0, 300);
  ASSERT_TRUE(login.cookies().count("sid"));
  const std::string sid = login.cookies().at("sid");
  std::string csrf;
  for (int node = 1; node < kNodes; ++node) {
    HttpClient other(Port(node), {true, 60});
    other.SetCookie("sid", sid);
    HttpResponse page = other.Get("/admin/clients");
    EXPECT_EQ(page.status, 200) << "node " << node << ": " << page.body.substr(0, 300);
    csrf = CsrfFrom(page.body);
  }
  // A client created through node 2 with the token made by the CLI is there on node 0.
  ASSERT_EQ(csrf.size(), 64u);
  HttpClient two(Port(2));
  HttpResponse created =
      two.Post("/api/v1/clients", Bearer(token_, {{"Content-Type", "application/json"}}),
               R"({"first_name":"Ada","last_name":"Nodes","email":"ada@nodes.test"})");
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t id = Json(created).at("id").as_int64();
  HttpClient zero(Port(0));
  HttpResponse got = zero.Get("/api/v1/clients/" + std::to_string(id), Bearer(token_));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json(got).at("email").as_string(), "ada@nodes.test");
  // Log out on node 1: the session is gone on node 0 too.
  HttpClient one(Port(1), {true, 60});
  one.SetCookie("sid", sid);
  HttpResponse out = one.Post(
      "/admin/logout", {{"Content-Type", "application/x-www-form-urlencoded"}}, "_csrf=" + csrf);
  EXPECT_EQ(out.status, 303) << out.body.substr(0, 300);
  HttpClient again(Port(0), {true, 60});
  again.SetCookie("sid", sid);
  HttpResponse refused = again.Get("/admin/clients");
  EXPECT_NE(refused.status, 200) << "a session closed on node 1 still works on node 0";
}

TEST_F(MultiNodeE2e, UploadThroughOneNodeDownloadThroughAnother) {
  HttpClient a(Port(0));
  HttpClient b(Port(1));
  HttpClient c(Port(2));
  const auto json_headers = Bearer(token_, {{"Content-Type", "application/json"}});
  HttpResponse client =
      a.Post("/api/v1/clients", json_headers,
             R"({"first_name":"Bo","last_name":"Nodes","email":"bo@nodes.test"})");
  ASSERT_EQ(client.status, 201) << client.body;
  int64_t client_id = Json(client).at("id").as_int64();
  HttpResponse type = b.Post(std::string(kApi) + "/types", json_headers,
                             R"({"name":"Contract","upload_mode":"required"})");
  ASSERT_EQ(type.status, 201) << type.body;
  int64_t type_id = Json(type).at("id").as_int64();
  const std::string doc = std::string(kApi) + "/clients/" + std::to_string(client_id) +
                          "/documents/" + std::to_string(type_id);
  const std::string pdf = Pdf("multi-node");
  MultipartBuilder mb;
  mb.AddFile("file", "contract.pdf", "application/pdf", pdf);
  HttpResponse up = c.Post(doc, Bearer(token_, {{"Content-Type", mb.ContentType()}}), mb.Build());
  ASSERT_EQ(up.status, 201) << up.body;
  HttpResponse down = a.Get(doc + "/file", Bearer(token_));
  ASSERT_EQ(down.status, 200) << down.body.substr(0, 300);
  EXPECT_EQ(down.body, pdf);
  // The list column, computed by node 1's query, sees the upload made on node 2.
  HttpResponse list = b.Get("/api/v1/clients?q=Nodes", Bearer(token_));
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value page = Json(list);
  const json::array& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("columns").at("client-documents.status").as_string(), "yes");
}

}  // namespace
