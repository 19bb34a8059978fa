// tests/app/client_sets_test.cc — client sets (host API 1.6, schema 24): the bitmap's blocks, the
// host's sets kept by its triggers, the count before, during and after the fold, and the list's
// total counted from them (on SQLite, and on PostgreSQL as host_app_tests' ".pg" run).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sample-host/app/client_sets.h"
#include "sample-host/app/client_store.h"
#include "sample-host/core/hook_registry.h"
#include "tests/app/host_list_filters.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(ClientBitmap, BlocksRoundTripCombineAndCount) {
  ClientBitmap a;
  for (int64_t id : {0, 9, 63, 64, 4095, 4096, 10000}) a.Set(id, true);
  EXPECT_EQ(a.Count(), 7);
  const std::string first = a.BlockHex(0);
  ASSERT_EQ(first.size(), 1024U);
  // Id 0 is the low bit of byte 0, id 9 bit 1 of byte 1; ids 63 and 64 end byte 7 and start 8.
  EXPECT_EQ(first.substr(0, 4), "0102");
  EXPECT_EQ(first.substr(14, 4), "8001");
  EXPECT_EQ(first.substr(1022), "80");  // id 4095
  ClientBitmap b;
  ASSERT_OK(b.LoadBlock(0, first));
  ASSERT_OK(b.LoadBlock(2, a.BlockHex(2)));
  EXPECT_EQ(b.Count(), 6);  // block 1 (id 4096) not loaded
  EXPECT_TRUE(b.Has(10000));
  EXPECT_FALSE(b.Has(4096));
  EXPECT_TRUE(b.BlockEmpty(1));
  EXPECT_FALSE(b.BlockEmpty(2));
  ClientBitmap c = a;
  c.And(b);
  EXPECT_EQ(c.Count(), 6);
  c = a;
  c.AndNot(b);
  EXPECT_EQ(c.Count(), 1);
  EXPECT_TRUE(c.Has(4096));
  a.Set(4096, false);
  a.Set(1 << 30, false);  // clearing far past the end changes nothing
  EXPECT_EQ(a.Count(), 6);
  EXPECT_FALSE(b.LoadBlock(0, "00").ok());
  EXPECT_FALSE(b.LoadBlock(0, std::string(1024, 'x')).ok());
}

class ClientSetsTest : public ::testing::Test {
 protected:
  void Create(int n) {
    const char* regions[] = {"Wallonie", "Vlaanderen", "Brussel"};
    const char* languages[] = {"fr", "nl", "en"};
    for (int i = 0; i < n; ++i) {
      Client c;
      c.first_name = "C" + std::to_string(i);
      c.last_name = i % 2 == 0 ? "Bakker" : "Smit";
      c.email = "c" + std::to_string(ids_.size()) + "@example.com";
      c.address.region = regions[i % 3];
      c.language = languages[(i / 3) % 3];
      auto created = store_.Create(c);
      ASSERT_OK(created);
      ids_.push_back(created->id);
    }
  }

  // Row by row: the clients in `region` and, when `language` is set, in it (or not in it), and
  // named `last_name` when it is set.
  int64_t Expected(const std::string& region, const std::string& language, bool in_language,
                   const std::string& last_name = "") {
    int64_t n = 0;
    for (int64_t id : ids_) {
      auto c = store_.Get(id);
      if (!c.ok()) continue;  // deleted
      if (c->address.region == region && (c->language == language) == in_language &&
          (last_name.empty() || c->last_name == last_name))
        ++n;
    }
    return n;
  }

  // Every region x language, in and not in, counted from the sets.
  void ExpectEveryCombination(const std::string& when) {
    for (std::string region : {"Wallonie", "Vlaanderen", "Brussel", "Nowhere"}) {
      for (std::string language : {"fr", "nl", "en"}) {
        crm::ClientSetFormula in{{"region:" + region, "language:" + language}, {}};
        crm::ClientSetFormula out{{"region:" + region}, {"language:" + language}};
        auto n_in = CountClientSets(tdb_.db(), {&in});
        auto n_out = CountClientSets(tdb_.db(), {&out});
        ASSERT_OK(n_in);
        ASSERT_OK(n_out);
        ASSERT_TRUE(n_in->has_value() && n_out->has_value()) << when;
        EXPECT_EQ(**n_in, Expected(region, language, true)) << when << " " << region << language;
        EXPECT_EQ(**n_out, Expected(region, language, false)) << when << " " << region << language;
      }
    }
  }

