// tests/app/job_leases_test.cc — JobLeases on the host's SQLite schema (host schema 8): one node
// per period gets a job, whoever asks; tests/pg runs the same race on PostgreSQL.
#include "sample-host/core/job_leases.h"

#include <gtest/gtest.h>

#include "tests/support/host_test_db.h"

namespace host {
namespace {

TEST(JobLeasesTest, OneNodePerPeriodGetsTheJob) {
  testing::TestDb t;
  int64_t now = 1000;
  JobLeases a(t.db(), "node-a", [&now] { return now; });
  JobLeases b(t.db(), "node-b", [&now] { return now; });
  auto take = [](JobLeases& node, std::string_view job) {
    crm::Result<bool> r = node.TryTake(job, 60);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && *r;
  };
  EXPECT_TRUE(take(a, "plug.scrub"));
  EXPECT_FALSE(take(b, "plug.scrub")) << "taken by node-a for 60 s";
  EXPECT_FALSE(take(a, "plug.scrub")) << "node-a too waits for the period";
  EXPECT_TRUE(take(b, "plug.other")) << "each job has its own lease";
  now += 59;
  EXPECT_FALSE(take(b, "plug.scrub"));
  now += 1;
  EXPECT_TRUE(take(b, "plug.scrub"));
  auto row = t.db().QueryOne("SELECT holder, run_at, run_after FROM job_leases WHERE job = ?",
                             {std::string("plug.scrub")});
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->Text(0), "node-b");
  EXPECT_EQ((*row)->Int(1), 1060);
  EXPECT_EQ((*row)->Int(2), 1120);
}

}  // namespace
}  // namespace host
