// tests/app/client_list_test.cc — THE client list query (SPEC H2, CD6, CD7): every host filter,
// sorts,
// search, pagination, a plugin column and filter registered like a plugin's, one statement per
// page, index use.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "sample-host/app/client_store.h"
#include "sample-host/app/seed_demo.h"
#include "sample-host/core/hook_registry.h"
#include "tests/app/host_list_filters.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

class ClientListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // No read in the background (a search's matches, the order): each statement counted here is
    // the request's own.
    store_.set_refresh_order(false);
    ASSERT_OK(testing::CommitHostListFilters(registry_, tdb_.db()));  // as main.cc does
    // A plugin with one column (with a bound parameter) and one filter.
    StagingRegistrar plugin("test-plugin");
    crm::ListColumn col;
    col.id = "badge";
    col.label_key = "test-plugin.badge";
    col.sql = "(? || c.id)";
    col.params = {std::string("B-")};
    col.render_html = [](const crm::SqlValue&, std::string_view) { return std::string(); };
    ASSERT_OK(plugin.AddListColumn(col));
    crm::ListFilterSource src;
    src.id = "parity";
    src.list = [](std::string_view) {
      return std::vector<crm::FilterDef>{{"parity", "Parity", {}}};
    };
    src.predicate = [](std::string_view id,
                       std::string_view value) -> crm::Result<crm::SqlPredicate> {
      if (id != "parity") return crm::NotFound("not mine");
      if (value == "even") return crm::SqlPredicate{"c.id % ? = 0", {int64_t{2}}};
      if (value == "odd") return crm::SqlPredicate{"c.id % ? = 1", {int64_t{2}}};
      return crm::InvalidArgument("even or odd");
    };
    ASSERT_OK(plugin.AddListFilterSource(src));
    // Host API 1.4: reading them needs test.read (and test:read for a token).
    ASSERT_OK(
        plugin.RequireListAccess({crm::ListHookKind::kColumn, "badge", "test.read", "test:read"}));
    ASSERT_OK(plugin.RequireListAccess(
        {crm::ListHookKind::kFilterSource, "parity", "test.read", "test:read"}));
    ASSERT_OK(registry_.Commit(plugin.Take()));

    struct Row {
      const char* first;
      const char* last;
      const char* email;
      const char* company;
      const char* city;
      const char* postal;
      const char* region;
      const char* lang;
      std::vector<std::string> tags;
    };
    const Row rows[] = {
        {"Marie", "Dupont", "marie@example.com", "", "Liège", "4000", "Wallonie", "fr", {"vip"}},
        {"Jan",
         "Peeters",
         "jan@example.be",
         "Bakkerij Peeters",
         "Gent",
         "9000",
         "Vlaanderen",
         "nl",
         {}},
        {"Emily",
         "Smith",
         "emily@example.co.uk",
         "",
         "Bruxelles",
         "1000",
         "Bruxelles-Capitale",
         "en",
         {"vip", "b2b"}},
        {"Élise",
         "Lambert",
         "elise@example.fr",
         "100% Atelier",
         "Namur",
         "5000",
         "Wallonie",
         "fr",
         {"newsletter"}},
        {"Sofie",
         "Claes",
         "sofie@example.be",
         "",
         "Antwerpen",
         "2000",
         "Vlaanderen",
         "nl",
         {"b2b"}},
        {"Amélie", "Dupont", "amelie@example.fr", "", "Liège", "4020", "Wallonie", "fr", {}},
    };
    for (const auto& r : rows) {
      Client c;
      c.first_name = r.first;
      c.last_name = r.last;
      c.email = r.email;
      c.company = r.company;
      c.address.city = r.city;
      c.address.postal_code = r.postal;
      c.address.region = r.region;
      c.language = r.lang;
      c.tags = r.tags;
      auto created = store_.Create(c);
      ASSERT_OK(created) << created.status().ToString();
      ids_.push_back(created->id);
      now_ += 100;
    }
  }

  std::vector<std::string> Emails(const ClientListQuery& q, int64_t* total = nullptr) {
    auto page = store_.List(q);
    EXPECT_OK(page) << page.status().ToString();
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const auto& r : page->rows) out.push_back(r.client.email);
    if (total) *total = page->total;
    return out;
  }

  testing::TestDb tdb_;
  testing::CountingDatabase counting_{tdb_.db()};
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  ClientStore store_{counting_, registry_, [this] { return now_; }};
  std::vector<int64_t> ids_;
};

TEST_F(ClientListTest, OneStatementPerPageWithPluginColumnAndTags) {
  ClientListQuery q;
  q.per_page = 2;
  q.filters = {{"region", "Wallonie"}, {"parity", "odd"}};
  int before = counting_.statements.load();
  auto page = store_.List(q);
  ASSERT_OK(page) << page.status().ToString();
  // The sizes the host knows (one counter look-up each), then the page with its total.
  EXPECT_EQ(counting_.statements.load() - before, 2) << "sizes, then ONE statement";
  ASSERT_EQ(page->columns.size(), 1u);
  EXPECT_EQ(page->columns[0].key, "test-plugin.badge");
  // Wallonie: ids 1, 4, 6 -> odd: 1 only... ids are 1..6 in order of creation.
  int64_t expected_total = 0;
  for (size_t i = 0; i < ids_.size(); ++i) {
    bool wallonie = i == 0 || i == 3 || i == 5;
    if (wallonie && ids_[i] % 2 == 1) ++expected_total;
  }
  EXPECT_EQ(page->total, expected_total);
  for (const auto& row : page->rows) {
    ASSERT_EQ(row.column_values.size(), 1u);
    EXPECT_EQ(std::get<std::string>(row.column_values[0]), "B-" + std::to_string(row.client.id));
    EXPECT_EQ(row.client.address.region, "Wallonie");
  }
  auto all = store_.List(ClientListQuery{});
  ASSERT_OK(all);
  for (const auto& row : all->rows) {
    if (row.client.email == "emily@example.co.uk") {
      EXPECT_EQ(row.client.tags, (std::vector<std::string>{"b2b", "vip"}));
    }
  }
}

