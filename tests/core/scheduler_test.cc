// tests/core/scheduler_test.cc — the plugins' job scheduler with an injected clock: each job at
// its period, a failing or throwing job logged once without stopping the others; and its thread.
#include "sample-host/core/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sample-host/core/logger.h"

namespace host {
namespace {

using std::chrono::seconds;

crm::ScheduledJob Job(std::string id, int64_t period, std::function<crm::Status()> run) {
  crm::ScheduledJob job;
  job.id = std::move(id);
  job.period_seconds = period;
  job.run = std::move(run);
  return job;
}

size_t LinesContaining(const Logger& log, std::string_view text) {
  size_t n = 0;
  for (const auto& line : log.Recent()) n += line.find(text) != std::string::npos;
  return n;
}

// Host API 1.3: a job registered to run at start-up runs on the first tick, then at its
// period; an ordinary job waits one period; the same id twice is refused either way.
TEST(SchedulerTest, RunAtStartJobsRunAtOnceOthersAfterOnePeriod) {
  int at_start = 0, later = 0;
  HookRegistry registry;
  StagingRegistrar plug("plug");
  auto count = [](int* n) {
    return [n] {
      ++*n;
      return crm::Status::Ok();
    };
  };
  ASSERT_TRUE(plug.AddScheduledJobRunAtStart(Job("scrub", 100, count(&at_start))).ok());
  ASSERT_TRUE(plug.AddScheduledJob(Job("remind", 100, count(&later))).ok());
  EXPECT_FALSE(plug.AddScheduledJobRunAtStart(Job("remind", 5, count(&later))).ok());
  StagingRegistrar clean("clean");
  ASSERT_TRUE(clean.AddScheduledJobRunAtStart(Job("scrub", 100, count(&at_start))).ok());
  ASSERT_TRUE(clean.AddScheduledJob(Job("other", 100, count(&later))).ok());
  ASSERT_TRUE(registry.Commit(clean.Take()).ok());
  Logger log(nullptr, /*to_stderr=*/false);
  Scheduler::TimePoint now{};
  Scheduler scheduler(registry, log, [&now] { return now; });
  scheduler.RunDue();
  EXPECT_EQ(at_start, 1);
  EXPECT_EQ(later, 0);
  now += seconds(99);
  scheduler.RunDue();
  EXPECT_EQ(at_start, 1);
  EXPECT_EQ(later, 0);
  now += seconds(1);
  scheduler.RunDue();
  EXPECT_EQ(at_start, 2);
  EXPECT_EQ(later, 1);
}

// Several nodes (issue 16): a due job asks the lease; refused, it waits a whole period; a lease
// that fails (database down) is logged and asked again after Scheduler::kLeaseRetry.
TEST(SchedulerTest, ADueJobRunsOnlyWhenTheLeaseGrantsIt) {
  int runs = 0;
  HookRegistry registry;
  StagingRegistrar plug("plug");
  ASSERT_TRUE(plug.AddScheduledJobRunAtStart(Job("scrub", 100,
                                                 [&runs] {
                                                   ++runs;
                                                   return crm::Status::Ok();
                                                 }))
                  .ok());
  ASSERT_TRUE(registry.Commit(plug.Take()).ok());
  Logger log(nullptr, /*to_stderr=*/false);
  Scheduler::TimePoint now{};
  Scheduler scheduler(registry, log, [&now] { return now; });
  crm::Result<bool> answer = false;
  std::vector<std::pair<std::string, int64_t>> asked;
  scheduler.SetLease([&](const std::string& job, int64_t period) {
    asked.emplace_back(job, period);
    return answer;
  });
  EXPECT_EQ(scheduler.RunDue(), now + seconds(100)) << "refused: next try one period later";
  EXPECT_EQ(runs, 0);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].first, "plug.scrub");
  EXPECT_EQ(asked[0].second, 100);
  now += seconds(100);
  answer = crm::Unavailable("database down");
  EXPECT_EQ(scheduler.RunDue(), now + Scheduler::kLeaseRetry);
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(LinesContaining(log, "plug.scrub: no lease"), 1u);
  now += Scheduler::kLeaseRetry;
  answer = true;
  scheduler.RunDue();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(asked.size(), 3u);
}