  // A plugin's filter "tagged" (a probe of client_tags, its size known, its set "test.vip"),
  // and every third client tagged: in client_tags and, as a plugin's trigger would, in its set.
  void TagEveryThirdClient() {
    StagingRegistrar plugin("test-plugin");
    crm::ListFilterSource src;
    src.id = "tagged";
    src.list = [](std::string_view) { return std::vector<crm::FilterDef>{}; };
    src.predicate = [](std::string_view id, std::string_view) -> crm::Result<crm::SqlPredicate> {
      if (id != "tagged") return crm::NotFound("not mine");
      return crm::SqlPredicate{
          "c.id IN (SELECT t.client_id FROM client_tags t WHERE t.tag = 'vip')", {}};
    };
    ASSERT_OK(plugin.AddListFilterSource(src));
    crm::ListFilterCount count;
    count.source_id = "tagged";
    count.count = [src](std::string_view id,
                        std::string_view v) -> crm::Result<crm::FilterCountPredicate> {
      CRM_ASSIGN_OR_RETURN(crm::SqlPredicate p, src.predicate(id, v));
      return crm::FilterCountPredicate{p, false};
    };
    ASSERT_OK(plugin.AddListFilterCount(count));
    crm::ListFilterSize size;  // the size is known: the total needs no count
    size.source_id = "tagged";
    size.size = [](std::string_view, std::string_view) -> crm::Result<crm::SqlPredicate> {
      return crm::SqlPredicate{"SELECT COUNT(*) FROM client_tags WHERE tag = 'vip'", {}};
    };
    ASSERT_OK(plugin.AddListFilterSize(size));
    crm::ListFilterSets sets;
    sets.source_id = "tagged";
    sets.sets = [](std::string_view, std::string_view) -> crm::Result<crm::ClientSetFormula> {
      return crm::ClientSetFormula{{"test.vip"}, {}};
    };
    ASSERT_OK(plugin.AddListFilterSets(sets));
    ASSERT_OK(registry_.Commit(plugin.Take()));
    // Every third client is a vip: in client_tags and, as a plugin's trigger would, in its set.
    for (size_t i = 0; i < ids_.size(); i += 3) {
      ASSERT_OK(tdb_.db()
                    .Exec("INSERT INTO client_tags (client_id, tag) VALUES (?, 'vip')", {ids_[i]})
                    .status());
      ASSERT_OK(tdb_.db()
                    .Exec("INSERT INTO client_set_changes (set_key, client_id, member) VALUES "
                          "('test.vip', ?, 1)",
                          {ids_[i]})
                    .status());
    }
  }

  // A change of a set no filter reads, folded (the job folds every change it finds).
  void FoldAChangeOfAnotherSet() {
    ASSERT_OK(tdb_.db()
                  .Exec("INSERT INTO client_set_changes (set_key, client_id, member) VALUES "
                        "('test.other', ?, 1)",
                        {ids_[0]})
                  .status());
    ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  }

  // 27 clients, every third tagged, every change folded.
  void SeedTaggedAndFolded() {
    Create(27);
    TagEveryThirdClient();
    ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  }

  // A store on `db` that reads nothing in the background (the order, a search's matches: only
  // what the test reads), so that every statement counted is a request's own.
  ClientStore& QuietStore(crm::Database& db) {
    stores_.push_back(std::make_unique<ClientStore>(db, registry_, [this] { return now_; }));
    stores_.back()->set_refresh_order(false);
    return *stores_.back();
  }
  // The reference: the same list counted and paged in SQL, without the sets.
  ClientStore& SqlWalk() {
    ClientStore& walk = QuietStore(tdb_.db());
    walk.set_count_with_sets(false);
    return walk;
  }

  int64_t Unfolded() {
    auto row = tdb_.db().QueryOne("SELECT COUNT(*) FROM client_set_changes");
    EXPECT_OK(row);
    return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  }

  testing::TestDb tdb_;
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  ClientStore store_{tdb_.db(), registry_, [this] { return now_; }};
  std::vector<int64_t> ids_;
  std::vector<std::unique_ptr<ClientStore>> stores_;  // QuietStore's
};

