// sample-host/app/client_sets.cc — ClientBitmap, the sets' count and their fold.
#include "sample-host/app/client_sets.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <utility>

namespace host {

namespace {

constexpr int64_t kWordsPerBlock = kClientSetBlockIds / 64;
constexpr char kHexDigits[] = "0123456789abcdef";

// Each character's hex value, 0xFF for one that is not a hex digit: a block is 1,024 of them,
// decoded without a branch per character (a count decodes a thousand blocks and more).
constexpr std::array<uint8_t, 256> kHexValues = [] {
  std::array<uint8_t, 256> values{};
  values.fill(0xFF);
  for (int i = 0; i < 10; ++i) values[static_cast<size_t>('0' + i)] = static_cast<uint8_t>(i);
  for (int i = 0; i < 6; ++i) {
    values[static_cast<size_t>('a' + i)] = static_cast<uint8_t>(10 + i);
    values[static_cast<size_t>('A' + i)] = static_cast<uint8_t>(10 + i);
  }
  return values;
}();

// "?, ?, ?" for n values.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

bool ClientBitmap::Has(int64_t id) const {
  if (id < 0) return false;
  const auto word = static_cast<size_t>(id / 64);
  return word < words_.size() && ((words_[word] >> (id % 64)) & 1U) != 0;
}

void ClientBitmap::Set(int64_t id, bool member) {
  if (id < 0) return;
  const auto word = static_cast<size_t>(id / 64);
  if (word >= words_.size()) {
    if (!member) return;
    words_.resize(word + 1, 0);
  }
  const uint64_t bit = uint64_t{1} << (id % 64);
  words_[word] = member ? words_[word] | bit : words_[word] & ~bit;
}

// Byte k of a block is bits 8k..8k+7 of its ids, least significant first: word w of the block
// holds bytes 8w..8w+7 with byte 8w in its low bits.
crm::Status ClientBitmap::LoadBlock(int64_t block, std::string_view hex) {
  if (block < 0 || hex.size() != static_cast<size_t>(kClientSetBlockIds / 4))
    return crm::InvalidArgument("client set: a block is not " +
                                std::to_string(kClientSetBlockIds / 4) + " hex digits");
  const auto first = static_cast<size_t>(block * kWordsPerBlock);
  if (words_.size() < first + kWordsPerBlock) words_.resize(first + kWordsPerBlock, 0);
  const auto* digits = reinterpret_cast<const unsigned char*>(hex.data());
  unsigned bad = 0;
  for (int64_t w = 0; w < kWordsPerBlock; ++w) {
    uint64_t word = 0;
    for (int b = 0; b < 8; ++b, digits += 2) {
      const unsigned hi = kHexValues[digits[0]], lo = kHexValues[digits[1]];
      bad |= hi | lo;
      word |= static_cast<uint64_t>((hi << 4) | (lo & 0xFU)) << (8 * b);
    }
    words_[first + static_cast<size_t>(w)] = word;
  }
  if ((bad & 0xF0U) != 0) return crm::InvalidArgument("client set: a block is not hex");
  return crm::Status::Ok();
}

std::string ClientBitmap::BlockHex(int64_t block) const {
  std::string out(static_cast<size_t>(kClientSetBlockIds / 4), '0');
  for (int64_t w = 0; w < kWordsPerBlock; ++w) {
    const auto index = static_cast<size_t>(block * kWordsPerBlock + w);
    const uint64_t word = index < words_.size() ? words_[index] : 0;
    for (int b = 0; b < 8; ++b) {
      const auto byte = static_cast<unsigned>((word >> (8 * b)) & 0xFFU);
      const size_t at = static_cast<size_t>((w * 8 + b) * 2);
      out[at] = kHexDigits[byte >> 4];
      out[at + 1] = kHexDigits[byte & 0xFU];
    }
  }
  return out;
}

bool ClientBitmap::BlockEmpty(int64_t block) const {
  for (int64_t w = 0; w < kWordsPerBlock; ++w) {
    const auto index = static_cast<size_t>(block * kWordsPerBlock + w);
    if (index < words_.size() && words_[index] != 0) return false;
  }
  return true;
}

// Debian's baseline x86-64 has no POPCNT instruction: std::popcount is then a library call per
// word (1 % of the server's CPU under filtered lists). GCC builds a POPCNT clone of Count too and
// picks it at load time on processors that have the instruction.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
int64_t
ClientBitmap::Count() const {
  int64_t n = 0;
  for (uint64_t w : words_) n += std::popcount(w);
  return n;
}

std::string ClientBitmap::Bytes() const {
  std::string out(words_.size() * 8, '\0');
  if constexpr (std::endian::native == std::endian::little) {
    // The words' own bytes are that order: one copy (a byte at a time was 3 % of the server's
    // CPU under a load of filtered lists).
    if (!words_.empty()) std::memcpy(out.data(), words_.data(), out.size());
  } else {
    for (size_t i = 0; i < words_.size(); ++i)
      for (size_t b = 0; b < 8; ++b)
        out[i * 8 + b] = static_cast<char>((words_[i] >> (8 * b)) & 0xFFU);
  }
  return out;
}

void ClientBitmap::And(const ClientBitmap& other) {
  if (words_.size() > other.words_.size()) words_.resize(other.words_.size());
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= other.words_[i];
}

void ClientBitmap::AndNot(const ClientBitmap& other) {
  const size_t n = std::min(words_.size(), other.words_.size());
  for (size_t i = 0; i < n; ++i) words_[i] &= ~other.words_[i];
}

namespace {

using SetMap = std::map<std::string, ClientBitmap>;

struct SetChange {
  int64_t id;
  std::string set_key;
  int64_t client_id;
  bool member;
};

// The statement's arms: the blocks' generation (id -1), the sets' blocks (bits not NULL) when
// `with_blocks`, and their changes not yet folded (at most `max_unfolded` + 1).
std::string SetsStatement(size_t keys, bool with_blocks, crm::SqlParams& params,
                          const std::set<std::string>& key_set, int64_t max_unfolded) {
  const std::string in = Placeholders(keys);
  std::string sql = "SELECT '', n, NULL, 0, -1 FROM client_set_generation WHERE id = 1";
  if (with_blocks) {
    sql +=
        " UNION ALL SELECT set_key, block, bits, 0, 0 FROM client_set_blocks WHERE set_key IN (" +
        in + ")";
    for (const std::string& k : key_set) params.emplace_back(k);
  }
  sql +=
      " UNION ALL SELECT * FROM (SELECT set_key, client_id, NULL, member, id FROM "
      "client_set_changes WHERE set_key IN (" +
      in + ") ORDER BY id LIMIT ?) AS changes";
  for (const std::string& k : key_set) params.emplace_back(k);
  params.emplace_back(max_unfolded + 1);
  return sql;
}

// One statement: the generation, the blocks (into `sets`) when `with_blocks`, the changes.
crm::Status ReadSetsStatement(crm::SqlExecutor& db, const std::set<std::string>& keys,
                              bool with_blocks, int64_t max_unfolded, int64_t& generation,
                              SetMap& sets, std::vector<SetChange>& changes) {
  crm::SqlParams params;
  const std::string sql = SetsStatement(keys.size(), with_blocks, params, keys, max_unfolded);
  crm::Status bad = crm::Status::Ok();
  CRM_RETURN_IF_ERROR(db.Query(sql, params, [&](const crm::SqlRow& row) {
    if (row.Int(4) == -1) {
      generation = row.Int(1);
    } else if (row.IsNull(2)) {
      changes.push_back({row.Int(4), row.Text(0), row.Int(1), row.Int(3) != 0});
    } else {
      bad = sets[row.Text(0)].LoadBlock(row.Int(1), row.Text(2));
    }
    return bad.ok();
  }));
  return bad;
}

using SharedSets = ClientSetCache::Shared;

// The sets `keys` as of one statement: their blocks (from `cache` when it holds them at the
// generation read with the changes, else read and kept there), then their changes not yet folded
// applied in the order they were made, each changed set copied first (the blocks are shared with
// the cache and other readers; the others are not copied at all). nullopt past `max_unfolded`
// changes.
crm::Result<std::optional<SharedSets>> ReadClientSets(crm::SqlExecutor& db,
                                                      const std::set<std::string>& keys,
                                                      int64_t max_unfolded, ClientSetCache* cache) {
  SharedSets sets;
  std::vector<SetChange> changes;
  int64_t generation = -1;
  bool cached = false;
  if (cache != nullptr && cache->Has(keys)) {
    SetMap none;
    CRM_RETURN_IF_ERROR(
        ReadSetsStatement(db, keys, false, max_unfolded, generation, none, changes));
    cached = cache->GetIfAt(generation, keys, sets);
  }
  if (!cached) {
    SetMap read;
    changes.clear();
    CRM_RETURN_IF_ERROR(ReadSetsStatement(db, keys, true, max_unfolded, generation, read, changes));
    for (const std::string& k : keys)
      sets[k] = std::make_shared<const ClientBitmap>(std::move(read[k]));
    if (cache != nullptr) cache->Keep(generation, sets);
  }
  if (static_cast<int64_t>(changes.size()) > max_unfolded) return std::optional<SharedSets>();
  std::sort(changes.begin(), changes.end(),
            [](const SetChange& a, const SetChange& b) { return a.id < b.id; });
  std::map<std::string, std::shared_ptr<ClientBitmap>> changed;
  for (const SetChange& c : changes) {
    std::shared_ptr<ClientBitmap>& own = changed[c.set_key];
    if (own == nullptr) {
      auto it = sets.find(c.set_key);
      own = it == sets.end() || it->second == nullptr ? std::make_shared<ClientBitmap>()
                                                      : std::make_shared<ClientBitmap>(*it->second);
    }
    own->Set(c.client_id, c.member);
  }
  for (auto& [k, own] : changed) sets[k] = std::move(own);
  return std::optional<SharedSets>(std::move(sets));
}

}  // namespace

bool ClientSetCache::Has(const std::set<std::string>& keys) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& k : keys)
    if (!sets_.contains(k)) return false;
  return true;
}

