// sample-host/core/scheduler.cc — the scheduler's loop: wait for the earliest due job, run every
// due job through CallPlugin, reschedule each one period after its run.
#include "sample-host/core/scheduler.h"

#include <algorithm>
#include <string>
#include <utility>

#include "sample-host/core/logger.h"
#include "sample-host/core/plugin_call.h"

namespace host {
namespace {

std::chrono::seconds PeriodOf(const crm::ScheduledJob& job) {
  return std::chrono::seconds(std::max<int64_t>(1, job.period_seconds));
}

}  // namespace

Scheduler::Scheduler(const HookRegistry& registry, Logger& log, Now now)
    : registry_(registry),
      log_(log),
      now_(now ? std::move(now) : Now(&std::chrono::steady_clock::now)) {
  const TimePoint start = now_();
  for (const auto& job : registry_.jobs())
    next_.push_back(registry_.RunsAtStart(job) ? start : start + PeriodOf(job.hook));
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  if (registry_.jobs().empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Scheduler::TimePoint Scheduler::RunDue() {
  const auto& jobs = registry_.jobs();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (next_[i] > now_()) continue;
    const auto& job = jobs[i];
    const std::string name = job.owner + "." + job.hook.id;
    if (lease_) {
      crm::Result<bool> granted = lease_(name, PeriodOf(job.hook).count());
      if (!granted.ok())
        log_.Warn("scheduler", name + ": no lease: " + granted.status().ToString());
      if (!granted.ok() || !*granted) {
        next_[i] = now_() +
                   (granted.ok() ? PeriodOf(job.hook) : std::min(PeriodOf(job.hook), kLeaseRetry));
        continue;
      }
    }
    // Policy: a job that throws is logged once by CallPlugin, one that fails here; both keep
    // their schedule, and the other jobs run as planned.
    bool returned = false;
    crm::Status s = CallPlugin(log_, "scheduled job " + name, [&] {
      crm::Status r = job.hook.run ? job.hook.run() : crm::Status::Ok();
      returned = true;
      return r;
    });
    if (!s.ok() && returned) log_.Warn("scheduler", name + ": " + s.ToString());
    next_[i] = now_() + PeriodOf(job.hook);
  }
  return next_.empty() ? TimePoint::max() : *std::min_element(next_.begin(), next_.end());
}

void Scheduler::RunAllOnce() {
  std::fill(next_.begin(), next_.end(), TimePoint::min());
  RunDue();
}

void Scheduler::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    lock.unlock();
    TimePoint next = RunDue();
    lock.lock();
    if (cv_.wait_until(lock, next, [this] { return stop_; })) break;
  }
}

}  // namespace host
