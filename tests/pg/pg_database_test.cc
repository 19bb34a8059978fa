// tests/pg/pg_database_test.cc — host::PgDatabase against a real PostgreSQL 15 started by
// .ci/pg (CTest fixture `pg`, URL in CRM_TEST_PG_URL): values, errors, transactions,
// serialization retries, LastInsertId, early stop, and recovery from a killed connection.
#include "sample-host/core/pg_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(NumberPlaceholdersTest, NumbersOnlyRealPlaceholders) {
  int n = 0;
  EXPECT_EQ(NumberPlaceholders("SELECT a FROM t WHERE a = ? AND b = ?", &n),
            "SELECT a FROM t WHERE a = $1 AND b = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(NumberPlaceholders("SELECT '?', \"?\", 'it''s ?' -- ?\n, ? /* ? */", &n),
            "SELECT '?', \"?\", 'it''s ?' -- ?\n, $1 /* ? */");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(NumberPlaceholders("SELECT $$ ? $$, $f$ ? $f$, ?", &n),
            "SELECT $$ ? $$, $f$ ? $f$, $1");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(NumberPlaceholders("SELECT $1", &n), "SELECT $1");
  EXPECT_EQ(n, 0);
}

class PgDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("CRM_TEST_PG_URL");
    // No silent skip: without the fixture's server this test fails and says why.
    ASSERT_NE(url, nullptr) << "CRM_TEST_PG_URL is not set: run through CTest (fixture pg, .ci/pg)";
    url_ = url;
    auto db = PgDatabase::Open(url_);
    ASSERT_OK(db);
    db_ = std::move(db).value();
    table_ = std::string("t_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : table_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + table_));
  }
  void TearDown() override {
    if (db_) (void)db_->Exec("DROP TABLE IF EXISTS " + table_);
  }

  std::string url_;
  std::string table_;
  std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgDatabaseTest, ValuesRoundTrip) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ +
                      " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, i bigint, r double "
                      "precision, s text, b boolean, m numeric(10,2), d date)"));
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " (i, r, s, b, m, d) VALUES (?, ?, ?, ?, ?, ?)",
                      {int64_t{-9007199254740993}, 0.1, std::string("Élise ? 'x'"),
                       std::string("true"), std::string("1234.50"), std::string("2026-12-31")}));
  EXPECT_EQ(db_->LastInsertId(), 1);
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " (i) VALUES (?)", {std::monostate{}}));
  EXPECT_EQ(db_->LastInsertId(), 2);
  auto rows = db_->QueryAll("SELECT i, r, s, b, m, d, id FROM " + table_ + " ORDER BY id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  const crm::SqlRow& r = (*rows)[0];
  EXPECT_EQ(r.Int(0), -9007199254740993);
  EXPECT_DOUBLE_EQ(r.Real(1), 0.1);
  EXPECT_EQ(r.Text(2), "Élise ? 'x'");
  EXPECT_EQ(r.Int(3), 1);
  EXPECT_DOUBLE_EQ(r.Real(4), 1234.5);
  EXPECT_EQ(r.Text(5), "2026-12-31");
  EXPECT_TRUE((*rows)[1].IsNull(0));
  EXPECT_TRUE((*rows)[1].IsNull(2));
}

// The host's connections cost a random page 1.1 (memory or SSD) where nothing else set it, and
// keep a value the server, database, role or connection string sets.
TEST_F(PgDatabaseTest, RandomPageCostIsLowUnlessSetElsewhere) {
  auto shown = db_->QueryOne("SHOW random_page_cost", {});
  ASSERT_OK(shown);
  auto source = db_->QueryOne("SELECT source FROM pg_settings WHERE name = 'random_page_cost'", {});
  ASSERT_OK(source);
  // The fixture's server (.ci/pg) sets nothing: the host's value, from a session set_config.
  EXPECT_EQ((*shown)->Text(0), "1.1");
  EXPECT_EQ((*source)->Text(0), "session");
  const std::string url = url_ + (url_.find('?') == std::string::npos ? "?" : "&") +
                          "options=-c%20random_page_cost%3D2";
  auto own = PgDatabase::Open(url);
  ASSERT_OK(own);
  auto kept = (*own)->QueryOne("SHOW random_page_cost", {});
  ASSERT_OK(kept);
  EXPECT_EQ((*kept)->Text(0), "2");
}