// Issue 15.7: a plugin column and a plugin filter carry the permission reading them needs. A
// viewer without it gets neither (not even computed) and is refused the filter; a token needs
// its owner's permission and the scope; the host's own filters stay open.
TEST_F(ClientListTest, PluginColumnAndFilterCarryTheirPermission) {
  auto keys = [](const ClientListPage& page) {
    std::vector<std::string> out;
    for (const auto& c : page.columns) out.push_back(c.key);
    return out;
  };
  auto filter_ids = [&](const crm::Principal& viewer) {
    std::vector<std::string> out;
    for (const auto& f : registry_.ListFilters("en", &viewer)) out.push_back(f.id);
    return out;
  };
  crm::Principal admin;
  admin.kind = crm::Principal::Kind::kAdmin;
  admin.permissions = {"clients.read"};
  ClientListQuery q;
  q.viewer = &admin;
  auto page = store_.List(q);
  ASSERT_OK(page);
  EXPECT_TRUE(keys(*page).empty());
  ASSERT_EQ(page->rows.size(), 6u);
  EXPECT_TRUE(page->rows[0].column_values.empty());
  auto ids = filter_ids(admin);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "parity"), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "region"), 1) << "the host's filters stay";
  q.filters = {{"parity", "even"}};
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kPermissionDenied);
  q.filters = {{"parity", "neither"}};
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kPermissionDenied)
      << "refused whatever the value";
  q.filters = {{"region", "Wallonie"}};
  EXPECT_EQ(Emails(q).size(), 3u);

  admin.permissions.push_back("test.read");
  q.filters = {{"parity", "even"}};
  page = store_.List(q);
  ASSERT_OK(page);
  EXPECT_EQ(keys(*page), std::vector<std::string>{"test-plugin.badge"});
  EXPECT_EQ(page->rows.size(), 3u);
  ids = filter_ids(admin);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "parity"), 1);

  crm::Principal token;
  token.kind = crm::Principal::Kind::kApiToken;
  token.permissions = {"clients.read", "test.read"};
  token.scopes = {"clients:read"};
  q.viewer = &token;
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kPermissionDenied)
      << "the owner's permission without the scope";
  token.scopes.push_back("test:read");
  EXPECT_OK(store_.List(q));
  token.permissions = {"clients.read"};
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kPermissionDenied)
      << "the scope without the owner's permission";
  crm::Principal client;
  client.kind = crm::Principal::Kind::kClient;
  q.filters.clear();
  q.viewer = &client;
  page = store_.List(q);
  ASSERT_OK(page);
  EXPECT_TRUE(keys(*page).empty());
}

TEST_F(ClientListTest, EveryHostFilter) {
  ClientListQuery q;
  q.sort = "email";
  q.filters = {{"region", "Wallonie"}};
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"amelie@example.fr", "elise@example.fr",
                                                 "marie@example.com"}));
  q.filters = {{"city", "Liège"}};
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"amelie@example.fr", "marie@example.com"}));
  q.filters = {{"postal_code", "4020"}};
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"amelie@example.fr"}));
  q.filters = {{"language", "nl"}};
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"jan@example.be", "sofie@example.be"}));
  q.filters = {{"tag", "vip"}};
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"emily@example.co.uk", "marie@example.com"}));
  q.filters = {{"tag", "vip"}, {"language", "fr"}};
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"marie@example.com"}));
  q.filters = {{"region", "Vlaanderen"}, {"parity", "even"}};
  for (const auto& e : Emails(q)) EXPECT_TRUE(e == "jan@example.be" || e == "sofie@example.be");
  q.filters = {{"city", "Nowhere"}};
  int64_t total = -1;
  EXPECT_TRUE(Emails(q, &total).empty());
  EXPECT_EQ(total, 0);
}

TEST_F(ClientListTest, BadQueriesAreInvalidArguments) {
  ClientListQuery q;
  q.filters = {{"no-such-filter", "x"}};
  auto r = store_.List(q);
  EXPECT_EQ(r.status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("no-such-filter"), std::string::npos);
  q.filters = {{"language", "de"}};
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kInvalidArgument);
  q.filters = {{"parity", "maybe"}};
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kInvalidArgument);
  q.filters.clear();
  q.sort = "password_hash";
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kInvalidArgument);
  q.sort = "last_name; DROP TABLE clients";
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kInvalidArgument);
  q.sort = "last_name";
  q.per_page = 201;
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kInvalidArgument);
  q.per_page = 0;
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kInvalidArgument);
  q.per_page = 10;
  q.page = 0;
  EXPECT_EQ(store_.List(q).status().code(), crm::StatusCode::kInvalidArgument);
}

TEST_F(ClientListTest, SortsAndPagination) {
  ClientListQuery q;
  q.sort = "last_name";
  auto names = [&](const ClientListQuery& query) {
    std::vector<std::string> out;
    auto page = store_.List(query);
    EXPECT_OK(page);
    for (const auto& r : page->rows) out.push_back(r.client.last_name + " " + r.client.first_name);
    return out;
  };
  EXPECT_EQ(names(q), (std::vector<std::string>{"Claes Sofie", "Dupont Amélie", "Dupont Marie",
                                                "Lambert Élise", "Peeters Jan", "Smith Emily"}));
  q.sort = "-created_at";
  EXPECT_EQ(names(q).front(), "Dupont Amélie");  // created last
  q.sort = "city";
  EXPECT_EQ(names(q).front(), "Claes Sofie");  // Antwerpen
  q.sort = "-email";
  EXPECT_EQ(names(q).front(), "Claes Sofie");  // sofie@...
  for (const auto& key : ClientStore::SortKeys()) {
    q.sort = key;
    EXPECT_OK(store_.List(q)) << key;
    q.sort = "-" + key;
    EXPECT_OK(store_.List(q)) << key;
  }

  q.sort = "last_name";
  q.per_page = 4;
  q.page = 2;
  int64_t total = 0;
  auto p2 = store_.List(q);
  ASSERT_OK(p2);
  EXPECT_EQ(p2->total, 6);
  ASSERT_EQ(p2->rows.size(), 2u);
  EXPECT_EQ(p2->rows[0].client.last_name, "Peeters");
  q.page = 3;  // past the end: no rows, but the total is still right
  auto p3 = store_.List(q);
  ASSERT_OK(p3);
  EXPECT_TRUE(p3->rows.empty());
  EXPECT_EQ(p3->total, 6);
  (void)total;
}

TEST_F(ClientListTest, SearchOverNamesEmailAndCompany) {
  ClientListQuery q;
  q.sort = "email";
  q.q = "dupont";
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"amelie@example.fr", "marie@example.com"}));
  q.q = "bakkerij";
  EXPECT_EQ(Emails(q), std::vector<std::string>{"jan@example.be"});
  q.q = "emily@";
  EXPECT_EQ(Emails(q), std::vector<std::string>{"emily@example.co.uk"});
  q.q = "upont";  // 3+ characters match anywhere in a name (schema 6, trigram index)
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"amelie@example.fr", "marie@example.com"}));
  q.q = "eeters";  // ... in the company ("Bakkerij Peeters") as in the last name
  EXPECT_EQ(Emails(q), std::vector<std::string>{"jan@example.be"});
  q.q = "example.co.";  // ... and in the email
  EXPECT_EQ(Emails(q), std::vector<std::string>{"emily@example.co.uk"});
  q.q = "ee";  // shorter words match the start of a column only
  EXPECT_TRUE(Emails(q).empty());
  q.q = "pe";
  EXPECT_EQ(Emails(q), std::vector<std::string>{"jan@example.be"});
  q.q = "Pee";
  EXPECT_EQ(Emails(q), std::vector<std::string>{"jan@example.be"});
  q.q = "\"quoted\" OR *";  // FTS5 syntax in the search is literal text
  EXPECT_TRUE(Emails(q).empty());
  q.q = "el ber";  // a short and a long word together: "elise@..." and "Lambert"
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"elise@example.fr"}));
  q.q = "DUP";
  EXPECT_EQ(Emails(q), (std::vector<std::string>{"amelie@example.fr", "marie@example.com"}));
  q.q = "marie dupont";  // every word must match
  EXPECT_EQ(Emails(q), std::vector<std::string>{"marie@example.com"});
  q.q = "100%";  // LIKE wildcards in the search are literal
  EXPECT_EQ(Emails(q), std::vector<std::string>{"elise@example.fr"});
  q.q = "_";
  EXPECT_TRUE(Emails(q).empty());
}

