// sample-host/app/client_search_cache.h — the clients a search's words match, as bitmaps a
// process keeps (host schema 27), so that a common word is counted, combined with set filters and
// paged along the kept order (client_order.h) like a filter's client sets (client_sets.h) instead
// of reading its every match again on every page (issue 10: `q` + a filter on SQLite read 25,000
// FTS5 rowids, 4 ms, on every page; on PostgreSQL a common word's trigram bitmap and rechecks
// took 30-50 ms).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/client_list_count.h"
#include "sample-host/app/client_list_sql.h"
#include "sample-host/app/client_sets.h"

namespace host {

// Thread-safe. One per database (ClientStore holds one).
class ClientSearchCache : public std::enable_shared_from_this<ClientSearchCache> {
 public:
  // The clients `term` (a search term: SubstringSearchTerm, named by its `search_key`) matches
  // now: the bitmap kept of it at the search generation read now, with the clients of the
  // changes still waiting for the fold tested again, in one statement. nullptr when none is kept
  // at that generation, when the word matches fewer than kMinMatches clients (its matches are
  // then cheaper to read than a bitmap), or past kMaxWaiting changes: the caller searches in SQL,
  // and a missing or stale bitmap is read on `helper` when it is idle (never on the caller's
  // thread), paced so that reads take at most a quarter of that thread's time.
  crm::Result<std::shared_ptr<const ClientBitmap>> Current(crm::Database& db, const ListTerm& term,
                                                           CountHelper* helper);
  // Reads the term's matches now with their generation, in one statement (the helper's work;
  // tests).
  crm::Status Read(crm::Database& db, const ListTerm& term);

  static constexpr int64_t kMinMatches = 1000;
  // Tests lower it to see bitmaps of a few clients.
  void set_min_matches(int64_t n) { min_matches_ = n; }
  static constexpr int64_t kMaxWaiting = 1000;
  static constexpr size_t kMaxEntries = 32;  // 125 KB each at a million clients

 private:
  struct Entry {
    int64_t generation = -1;
    std::shared_ptr<const ClientBitmap> bits;  // null: fewer than kMinMatches matches
    uint64_t used = 0;
  };
  void ReadLater(crm::Database& db, const ListTerm& term, CountHelper* helper);
  void Keep(const std::string& key, Entry entry);

  std::atomic<int64_t> min_matches_{kMinMatches};
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  uint64_t uses_ = 0;
  std::atomic<bool> reading_{false};
  // The steady clock's time before which no read starts (3 times the last read's length after
  // it).
  std::atomic<int64_t> next_read_ns_{0};
};

}  // namespace host
