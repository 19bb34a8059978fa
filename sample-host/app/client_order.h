// sample-host/app/client_order.h — the clients' ids in the list's default order (last name,
// first name, id) as a process keeps it (host schema 26), so that a page whose clients a bitmap
// holds (client_sets.h) finds its ids by testing bits along this array instead of walking the sort
// index in SQL (issue 10: far pages of sparse filters; on PostgreSQL a heap visit per client
// walked, its expression indexes giving no index-only scan).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/client_list_count.h"
#include "sample-host/app/client_sets.h"

namespace host {

// Thread-safe. One per database (ClientStore holds one).
class ClientOrderCache : public std::enable_shared_from_this<ClientOrderCache> {
 public:
  // The ids in the order, and where each id stands in it (a cursor's row: next and previous
  // pages walk from there).
  class Order {
   public:
    explicit Order(std::vector<int64_t> ids);
    const std::vector<int64_t>& ids() const { return ids_; }
    // The index of `id` in ids(); nullopt for an id not in it, or when the ids are too sparse
    // to index (the largest above 8 times their number and 65,536: cursors then walk in SQL).
    std::optional<size_t> Position(int64_t id) const;

   private:
    std::vector<int64_t> ids_;
    std::vector<uint32_t> position_;  // by id: index + 1, 0 for none (4 bytes a client)
  };

  // The order, when the one held is current: the order's generation, read now, is the one it
  // was read at, and no 'clients' or 'order' change waits for the fold. nullptr otherwise; a
  // stale order is then read again on `helper` when it is idle (one statement: ~0.2-0.5 s at a
  // million clients on SQLite, ~3 s on PostgreSQL), never on the caller's thread, and at most
  // once every kRefreshEvery (clients added or renamed all day long do not keep a core busy: far
  // pages walk in SQL meanwhile); without a helper, only by Refresh.
  crm::Result<std::shared_ptr<const Order>> Current(crm::Database& db, CountHelper* helper);
  // The same from the order's state read by the caller's own statement (kStateColumns: the
  // generation, and 1 when a change waits).
  std::shared_ptr<const Order> CurrentAt(crm::Database& db, CountHelper* helper, int64_t generation,
                                         bool waiting);
  // Two columns of a SELECT: the order's generation, and whether a change that moves the order
  // waits for the fold (0 or 1).
  static const char* const kStateColumns;
  static constexpr std::chrono::seconds kRefreshEvery{60};
  // Reads the order now, with its generation, in one statement (the helper's work; tests).
  // Keeps nothing when changes wait for the fold.
  crm::Status Refresh(crm::Database& db);

 private:
  std::mutex mutex_;
  int64_t generation_ = -1;
  std::shared_ptr<const Order> order_;
  std::atomic<bool> refreshing_{false};
  // When the last background read started (steady clock), 0 before the first.
  std::atomic<int64_t> refreshed_at_ns_{0};
};

// The ids of a page: along `order` from index `from` (included) towards its end, or towards its
// start when `backwards`, the clients `kept` holds, past the first `skip` of them, at most
// `count`. Nothing when `from` is past either end.
std::vector<int64_t> PageIdsInOrder(const std::vector<int64_t>& order, const ClientBitmap& kept,
                                    bool backwards, int64_t from, int64_t skip, int64_t count);

}  // namespace host