TEST_F(PgDatabaseTest, ErrorsMapToStatusCodes) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (k text PRIMARY KEY)"));
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " VALUES (?)", {std::string("a")}));
  EXPECT_EQ(db_->Exec("INSERT INTO " + table_ + " VALUES (?)", {std::string("a")}).status().code(),
            crm::StatusCode::kConflict);
  EXPECT_EQ(db_->Exec("SELEC 1").status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Exec("INSERT INTO " + table_ + " VALUES (?)", {}).status().code(),
            crm::StatusCode::kInvalidArgument);
  auto mismatch =
      db_->Exec("INSERT INTO " + table_ + " VALUES (?)", {std::string("b"), int64_t{1}});
  EXPECT_EQ(mismatch.status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_NE(mismatch.status().message().find("expects 1"), std::string::npos);
  EXPECT_EQ(PgDatabase::Open("postgresql://postgres@127.0.0.1:1/crm").status().code(),
            crm::StatusCode::kUnavailable);
}

TEST_F(PgDatabaseTest, TransactionsCommitOrLeaveNothing) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (k text PRIMARY KEY)"));
  ASSERT_OK(db_->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO " + table_ + " VALUES ('kept')").status());
    return crm::Status::Ok();
  }));
  crm::Status failed = db_->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO " + table_ + " VALUES ('gone1')").status());
    return crm::Conflict("the body refuses");
  });
  EXPECT_EQ(failed.code(), crm::StatusCode::kConflict);
  crm::Status threw = db_->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    (void)tx.Exec("INSERT INTO " + table_ + " VALUES ('gone2')");
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(threw.code(), crm::StatusCode::kInternal);
  // A body that ignores a failed statement and returns OK: PostgreSQL has aborted the
  // transaction, and the caller must learn that nothing was stored.
  crm::Status ignored = db_->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    (void)tx.Exec("INSERT INTO " + table_ + " VALUES ('gone3')");
    (void)tx.Exec("INSERT INTO " + table_ + " VALUES ('kept')");  // duplicate key
    return crm::Status::Ok();
  });
  EXPECT_FALSE(ignored.ok());
  auto rows = db_->QueryAll("SELECT k FROM " + table_ + " ORDER BY k");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "kept");
}

TEST_F(PgDatabaseTest, ConcurrentReadModifyWriteIsRetriedNotLost) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (id int PRIMARY KEY, n bigint)"));
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " VALUES (1, 0)"));
  constexpr int kThreads = 4, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        crm::Status s = db_->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
          auto row = tx.QueryOne("SELECT n FROM " + table_ + " WHERE id = 1", {});
          if (!row.ok()) return row.status();
          return tx.Exec("UPDATE " + table_ + " SET n = ? WHERE id = 1", {(*row)->Int(0) + 1})
              .status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto row = db_->QueryOne("SELECT n FROM " + table_ + " WHERE id = 1", {});
  ASSERT_OK(row);
  // Every increment that reported success is stored; none is lost to a race.
  EXPECT_EQ((*row)->Int(0), kThreads * kEach - failures.load());
  EXPECT_LT(failures.load(), kThreads * kEach / 10) << "too many gave up after retries";
}

TEST_F(PgDatabaseTest, EarlyStopKeepsTheTransactionUsable) {
  ASSERT_OK(
      db_->Exec("CREATE TABLE " + table_ + " AS SELECT g AS n FROM generate_series(1, 5000) g"));
  ASSERT_OK(db_->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto first = tx.QueryOne("SELECT n FROM " + table_ + " ORDER BY n", {});
    if (!first.ok()) return first.status();
    EXPECT_EQ((*first)->Int(0), 1);
    return tx.Exec("DELETE FROM " + table_ + " WHERE n > ?", {int64_t{10}}).status();
  }));
  auto count = db_->QueryOne("SELECT count(*) FROM " + table_, {});
  ASSERT_OK(count);
  EXPECT_EQ((*count)->Int(0), 10);
}