// Issue 10: accents and case folded in names, emails and companies, on both engines, whether the
// page starts from the word's matches (a rare word) or walks the sort order testing each row
// (a common one: set_page_limit 0 makes every word common).
TEST_F(ClientListTest, SearchFoldsAccentsOnBothForms) {
  Client c;
  c.first_name = "Zoë";
  c.last_name = "Lefèvre";
  c.email = "zl@example.org";
  c.company = "Brasserie Ñandú";
  ASSERT_OK(store_.Create(c));
  for (int64_t limit : {int64_t{10000}, int64_t{0}}) {
    store_.set_set_page_limit(limit);
    for (const char* q : {"lefevre", "LEFÈVRE", "lefèvre", "zoe", "nandu", "ÑANDU", "zoë lef"}) {
      ClientListQuery query;
      query.q = q;
      int64_t total = -1;
      EXPECT_EQ(Emails(query, &total), std::vector<std::string>{"zl@example.org"})
          << q << ", set page limit " << limit;
      EXPECT_EQ(total, 1) << q;
    }
    ClientListQuery elise;
    elise.q = "élise lambert";
    EXPECT_EQ(Emails(elise), std::vector<std::string>{"elise@example.fr"}) << limit;
    ClientListQuery upper;
    upper.q = "AMÉLIE";
    EXPECT_EQ(Emails(upper), std::vector<std::string>{"amelie@example.fr"}) << limit;
  }
}

// Issue 10: a total known from counters costs no count at all; a test that fails when a list's
// total falls back to counting rows.
TEST_F(ClientListTest, TotalsOfCountedFiltersComeFromCountersNotFromRows) {
  ClientListQuery all;
  auto page = store_.List(all);
  ASSERT_OK(page);
  EXPECT_EQ(page->total, static_cast<int64_t>(ids_.size()));
  EXPECT_TRUE(page->total_exact);
  EXPECT_NE(counting_.last_sql.find("client_counts"), std::string::npos) << counting_.last_sql;
  EXPECT_EQ(counting_.last_sql.find("COUNT("), std::string::npos) << counting_.last_sql;
  for (auto [filter, value, expected] :
       std::vector<std::tuple<std::string, std::string, int>>{{"region", "Wallonie", 3},
                                                              {"city", "Liège", 2},
                                                              {"postal_code", "9000", 1},
                                                              {"language", "nl", 2},
                                                              {"tag", "vip", 2},
                                                              {"tag", "none", 0}}) {
    ClientListQuery q;
    q.filters = {{filter, value}};
    auto p = store_.List(q);
    ASSERT_OK(p);
    EXPECT_EQ(p->total, expected) << filter << "=" << value;
    EXPECT_TRUE(p->total_exact);
    EXPECT_EQ(counting_.last_sql.find("COUNT("), std::string::npos)
        << filter << ": the page counted rows\n"
        << counting_.last_sql;
  }
  // The counters follow updates and deletions (triggers, in the same transaction).
  auto moved = store_.Get(ids_[0]);  // Marie, Wallonie, vip
  ASSERT_OK(moved);
  moved->address.region = "Vlaanderen";
  moved->tags = {"b2b"};
  ASSERT_OK(store_.Update(*moved));
  ASSERT_OK(store_.Delete(ids_[1]));  // Jan, Vlaanderen
  for (auto [filter, value, expected] :
       std::vector<std::tuple<std::string, std::string, int>>{{"region", "Wallonie", 2},
                                                              {"region", "Vlaanderen", 2},
                                                              {"tag", "vip", 1},
                                                              {"tag", "b2b", 3}}) {
    ClientListQuery q;
    q.filters = {{filter, value}};
    int64_t total = -1;
    Emails(q, &total);
    EXPECT_EQ(total, expected) << filter << "=" << value;
  }
  int64_t total = -1;
  Emails(all, &total);
  EXPECT_EQ(total, static_cast<int64_t>(ids_.size()) - 1);
}

// A search word's capped size (a trigram bitmap of every match on PostgreSQL) is asked there only
// when the word is the only term; SQLite asks it always (a rare word's page starts from it).
TEST(ClientListSizesQueryTest, ACappedSizeIsAskedOnPostgresqlOnlyForALoneTerm) {
  for (crm::SqlDialect dialect : {crm::SqlDialect::kPostgresql, crm::SqlDialect::kSqlite}) {
    const bool pg = dialect == crm::SqlDialect::kPostgresql;
    const std::string word_count = pg ? "search_folded" : "clients_search";
    ClientListConditions c;
    ASSERT_OK(AddClientSearch("bakker", dialect, c));
    SqlPart alone = ClientListSizesQuery(c, dialect);
    EXPECT_NE(alone.sql.find(word_count), std::string::npos) << alone.sql;
    ListTerm region;
    region.page = {" WHERE (c.region = ?)", {std::string("Wallonie")}};
    region.size = {"(SELECT 7)", {}};
    c.terms.push_back(region);
    SqlPart both = ClientListSizesQuery(c, dialect);
    EXPECT_NE(both.sql.find("(SELECT 7)"), std::string::npos) << both.sql;
    EXPECT_EQ(both.sql.find(word_count) == std::string::npos, pg) << both.sql;
    EXPECT_EQ(both.params.size(), pg ? 0u : alone.params.size()) << both.sql;
    auto row = crm::SqlRow({int64_t{100}, std::monostate{}, int64_t{7}});
    if (pg) {
      KnownSizes known = ReadKnownSizes(c, row);
      EXPECT_FALSE(known.kept[0].has_value());
      EXPECT_EQ(known.kept[1], 7);
    }
  }
}

