// tests/pg/pg_migrations_test.cc — the host's and the module's migrations applied on PostgreSQL
// by the same migrator as on SQLite (issue 16): each dialect gets its own file where the SQL
// differs, the result is checksummed, and a second run changes nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "sample-host/app/contract_store.h"
#include "sample-host/app/task_store.h"
#include "sample-host/core/job_leases.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/pg_database.h"
#include "sample-host/core/sqlite_database.h"
#include "tests/support/status_matchers.h"

namespace host {
std::vector<crm::Migration> HostMigrations();
}  // namespace host
namespace crm_test {
std::vector<crm::Migration> ModuleMigrations();
}  // namespace crm_test

namespace host {
namespace {

TEST(MigrationsForTest, EachDialectGetsItsOwnFileElseThePlainOne) {
  std::vector<crm::Migration> all = {{1, "0001_a.sql", "plain 1"},
                                     {1, "postgresql/0001_a.sql", "pg 1"},
                                     {2, "0002_b.sql", "plain 2"},
                                     {3, "0003_c.sql", "plain 3"},
                                     {3, "sqlite/0003_c.sql", "sqlite 3"}};
  auto pg = MigrationsFor(all, crm::SqlDialect::kPostgresql);
  ASSERT_EQ(pg.size(), 3u);
  EXPECT_EQ(pg[0].sql, "pg 1");
  EXPECT_EQ(pg[1].sql, "plain 2");
  EXPECT_EQ(pg[2].sql, "plain 3");
  auto lite = MigrationsFor(all, crm::SqlDialect::kSqlite);
  ASSERT_EQ(lite.size(), 3u);
  EXPECT_EQ(lite[0].sql, "plain 1");
  EXPECT_EQ(lite[2].sql, "sqlite 3");
  // A plain duplicate is kept, so the migrator still refuses it.
  all.push_back({2, "0002_again.sql", "dup"});
  EXPECT_EQ(MigrationsFor(all, crm::SqlDialect::kPostgresql).size(), 4u);
}

class PgMigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("CRM_TEST_PG_URL");
    ASSERT_NE(url, nullptr) << "CRM_TEST_PG_URL is not set: run through CTest (fixture pg)";
    auto db = PgDatabase::Open(url);
    ASSERT_OK(db);
    db_ = std::move(db).value();
    // A schema of its own (named after the process: CTest runs the tests of this fixture in
    // parallel), so the test starts empty and leaves nothing behind.
    schema_ = "migrations_test_" + std::to_string(::getpid());
    ASSERT_OK(db_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"));
    ASSERT_OK(db_->Exec("CREATE SCHEMA " + schema_));
    db_.reset();
    auto scoped =
        PgDatabase::Open(std::string(url) + "?options=-csearch_path%3D" + schema_ + ",public");
    ASSERT_OK(scoped);
    db_ = std::move(scoped).value();
  }
  void TearDown() override {
    if (db_) (void)db_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  std::string schema_;
  std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgMigrationsTest, HostAndModuleSchemasApplyOnceAndWork) {
  ASSERT_OK(ApplyMigrations(*db_, "host", HostMigrations()));
  ASSERT_OK(ApplyMigrations(*db_, "client-documents", crm_test::ModuleMigrations()));
  ASSERT_OK(CheckMigrations(*db_, "host", HostMigrations()));
  ASSERT_OK(ApplyMigrations(*db_, "host", HostMigrations()));  // nothing left to do
  auto recorded =
      db_->QueryAll("SELECT name FROM host_migrations WHERE owner = 'host' ORDER BY version", {});
  ASSERT_OK(recorded);
  // One row per version: its PostgreSQL file where there is one, else the plain file.
  std::set<int> versions;
  for (const auto& m : HostMigrations()) versions.insert(m.version);
  ASSERT_EQ(recorded->size(), versions.size());
  EXPECT_EQ((*recorded)[0].Text(0), "postgresql/0001_clients_timeline.sql");
  for (const auto& r : *recorded) {
    std::string name = r.Text(0);
    bool has_pg = false;
    for (const auto& m : HostMigrations()) has_pg |= m.name == "postgresql/" + name;
    EXPECT_FALSE(has_pg) << name << " ran instead of its PostgreSQL file";
  }

  // The schema works: identities, the case-insensitive unique email, the module's tables.
  auto id = db_->QueryOne(
      "INSERT INTO clients (first_name, last_name, email, created_at, updated_at) "
      "VALUES (?, ?, ?, 1, 1) RETURNING id",
      {std::string("Élise"), std::string("Roux"), std::string("Elise@Example.com")});
  ASSERT_OK(id);
  ASSERT_TRUE(id->has_value());
  EXPECT_EQ(db_->Exec("INSERT INTO clients (email, created_at, updated_at) VALUES (?, 1, 1)",
                      {std::string("elise@example.COM")})
                .status()
                .code(),
            crm::StatusCode::kConflict);
  ASSERT_OK(
      db_->Exec("INSERT INTO cd_types (name_en, max_size, created_at, updated_at) "
                "VALUES ('ID', 1000, 1, 1)"));
  // Accent-folded substring search through the trigram index's expression.
  auto found = db_->QueryAll(
      "SELECT id FROM clients WHERE crm_fold(first_name || ' ' || last_name || ' ' || email || "
      "' ' || company) LIKE '%' || crm_fold(?) || '%'",
      {std::string("elise r")});
  ASSERT_OK(found);
  EXPECT_EQ(found->size(), 1u);

  // Contracts and tasks (host schema 10, issue 13) on PostgreSQL.
  ContractStore contracts(*db_, [] { return int64_t{1}; });
  ASSERT_OK(contracts.CreateProduct("AUTO", "Car"));
  auto contract =
      contracts.CreateContract((*id)->Int(0), {"AUTO", "A-1", "active", "2026-01-01", ""});
  ASSERT_OK(contract);
  ASSERT_OK(contracts.AddReceipt(contract->id, {0, "2026-01-01", "2026-12-31", 12050, true}));
  ASSERT_OK(contracts.AddBeneficiary(contract->id, {0, "vehicle", "AB-123-CD"}));
  auto detail = contracts.FindContract(contract->id);
  ASSERT_OK(detail);
  EXPECT_EQ(detail->receipts.at(0).amount_cents, 12050);
  EXPECT_TRUE(detail->receipts.at(0).paid);
  TaskStore tasks(*db_, [] { return int64_t{1}; });
  auto task = tasks.InboxFor("client-documents")
                  ->CreateTask({"documents.write", "Validate", "/admin/x", 0});
  ASSERT_OK(task);
  ASSERT_OK(tasks.Close(*task, "admin:Boss"));
  EXPECT_TRUE(tasks.List(false)->empty());
}

// Several nodes asking for one job at the same instant on PostgreSQL (issue 16): exactly one gets
// it (the upsert is one atomic statement, even under concurrent inserts of a first row).
TEST_F(PgMigrationsTest, JobLeaseGoesToExactlyOneOfManyConcurrentNodes) {
  ASSERT_OK(ApplyMigrations(*db_, "host", HostMigrations()));
  for (int round = 0; round < 3; ++round) {
    std::atomic<int> granted{0}, failed{0};
    std::vector<std::thread> nodes;
    for (int i = 0; i < 8; ++i) {
      nodes.emplace_back([&, i] {
        JobLeases leases(*db_, "node-" + std::to_string(i), [round] { return 1000 + round * 60; });
        crm::Result<bool> r = leases.TryTake("plug.race", 60);
        if (!r.ok()) ++failed;
        if (r.ok() && *r) ++granted;
      });
    }
    for (auto& t : nodes) t.join();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(granted.load(), 1) << "round " << round;
  }
}

// Issue 11 on PostgreSQL: the journal's head row serialises appends (UPDATE … RETURNING), its
// triggers refuse UPDATE, DELETE and TRUNCATE, and the review columns take a decision.
TEST_F(PgMigrationsTest, JournalIsAppendOnlyAndReviewColumnsExist) {
  ASSERT_OK(ApplyMigrations(*db_, "host", HostMigrations()));
  ASSERT_OK(ApplyMigrations(*db_, "client-documents", crm_test::ModuleMigrations()));
  auto head =
      db_->QueryOne("UPDATE cd_journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash");
  ASSERT_OK(head);
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->Int(0), 1);
  EXPECT_EQ((*head)->Text(1), std::string(64, '0'));
  ASSERT_OK(
      db_->Exec("INSERT INTO cd_journal (seq, at, actor_kind, action, prev_hash, hash) VALUES (1, "
                "1, 'system',"
                " 'erased', ?, 'h')",
                {std::string(64, '0')}));
  ASSERT_OK(
      db_->Exec("INSERT INTO cd_journal_personal (seq, actor_name, ip) VALUES (1, 'A', 'x')"));
  EXPECT_FALSE(db_->Exec("UPDATE cd_journal SET action = 'viewed' WHERE seq = 1").ok());
  EXPECT_FALSE(db_->Exec("DELETE FROM cd_journal WHERE seq = 1").ok());
  EXPECT_FALSE(db_->Exec("TRUNCATE cd_journal CASCADE").ok());
  EXPECT_OK(db_->Exec("UPDATE cd_journal_personal SET actor_name = '', ip = '' WHERE seq = 1"));
  auto kept = db_->QueryOne("SELECT action FROM cd_journal WHERE seq = 1");
  ASSERT_OK(kept);
  EXPECT_EQ((*kept)->Text(0), "erased");
  ASSERT_OK(db_->Exec(
      "INSERT INTO cd_types (name_en, max_size, created_at, updated_at, review, expiry_field)"
      " VALUES ('ID', 1000, 1, 1, 1, 'valid_until')"));
  ASSERT_OK(db_->Exec(
      "INSERT INTO cd_documents (client_id, type_id, uploaded_at, review_state, review_at,"
      " expires_on, warn_on) SELECT 1, id, 1, 'approved', 1800000000, '2030-01-01', '2029-12-01'"
      " FROM cd_types"));
  EXPECT_FALSE(db_->Exec("UPDATE cd_documents SET review_state = 'maybe'").ok());
}

TEST(SqliteMigrationsTest, SqliteIgnoresThePostgresqlFiles) {
  std::string dir = ::testing::TempDir() + "/sqlite-migrations-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  auto db = SqliteDatabase::Open(dir + "/crm.db");
  ASSERT_OK(db);
  ASSERT_OK(ApplyMigrations(**db, "host", HostMigrations()));
  auto names = (*db)->QueryAll("SELECT name FROM host_migrations WHERE name LIKE '%/%'", {});
  ASSERT_OK(names);
  EXPECT_TRUE(names->empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace host