TEST_F(ClientSetsTest, CountsFollowEveryWriteBeforeDuringAndAfterTheFold) {
  Create(27);
  EXPECT_EQ(Unfolded(), 27 * 3);  // clients, region, language for each
  ExpectEveryCombination("nothing folded");
  auto part = FoldClientSetChanges(tdb_.db(), 10);
  ASSERT_OK(part);
  EXPECT_EQ(part->changes, 10);
  ExpectEveryCombination("10 folded");
  // Moves, deletions and new clients on top of half-folded sets.
  for (size_t i = 0; i < ids_.size(); i += 4) {
    auto c = store_.Get(ids_[i]);
    ASSERT_OK(c);
    c->address.region = i % 8 == 0 ? "Brussel" : "Vlaanderen";
    c->language = "en";
    ASSERT_OK(store_.Update(*c));
  }
  ASSERT_OK(store_.Delete(ids_[1]));
  ASSERT_OK(store_.Delete(ids_[5]));
  Create(5);
  ExpectEveryCombination("after the writes");
  auto rest = FoldClientSetChanges(tdb_.db(), 1000000);
  ASSERT_OK(rest);
  EXPECT_GT(rest->changes, 70);
  EXPECT_EQ(Unfolded(), 0);
  ExpectEveryCombination("all folded");
  // Empty blocks are removed: a region every client left has none.
  for (size_t i = 0; i < ids_.size(); ++i) {
    auto c = store_.Get(ids_[i]);
    if (!c.ok() || c->address.region != "Wallonie") continue;
    c->address.region = "Brussel";
    ASSERT_OK(store_.Update(*c));
  }
  ASSERT_OK(FoldClientSetChanges(tdb_.db(), 1000000));
  auto blocks = tdb_.db().QueryOne(
      "SELECT COUNT(*) FROM client_set_blocks WHERE set_key = 'region:Wallonie'");
  ASSERT_OK(blocks);
  EXPECT_EQ((*blocks)->Int(0), 0);
  ExpectEveryCombination("a region emptied");
}

TEST_F(ClientSetsTest, IdsAcrossBlocksAndTheLastChangeOfAClientWins) {
  // Changes as a plugin's triggers insert them, over several blocks.
  for (auto [key, id, member] :
       std::vector<std::tuple<std::string, int64_t, int64_t>>{{"clients", 5, 1},
                                                              {"clients", 4100, 1},
                                                              {"clients", 9000, 1},
                                                              {"clients", 1000000, 1},
                                                              {"test.x", 5, 1},
                                                              {"test.x", 4100, 1},
                                                              {"test.x", 9000, 1},
                                                              {"test.x", 1000000, 1},
                                                              {"test.x", 9000, 0},
                                                              {"test.x", 9000, 1},
                                                              {"test.x", 4100, 1},
                                                              {"test.x", 4100, 0}}) {
    ASSERT_OK(tdb_.db()
                  .Exec("INSERT INTO client_set_changes (set_key, client_id, member) VALUES (?, ?, "
                        "?)",
                        {key, id, member})
                  .status());
  }
  crm::ClientSetFormula x{{"test.x"}, {}};
  crm::ClientSetFormula not_x{{}, {"test.x"}};
  auto before = CountClientSets(tdb_.db(), {&x});
  ASSERT_OK(before);
  EXPECT_EQ(before->value_or(-1), 3);
  auto complement = CountClientSets(tdb_.db(), {&not_x});
  ASSERT_OK(complement);
  EXPECT_EQ(complement->value_or(-1), 1);  // 4100
  // Past the limit of unfolded changes, no count: the list counts as before.
  auto over = CountClientSets(tdb_.db(), {&x}, 5);
  ASSERT_OK(over);
  EXPECT_FALSE(over->has_value());
  auto fold = FoldClientSetChanges(tdb_.db(), 100);
  ASSERT_OK(fold);
  EXPECT_EQ(fold->changes, 12);
  auto blocks =
      tdb_.db().QueryOne("SELECT COUNT(*) FROM client_set_blocks WHERE set_key = 'test.x'");
  ASSERT_OK(blocks);
  EXPECT_EQ((*blocks)->Int(0), 3);  // ids 5, 9000, 1000000: blocks 0, 2, 244; 4100's left empty
  auto after = CountClientSets(tdb_.db(), {&x}, 0);
  ASSERT_OK(after);
  EXPECT_EQ(after->value_or(-1), 3);
}

