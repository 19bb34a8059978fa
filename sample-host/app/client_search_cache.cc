// sample-host/app/client_search_cache.cc — ClientSearchCache.
#include "sample-host/app/client_search_cache.h"

#include <chrono>
#include <future>
#include <utility>
#include <vector>

namespace host {

namespace {

// The search's generation as one row (client -1) of a statement (schema 27).
constexpr const char* kGenerationRow =
    "SELECT -1, search FROM client_order_generation WHERE id = 1 UNION ALL ";

int64_t SteadyNs() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

}  // namespace

crm::Result<std::shared_ptr<const ClientBitmap>> ClientSearchCache::Current(crm::Database& db,
                                                                            const ListTerm& term,
                                                                            CountHelper* helper) {
  using Bits = std::shared_ptr<const ClientBitmap>;
  Entry entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(term.search_key);
    if (it != entries_.end()) {
      it->second.used = ++uses_;
      entry = it->second;
    }
  }
  if (entry.generation < 0) {
    ReadLater(db, term, helper);
    return Bits();
  }
  // One statement, one snapshot: the generation, then each client a waiting change names (an
  // insertion, a deletion, an edit of what the search reads) and whether the words match it now.
  SqlPart state{std::string(kGenerationRow) +
                    "SELECT w.client_id, (SELECT COUNT(*) FROM clients c" + term.page.sql +
                    " AND (c.id = w.client_id)) FROM (SELECT client_id FROM client_set_changes "
                    "WHERE set_key IN ('clients', 'order', 'search') LIMIT ?) w",
                term.page.params};
  state.params.emplace_back(kMaxWaiting + 1);
  int64_t generation = -1;
  std::vector<std::pair<int64_t, bool>> changed;
  CRM_RETURN_IF_ERROR(db.Query(state.sql, state.params, [&](const crm::SqlRow& row) {
    if (row.Int(0) == -1)
      generation = row.Int(1);
    else
      changed.emplace_back(row.Int(0), row.Int(1) != 0);
    return true;
  }));
  if (static_cast<int64_t>(changed.size()) > kMaxWaiting) return Bits();  // until the fold
  if (generation != entry.generation) {
    ReadLater(db, term, helper);
    return Bits();
  }
  if (entry.bits == nullptr || changed.empty()) return entry.bits;
  auto bits = std::make_shared<ClientBitmap>(*entry.bits);
  for (const auto& [id, matches] : changed) bits->Set(id, matches);
  return Bits(std::move(bits));
}

crm::Status ClientSearchCache::Read(crm::Database& db, const ListTerm& term) {
  // The matches as ids (SQLite: the FTS5 rowids; PostgreSQL: its trigram index's set), and the
  // generation they are of, in one statement.
  const SqlPart ids = term.ids.sql.empty()
                          ? SqlPart{"SELECT c.id FROM clients c" + term.set.sql, term.set.params}
                          : term.ids;
  auto bits = std::make_shared<ClientBitmap>();
  int64_t generation = -1, matches = 0;
  CRM_RETURN_IF_ERROR(
      db.Query(std::string(kGenerationRow) + "SELECT m.*, 0 FROM (" + ids.sql + ") m", ids.params,
               [&](const crm::SqlRow& row) {
                 if (row.Int(0) == -1) {
                   generation = row.Int(1);
                 } else {
                   bits->Set(row.Int(0), true);
                   ++matches;
                 }
                 return true;
               }));
  if (generation < 0) return crm::Internal("client search: no generation row");
  Entry entry;
  entry.generation = generation;
  if (matches >= min_matches_.load()) entry.bits = std::move(bits);
  Keep(term.search_key, std::move(entry));
  return crm::Status::Ok();
}

void ClientSearchCache::ReadLater(crm::Database& db, const ListTerm& term, CountHelper* helper) {
  if (helper == nullptr || SteadyNs() < next_read_ns_.load() || reading_.exchange(true)) return;
  std::shared_ptr<ClientSearchCache> self = shared_from_this();
  std::future<crm::Status> started = helper->TryRun([self, &db, term] {
    const int64_t start = SteadyNs();
    crm::Status s = self->Read(db, term);
    const int64_t end = SteadyNs();
    self->next_read_ns_ = end + 3 * (end - start);
    self->reading_ = false;
    return s;
  });
  if (!started.valid()) reading_ = false;  // the helper is busy: a later page asks again
}

void ClientSearchCache::Keep(const std::string& key, Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.generation > entry.generation) return;  // a newer one
  entry.used = ++uses_;
  entries_[key] = std::move(entry);
  while (entries_.size() > kMaxEntries) {
    auto oldest = entries_.begin();
    for (auto e = entries_.begin(); e != entries_.end(); ++e)
      if (e->second.used < oldest->second.used) oldest = e;
    entries_.erase(oldest);
  }
}

}  // namespace host