bool ClientSetCache::GetIfAt(int64_t generation, const std::set<std::string>& keys,
                             Shared& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation != generation_) return false;
  for (const std::string& k : keys) {
    auto it = sets_.find(k);
    if (it == sets_.end()) return false;
    out[k] = it->second;
  }
  return true;
}

void ClientSetCache::Keep(int64_t generation, const Shared& sets) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation < generation_) return;  // a slower reader of an older generation
  if (generation > generation_) sets_.clear();
  generation_ = generation;
  for (const auto& [k, bitmap] : sets) sets_[k] = bitmap;
}

namespace {

// The host's own sets that its triggers clear when a client is deleted: within "clients".
bool WithinClients(const std::string& key) {
  return key.starts_with("region:") || key.starts_with("language:");
}

}  // namespace

crm::Result<std::optional<ClientBitmap>> KeptByClientSets(
    crm::SqlExecutor& db, const std::vector<const crm::ClientSetFormula*>& formulas,
    int64_t max_unfolded, ClientSetCache* cache) {
  // "clients" removes the deleted clients a plugin's set may still hold; a host set that its
  // triggers keep within it does that already (a third fewer blocks for region + a state).
  std::string first = "clients";
  std::set<std::string> keys;
  for (const crm::ClientSetFormula* f : formulas) {
    keys.insert(f->all.begin(), f->all.end());
    keys.insert(f->none.begin(), f->none.end());
    for (const std::string& k : f->all)
      if (WithinClients(k)) first = k;
  }
  keys.insert(first);
  CRM_ASSIGN_OR_RETURN(auto sets, ReadClientSets(db, keys, max_unfolded, cache));
  if (!sets.has_value()) return std::optional<ClientBitmap>();
  ClientBitmap kept = *sets->at(first);  // the one copy a read makes
  for (const crm::ClientSetFormula* f : formulas) {
    for (const std::string& k : f->all)
      if (k != first) kept.And(*sets->at(k));
    for (const std::string& k : f->none) kept.AndNot(*sets->at(k));
  }
  return std::optional<ClientBitmap>(std::move(kept));
}