TEST_F(PgDatabaseTest, KilledConnectionIsReplaced) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (n int)"));
  auto pid = db_->QueryOne("SELECT pg_backend_pid()", {});
  ASSERT_OK(pid);
  auto other = PgDatabase::Open(url_);
  ASSERT_OK(other);
  ASSERT_OK((*other)->Exec("SELECT pg_terminate_backend(?::int)", {(*pid)->Int(0)}));
  // The pooled connection is dead: the next call reports it as unavailable (or already
  // reconnects), and the one after works on a new connection.
  crm::Result<int64_t> first = db_->Exec("INSERT INTO " + table_ + " VALUES (1)");
  if (!first.ok()) {
    EXPECT_EQ(first.status().code(), crm::StatusCode::kUnavailable);
  }
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " VALUES (2)"));
  EXPECT_GE(db_->ConnectionCount(), 2u);
}

// Every pooled connection is set up for short statements: no JIT, no parallel workers (a list
// page's Gather Merge spent most of its time starting them). A second connection, made while
// the first is held by a transaction, is set up alike.
TEST_F(PgDatabaseTest, EveryPooledConnectionRunsWithoutJitOrParallelWorkers) {
  auto expect_setup = [](crm::SqlExecutor& db) {
    EXPECT_EQ(db.QueryOne("SHOW jit").value()->Text(0), "off");
    EXPECT_EQ(db.QueryOne("SHOW max_parallel_workers_per_gather").value()->Text(0), "0");
  };
  expect_setup(*db_);
  ASSERT_OK(db_->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    expect_setup(tx);
    expect_setup(*db_);
    return crm::Status::Ok();
  }));
  EXPECT_GE(db_->ConnectionCount(), 2u);
}

// A statement that comes again is prepared on its connection: parsed once from then on, and
// planned once when it has no parameters; with parameters it is planned for its values every
// time (a generic plan would guess how many clients a search word or a region keeps). A table
// that changes its columns under a prepared statement does not break it. One connection here:
// the calls come one after the other, so the pool hands out the same one.
TEST_F(PgDatabaseTest, AStatementThatComesAgainIsPreparedAndPlannedForItsValues) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (id bigint PRIMARY KEY, s text)"));
  ASSERT_OK(
      db_->Exec("INSERT INTO " + table_ + " SELECT i, 'row ' || i FROM generate_series(1, 9) i"));
  const std::string fixed = "SELECT * FROM " + table_ + " WHERE id <= 3 ORDER BY id";
  const std::string bound = "SELECT s FROM " + table_ + " WHERE id = ?";
  for (int64_t i = 1; i <= 7; ++i) {
    auto rows = db_->QueryAll(fixed, {});
    ASSERT_OK(rows);
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[2].Text(1), "row 3");
    auto one = db_->QueryOne(bound, {i});
    ASSERT_OK(one);
    ASSERT_TRUE(one->has_value());
    EXPECT_EQ((*one)->Text(0), "row " + std::to_string(i));
  }
  ASSERT_EQ(db_->ConnectionCount(), 1u);
  auto plans = [&](const std::string& sql) {
    auto row = db_->QueryOne(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = ?",
        {sql});
    EXPECT_OK(row);
    return row.ok() && row->has_value() ? std::make_pair((*row)->Int(0), (*row)->Int(1))
                                        : std::make_pair(int64_t{-1}, int64_t{-1});
  };
  // Run unnamed the first time, prepared the second: six executions of the prepared statement.
  EXPECT_EQ(plans(fixed), std::make_pair(int64_t{6}, int64_t{0}));
  EXPECT_EQ(plans(NumberPlaceholders(bound, nullptr)), std::make_pair(int64_t{0}, int64_t{6}));

  ASSERT_OK(db_->Exec("ALTER TABLE " + table_ + " ADD COLUMN n bigint DEFAULT 7"));
  auto rows = db_->QueryAll(fixed, {});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].size(), 3u);
  EXPECT_EQ((*rows)[0].Int(2), 7);
}

}  // namespace
}  // namespace host