// A process keeps the decoded blocks (ClientSetCache) while the generation read with the changes
// is theirs: a read then takes one statement (the changes), and a fold, which bumps the
// generation, makes the next read take the blocks again.
TEST_F(ClientSetsTest, TheCacheServesBlocksOfItsGenerationOnly) {
  Create(27);
  ASSERT_OK(FoldClientSetChanges(tdb_.db(), 1000000));
  testing::CountingDatabase counting(tdb_.db());
  ClientSetCache cache;
  crm::ClientSetFormula in_nl{{"region:Vlaanderen", "language:nl"}, {}};
  auto count = [&](int statements, const std::string& when) {
    const int before = counting.statements.load();
    auto kept = KeptByClientSets(counting, {&in_nl}, kClientSetMaxUnfolded, &cache);
    ASSERT_OK(kept);
    ASSERT_TRUE(kept->has_value()) << when;
    EXPECT_EQ((*kept)->Count(), Expected("Vlaanderen", "nl", true)) << when;
    EXPECT_EQ(counting.statements.load() - before, statements) << when;
  };
  count(1, "first read: blocks and changes");
  count(1, "cached: the changes alone");
  for (size_t i = 0; i < ids_.size(); i += 2) {  // moves, not folded
    auto c = store_.Get(ids_[i]);
    ASSERT_OK(c);
    c->address.region = "Vlaanderen";
    c->language = "nl";
    ASSERT_OK(store_.Update(*c));
  }
  count(1, "cached blocks, the moves as changes");
  ASSERT_OK(FoldClientSetChanges(tdb_.db(), 1000000));  // a new generation
  count(2, "after the fold: the generation read, then the blocks again");
  count(1, "cached again");
}

// A run of the job folds a backlog of several batches whole (a backfill), and on PostgreSQL
// vacuums the changes' table afterwards (its dead rows slowed every read until autovacuum came).
TEST_F(ClientSetsTest, TheJobFoldsABacklogWholeAndVacuumsItOnPostgresql) {
  const std::string series =
      tdb_.postgresql() ? "SELECT g FROM generate_series(1, 120000) AS g"
                        : "WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g "
                          "< 120000) SELECT g FROM n";
  ASSERT_OK(tdb_.db()
                .Exec("INSERT INTO client_set_changes (set_key, client_id, member) SELECT "
                      "'test.even', g, CASE WHEN g % 2 = 0 THEN 1 ELSE 0 END FROM (" +
                      series + ") AS s")
                .status());
  ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  EXPECT_EQ(Unfolded(), 0);
  auto blocks =
      tdb_.db().QueryOne("SELECT COUNT(*) FROM client_set_blocks WHERE set_key = 'test.even'");
  ASSERT_OK(blocks);
  EXPECT_EQ((*blocks)->Int(0), 120000 / kClientSetBlockIds + 1);
  crm::ClientSetFormula even{{"test.even"}, {}};
  auto kept = KeptByClientSets(tdb_.db(), {&even});
  ASSERT_OK(kept);
  ASSERT_TRUE(kept->has_value());
  EXPECT_TRUE((*kept)->Count() == 0);  // no client exists: "clients" is empty
  if (!tdb_.postgresql()) return;
  auto vacuumed = tdb_.db().QueryOne(
      "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = "
      "'client_set_changes'");
  ASSERT_OK(vacuumed);
  ASSERT_TRUE(vacuumed->has_value());
  EXPECT_TRUE((*vacuumed)->Int(0) != 0 || (*vacuumed)->Text(0) == "t");
}

// The list's total of host filters whose sizes do not give it (two of them, past the exact count
// limit) is the sets' exact count, not a capped count of rows.
TEST_F(ClientSetsTest, TheListCountsCombinedFiltersExactlyFromTheSets) {
  ASSERT_OK(testing::CommitHostListFilters(registry_, tdb_.db()));
  Create(27);
  testing::CountingDatabase counting(tdb_.db());
  ClientStore& store = QuietStore(counting);
  store.set_exact_count_limit(0);  // as past 10,000 matches
  std::vector<std::string> rows_with_sets;
  for (bool sets : {true, false}) {
    store.set_count_with_sets(sets);
    ClientListQuery q;
    q.filters = {{"region", "Vlaanderen"}, {"language", "nl"}};
    auto page = store.List(q);
    ASSERT_OK(page);
    EXPECT_EQ(page->total, Expected("Vlaanderen", "nl", true));
    EXPECT_TRUE(page->total_exact);
    // With the sets the page's statement counts nothing; without, it counts the rows.
    EXPECT_EQ(counting.last_sql.find("COUNT(") == std::string::npos, sets) << counting.last_sql;
    // SQLite: the page tests the bitmap's bits (crm_in_set) instead of each filter. The same rows
    // either way, page after page.
    EXPECT_EQ(counting.last_sql.find("crm_in_set") != std::string::npos, sets && !tdb_.postgresql())
        << counting.last_sql;
    std::vector<std::string> walked;
    for (ClientListQuery next = q; walked.size() < 30;) {
      next.per_page = 1;
      auto one = store.List(next);
      ASSERT_OK(one);
      for (const auto& row : one->rows) walked.push_back(row.client.email);
      if (one->next.empty()) break;
      next.after = one->next;
    }
    if (sets) {
      rows_with_sets = walked;
    } else {
      EXPECT_EQ(walked, rows_with_sets);
      EXPECT_EQ(static_cast<int64_t>(walked.size()), Expected("Vlaanderen", "nl", true));
    }
    // A search with them: its matches (a stream of ids) tested against the sets' bitmap.
    q.q = "bakker";
    page = store.List(q);
    ASSERT_OK(page);
    EXPECT_EQ(page->total, Expected("Vlaanderen", "nl", true, "Bakker"));
    EXPECT_GT(page->total, 0);
    EXPECT_TRUE(page->total_exact);
    // Not on PostgreSQL: its search counts its join as before (client_store.cc CountWithSets).
    EXPECT_EQ(counting.last_sql.find("COUNT(") == std::string::npos, sets && !tdb_.postgresql())
        << counting.last_sql;
    q.filters = {{"region", "Vlaanderen"}};
    page = store.List(q);
    ASSERT_OK(page);
    EXPECT_EQ(page->total, Expected("Vlaanderen", "nl", true, "Bakker") +
                               Expected("Vlaanderen", "nl", false, "Bakker"));
  }
}