TEST(SchedulerTest, RunsEachJobAtItsPeriodAndSurvivesFailingAndThrowingJobs) {
  int every10 = 0, fails = 0, throws = 0;
  HookRegistry registry;
  StagingRegistrar plug("plug");
  ASSERT_TRUE(plug.AddScheduledJob(Job("every10", 10,
                                       [&] {
                                         ++every10;
                                         return crm::Status::Ok();
                                       }))
                  .ok());
  ASSERT_TRUE(plug.AddScheduledJob(Job("fails", 15,
                                       [&] {
                                         ++fails;
                                         return crm::Unavailable("smtp down");
                                       }))
                  .ok());
  ASSERT_TRUE(plug.AddScheduledJob(Job("throws", 20,
                                       [&]() -> crm::Status {
                                         ++throws;
                                         throw std::runtime_error("job bug");
                                       }))
                  .ok());
  ASSERT_TRUE(registry.Commit(plug.Take()).ok());
  Logger log(nullptr, /*to_stderr=*/false);
  const Scheduler::TimePoint t0{};  // the injected clock
  Scheduler::TimePoint now = t0;
  Scheduler scheduler(registry, log, [&now] { return now; });

  EXPECT_EQ(scheduler.RunDue(), t0 + seconds(10));  // nothing runs before its first period
  EXPECT_EQ(every10 + fails + throws, 0);
  now = t0 + seconds(10);
  EXPECT_EQ(scheduler.RunDue(), t0 + seconds(15));
  EXPECT_EQ(every10, 1);
  now = t0 + seconds(15);
  EXPECT_EQ(scheduler.RunDue(), t0 + seconds(20));
  EXPECT_EQ(fails, 1);
  EXPECT_EQ(LinesContaining(log, "WARN scheduler: plug.fails: unavailable: smtp down"), 1u);
  now = t0 + seconds(20);
  scheduler.RunDue();
  EXPECT_EQ(every10, 2);
  EXPECT_EQ(throws, 1);
  EXPECT_EQ(LinesContaining(log, "ERROR plugin: scheduled job plug.throws threw: job bug"), 1u);
  EXPECT_EQ(LinesContaining(log, "plug.throws"), 1u);  // one line for the throw, not two
  // Both broken jobs keep their schedule, and the others still run.
  now = t0 + seconds(40);
  scheduler.RunDue();
  EXPECT_EQ(every10, 3);  // once per call when it is late: runs do not pile up
  EXPECT_EQ(fails, 2);
  EXPECT_EQ(throws, 2);
  EXPECT_EQ(log.Recent().size(), 4u);
}

TEST(SchedulerTest, ThreadRunsJobsAndStops) {
  std::atomic<int> runs{0};
  HookRegistry registry;
  StagingRegistrar plug("plug");
  ASSERT_TRUE(plug.AddScheduledJob(Job("tick", 1,
                                       [&] {
                                         ++runs;
                                         return crm::Status::Ok();
                                       }))
                  .ok());
  ASSERT_TRUE(registry.Commit(plug.Take()).ok());
  Logger log(nullptr, /*to_stderr=*/false);
  Scheduler scheduler(registry, log);
  scheduler.Start();
  for (int i = 0; i < 300 && runs.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  scheduler.Stop();
  EXPECT_GE(runs.load(), 1);
  int after = runs.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(runs.load(), after);  // stopped
}

TEST(SchedulerTest, NoJobsNoThread) {
  HookRegistry registry;
  Logger log(nullptr, /*to_stderr=*/false);
  Scheduler scheduler(registry, log);
  scheduler.Start();
  EXPECT_EQ(scheduler.RunDue(), Scheduler::TimePoint::max());
  scheduler.Stop();
}

}  // namespace
}  // namespace host
