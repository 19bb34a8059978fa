// tests/core/sqlite_database_test.cc — the pooled SQLite database: pragmas, error mapping, scripts,
// transactions that roll back, and many concurrent writers that never see "database is locked".
#include "sample-host/core/sqlite_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "tests/core/temp_dir.h"

namespace host {
namespace {

std::unique_ptr<SqliteDatabase> OpenIn(const testing::TempDir& dir) {
  auto db = SqliteDatabase::Open(dir.path() / "crm.db");
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db.value()) : nullptr;
}

TEST(SqliteDatabaseTest, ConnectionsUseWalForeignKeysAndBusyTimeout) {
  testing::TempDir dir;
  auto db = OpenIn(dir);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->Path(), dir.path() / "crm.db");
  EXPECT_EQ(db->QueryOne("PRAGMA journal_mode").value()->Text(0), "wal");
  EXPECT_EQ(db->QueryOne("PRAGMA foreign_keys").value()->Int(0), 1);
  EXPECT_EQ(db->QueryOne("PRAGMA busy_timeout").value()->Int(0), 10000);
  EXPECT_EQ(db->QueryOne("PRAGMA synchronous").value()->Int(0), 1);  // NORMAL
}

// Issue 10: every pooled connection reads the file through mmap (SQLite's default is 0: pread
// into each connection's own cache). Its cap is a build option; 256 MiB is far under Debian's.
TEST(SqliteDatabaseTest, EveryPooledConnectionReadsThroughMmap) {
  testing::TempDir dir;
  auto db = OpenIn(dir);
  ASSERT_TRUE(db);
  constexpr int64_t kAtLeast = int64_t{256} << 20;
  EXPECT_GE(db->QueryOne("PRAGMA mmap_size").value()->Int(0), kAtLeast);
  // A second connection, made while the first is held by a transaction, is set up alike.
  ASSERT_TRUE(db->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
                  EXPECT_GE(tx.QueryOne("PRAGMA mmap_size").value()->Int(0), kAtLeast);
                  EXPECT_GE(db->QueryOne("PRAGMA mmap_size").value()->Int(0), kAtLeast);
                  return crm::Status::Ok();
                }).ok());
  EXPECT_EQ(db->ConnectionCount(), 2u);
}