// PlanClientListTotal's rules, from the sizes alone.
TEST(PlanClientListTotal, DecidesFromTheKnownSizes) {
  auto term = [](std::string name, bool complement = false) {
    ListTerm t;
    t.page = {" WHERE (page_" + name + ")", {}};
    t.set = {" WHERE (set_" + name + ")", {}};
    t.complement = complement;
    t.size = {"size", {}};
    return t;
  };
  auto sizes = [](int64_t clients, std::vector<std::optional<int64_t>> kept,
                  std::vector<bool> at_least = {}) {
    KnownSizes k;
    k.clients = clients;
    k.kept = std::move(kept);
    k.at_least = at_least.empty() ? std::vector<bool>(k.kept.size(), false) : at_least;
    return k;
  };
  ClientListConditions none;
  TotalPlan p = PlanClientListTotal(none, sizes(30000, {}), kInexactTotal);
  EXPECT_FALSE(p.known);
  EXPECT_NE(p.count.sql.find("client_counts"), std::string::npos);

  ClientListConditions one;
  one.terms = {term("a")};
  p = PlanClientListTotal(one, sizes(30000, {25000}), kInexactTotal);
  EXPECT_TRUE(p.known && p.exact);
  EXPECT_EQ(p.total, 25000);  // exact even past the bound: a counter is exact
  p = PlanClientListTotal(one, sizes(30000, {10000}, {true}), kInexactTotal);
  EXPECT_TRUE(p.known);
  EXPECT_FALSE(p.exact);  // a capped search count that reached the cap
  EXPECT_EQ(p.total, kInexactTotal);
  p = PlanClientListTotal(one, sizes(30000, {std::nullopt}), kInexactTotal);
  EXPECT_FALSE(p.known);
  EXPECT_TRUE(p.capped);
  EXPECT_NE(p.count.sql.find("page_a"), std::string::npos);

  ClientListConditions two;
  two.terms = {term("a"), term("b")};
  p = PlanClientListTotal(two, sizes(30000, {25000, 500}), kInexactTotal);
  EXPECT_FALSE(p.known);
  EXPECT_FALSE(p.capped);  // exact, from b's set, a tested on each of its rows
  EXPECT_NE(p.count.sql.find("set_b"), std::string::npos) << p.count.sql;
  EXPECT_NE(p.count.sql.find("page_a"), std::string::npos) << p.count.sql;
  p = PlanClientListTotal(two, sizes(30000, {25000, 0}), kInexactTotal);
  EXPECT_TRUE(p.known && p.exact);
  EXPECT_EQ(p.total, 0);
  p = PlanClientListTotal(two, sizes(30000, {25000, 24000}), kInexactTotal);
  EXPECT_TRUE(p.known);  // 25,000 + 24,000 - 30,000 = 19,000 proven: a bound
  EXPECT_FALSE(p.exact);
  EXPECT_EQ(p.total, kInexactTotal);
  p = PlanClientListTotal(two, sizes(30000, {20000, 15000}), kInexactTotal);
  EXPECT_FALSE(p.known);  // 5,000 proven only: counted up to the bound
  EXPECT_TRUE(p.capped);
  p = PlanClientListTotal(two, sizes(30000, {25000, std::nullopt}), kInexactTotal);
  EXPECT_TRUE(p.capped);
  p = PlanClientListTotal(two, sizes(30000, {25000, 500}), 100);  // a lower limit: capped
  EXPECT_TRUE(p.capped);
  EXPECT_EQ(p.count.sql.find("ORDER BY"), std::string::npos) << p.count.sql;

  // Issue 10 on PostgreSQL: a capped count takes each settable term's set (a complement keeps
  // its page form), and lets the planner join them.
  two.count_from_sets = true;
  two.terms[1].complement = true;
  p = PlanClientListTotal(two, sizes(30000, {20000, 15000}), kInexactTotal);
  EXPECT_TRUE(p.capped);
  EXPECT_NE(p.count.sql.find("FROM clients c WHERE ((set_a)) AND ((page_b)) LIMIT ?"),
            std::string::npos)
      << p.count.sql;
  two.count_from_sets = false;
  two.terms[1].complement = false;

  // Issue 10: a capped count walks the clients in id order on SQLite (forward probes)...
  two.walk_by_id = true;
  p = PlanClientListTotal(two, sizes(30000, {20000, 15000}), kInexactTotal);
  EXPECT_TRUE(p.capped);
  EXPECT_NE(
      p.count.sql.find("FROM clients c WHERE ((page_a)) AND ((page_b)) ORDER BY c.id LIMIT ?"),
      std::string::npos)
      << p.count.sql;
  // ...or a term's stream when it has one (the search), never its set built whole.
  two.terms[1].walk_from = " FROM stream s JOIN clients c ON c.id = s.rowid";
  two.terms[1].walk = {" WHERE (walk_b)", {int64_t{7}}};
  p = PlanClientListTotal(two, sizes(30000, {20000, 15000}), kInexactTotal);
  EXPECT_TRUE(p.capped);
  EXPECT_NE(
      p.count.sql.find(
          "FROM stream s JOIN clients c ON c.id = s.rowid WHERE ((page_a)) AND ((walk_b)) LIMIT ?"),
      std::string::npos)
      << p.count.sql;
  EXPECT_EQ(p.count.sql.find("set_b"), std::string::npos) << p.count.sql;
  ASSERT_EQ(p.count.params.size(), 2u);
  EXPECT_EQ(p.count.params[0], crm::SqlValue(int64_t{7}));
  EXPECT_EQ(p.count.params[1], crm::SqlValue(kInexactTotal));

  // Issue 10: with every term's id stream, one merge of the streams, the sets first, each
  // complement taken out after them, and nothing tested per row.
  ClientListConditions three;
  three.merge_ids = true;
  three.walk_by_id = true;
  three.terms = {term("a", true), term("b"), term("c")};
  three.terms[0].ids = {"SELECT ids_a", {int64_t{1}}};
  three.terms[1].ids = {"SELECT ids_b", {int64_t{2}}};
  three.terms[2].ids = {"SELECT ids_c", {int64_t{3}}};
  p = PlanClientListTotal(three, sizes(30000, {20000, 15000, 20000}), kInexactTotal);
  EXPECT_TRUE(p.capped);
  EXPECT_EQ(p.count.sql,
            "(SELECT COUNT(*) FROM (SELECT ids_b INTERSECT SELECT ids_c EXCEPT SELECT ids_a"
            " ORDER BY 1 LIMIT ?) AS capped)");
  EXPECT_EQ(p.count.params, (crm::SqlParams{int64_t{2}, int64_t{3}, int64_t{1}, kInexactTotal}));
  // Only complements: every client, minus each set.
  three.terms[1].complement = three.terms[2].complement = true;
  p = PlanClientListTotal(three, sizes(30000, {20000, 15000, 20000}), kInexactTotal);
  EXPECT_NE(p.count.sql.find("FROM (SELECT c.id FROM clients c EXCEPT SELECT ids_a EXCEPT"),
            std::string::npos)
      << p.count.sql;
  // A term without a stream: the per-row walk, as before; so without merge_ids (PostgreSQL).
  three.terms[1].ids = {};
  p = PlanClientListTotal(three, sizes(30000, {20000, 15000, 20000}), kInexactTotal);
  EXPECT_EQ(p.count.sql.find("INTERSECT"), std::string::npos) << p.count.sql;
  EXPECT_EQ(p.count.sql.find("EXCEPT"), std::string::npos) << p.count.sql;
  EXPECT_NE(p.count.sql.find("ORDER BY c.id LIMIT ?"), std::string::npos) << p.count.sql;
  three.terms[1].ids = {"SELECT ids_b", {}};
  three.merge_ids = false;
  p = PlanClientListTotal(three, sizes(30000, {20000, 15000, 20000}), kInexactTotal);
  EXPECT_EQ(p.count.sql.find("EXCEPT"), std::string::npos) << p.count.sql;
}