crm::Result<std::optional<int64_t>> CountClientSets(
    crm::SqlExecutor& db, const std::vector<const crm::ClientSetFormula*>& formulas,
    int64_t max_unfolded) {
  CRM_ASSIGN_OR_RETURN(std::optional<ClientBitmap> kept,
                       KeptByClientSets(db, formulas, max_unfolded));
  if (!kept.has_value()) return std::optional<int64_t>();
  return std::optional<int64_t>(kept->Count());
}

namespace {

struct FoldChange {
  int64_t id;
  std::string set_key;
  int64_t client_id;
  bool member;
};

// Writes the blocks of `set_key` that `changes` (in order) touch: read, changed, then written
// back, or removed when no id is left in them.
crm::Result<int64_t> FoldIntoBlocks(crm::SqlExecutor& tx, const std::string& set_key,
                                    const std::vector<const FoldChange*>& changes) {
  std::set<int64_t> blocks;
  for (const FoldChange* c : changes)
    if (c->client_id >= 0) blocks.insert(c->client_id / kClientSetBlockIds);
  ClientBitmap set;
  for (int64_t block : blocks) {
    CRM_ASSIGN_OR_RETURN(auto row,
                         tx.QueryOne("SELECT bits FROM client_set_blocks WHERE set_key = ? AND "
                                     "block = ?",
                                     {set_key, block}));
    if (row.has_value()) CRM_RETURN_IF_ERROR(set.LoadBlock(block, row->Text(0)));
  }
  for (const FoldChange* c : changes) set.Set(c->client_id, c->member);
  for (int64_t block : blocks) {
    if (set.BlockEmpty(block)) {
      CRM_RETURN_IF_ERROR(
          tx.Exec("DELETE FROM client_set_blocks WHERE set_key = ? AND block = ?", {set_key, block})
              .status());
      continue;
    }
    CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO client_set_blocks (set_key, block, bits) VALUES (?, "
                                "?, ?) ON CONFLICT (set_key, block) DO UPDATE SET bits = "
                                "excluded.bits",
                                {set_key, block, set.BlockHex(block)})
                            .status());
  }
  return static_cast<int64_t>(blocks.size());
}

}  // namespace

