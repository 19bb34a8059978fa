// sample-host/core/scheduler.h — runs the plugins' ScheduledJobs (SPEC H8) on one thread of
// the host, each at its period; the time source is injected so the schedule is unit-tested.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sample-host/core/hook_registry.h"

namespace host {

class Logger;

// Each job runs one period after Start (or construction, for RunDue) — at once for a job
// registered with AddScheduledJobRunAtStart — then one period after its previous run ended; never
// two runs of one job at once (one thread runs them all in turn). A job that returns an error is
// logged (WARN, component "scheduler"), one that throws is logged once by CallPlugin; either way it
// keeps its schedule and the other jobs are not affected. The registry must not change while the
// scheduler exists. With a lease (SetLease; several nodes on one database), a due job runs only if
// the lease grants it ("owner.id", its period): otherwise another node ran it within the period and
// this node waits one more period; a lease that fails (database down) is logged and asked again
// after kLeaseRetry.
class Scheduler {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Now = std::function<TimePoint()>;
  // May this node run `job` ("owner.id") now? (JobLeases::TryTake)
  using Lease = std::function<crm::Result<bool>(const std::string& job, int64_t period_seconds)>;
  static constexpr std::chrono::seconds kLeaseRetry{30};

  // `now` is the time source (steady_clock::now when empty); every job's first run is
  // scheduled from its value at construction.
  Scheduler(const HookRegistry& registry, Logger& log, Now now = {});
  ~Scheduler();  // Stop()

  // Every due job asks `lease` first (see above). Call before Start.
  void SetLease(Lease lease) { lease_ = std::move(lease); }

  // Starts the thread (nothing when there are no jobs). Call once.
  void Start();
  // Wakes the thread and waits for the job it may be running. Idempotent.
  void Stop();

  // Runs every job whose time has come at now(), in registration order, and returns the
  // earliest next time. The thread's loop; public for tests (without Start).
  TimePoint RunDue();

  // Runs every job once now, in registration order, whatever its schedule (the same runner
  // and error policy as RunDue): `sample-host run-jobs`, which cron and tests call (SPEC §6).
  void RunAllOnce();

 private:
  void Loop();

  const HookRegistry& registry_;
  Logger& log_;
  Now now_;
  Lease lease_;
  std::vector<TimePoint> next_;  // per job of registry_.jobs(); the running thread only
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mutex_
};

}  // namespace host