// A search word beside filters that all have sets is read once: by the stream of its matches
// that counts the combination (SQLite's FTS5 rowids), which also tells the word's size; no capped
// count of its matches is asked before (2 ms for a common word at a million clients). Its one
// match here, fewer than the region's clients: SQLite starts the page from it. (PostgreSQL asks no
// size of a search beside other terms and counts its join.)
TEST_F(ClientSetsTest, ASearchBesideSetsIsReadOnceByTheStreamThatCountsIt) {
  ASSERT_OK(testing::CommitHostListFilters(registry_, tdb_.db()));
  Create(27);
  testing::CountingDatabase counting(tdb_.db());
  ClientStore& store = QuietStore(counting);
  for (bool sets : {true, false}) {
    store.set_count_with_sets(sets);
    ClientListQuery q;
    q.filters = {{"region", "Vlaanderen"}};
    q.q = "c25";  // client 25 (Vlaanderen): its first name and its e-mail address
    counting.queries.clear();
    auto page = store.List(q);
    ASSERT_OK(page);
    EXPECT_EQ(page->total, 1);
    EXPECT_TRUE(page->total_exact);
    ASSERT_EQ(page->rows.size(), 1U);
    EXPECT_EQ(page->rows[0].client.email, "c25@example.com");
    int capped_counts = 0, from_matches = 0;
    for (const std::string& sql : counting.queries) {
      if (sql.find("SELECT COUNT(*) FROM (SELECT 1 FROM clients_search") != std::string::npos)
        ++capped_counts;
      if (sql.find("SELECT c.id") == 0 &&
          sql.find("IN (SELECT rowid FROM clients_search") != std::string::npos)
        ++from_matches;
    }
    // Without the sets (as before them) SQLite asks the word's size first.
    EXPECT_EQ(capped_counts, sets || tdb_.postgresql() ? 0 : 1) << sets;
    if (!tdb_.postgresql()) {
      EXPECT_EQ(from_matches, 1) << sets << " " << counting.last_sql;
    }
  }
}

// SQLite: a filter whose page probes another table (a plugin's), with sets, at a page far enough
// that its walk would probe many clients: the page tests the bits instead; the same rows.
TEST_F(ClientSetsTest, AFarPageOfAProbingFilterTestsItsBits) {
  Create(27);
  TagEveryThirdClient();
  testing::CountingDatabase counting(tdb_.db());
  ClientStore& store = QuietStore(counting);
  store.set_bitmap_walk_from(10);  // page 3 of 2 rows at 1 in 3: (4 + 3) x 3 = 21 clients
  std::vector<std::string> with_bits;
  for (bool bits : {true, false}) {
    store.set_count_with_sets(bits);
    ClientListQuery q;
    q.filters = {{"tagged", "yes"}};
    q.per_page = 2;
    q.page = 3;
    auto page = store.List(q);
    ASSERT_OK(page);
    EXPECT_EQ(page->total, 9);
    EXPECT_TRUE(page->total_exact);
    EXPECT_EQ(counting.last_sql.find("crm_in_set") != std::string::npos, bits && !tdb_.postgresql())
        << counting.last_sql;
    std::vector<std::string> emails;
    for (const auto& row : page->rows) emails.push_back(row.client.email);
    ASSERT_EQ(emails.size(), 2U);
    if (bits)
      with_bits = emails;
    else
      EXPECT_EQ(emails, with_bits);
    q.page = 1;  // a short walk: the filter's own test
    ASSERT_OK(store.List(q));
    EXPECT_EQ(counting.last_sql.find("crm_in_set"), std::string::npos) << counting.last_sql;
  }
}

