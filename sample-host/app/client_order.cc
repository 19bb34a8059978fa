// sample-host/app/client_order.cc — ClientOrderCache and a page's ids along it.
#include "sample-host/app/client_order.h"

#include <algorithm>
#include <string>
#include <utility>

#include "sample-host/app/client_list_sql.h"

namespace host {

const char* const ClientOrderCache::kStateColumns =
    "(SELECT n FROM client_order_generation WHERE id = 1), (SELECT COUNT(*) FROM (SELECT 1 FROM "
    "client_set_changes WHERE set_key IN ('clients', 'order') LIMIT 1) AS waiting)";

crm::Result<std::shared_ptr<const ClientOrderCache::Order>> ClientOrderCache::Current(
    crm::Database& db, CountHelper* helper) {
  CRM_ASSIGN_OR_RETURN(auto row, db.QueryOne(std::string("SELECT ") + kStateColumns));
  if (!row.has_value()) return std::shared_ptr<const Order>();
  return CurrentAt(db, helper, row->Int(0), row->Int(1) != 0);
}

std::shared_ptr<const ClientOrderCache::Order> ClientOrderCache::CurrentAt(crm::Database& db,
                                                                           CountHelper* helper,
                                                                           int64_t generation,
                                                                           bool waiting) {
  if (waiting) return nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (generation == generation_ && order_ != nullptr) return order_;
  }
  const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  const int64_t last = refreshed_at_ns_.load();
  const bool due = last == 0 || now - last >= std::chrono::nanoseconds(kRefreshEvery).count();
  if (helper != nullptr && due && !refreshing_.exchange(true)) {
    refreshed_at_ns_ = now;
    std::shared_ptr<ClientOrderCache> self = shared_from_this();
    std::future<crm::Status> started = helper->TryRun([self, &db] {
      crm::Status s = self->Refresh(db);
      self->refreshing_ = false;
      return s;
    });
    if (!started.valid()) {  // the helper is busy: a later page asks again
      refreshed_at_ns_ = last;
      refreshing_ = false;
    }
  }
  return std::shared_ptr<const Order>();
}

crm::Status ClientOrderCache::Refresh(crm::Database& db) {
  CRM_ASSIGN_OR_RETURN(std::string order, ClientListOrderBy("", db.Dialect()));
  std::vector<int64_t> ids;
  int64_t generation = -1;
  bool waiting = false;
  // One statement, one snapshot: the ids and the state they are of.
  CRM_RETURN_IF_ERROR(
      db.Query("SELECT c.id, " + std::string(kStateColumns) + " FROM clients c" + order, {},
               [&](const crm::SqlRow& r) {
                 generation = r.Int(1);
                 waiting = r.Int(2) != 0;
                 if (waiting) return false;
                 ids.push_back(r.Int(0));
                 return true;
               }));
  if (waiting) return crm::Status::Ok();
  if (ids.empty()) {  // no client: the state read alone
    CRM_ASSIGN_OR_RETURN(auto row, db.QueryOne(std::string("SELECT ") + kStateColumns));
    if (!row.has_value() || row->Int(1) != 0) return crm::Status::Ok();
    generation = row->Int(0);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation < generation_) return crm::Status::Ok();  // a newer one is held already
  generation_ = generation;
  order_ = std::make_shared<const Order>(std::move(ids));
  return crm::Status::Ok();
}

ClientOrderCache::Order::Order(std::vector<int64_t> ids) : ids_(std::move(ids)) {
  int64_t max_id = -1;
  for (int64_t id : ids_) max_id = std::max(max_id, id);
  const auto n = static_cast<int64_t>(ids_.size());
  if (max_id < 0 || max_id > 8 * n + 65536 || n >= int64_t{UINT32_MAX}) return;
  position_.assign(static_cast<size_t>(max_id) + 1, 0);
  for (size_t i = 0; i < ids_.size(); ++i)
    position_[static_cast<size_t>(ids_[i])] = static_cast<uint32_t>(i + 1);
}

std::optional<size_t> ClientOrderCache::Order::Position(int64_t id) const {
  if (id < 0 || static_cast<uint64_t>(id) >= position_.size()) return std::nullopt;
  const uint32_t at = position_[static_cast<size_t>(id)];
  if (at == 0) return std::nullopt;
  return static_cast<size_t>(at - 1);
}

std::vector<int64_t> PageIdsInOrder(const std::vector<int64_t>& order, const ClientBitmap& kept,
                                    bool backwards, int64_t from, int64_t skip, int64_t count) {
  std::vector<int64_t> page;
  const auto n = static_cast<int64_t>(order.size());
  const int64_t step = backwards ? -1 : 1;
  for (int64_t i = from; i >= 0 && i < n && static_cast<int64_t>(page.size()) < count; i += step) {
    const int64_t id = order[static_cast<size_t>(i)];
    if (!kept.Has(id)) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    page.push_back(id);
  }
  return page;
}

}  // namespace host