TEST(SqliteDatabaseTest, ValuesRoundTripAndErrorsMapToCodes) {
  testing::TempDir dir;
  auto db = OpenIn(dir);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);"
                       "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER NOT NULL REFERENCES "
                       "p(id), r REAL, t TEXT)")
                  .ok());
  auto inserted =
      db->Exec("INSERT INTO p (name) VALUES (?)", {std::string("x'); DROP TABLE p; --")});
  ASSERT_TRUE(inserted.ok());
  EXPECT_EQ(inserted.value(), 1);
  int64_t id = db->LastInsertId();
  EXPECT_GT(id, 0);
  ASSERT_TRUE(
      db->Exec("INSERT INTO c (p_id, r, t) VALUES (?, ?, ?)", {id, 2.5, std::monostate{}}).ok());
  auto row = db->QueryOne("SELECT p.name, c.r, c.t, c.p_id FROM c JOIN p ON p.id = c.p_id");
  ASSERT_TRUE(row.ok() && row.value());
  EXPECT_EQ(row.value()->Text(0), "x'); DROP TABLE p; --");
  EXPECT_DOUBLE_EQ(row.value()->Real(1), 2.5);
  EXPECT_TRUE(row.value()->IsNull(2));
  EXPECT_EQ(row.value()->Int(3), id);

  EXPECT_EQ(db->Exec("INSERT INTO p (name) VALUES (?)", {std::string("x'); DROP TABLE p; --")})
                .status()
                .code(),
            crm::StatusCode::kConflict);  // UNIQUE
  EXPECT_EQ(db->Exec("INSERT INTO c (p_id) VALUES (?)", {int64_t{999}}).status().code(),
            crm::StatusCode::kConflict);  // FOREIGN KEY
  EXPECT_EQ(db->Exec("SELEKT 1").status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Exec("INSERT INTO p (name) VALUES (?)", {}).status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Query("SELECT 1; SELECT 2", {}, [](const crm::SqlRow&) { return true; }).code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_FALSE(db->Exec("INSERT INTO p (name) VALUES (?); SELECT 1", {std::string("a")}).ok());

  // Query stops when on_row returns false, and the cached statement is reusable afterwards.
  ASSERT_TRUE(db->Exec("INSERT INTO p (name) VALUES ('b'), ('c')").ok());
  int seen = 0;
  ASSERT_TRUE(
      db->Query("SELECT name FROM p", {}, [&](const crm::SqlRow&) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
  auto all = db->QueryAll("SELECT name FROM p");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 3u);
}

TEST(SqliteDatabaseTest, TransactionCommitsOnOkAndRollsBackOnErrorOrThrow) {
  testing::TempDir dir;
  auto db = OpenIn(dir);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v INTEGER)").ok());
  ASSERT_TRUE(db->Transaction([](crm::SqlExecutor& tx) {
                  CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO t VALUES (1)").status());
                  return tx.Exec("INSERT INTO t VALUES (2)").status();
                }).ok());
  crm::Status failed = db->Transaction([](crm::SqlExecutor& tx) {
    (void)tx.Exec("INSERT INTO t VALUES (3)");
    return crm::Unprocessable("changed my mind");
  });
  EXPECT_EQ(failed.code(), crm::StatusCode::kUnprocessable);
  crm::Status threw = db->Transaction([](crm::SqlExecutor& tx) -> crm::Status {
    (void)tx.Exec("INSERT INTO t VALUES (4)");
    throw std::runtime_error("oops");
  });
  EXPECT_EQ(threw.code(), crm::StatusCode::kInternal);
  EXPECT_NE(threw.message().find("oops"), std::string::npos);
  // A stray BEGIN left open by an autocommit call does not leak into the next caller.
  ASSERT_TRUE(db->Exec("BEGIN").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (5)").ok());
  EXPECT_EQ(
      db->QueryOne("SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)").value()->Text(0),
      "1,2,5");
}

TEST(SqliteDatabaseTest, NestedStatementsOnOneConnectionAndChangeCounts) {
  testing::TempDir dir;
  auto db = OpenIn(dir);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v INTEGER)").ok());
  EXPECT_EQ(db->Exec("INSERT INTO t VALUES (1), (2), (3)").value(), 3);
  EXPECT_EQ(db->Exec("CREATE TABLE u (x)").value(), 0);  // not the stale 3
  ASSERT_TRUE(db->Transaction([](crm::SqlExecutor& tx) -> crm::Status {
                  std::vector<int64_t> outer;
                  // The same SQL again inside on_row must not reset the outer, running statement.
                  CRM_RETURN_IF_ERROR(
                      tx.Query("SELECT v FROM t ORDER BY v", {}, [&](const crm::SqlRow& r) {
                        outer.push_back(r.Int(0));
                        auto inner = tx.QueryAll("SELECT v FROM t ORDER BY v");
                        EXPECT_TRUE(inner.ok() && inner.value().size() == 3);
                        EXPECT_TRUE(tx.Exec("INSERT INTO u VALUES (?)", {r.Int(0) * 10}).ok());
                        return true;
                      }));
                  EXPECT_EQ(outer, (std::vector<int64_t>{1, 2, 3}));
                  return crm::Status::Ok();
                }).ok());
  EXPECT_EQ(
      db->QueryOne("SELECT group_concat(x) FROM (SELECT x FROM u ORDER BY x)").value()->Text(0),
      "10,20,30");
  // Many distinct statements (past the cache bound) keep working.
  for (int i = 0; i < 450; ++i) {
    ASSERT_TRUE(db->QueryOne("SELECT " + std::to_string(i) + " + v FROM t WHERE v = 1").ok());
  }
}

TEST(SqliteDatabaseTest, EightConcurrentWritersNeverSeeLocked) {
  testing::TempDir dir;
  auto db = OpenIn(dir);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                       "INSERT INTO counter VALUES (1, 0);"
                       "CREATE TABLE log (thread INTEGER, i INTEGER)")
                  .ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex error_mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Read-modify-write: lost updates would show if transactions were not serialised.
        crm::Status s = db->Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
          auto row = tx.QueryOne("SELECT n FROM counter WHERE id = 1");
          if (!row.ok()) return row.status();
          CRM_RETURN_IF_ERROR(
              tx.Exec("UPDATE counter SET n = ? WHERE id = 1", {row.value()->Int(0) + 1}).status());
          return tx.Exec("INSERT INTO log VALUES (?, ?)", {int64_t{t}, int64_t{i}}).status();
        });
        // Plus autocommit reads in between, as request threads do.
        if (s.ok()) s = db->QueryOne("SELECT COUNT(*) FROM log").status();
        if (!s.ok()) {
          ++failures;
          std::lock_guard<std::mutex> lock(error_mutex);
          if (first_error.empty()) first_error = s.ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0) << first_error;
  EXPECT_EQ(db->QueryOne("SELECT n FROM counter").value()->Int(0), kThreads * kPerThread);
  EXPECT_EQ(db->QueryOne("SELECT COUNT(*) FROM log").value()->Int(0), kThreads * kPerThread);
  EXPECT_LE(db->ConnectionCount(), static_cast<size_t>(kThreads) + 1);  // pooled, not one per call
  EXPECT_GE(db->ConnectionCount(), 2u);
}

TEST(SqliteDatabaseTest, OpenFailsCleanlyForAnUnwritablePath) {
  auto db = SqliteDatabase::Open("/proc/definitely/not/here.db");
  EXPECT_FALSE(db.ok());
}

}  // namespace
}  // namespace host