// Both engines: with nothing waiting for the fold and the default order read, the pages of a
// filter whose clients the bitmap holds name their rows from that order (c.id IN ...): the rows
// the walk gives, forwards and backwards, page after page. A client added or renamed and not yet
// folded: the walk again, the client in its place; folded: the walk until the order is read again.
TEST_F(ClientSetsTest, PagesAlongTheKeptOrderAreTheWalksPages) {
  SeedTaggedAndFolded();
  testing::CountingDatabase counting(tdb_.db());
  // No set_bitmap_walk_from: with the order current, even short walks take their ids from it.
  ClientStore& store = QuietStore(counting);  // the order read only by RefreshClientOrder below
  ClientStore& walk = SqlWalk();
  auto pages = [&](ClientStore& s, const std::string& sort, bool* from_order) {
    std::vector<std::string> emails;
    for (int p = 1; p <= 6; ++p) {  // 5 pages of 2, then an empty one
      ClientListQuery q;
      q.filters = {{"tagged", "yes"}};
      q.per_page = 2;
      q.page = p;
      q.sort = sort;
      auto page = s.List(q);
      EXPECT_OK(page);
      if (!page.ok()) break;
      for (const auto& row : page->rows) emails.push_back(row.client.email);
      if (from_order != nullptr && p == 3)
        *from_order = counting.last_sql.find("WHERE (c.id IN (?") != std::string::npos;
    }
    return emails;
  };
  auto order_generation = [&] {
    auto row = tdb_.db().QueryOne("SELECT n FROM client_order_generation WHERE id = 1");
    EXPECT_OK(row);
    return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  };
  ASSERT_OK(store.RefreshClientOrder());
  bool from_order = false;
  for (std::string sort : {"", "-last_name"}) {
    std::vector<std::string> rows = pages(store, sort, &from_order);
    EXPECT_TRUE(from_order) << sort << " " << counting.last_sql;
    EXPECT_EQ(rows.size(), 9U);
    EXPECT_EQ(rows, pages(walk, sort, nullptr)) << sort;
  }
  // A new tagged client: its 'clients' change waits, so the walk, with the client.
  const int64_t before = order_generation();
  Create(1);
  ASSERT_OK(tdb_.db()
                .Exec("INSERT INTO client_tags (client_id, tag) VALUES (?, 'vip')", {ids_.back()})
                .status());
  ASSERT_OK(tdb_.db()
                .Exec("INSERT INTO client_set_changes (set_key, client_id, member) VALUES "
                      "('test.vip', ?, 1)",
                      {ids_.back()})
                .status());
  std::vector<std::string> rows = pages(store, "", &from_order);
  EXPECT_FALSE(from_order);
  EXPECT_EQ(rows.size(), 10U);
  EXPECT_EQ(rows, pages(walk, "", nullptr));
  // Folded: the order's generation moved, the order held is stale until read again.
  ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  EXPECT_EQ(order_generation(), before + 1);
  EXPECT_EQ(pages(store, "", &from_order), rows);
  EXPECT_FALSE(from_order);
  ASSERT_OK(store.RefreshClientOrder());
  EXPECT_EQ(pages(store, "", &from_order), rows);
  EXPECT_TRUE(from_order);
  // A rename ('order' change, no set of its own): the walk until folded and read again.
  ASSERT_OK(
      tdb_.db()
          .Exec("UPDATE clients SET last_name = 'Aardvark' WHERE id = ?", {ids_[ids_.size() - 4]})
          .status());
  rows = pages(store, "", &from_order);
  EXPECT_FALSE(from_order);
  EXPECT_EQ(rows.front(), "c" + std::to_string(ids_.size() - 4) + "@example.com");
  EXPECT_EQ(rows, pages(walk, "", nullptr));
  ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  EXPECT_EQ(order_generation(), before + 2);
  auto no_order_set =
      tdb_.db().QueryOne("SELECT COUNT(*) FROM client_set_blocks WHERE set_key = 'order'");
  ASSERT_OK(no_order_set);
  EXPECT_EQ((*no_order_set)->Int(0), 0);
  ASSERT_OK(store.RefreshClientOrder());
  EXPECT_EQ(pages(store, "", &from_order), rows);
  EXPECT_TRUE(from_order);
  // A fold of other sets' changes leaves the order current.
  FoldAChangeOfAnotherSet();
  EXPECT_EQ(order_generation(), before + 2);
  EXPECT_EQ(pages(store, "", &from_order), rows);
  EXPECT_TRUE(from_order);
}

