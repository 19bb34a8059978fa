// tests/app/client_list_cursor_test.cc — keyset paging of the client list (issue 10): following
// "next" from page 1 visits exactly the rows of offset paging, in order, for every sort (both
// directions, ties, empty values) with and without filters, "prev" walks back; forged cursors and
// cursors of another sort are refused; a cursor page starts from its position in the sort index.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample-host/app/client_list_cursor.h"
#include "sample-host/app/client_store.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/random.h"
#include "tests/app/host_list_filters.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

class ClientListCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // No read in the background (a search's matches, the order): each statement counted here is
    // the request's own.
    store_.set_refresh_order(false);
    ASSERT_OK(testing::CommitHostListFilters(registry_, tdb_.db()));  // as main.cc does
    // A plugin filter of unknown size: the page tests it on every row it walks.
    StagingRegistrar plugin("test-plugin");
    crm::ListFilterSource src;
    src.id = "parity";
    src.list = [](std::string_view) {
      return std::vector<crm::FilterDef>{{"parity", "Parity", {}}};
    };
    src.predicate = [](std::string_view, std::string_view value) -> crm::Result<crm::SqlPredicate> {
      return crm::SqlPredicate{"c.id % ? = ?", {int64_t{2}, int64_t{value == "odd" ? 1 : 0}}};
    };
    ASSERT_OK(plugin.AddListFilterSource(src));
    ASSERT_OK(registry_.Commit(plugin.Take()));
    // Ties everywhere: 4 last names in mixed case, 3 first names, empty cities, postal codes and
    // regions, three languages, seven clients per creation second.
    const char* last[] = {"dupont", "Dupont", "DUPONT", "Bakker", "Élise", "Zeeman"};
    const char* first[] = {"Anna", "anna", "Bert"};
    const char* city[] = {"", "Gent", "Liège", "gent"};
    const char* region[] = {"Wallonie", "", "Vlaanderen"};
    const char* lang[] = {"fr", "nl", "en"};
    for (int i = 0; i < 67; ++i) {
      Client c;
      c.last_name = last[i % 6];
      c.first_name = first[i % 3];
      c.email = (i % 2 ? "Mail" : "mail") + std::to_string(i % 10) + "x" + std::to_string(i) +
                "@example.org";
      c.address.city = city[i % 4];
      c.address.postal_code = i % 5 ? std::to_string(1000 + i % 4) : "";
      c.address.region = region[i % 3];
      c.language = lang[i % 3];
      if (i % 7 == 0) now_ += 10;
      ASSERT_OK(store_.Create(c));
    }
  }

  // Every page by offset, each as its ids.
  std::vector<std::vector<int64_t>> OffsetPages(ClientListQuery q) {
    std::vector<std::vector<int64_t>> pages;
    for (q.page = 1;; ++q.page) {
      auto page = store_.List(q);
      EXPECT_OK(page);
      if (!page.ok() || page->rows.empty()) break;
      pages.push_back(Ids(*page));
    }
    return pages;
  }
  static std::vector<int64_t> Ids(const ClientListPage& page) {
    std::vector<int64_t> ids;
    for (const auto& r : page.rows) ids.push_back(r.client.id);
    return ids;
  }

  // Follows "next" from page 1 to the end, then "prev" back to page 1: each page must be the
  // offset page of its number, with the same total.
  void ExpectCursorsWalkLikeOffsets(ClientListQuery q) {
    SCOPED_TRACE("sort " + q.sort);
    const auto expected = OffsetPages(q);
    ASSERT_FALSE(expected.empty());
    q.page = 1;
    auto page = store_.List(q);
    ASSERT_OK(page);
    const int64_t total = page->total;
    EXPECT_TRUE(page->prev.empty());
    size_t n = 0;
    for (;;) {
      ASSERT_LT(n, expected.size());
      EXPECT_EQ(Ids(*page), expected[n]) << "page " << n + 1;
      EXPECT_EQ(page->page, static_cast<int64_t>(n + 1));
      EXPECT_EQ(page->total, total);
      if (page->next.empty()) break;
      ClientListQuery next = q;
      next.after = page->next;
      page = store_.List(next);
      ASSERT_OK(page);
      ++n;
    }
    EXPECT_EQ(n + 1, expected.size()) << "next stopped early or went past the end";
    while (!page->prev.empty()) {
      ClientListQuery prev = q;
      prev.before = page->prev;
      page = store_.List(prev);
      ASSERT_OK(page);
      ASSERT_GT(n, 0u);
      --n;
      EXPECT_EQ(Ids(*page), expected[n]) << "back to page " << n + 1;
      EXPECT_EQ(page->page, static_cast<int64_t>(n + 1));
      EXPECT_FALSE(page->next.empty());
    }
    EXPECT_EQ(n, 0u) << "prev stopped before page 1";
  }

  testing::TestDb tdb_;
  testing::CountingDatabase counting_{tdb_.db()};
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  ClientStore store_{counting_, registry_, [this] { return now_; }};
};