crm::Result<ClientSetFold> FoldClientSetChanges(crm::Database& db, int64_t max_changes) {
  ClientSetFold fold;
  const bool pg = db.Dialect() == crm::SqlDialect::kPostgresql;
  CRM_RETURN_IF_ERROR(db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    // Another node's fold waits here; readers and writers of changes do not.
    if (pg) CRM_RETURN_IF_ERROR(tx.Exec("LOCK TABLE client_set_blocks IN EXCLUSIVE MODE").status());
    // The rows deleted are exactly the rows folded, whatever commits meanwhile.
    std::vector<FoldChange> changes;
    CRM_RETURN_IF_ERROR(tx.Query(
        "DELETE FROM client_set_changes WHERE id IN (SELECT id FROM client_set_changes ORDER BY "
        "id LIMIT ?) RETURNING id, set_key, client_id, member",
        {max_changes}, [&](const crm::SqlRow& row) {
          changes.push_back({row.Int(0), row.Text(1), row.Int(2), row.Int(3) != 0});
          return true;
        }));
    std::sort(changes.begin(), changes.end(),
              [](const FoldChange& a, const FoldChange& b) { return a.id < b.id; });
    std::map<std::string_view, std::vector<const FoldChange*>> by_set;
    for (const FoldChange& c : changes) by_set[c.set_key].push_back(&c);
    for (const auto& [key, of_set] : by_set) {
      // A rename or an edit of what the search reads: no set, only the generations below.
      if (key == kClientOrderKey || key == kClientSearchKey) continue;
      CRM_ASSIGN_OR_RETURN(int64_t blocks, FoldIntoBlocks(tx, std::string(key), of_set));
      fold.blocks += blocks;
    }
    fold.changes = static_cast<int64_t>(changes.size());
    if (fold.changes == 0) return crm::Status::Ok();
    // New, deleted or renamed clients: the default order a process keeps is stale (schema 26),
    // and so are the search's matches it keeps (schema 27), also after an edit of an email or a
    // company.
    const bool order = by_set.contains(kClientOrderKey) || by_set.contains("clients");
    if (order || by_set.contains(kClientSearchKey))
      CRM_RETURN_IF_ERROR(tx.Exec(std::string("UPDATE client_order_generation SET search = search "
                                              "+ 1") +
                                  (order ? ", n = n + 1" : "") + " WHERE id = 1")
                              .status());
    // The blocks changed: a process that kept them decoded reads them again (ClientSetCache).
    return tx.Exec("UPDATE client_set_generation SET n = n + 1 WHERE id = 1").status();
  }));
  return fold;
}

crm::Status FoldEveryClientSetChange(crm::Database& db) {
  // Most runs find nothing: a read, not a write transaction (nor PostgreSQL's lock), tells.
  CRM_ASSIGN_OR_RETURN(auto any, db.QueryOne("SELECT 1 FROM client_set_changes LIMIT 1"));
  if (!any.has_value()) return crm::Status::Ok();
  int64_t folded = 0;
  // A bound, so that writers that never stop do not keep the job.
  for (int batch = 0; batch < kClientSetFoldBatchesPerRun; ++batch) {
    CRM_ASSIGN_OR_RETURN(ClientSetFold fold, FoldClientSetChanges(db, kClientSetFoldBatch));
    folded += fold.changes;
    if (fold.changes < kClientSetFoldBatch) break;
  }
  // PostgreSQL: the rows just folded are dead tuples that the reads' index scans step over until
  // a vacuum (after a backfill of millions, region + pending took 28 ms instead of 4 until
  // autovacuum came): vacuum at once after a large fold.
  if (db.Dialect() == crm::SqlDialect::kPostgresql && folded >= kClientSetVacuumAfter)
    return db.Exec("VACUUM (ANALYZE) client_set_changes").status();
  return crm::Status::Ok();
}

crm::Status RegisterClientSetsJob(crm::Registrar& registrar, crm::Database& db) {
  return registrar.AddScheduledJobRunAtStart(crm::ScheduledJob{
      "client-sets", kClientSetFoldSeconds, [&db] { return FoldEveryClientSetChange(db); }});
}

}  // namespace host