// Both engines: next and previous pages (cursors) of a filter whose clients the bitmap holds
// name their rows from the kept order too, from the cursor's row: the keyset walk's pages, in
// both directions and both sorts. A cursor whose client was renamed since walks in SQL from its
// names, as before.
TEST_F(ClientSetsTest, CursorPagesAlongTheKeptOrderAreTheWalksPages) {
  SeedTaggedAndFolded();
  testing::CountingDatabase counting(tdb_.db());
  ClientStore& store = QuietStore(counting);
  store.set_bitmap_walk_from(1);
  ASSERT_OK(store.RefreshClientOrder());
  ClientStore& walk = SqlWalk();
  struct Page {
    std::vector<std::string> emails;
    std::string next, prev;
    int64_t number = 0;
    bool from_order = false;
  };
  auto read = [&](ClientStore& s, const std::string& sort, const std::string& after,
                  const std::string& before) {
    ClientListQuery q;
    q.filters = {{"tagged", "yes"}};
    q.per_page = 2;
    q.sort = sort;
    q.after = after;
    q.before = before;
    Page out;
    auto page = s.List(q);
    EXPECT_OK(page);
    if (!page.ok()) return out;
    for (const auto& row : page->rows) out.emails.push_back(row.client.email);
    out.next = page->next;
    out.prev = page->prev;
    out.number = page->page;
    out.from_order = counting.last_sql.find("WHERE (c.id IN (?") != std::string::npos;
    return out;
  };
  for (const std::string sort : {"", "-last_name"}) {
    std::vector<Page> forwards;
    Page p = read(store, sort, "", "");
    Page w = read(walk, sort, "", "");
    forwards.push_back(p);
    while (!p.next.empty()) {
      p = read(store, sort, p.next, "");
      w = read(walk, sort, w.next, "");
      EXPECT_TRUE(p.from_order) << sort << " page " << p.number << ": " << counting.last_sql;
      EXPECT_EQ(p.emails, w.emails) << sort << " page " << p.number;
      EXPECT_EQ(p.number, w.number);
      EXPECT_EQ(p.next.empty(), w.next.empty()) << sort << " page " << p.number;
      forwards.push_back(p);
    }
    EXPECT_EQ(forwards.size(), 5U) << sort;  // 9 clients, 2 a page
    // Back from the last page by `prev`: the same pages in reverse.
    for (size_t i = forwards.size() - 1; i > 0; --i) {
      Page back = read(store, sort, "", forwards[i].prev);
      EXPECT_TRUE(back.from_order) << sort;
      EXPECT_EQ(back.emails, forwards[i - 1].emails) << sort << " back to page " << i;
      EXPECT_EQ(back.number, static_cast<int64_t>(i));
      EXPECT_EQ(back.prev.empty(), i == 1) << sort << " back to page " << i;
    }
  }
  // The row of page 2's `next` cursor renamed (folded, the order read again): its cursor no
  // longer names a place in the order; the walk in SQL from the cursor's names gives its page.
  Page first = read(store, "", "", "");
  Page second = read(store, "", first.next, "");
  ASSERT_EQ(second.emails.size(), 2U);
  const std::string renamed = second.emails.back();
  const int64_t renamed_id = std::stoll(renamed.substr(1, renamed.find('@') - 1));
  ASSERT_OK(tdb_.db()
                .Exec("UPDATE clients SET last_name = 'Zwart' WHERE id = ?", {ids_[renamed_id]})
                .status());
  ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  ASSERT_OK(store.RefreshClientOrder());
  Page third = read(store, "", second.next, "");
  EXPECT_FALSE(third.from_order) << counting.last_sql;
  EXPECT_EQ(third.emails, read(walk, "", second.next, "").emails);
  EXPECT_TRUE(read(store, "", third.next, "").from_order);  // a cursor of a row unchanged
}

