// sample-host/app/client_list_count.cc — BlockCounter: the blocks of a merged count, taken in
// turn by the threads that call Work.
#include "sample-host/app/client_list_count.h"

#include <algorithm>
#include <limits>

namespace host {

BlockCounter::BlockCounter(crm::Database& db, const ClientListConditions& conditions,
                           int64_t max_id)
    : db_(db),
      conditions_(conditions),
      blocks_(static_cast<int>(std::clamp<int64_t>(max_id / kIdsPerBlock, 2, kMaxBlocks))) {
  block_size_ = std::max<int64_t>(1, max_id / blocks_ + 1);
}

crm::Status BlockCounter::Work() {
  for (;;) {
    // Each block is counted up to what is still missing: a block that reaches its cap brings
    // the total to the bound, so a total under it means every block was counted whole.
    const int64_t have = found_.load();
    if (have >= kInexactTotal) return crm::Status::Ok();
    const int block = next_.fetch_add(1);
    if (block >= blocks_) return crm::Status::Ok();
    const int64_t lo =
        block == 0 ? std::numeric_limits<int64_t>::min() : int64_t{block} * block_size_;
    const int64_t hi = block == blocks_ - 1 ? std::numeric_limits<int64_t>::max()
                                            : int64_t{block + 1} * block_size_;
    SqlPart count = MergedCountInRange(conditions_, lo, hi, kInexactTotal - have);
    CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne("SELECT " + count.sql, count.params));
    if (!row.has_value()) return crm::Internal("client list: no count row");
    found_.fetch_add(row->Int(0));
  }
}

int64_t BlockCounter::total() const { return std::min(found_.load(), kInexactTotal); }

CountHelper::CountHelper() : thread_([this] { Loop(); }) {}

CountHelper::~CountHelper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::future<crm::Status> CountHelper::TryRun(std::function<crm::Status()> work) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (job_.has_value() || stop_) return {};
  job_.emplace(std::move(work));
  std::future<crm::Status> done = job_->get_future();
  wake_.notify_one();
  return done;
}

void CountHelper::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || job_.has_value(); });
    if (job_.has_value()) {
      std::packaged_task<crm::Status()> job = std::move(*job_);
      lock.unlock();
      job();
      lock.lock();
      job_.reset();
      continue;
    }
    if (stop_) return;
  }
}

}  // namespace host