// The plan of `sql`, one line per step. On PostgreSQL the planner is told to avoid sorts and
// table scans (SET LOCAL, so only this transaction), so "Sort" or "Seq Scan" left in the plan
// means that no index can answer it; on SQLite, EXPLAIN QUERY PLAN's detail column.
std::string PlanText(testing::TestDb& tdb, const std::string& sql, const crm::SqlParams& params) {
  std::string text;
  if (!tdb.postgresql()) {
    auto plan = tdb.db().QueryAll("EXPLAIN QUERY PLAN " + sql, params);
    EXPECT_OK(plan) << plan.status().ToString();
    if (plan.ok()) {
      for (const auto& r : *plan) text += r.Text(3) + "\n";
    }
    return text;
  }
  crm::Status s = tdb.db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_seqscan = off").status());
    CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_sort = off").status());
    CRM_ASSIGN_OR_RETURN(auto plan, tx.QueryAll("EXPLAIN " + sql, params));
    for (const auto& r : plan) text += r.Text(0) + "\n";
    return crm::Status::Ok();
  });
  EXPECT_OK(s) << s.ToString();
  return text;
}

// Whether the plan sorts the rows itself instead of walking an index in order. PostgreSQL's
// indexes do not end with the id as SQLite's do (the rowid), so the tie-break on c.id shows as an
// "Incremental Sort" over the index's order: rows already sorted but for equal names, which a
// LIMIT stops early; only a full "Sort" reads every match.
// PostgreSQL: the plan from the page's Limit down. The page's rows are chosen in a subquery
// (ClientStore::PageFrom) and sorted again above it: that Sort orders per_page + 1 rows.
std::string BelowTheLimit(const std::string& plan) {
  const size_t limit = plan.find("Limit  (");
  return limit == std::string::npos ? plan : plan.substr(limit);
}

bool SortsEveryRow(testing::TestDb& tdb, const std::string& plan) {
  if (!tdb.postgresql()) return plan.find("TEMP B-TREE") != std::string::npos;
  const std::string below = BelowTheLimit(plan);
  return below.find("->  Sort  (") != std::string::npos || below.rfind("Sort  (", 0) == 0;
}

TEST_F(ClientListTest, SortsWalkAnIndexInsteadOfSorting) {
  for (int i = 0; i < 200; ++i) {
    Client c;
    c.last_name = "Gen" + std::to_string(i);
    c.email = "gen" + std::to_string(i) + "@example.org";
    c.address.city = i % 2 ? "Gent" : "Namur";
    ASSERT_OK(store_.Create(c));
  }
  ASSERT_OK(tdb_.db().Exec("ANALYZE"));
  for (const char* sort : {"last_name", "-last_name", "first_name", "email", "city", "postal_code",
                           "region", "language", "-city", "-created_at", "id", "-id"}) {
    ClientListQuery q;
    q.sort = sort;
    ASSERT_OK(store_.List(q));
    std::string text = PlanText(tdb_, counting_.last_sql, counting_.last_params);
    EXPECT_FALSE(SortsEveryRow(tdb_, text)) << sort << ":\n" << text;
    // PostgreSQL: these walk (column, id) (schema 21) with no sort step at all. Over a (column)
    // index the tie-break on c.id is an Incremental Sort of every client of one value: a whole
    // city, 50,000 clients at a million, for one page.
    const std::string key(sort[0] == '-' ? sort + 1 : sort);
    if (tdb_.postgresql() &&
        (key == "city" || key == "postal_code" || key == "region" || key == "language")) {
      EXPECT_EQ(BelowTheLimit(text).find("Sort"), std::string::npos) << sort << ":\n" << text;
    }
  }
  // The search is answered by indexes, never by scanning the table: a word of 3+
  // characters by the trigram index (schema 6), a shorter one by the NOCASE index
  // ranges (MULTI-INDEX OR).
  auto plan_of_search = [&](const std::string& q, int64_t expected_total) {
    ClientListQuery search;
    search.q = q;
    auto found = store_.List(search);
    EXPECT_OK(found);
    if (found.ok()) {
      EXPECT_EQ(found->total, expected_total) << q;
    }
    std::string text = PlanText(tdb_, counting_.last_sql, counting_.last_params);
    if (tdb_.postgresql()) {
      EXPECT_EQ(text.find("Seq Scan on clients"), std::string::npos) << "a table scan:\n" << text;
    } else {
      EXPECT_EQ(text.find("SCAN c\n"), std::string::npos) << "a table scan:\n" << text;
      EXPECT_EQ(text.find("SCAN c USING"), std::string::npos) << "a table scan:\n" << text;
    }
    return text;
  };
  std::string long_word = plan_of_search("en1", 111);  // Gen1, Gen10..19, Gen100..199
  const char* trigram =
      tdb_.postgresql() ? "clients_search_folded_trgm" : "clients_search VIRTUAL TABLE INDEX";
  // SQLite's page starts from the word's matches (a rare word). PlanText forbids PostgreSQL to
  // sort, so its page walks the name index instead; the word's capped count, asked before the
  // page, must come from the trigram index on both.
  if (!tdb_.postgresql()) {
    EXPECT_NE(long_word.find(trigram), std::string::npos) << long_word;
    // Its ids sorted first, the columns then computed for the page's rows alone.
    EXPECT_NE(long_word.find("MATERIALIZE page"), std::string::npos) << long_word;
  }
  ClientListConditions word;
  ASSERT_OK(AddClientSearch("en1", tdb_.db().Dialect(), word));
  SqlPart sizes = ClientListSizesQuery(word);
  std::string count_plan = PlanText(tdb_, sizes.sql, sizes.params);
  EXPECT_NE(count_plan.find(trigram), std::string::npos) << count_plan;
  std::string short_word = plan_of_search("ge", 200);
  EXPECT_NE(short_word.find(tdb_.postgresql() ? "BitmapOr" : "MULTI-INDEX OR"), std::string::npos)
      << short_word;
}

TEST_F(ClientListTest, OneHostFilterWithTheDefaultSortWalksAnIndex) {
  const char* regions[] = {"Wallonie", "Vlaanderen", "Bruxelles-Capitale"};
  const char* cities[] = {"Namur", "Gent", "Bruxelles", "Liège"};
  for (int i = 0; i < 400; ++i) {
    Client c;
    c.last_name = "Gen" + std::to_string(i);
    c.email = "filter" + std::to_string(i) + "@example.org";
    c.address.region = regions[i % 3];
    c.address.city = cities[i % 4];
    c.address.postal_code = std::to_string(1000 + i % 7);
    c.language = i % 2 ? "fr" : "nl";
    ASSERT_OK(store_.Create(c));
  }
  ASSERT_OK(tdb_.db().Exec("ANALYZE"));
  for (auto [filter, value] : std::vector<std::pair<std::string, std::string>>{
           {"region", "Wallonie"}, {"city", "Gent"}, {"postal_code", "1003"}, {"language", "fr"}}) {
    ClientListQuery q;
    q.filters = {{filter, value}};
    ASSERT_OK(store_.List(q));
    std::string text = PlanText(tdb_, counting_.last_sql, counting_.last_params);
    EXPECT_FALSE(SortsEveryRow(tdb_, text)) << filter << ":\n" << text;
    // The (filter, last name, first name) index of schema 5: on a million clients the
    // planner otherwise takes the filter's own index and sorts every match.
    EXPECT_NE(text.find("clients_" + filter + "_name"), std::string::npos) << filter << ":\n"
                                                                           << text;
  }
}

