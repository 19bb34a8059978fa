// sample-host/app/client_sets.h — client sets (host API 1.6, hooks.h ListFilterSets; schema 24):
// bitmaps of client ids kept in blocks, folded from the changes their writers insert, read in one
// statement with the changes not yet folded, and ANDed to count a combination of list filters
// exactly (issue 10: a count that costs what reading the sets costs, whatever their sizes).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/registrar.h"
#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// Ids per block: a block is 512 bytes, stored as 1,024 hex digits (client_set_blocks.bits).
inline constexpr int64_t kClientSetBlockIds = 4096;
// The changes a rename adds (schema 26): the fold consumes them without a set.
inline constexpr std::string_view kClientOrderKey = "order";
// The changes an edit of a client's email or company adds (schema 27): consumed the same way.
inline constexpr std::string_view kClientSearchKey = "search";
// A count reads the sets only while at most this many of their changes wait for the fold (the
// job folds every few seconds; a backlog, after a migration or a bulk import, is counted as
// before until it is folded).
inline constexpr int64_t kClientSetMaxUnfolded = 20000;

// A set of client ids (>= 0) as bits.
class ClientBitmap {
 public:
  bool Has(int64_t id) const;
  void Set(int64_t id, bool member);
  // Block `block` from its stored text; kInvalidArgument for text that is not 1,024 hex digits.
  crm::Status LoadBlock(int64_t block, std::string_view hex);
  // The stored text of a block, and whether it holds no id.
  std::string BlockHex(int64_t block) const;
  bool BlockEmpty(int64_t block) const;
  int64_t Count() const;
  // The bits as bytes, id i being bit i % 8 of byte i / 8 (crm_in_set's first argument).
  std::string Bytes() const;

  // this &= other, this &= ~other.
  void And(const ClientBitmap& other);
  void AndNot(const ClientBitmap& other);

 private:
  std::vector<uint64_t> words_;
};

// The sets' folded blocks as a process decoded them, at one generation of schema 25 (the fold
// bumps it in its transaction): a read that finds that generation with its changes reads only the
// changes. Thread-safe. One per database.
class ClientSetCache {
 public:
  using Shared = std::map<std::string, std::shared_ptr<const ClientBitmap>>;
  bool Has(const std::set<std::string>& keys) const;
  // The sets `keys` into `out` (shared, never changed: a reader that applies changes copies)
  // when the cache holds all of them at `generation`.
  bool GetIfAt(int64_t generation, const std::set<std::string>& keys, Shared& out) const;
  // Keeps `sets` (blocks only, no change applied) as of `generation`; a newer generation drops
  // the others.
  void Keep(int64_t generation, const Shared& sets);

 private:
  mutable std::mutex mutex_;
  int64_t generation_ = -1;
  Shared sets_;
};

// The clients in the set "clients", in every `all` set of every formula and in no `none` set of
// any, as of one snapshot (below); nullopt past `max_unfolded` changes waiting for the fold.
// With a cache, the blocks come from it while their generation is the one read with the changes.
crm::Result<std::optional<ClientBitmap>> KeptByClientSets(
    crm::SqlExecutor& db, const std::vector<const crm::ClientSetFormula*>& formulas,
    int64_t max_unfolded = kClientSetMaxUnfolded, ClientSetCache* cache = nullptr);

// The number of clients in the set "clients", in every `all` set of every formula and in no
// `none` set of any, as of one snapshot: one statement reads the sets' blocks and their changes
// not yet folded. nullopt when more than `max_unfolded` of those changes wait for the fold.
crm::Result<std::optional<int64_t>> CountClientSets(
    crm::SqlExecutor& db, const std::vector<const crm::ClientSetFormula*>& formulas,
    int64_t max_unfolded = kClientSetMaxUnfolded);

// What a fold did: the changes it folded (oldest first) and the blocks it wrote or removed.
struct ClientSetFold {
  int64_t changes = 0;
  int64_t blocks = 0;
};
// Folds up to `max_changes` of the oldest changes into the blocks, in one transaction (on
// PostgreSQL it locks the blocks against another fold; readers never wait).
crm::Result<ClientSetFold> FoldClientSetChanges(crm::Database& db, int64_t max_changes);

// The `client-sets` job: at start-up, then every kClientSetFoldSeconds, folds every change (in
// transactions of kClientSetFoldBatch, at most kClientSetFoldBatchesPerRun of them a run).
inline constexpr int64_t kClientSetFoldSeconds = 5;
inline constexpr int64_t kClientSetFoldBatch = 50000;
inline constexpr int kClientSetFoldBatchesPerRun = 400;
inline constexpr int64_t kClientSetVacuumAfter = 100000;
// One run of the job: batches until the changes are folded (or the bound); on PostgreSQL, past
// kClientSetVacuumAfter changes folded, a VACUUM of client_set_changes.
crm::Status FoldEveryClientSetChange(crm::Database& db);
crm::Status RegisterClientSetsJob(crm::Registrar& registrar, crm::Database& db);

}  // namespace host