TEST_F(ClientListCursorTest, NextAndPrevVisitTheOffsetPagesForEverySort) {
  for (const std::string& key : ClientStore::SortKeys()) {
    for (const std::string& sort : {key, "-" + key}) {
      ClientListQuery q;
      q.sort = sort;
      q.per_page = 7;
      ExpectCursorsWalkLikeOffsets(q);
    }
  }
  ClientListQuery q;  // the default sort ("" is last_name)
  q.sort = "";
  q.per_page = 10;
  ExpectCursorsWalkLikeOffsets(q);
}

TEST_F(ClientListCursorTest, NextAndPrevKeepTheFilters) {
  for (const char* sort : {"last_name", "-city", "region", "-created_at", "email", "id"}) {
    ClientListQuery q;
    q.sort = sort;
    q.per_page = 4;
    q.filters = {{"parity", "odd"}};
    ExpectCursorsWalkLikeOffsets(q);
    q.filters = {{"language", "nl"}, {"parity", "even"}};
    ExpectCursorsWalkLikeOffsets(q);
    q.filters = {{"region", ""}};  // "any"
    q.q = "mail";
    ExpectCursorsWalkLikeOffsets(q);
  }
}

TEST_F(ClientListCursorTest, APageThatFitsHasNoCursors) {
  ClientListQuery q;
  q.per_page = 100;
  auto page = store_.List(q);
  ASSERT_OK(page);
  EXPECT_EQ(page->rows.size(), 67u);
  EXPECT_TRUE(page->next.empty());
  EXPECT_TRUE(page->prev.empty());
  q.per_page = 67;  // exactly full: still nothing after it
  page = store_.List(q);
  ASSERT_OK(page);
  EXPECT_TRUE(page->next.empty());
}

TEST_F(ClientListCursorTest, ForgedAndForeignCursorsAreInvalidArguments) {
  ClientListQuery q;
  q.sort = "city";
  q.per_page = 5;
  auto first = store_.List(q);
  ASSERT_OK(first);
  ASSERT_FALSE(first->next.empty());
  auto refused = [&](ClientListQuery bad, const std::string& needle) {
    auto page = store_.List(bad);
    ASSERT_FALSE(page.ok()) << needle;
    EXPECT_EQ(page.status().code(), crm::StatusCode::kInvalidArgument) << needle;
    EXPECT_NE(page.status().message().find(needle), std::string::npos) << page.status().message();
  };
  ClientListQuery other = q;
  other.sort = "-city";  // the same key, the other direction
  other.after = first->next;
  refused(other, "another sort");
  other.sort = "region";
  refused(other, "another sort");
  for (const std::string& forged :
       {std::string("!!!"), std::string("eyJzIjoiY2l0eSJ9"), Base64UrlEncode("not json"),
        Base64UrlEncode("[1,2]"), Base64UrlEncode(R"({"s":"city","k":["Gent"],"p":2})"),
        Base64UrlEncode(R"({"s":"city","k":[3,4],"p":2})"),
        Base64UrlEncode(R"({"s":"city","k":["Gent",null],"p":2})"),
        Base64UrlEncode(R"({"s":"city","k":["Gent",4],"p":0})"),
        Base64UrlEncode(R"({"s":"city","k":["Gent",4],"p":2,"x":1})"), first->next + "=",
        std::string(5000, 'A')}) {
    ClientListQuery bad = q;
    bad.after = forged;
    refused(bad, "after: not a valid cursor");
    bad.after.clear();
    bad.before = forged;
    refused(bad, "before: not a valid cursor");
  }
  ClientListQuery both = q;
  both.after = first->next;
  both.before = first->next;
  refused(both, "not both");
  // A well-formed cursor is only a position: SQL in it is a value like any other.
  ListCursor injected;
  injected.sort = "city";
  injected.key = {std::string("x') OR 1=1; DROP TABLE clients; --"), int64_t{1}};
  injected.page = 2;
  ClientListQuery odd = q;
  odd.after = EncodeListCursor(injected);
  auto page = store_.List(odd);
  ASSERT_OK(page);
  EXPECT_TRUE(page->rows.empty());  // nothing sorts after it
  EXPECT_EQ(page->total, 67);
  auto still = tdb_.db().QueryOne("SELECT COUNT(*) FROM clients");
  ASSERT_OK(still);
  EXPECT_EQ((*still)->Int(0), 67);
}

