// sample-host/app/client_list_count.h — a list's capped total counted by two threads at once
// (issue 10, SQLite). A merged count (TotalPlan::merged) walks each condition's id stream up to
// the 10,000th match; here the ids are cut into blocks (MergedCountInRange) that the request's
// own thread and one helper take in turn, so that a count of 10-19 ms on one core takes about
// half that on two. The CPU spent is the same: a request is answered sooner, the machine does
// not answer more of them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/client_list_sql.h"

namespace host {

// Thread-safe: Work may run on several threads at once, each taking the next block.
class BlockCounter {
 public:
  // Blocks of kIdsPerBlock of the ids up to `max_id` (at least 2, at most kMaxBlocks; the first
  // open below, the last open above, so a client added meanwhile is in one of them).
  // `conditions` must outlive the counter.
  BlockCounter(crm::Database& db, const ClientListConditions& conditions, int64_t max_id);
  // Counts blocks until kInexactTotal matches are found or no block is left.
  crm::Status Work();
  // The matches found, capped at kInexactTotal, and whether that is every match: exact unless
  // the bound was reached (then some blocks may not have been counted).
  int64_t total() const;
  bool exact() const { return found_.load() < kInexactTotal; }

  // A block is one statement (tens of microseconds): enough of them that two threads share the
  // work evenly, few enough that their cost stays small beside it.
  static constexpr int64_t kIdsPerBlock = 32768;
  static constexpr int kMaxBlocks = 32;

 private:
  crm::Database& db_;
  const ClientListConditions& conditions_;
  int64_t block_size_;
  int blocks_;
  std::atomic<int> next_{0};
  std::atomic<int64_t> found_{0};
};

// One thread of the ClientStore for the split counts, started once (a thread per request cost
// more than it saved), and the number of list requests under way: a count is split only when
// its request is the only one (under load every core already has a request to answer).
class CountHelper {
 public:
  CountHelper();
  ~CountHelper();  // after the last TryRun's future was waited for
  CountHelper(const CountHelper&) = delete;
  CountHelper& operator=(const CountHelper&) = delete;

  // Runs `work` on the helper thread when it is idle; its status comes through the future. An
  // invalid future when it is busy: the caller does the work itself.
  std::future<crm::Status> TryRun(std::function<crm::Status()> work);

  // Counts a list request while it lives.
  class InFlight {
   public:
    explicit InFlight(CountHelper& helper) : helper_(helper) { ++helper_.lists_; }
    ~InFlight() { --helper_.lists_; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

   private:
    CountHelper& helper_;
  };
  int lists_in_flight() const { return lists_.load(); }

 private:
  void Loop();

  std::atomic<int> lists_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<std::packaged_task<crm::Status()>> job_;  // set while queued or running
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is
};

}  // namespace host