TEST_F(ClientListTest, ForEachStreamsEveryMatchingRow) {
  ClientListQuery q;
  q.filters = {{"region", "Vlaanderen"}};
  q.sort = "email";
  std::vector<std::string> keys;
  std::vector<std::string> emails;
  ASSERT_OK(store_.ForEach(
      q,
      [&](const std::vector<ClientListColumn>& cols) {
        for (const auto& c : cols) keys.push_back(c.key);
      },
      [&](const ClientListRow& row) {
        emails.push_back(row.client.email);
        return true;
      }));
  EXPECT_EQ(keys, std::vector<std::string>{"test-plugin.badge"});
  EXPECT_EQ(emails, (std::vector<std::string>{"jan@example.be", "sofie@example.be"}));
}

// Host API 1.2: a filter source with a counting form. "without_tag=T" keeps the clients
// without tag T; the page gets a NOT EXISTS, the total a set with complement = true, so
// the host counts (rows) - (rows with T), by inclusion-exclusion for several of them.
class ComplementCountTest : public ClientListTest {
 protected:
  void SetUp() override {
    ClientListTest::SetUp();
    StagingRegistrar plugin("count-plugin");
    crm::ListFilterSource src;
    src.id = "without";
    src.list = [](std::string_view) { return std::vector<crm::FilterDef>{}; };
    src.predicate = [](std::string_view id,
                       std::string_view value) -> crm::Result<crm::SqlPredicate> {
      if (id.substr(0, 12) != "without_tag.") return crm::NotFound("not mine");
      if (value != "yes") return crm::InvalidArgument("yes only");
      return crm::SqlPredicate{
          "NOT EXISTS (SELECT 1 FROM client_tags t WHERE t.client_id = c.id AND t.tag = ?)",
          {std::string(id.substr(12))}};
    };
    ASSERT_OK(plugin.AddListFilterSource(src));
    crm::ListFilterCount count;
    count.source_id = "without";
    count.count = [this](std::string_view id,
                         std::string_view) -> crm::Result<crm::FilterCountPredicate> {
      ++count_calls_;
      if (id == "without_tag.uncounted") return crm::NotFound("count with the page predicate");
      return crm::FilterCountPredicate{
          {"c.id IN (SELECT t.client_id FROM client_tags t WHERE t.tag = ?)",
           {std::string(id.substr(12))}},
          true};
    };
    ASSERT_OK(plugin.AddListFilterCount(count));
    ASSERT_OK(registry_.Commit(plugin.Take()));
  }

  // The expected total, counted here row by row.
  int64_t Expected(const std::vector<std::string>& without, const std::string& region = "") {
    int64_t n = 0;
    for (int64_t id : ids_) {
      auto c = store_.Get(id);
      EXPECT_OK(c);
      if (!region.empty() && c->address.region != region) continue;
      bool keep = true;
      for (const auto& t : without) {
        if (std::find(c->tags.begin(), c->tags.end(), t) != c->tags.end()) keep = false;
      }
      if (keep) ++n;
    }
    return n;
  }

  int count_calls_ = 0;
};

TEST_F(ComplementCountTest, TotalsMatchTheRowsForOneToFiveComplements) {
  // Tags: Marie vip; Emily vip, b2b; Elise newsletter; Sofie b2b; Jan and Amelie none.
  const std::vector<std::vector<std::string>> cases = {
      {"vip"},
      {"vip", "b2b"},
      {"vip", "b2b", "newsletter"},
      {"vip", "b2b", "newsletter", "none"},  // a fourth complement goes through NOT (set)
      {"vip", "b2b", "newsletter", "none", "vip"}};
  // Limit 0: always the sets and inclusion-exclusion; the default: few clients, so a
  // probe per client with the page predicates. Both must give the same totals.
  for (int64_t limit : {int64_t{0}, int64_t{100000}})
    for (const auto& without : cases) {
      for (const std::string region : {"", "Wallonie"}) {
        store_.set_exact_count_limit(limit);
        ClientListQuery q;
        q.per_page = 1;  // the total must not depend on the page
        for (const auto& t : without) q.filters.push_back({"without_tag." + t, "yes"});
        if (!region.empty()) q.filters.push_back({"region", region});
        int before = counting_.statements.load();
        int64_t total = -1;
        std::vector<std::string> page = Emails(q, &total);
        EXPECT_EQ(counting_.statements.load() - before, 2) << "sizes, then one statement";
        EXPECT_EQ(total, Expected(without, region))
            << without.size() << " complements, region " << region << ", probe limit " << limit;
        EXPECT_EQ(page.size(), total > 0 ? 1u : 0u);
      }
    }
  EXPECT_GT(Expected({"vip", "b2b"}), 0);
  EXPECT_LT(Expected({"vip", "b2b"}), Expected({"vip"}));
}

TEST_F(ComplementCountTest, PastTheLastPageTheTotalUsesTheSameCount) {
  store_.set_exact_count_limit(0);
  ClientListQuery q;
  q.page = 50;
  q.filters = {{"without_tag.vip", "yes"}, {"without_tag.b2b", "yes"}};
  auto page = store_.List(q);
  ASSERT_OK(page) << page.status().ToString();
  EXPECT_TRUE(page->rows.empty());
  EXPECT_EQ(page->total, Expected({"vip", "b2b"}));
}

TEST_F(ComplementCountTest, NotFoundFromTheCounterCountsWithThePagePredicate) {
  ClientListQuery q;
  q.filters = {{"without_tag.uncounted", "yes"}, {"region", "Vlaanderen"}};
  int64_t total = -1;
  Emails(q, &total);
  EXPECT_EQ(total, 2);
  EXPECT_GT(count_calls_, 0);
}

TEST_F(ComplementCountTest, FewClientsAreCountedByProbingManyBySets) {
  ClientListQuery q;
  q.filters = {{"without_tag.vip", "yes"}, {"region", "Wallonie"}};
  // Both branches are in the one statement; the base count (3 Wallonie clients) against
  // the limit decides which runs. Each must give the row-by-row total.
  store_.set_exact_count_limit(100000);
  int64_t probed = -1, by_sets = -1;
  int before = counting_.statements.load();
  Emails(q, &probed);
  EXPECT_EQ(counting_.statements.load() - before, 2);
  store_.set_exact_count_limit(0);
  Emails(q, &by_sets);
  EXPECT_EQ(probed, by_sets);
  EXPECT_EQ(probed, Expected({"vip"}, "Wallonie"));
}