// On SQLite a cursor page starts at its position: each arm of the statement searches the sort
// index from the cursor (a range on the leading columns and the rowid), never a scan of the index
// from its start; on PostgreSQL, never a scan of the table.
TEST_F(ClientListCursorTest, ACursorPageStartsFromItsPositionInTheIndex) {
  ASSERT_OK(tdb_.db().Exec("ANALYZE"));
  for (const char* sort : {"region", "-last_name", "email", "created_at", "id"}) {
    ClientListQuery q;
    q.sort = sort;
    q.per_page = 5;
    q.filters = {{"parity", "odd"}};
    auto first = store_.List(q);
    ASSERT_OK(first);
    q.after = first->next;
    ASSERT_OK(store_.List(q));
    std::string plan;
    std::string sql = counting_.last_sql;
    if (std::string(sort) != "id") {
      ASSERT_NE(sql.find("UNION ALL"), std::string::npos) << sql;
    }
    if (!tdb_.postgresql()) {
      auto rows = tdb_.db().QueryAll("EXPLAIN QUERY PLAN " + sql, counting_.last_params);
      ASSERT_OK(rows);
      bool in_total = false;  // the total's capped count (as on page 1) is not the page
      for (const auto& r : *rows) {
        const std::string line = r.Text(3);
        if (line == "CO-ROUTINE capped") in_total = true;
        if (!in_total) plan += line + "\n";
        if (line == "SCAN capped") in_total = false;
      }
      EXPECT_EQ(plan.find("SCAN c"), std::string::npos) << sort << ":\n" << plan;
      // Each arm searches from the cursor: a range on the sort index, ties by rowid.
      EXPECT_NE(plan.find("rowid>?"), plan.find("rowid<?")) << sort << ":\n" << plan;
      EXPECT_NE(plan.find("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"), std::string::npos)
          << sort << ":\n"
          << plan;
      // The only sort is the outer one, over at most 2 x (per_page + 1) rows.
      EXPECT_EQ(plan.find("TEMP B-TREE"), plan.rfind("TEMP B-TREE")) << sort << ":\n" << plan;
    } else {
      // 67 rows: told to avoid table scans, the planner shows which index it can walk.
      ASSERT_OK(tdb_.db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
        CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_seqscan = off").status());
        // And to avoid sorts: a sort left in the plan is one no index could spare.
        CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_sort = off").status());
        CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_bitmapscan = off").status());
        CRM_ASSIGN_OR_RETURN(auto rows, tx.QueryAll("EXPLAIN " + sql, counting_.last_params));
        for (const auto& r : rows) plan += r.Text(0) + "\n";
        return crm::Status::Ok();
      }));
      EXPECT_EQ(plan.find("Seq Scan on clients c  ("), std::string::npos) << sort << ":\n" << plan;
      EXPECT_NE(plan.find("Index Cond: "), std::string::npos) << sort << ":\n" << plan;
      // Each arm walks a (sort key, id) index (schemas 21, 22): the only sort is the outer one.
      // Over a (sort key) index, the arm of the rows tied with the cursor sorted each tie
      // group by id, 1,200 clients of one name at a million.
      size_t sorts = 0;
      for (size_t at = plan.find("Sort  ("); at != std::string::npos;
           at = plan.find("Sort  (", at + 1)) {
        ++sorts;
      }
      EXPECT_EQ(sorts, std::string(sort) == "id" ? 0u : 1u) << sort << ":\n" << plan;
    }
  }
}

}  // namespace
}  // namespace host