// Both engines: the matches of a search's words kept as a bitmap (schema 27) count and page like
// a filter's sets: no statement reads the words again, the totals are exact, the pages are the
// walk's, alone and beside a filter, in the default order and another. A client edited, renamed
// or deleted and not yet folded is tested again in the statement that reads the generation; a
// fold of such changes makes the bitmap stale (the SQL search until it is read again), a fold of
// other sets' changes does not.
TEST_F(ClientSetsTest, ASearchsKeptMatchesCountAndPageLikeASet) {
  SeedTaggedAndFolded();  // Bakker: the even ones (14)
  testing::CountingDatabase counting(tdb_.db());
  ClientStore& store = QuietStore(counting);  // read only by ReadSearch and RefreshClientOrder
  store.set_keep_searches(true, 1);           // a bitmap for a few matches too
  ClientStore& walk = SqlWalk();
  const bool pg = tdb_.postgresql();
  // Whether a statement read the words (the FTS5 index, the folded column) other than to test
  // the clients of waiting changes again.
  auto searched = [&] {
    for (const std::string& sql : counting.queries)
      if (sql.find("client_set_changes") == std::string::npos &&
          sql.find(pg ? "search_folded LIKE" : "clients_search") != std::string::npos)
        return true;
    return false;
  };
  struct Pages {
    std::vector<std::string> emails;
    int64_t total = -1;
    bool read_words = false;
  };
  auto pages = [&](ClientStore& s, const std::vector<std::pair<std::string, std::string>>& filters,
                   const std::string& sort) {
    Pages out;
    for (int p = 1; p <= 8; ++p) {
      ClientListQuery q;
      q.q = "bakker";
      q.filters = filters;
      q.per_page = 2;
      q.page = p;
      q.sort = sort;
      counting.queries.clear();
      auto page = s.List(q);
      EXPECT_OK(page);
      if (!page.ok()) break;
      out.read_words = out.read_words || searched();
      EXPECT_TRUE(page->total_exact);
      if (p == 1) out.total = page->total;
      for (const auto& row : page->rows) out.emails.push_back(row.client.email);
    }
    return out;
  };
  // PostgreSQL tests no bits in SQL: its pages name their rows from the kept order only (the
  // default sort, the order current), and search in SQL otherwise (the totals from the bitmap).
  auto expect_walks = [&](const std::string& when, bool kept, int64_t alone, int64_t tagged,
                          bool order_current = true) {
    for (const std::string sort : {"", "-last_name", "email"}) {
      for (const auto& filters :
           std::vector<std::vector<std::pair<std::string, std::string>>>{{}, {{"tagged", "yes"}}}) {
        const std::string what = when + " sort '" + sort + "' " + std::to_string(filters.size());
        Pages got = pages(store, filters, sort);
        EXPECT_EQ(got.total, filters.empty() ? alone : tagged) << what;
        EXPECT_EQ(got.emails, pages(walk, filters, sort).emails) << what;
        EXPECT_EQ(got.read_words, !kept || (pg && (sort == "email" || !order_current))) << what;
      }
    }
  };
  auto generation = [&] {
    auto row = tdb_.db().QueryOne("SELECT search FROM client_order_generation WHERE id = 1");
    EXPECT_OK(row);
    return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  };
  expect_walks("not read", false, 14, 5);
  ASSERT_OK(store.ReadSearch("bakker"));
  ASSERT_OK(store.RefreshClientOrder());
  expect_walks("read", true, 14, 5);
  // A Smit (odd) whose company now has the word, a Bakker renamed, a tagged Bakker deleted: each
  // change waits for the fold, and the bitmap held is tested again for those clients.
  ASSERT_OK(tdb_.db()
                .Exec("UPDATE clients SET company = 'Bakkerij Smit' WHERE id = ?", {ids_[3]})
                .status());
  ASSERT_OK(
      tdb_.db().Exec("UPDATE clients SET last_name = 'Jansen' WHERE id = ?", {ids_[2]}).status());
  ASSERT_OK(store.Delete(ids_[6]));
  // 14 + 3 (tagged) - 2 - 6 (tagged); the order stale while a rename and a deletion wait.
  expect_walks("changes waiting", true, 13, 5, false);
  // Folded: the generation moved; the SQL search until the words are read again.
  const int64_t before = generation();
  ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  EXPECT_EQ(generation(), before + 1);
  expect_walks("folded", false, 13, 5);
  ASSERT_OK(store.ReadSearch("bakker"));
  expect_walks("read again", true, 13, 5, false);
  ASSERT_OK(store.RefreshClientOrder());
  expect_walks("and the order", true, 13, 5);
  // An edit of what the search does not read, and a fold of other sets: still current.
  ASSERT_OK(
      tdb_.db().Exec("UPDATE clients SET phone = '+32 2 000' WHERE id = ?", {ids_[4]}).status());
  FoldAChangeOfAnotherSet();
  EXPECT_EQ(generation(), before + 1);
  expect_walks("other folds", true, 13, 5);
  // An e-mail edit alone is a change of its own ('search'), folded like the others.
  ASSERT_OK(tdb_.db()
                .Exec("UPDATE clients SET email = 'bakker.c5@example.com' WHERE id = ?", {ids_[5]})
                .status());
  expect_walks("e-mail edited", true, 14, 5);
  ASSERT_OK(FoldEveryClientSetChange(tdb_.db()));
  EXPECT_EQ(generation(), before + 2);
  expect_walks("e-mail folded", false, 14, 5);
}

}  // namespace
}  // namespace host