// Issue 10: a count up to the bound merges the terms' id streams on SQLite (region's index, the
// tags' (tag, client_id), the search's FTS rowids, a counting form's "c.id IN (SELECT ...)"):
// every stream read forward from its index, no set built whole, no sort, nothing probed per row.
TEST_F(ComplementCountTest, CountsUpToTheBoundMergeIdStreamsReadInIndexOrder) {
  ASSERT_OK(tdb_.db().Exec("ANALYZE"));
  struct Case {
    std::vector<std::pair<std::string, std::string>> filters;
    std::string q;
  };
  const std::vector<Case> cases = {
      {{{"region", "Wallonie"}, {"without_tag.vip", "yes"}}, ""},
      {{{"tag", "b2b"}, {"without_tag.vip", "yes"}}, ""},
      {{{"without_tag.vip", "yes"}, {"without_tag.b2b", "yes"}}, ""},
      {{{"language", "fr"}, {"region", "Wallonie"}, {"without_tag.newsletter", "yes"}}, ""},
      {{{"region", "Vlaanderen"}}, "example"},
      {{{"without_tag.b2b", "yes"}}, "example.be"},
  };
  store_.set_count_with_sets(false);  // the merged count itself (client_sets_test.cc: the sets)
  for (const Case& c : cases) {
    ClientListQuery q;
    q.filters = c.filters;
    q.q = c.q;
    int64_t rows = 0;  // row by row: every client the page's own tests keep
    ASSERT_OK(store_.ForEach(
        q, [](const std::vector<ClientListColumn>&) {},
        [&](const ClientListRow&) { return ++rows > 0; }));
    q.per_page = 1;
    store_.set_exact_count_limit(0);  // as past 10,000 matches: counted up to the bound
    store_.set_set_page_limit(0);     // the page walks the name index, testing each row
    int64_t merged = -1;
    Emails(q, &merged);
    const std::string what = c.q + " " + c.filters[0].first + " " + c.filters.back().first;
    EXPECT_EQ(merged, rows) << what;
    EXPECT_GT(merged, 0) << what;
    std::string plan = PlanText(tdb_, counting_.last_sql, counting_.last_params);
    if (tdb_.postgresql()) continue;  // PostgreSQL counts as before (client_list_sql.h)
    EXPECT_NE(plan.find("MERGE ("), std::string::npos) << what << ":\n" << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << what << ":\n" << plan;
    if (c.filters[0].first != "tag") {  // the tag's page test is itself "c.id IN (...)"
      EXPECT_EQ(plan.find("LIST SUBQUERY"), std::string::npos) << what << ":\n" << plan;
    }
  }
}

// SQLite: a capped total that merges id streams is counted by blocks of ids on two threads
// (client_list_count.h). The blocks add up to the total of the one statement, exact below the
// bound and "10000+" past it; PostgreSQL counts in the page's statement either way.
TEST_F(ComplementCountTest, ASplitCountAddsItsBlocksUpToTheSameTotal) {
  ASSERT_OK(tdb_.db().Exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)"
      " INSERT INTO clients (first_name, last_name, email, region, created_at, updated_at)"
      " SELECT 'B' || i, 'Bulk', 'bulk' || i || '@example.test', 'Bulk', 1, 1 FROM n"));
  ASSERT_OK(
      tdb_.db().Exec("INSERT INTO client_tags (client_id, tag) SELECT id, 'b2b' FROM clients"
                     " WHERE region = 'Bulk' AND id % 4 = 0"));
  ASSERT_OK(tdb_.db().Exec("ANALYZE"));
  const bool pg = tdb_.postgresql();
  struct Case {
    std::vector<std::pair<std::string, std::string>> filters;
    std::string q;
    int64_t total;  // kInexactTotal: "10000+"
  };
  const std::vector<Case> cases = {
      {{{"region", "Wallonie"}, {"without_tag.vip", "yes"}}, "", Expected({"vip"}, "Wallonie")},
      {{{"region", "Bulk"}, {"tag", "b2b"}}, "", 7500},
      {{{"region", "Bulk"}, {"without_tag.b2b", "yes"}}, "", kInexactTotal},
      {{{"without_tag.vip", "yes"}, {"without_tag.b2b", "yes"}}, "", kInexactTotal},
  };
  store_.set_exact_count_limit(0);  // as past 10,000 matches: counted up to the bound
  store_.set_set_page_limit(0);
  store_.set_count_with_sets(false);  // the merged count itself (client_sets_test.cc: the sets)
  for (const Case& c : cases) {
    const std::string what = c.q + " " + c.filters[0].first + " " + c.filters.back().first;
    for (int64_t from : {int64_t{0}, int64_t{1}}) {
      store_.set_split_counts_from(from);
      ClientListQuery q;
      q.filters = c.filters;
      q.q = c.q;
      q.per_page = 2;
      int before = counting_.statements.load();
      auto page = store_.List(q);
      ASSERT_OK(page) << what;
      EXPECT_EQ(page->total, c.total) << what << ", split from " << from;
      EXPECT_EQ(page->total_exact, c.total < kInexactTotal) << what << ", split from " << from;
      EXPECT_EQ(page->rows.size(), 2u) << what;
      // Sizes, the page; split: two blocks (30,000 ids), the second not needed past the bound
      // when the first reached it alone.
      const int statements = counting_.statements.load() - before;
      if (pg || from == 0) {
        EXPECT_EQ(statements, 2) << what << ", split from " << from;
      } else {
        EXPECT_GE(statements, 3) << what;
        EXPECT_LE(statements, 4) << what;
      }
    }
  }
}

// A counting form "c.id IN (S)" whose S names the client row is correlated: it cannot be a
// stream of its own, so the merge reads it as a test of each client (in id order).
TEST_F(ComplementCountTest, ACorrelatedCountingSubqueryIsTestedPerClient) {
  StagingRegistrar plugin("correlated-plugin");
  crm::ListFilterSource src;
  src.id = "tagged_as_city";
  src.list = [](std::string_view) { return std::vector<crm::FilterDef>{}; };
  const std::string sql =
      "c.id IN (SELECT t.client_id FROM client_tags t WHERE t.client_id = c.id AND t.tag <> ?)";
  src.predicate = [sql](std::string_view id, std::string_view) -> crm::Result<crm::SqlPredicate> {
    if (id != "tagged_but_not") return crm::NotFound("not mine");
    return crm::SqlPredicate{sql, {std::string("vip")}};
  };
  ASSERT_OK(plugin.AddListFilterSource(src));
  crm::ListFilterCount count;
  count.source_id = "tagged_as_city";
  count.count = [sql](std::string_view id,
                      std::string_view) -> crm::Result<crm::FilterCountPredicate> {
    if (id != "tagged_but_not") return crm::NotFound("not mine");
    return crm::FilterCountPredicate{{sql, {std::string("vip")}}, false};
  };
  ASSERT_OK(plugin.AddListFilterCount(count));
  ASSERT_OK(registry_.Commit(plugin.Take()));
  ClientListQuery q;
  q.filters = {{"tagged_but_not", "vip"}, {"without_tag.newsletter", "yes"}};
  store_.set_exact_count_limit(0);
  int64_t total = -1;
  Emails(q, &total);
  EXPECT_EQ(total, 2);  // Emily (b2b) and Sofie (b2b): a tag other than vip, no newsletter
}

TEST_F(ComplementCountTest, TheCounterIsAskedOnlyForItsOwnSourcesFilters) {
  ClientListQuery q;
  q.filters = {{"parity", "odd"}};
  Emails(q);
  EXPECT_EQ(count_calls_, 0);
}

}  // namespace
}  // namespace host

namespace host {
namespace {

TEST(BulkSeed, InsertsUniqueClientsAndKeepsEveryIndex) {
  testing::TestDb tdb;
  const std::string schema_objects =
      tdb.postgresql()
          ? "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
          : "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name";
  auto before = tdb.db().QueryAll(schema_objects);
  ASSERT_OK(before);
  auto n = SeedBulkClients(tdb.db(), 12000, 1700000000);  // above the drop-and-rebuild threshold
  ASSERT_OK(n) << n.status().ToString();
  EXPECT_EQ(*n, 12000);
  auto count = tdb.db().QueryOne("SELECT COUNT(*), COUNT(DISTINCT lower(email)) FROM clients");
  EXPECT_EQ((*count)->Int(0), 12000);
  EXPECT_EQ((*count)->Int(1), 12000);
  auto after = tdb.db().QueryAll(schema_objects);
  ASSERT_OK(after);
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    EXPECT_EQ((*after)[i].Text(0), (*before)[i].Text(0));
    EXPECT_EQ((*after)[i].Text(1), (*before)[i].Text(1));
  }
  auto tags = tdb.db().QueryOne("SELECT COUNT(*) FROM client_tags");
  EXPECT_GT((*tags)->Int(0), 1000);  // about one client in five has a tag
  // The counters of schema 15 match the rows: kept by statement-level triggers on PostgreSQL
  // (10,000 clients per statement), counted again after the load on SQLite.
  auto counted = tdb.db().QueryOne(
      "SELECT (SELECT n FROM client_counts WHERE kind = '' AND value = ''),"
      " (SELECT CAST(SUM(n) AS BIGINT) FROM client_counts WHERE kind = 'region'),"
      " (SELECT COUNT(*) FROM client_counts k WHERE k.kind = 'region'"
      "  AND k.n <> (SELECT COUNT(*) FROM clients c WHERE c.region = k.value)),"
      " (SELECT COUNT(*) FROM client_counts k WHERE k.kind = 'tag'"
      "  AND k.n <> (SELECT COUNT(*) FROM client_tags t WHERE t.tag = k.value))");
  ASSERT_OK(counted) << counted.status().ToString();
  EXPECT_EQ((*counted)->Int(0), 12000);
  EXPECT_EQ((*counted)->Int(1), 12000);
  EXPECT_EQ((*counted)->Int(2), 0);
  EXPECT_EQ((*counted)->Int(3), 0);
  // Every seeded client is in the sets of schema 24, with its region and its language (the
  // triggers dropped on SQLite did not insert their changes: the seed does).
  for (auto [key, column] : std::vector<std::pair<std::string, std::string>>{
           {"clients", "'clients'"},
           {"region:", "'region:' || c.region"},
           {"language:", "'language:' || c.language"}}) {
    auto members = tdb.db().QueryOne(
        "SELECT COUNT(DISTINCT c.id) FROM client_set_changes s JOIN clients c ON c.id = "
        "s.client_id WHERE s.member = 1 AND s.set_key = " +
        column);
    ASSERT_OK(members) << members.status().ToString();
    EXPECT_EQ((*members)->Int(0), 12000) << key;
  }
  if (tdb.postgresql()) {
    // The identity goes on after the given ids: the next client gets a new one.
    auto next = tdb.db().QueryOne(
        "INSERT INTO clients (first_name, email, created_at, updated_at) "
        "VALUES ('Next', 'next@example.com', 1, 1) RETURNING id");
    ASSERT_OK(next) << next.status().ToString();
    EXPECT_EQ((*next)->Int(0), 12001);
    return;  // the rest reads SQLite's own structures
  }
  auto integrity = tdb.db().QueryOne("PRAGMA integrity_check");
  EXPECT_EQ((*integrity)->Text(0), "ok");
  // The search index was rebuilt over every seeded client, and its triggers are back.
  auto indexed = tdb.db().QueryOne(
      "SELECT COUNT(*) FROM clients_search WHERE clients_search MATCH '\"example.org\"'");
  ASSERT_OK(indexed) << indexed.status().ToString();
  EXPECT_EQ((*indexed)->Int(0), 12000);
  auto fts_integrity =
      tdb.db().Exec("INSERT INTO clients_search (clients_search) VALUES ('integrity-check')");
  EXPECT_OK(fts_integrity) << fts_integrity.status().ToString();
}

TEST_F(ClientListTest, SearchIndexFollowsUpdatesAndDeletions) {
  ClientListQuery q;
  q.q = "Lambert";
  ASSERT_EQ(Emails(q), std::vector<std::string>{"elise@example.fr"});
  auto elise = store_.Get(ids_[3]);
  ASSERT_OK(elise);
  Client changed = *elise;
  changed.last_name = "Vandenbroucke";
  changed.company = "Atelier Lumière";
  ASSERT_OK(store_.Update(changed));
  EXPECT_TRUE(Emails(q).empty()) << "the old name is still indexed";
  q.q = "denbrou";
  EXPECT_EQ(Emails(q), std::vector<std::string>{"elise@example.fr"});
  q.q = "Lumière";
  EXPECT_EQ(Emails(q), std::vector<std::string>{"elise@example.fr"});
  ASSERT_OK(store_.Delete(ids_[3]));
  q.q = "denbrou";
  EXPECT_TRUE(Emails(q).empty()) << "a deleted client is still indexed";
  if (tdb_.postgresql()) return;  // an expression index: PostgreSQL keeps it, nothing to check
  auto fts_integrity =
      tdb_.db().Exec("INSERT INTO clients_search (clients_search) VALUES ('integrity-check')");
  EXPECT_OK(fts_integrity) << fts_integrity.status().ToString();
}

}  // namespace
}  // namespace host

namespace host {
namespace {

TEST(HostFilterSource, ListsChoicesFromTheDataAndTranslatedLabels) {
  testing::TestDb tdb;
  HookRegistry registry;
  ClientStore store(tdb.db(), registry, [] { return int64_t{1}; });
  Client c;
  c.last_name = "Dupont";
  c.address.region = "Wallonie";
  c.address.city = "Namur";
  c.tags = {"vip"};
  ASSERT_OK(store.Create(c));
  auto src =
      ClientStore::HostFilterSource(tdb.db(), [](std::string_view lang, std::string_view key) {
        return std::string(lang) + ":" + std::string(key);
      });
  auto defs = src.list("fr");
  std::map<std::string, crm::FilterDef> by_id;
  for (auto& d : defs) by_id[d.id] = d;
  ASSERT_EQ(by_id.size(), 5u);
  EXPECT_EQ(by_id["region"].label, "fr:app.filter.region");
  ASSERT_EQ(by_id["region"].choices.size(), 1u);
  EXPECT_EQ(by_id["region"].choices[0].value, "Wallonie");
  EXPECT_EQ(by_id["city"].choices[0].value, "Namur");
  EXPECT_EQ(by_id["tag"].choices[0].value, "vip");
  EXPECT_EQ(by_id["language"].choices.size(), 3u);
  EXPECT_TRUE(by_id["postal_code"].choices.empty());  // free text
  EXPECT_EQ(src.predicate("doc.3", "uploaded").status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(src.predicate("language", "xx").status().code(), crm::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace host
