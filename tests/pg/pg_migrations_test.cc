// tests/pg/pg_migrations_test.cc — the host's and the module's migrations applied on PostgreSQL
// by the same migrator as on SQLite (issue 16): each dialect gets its own file where the SQL
// differs, the result is checksummed, and a second run changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

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
    // A schema of its own, so the test starts empty and leaves nothing behind.
    ASSERT_OK(db_->Exec("DROP SCHEMA IF EXISTS migrations_test CASCADE"));
    ASSERT_OK(db_->Exec("CREATE SCHEMA migrations_test"));
    db_.reset();
    auto scoped =
        PgDatabase::Open(std::string(url) + "?options=-csearch_path%3Dmigrations_test,public");
    ASSERT_OK(scoped);
    db_ = std::move(scoped).value();
  }
  void TearDown() override {
    if (db_) (void)db_->Exec("DROP SCHEMA IF EXISTS migrations_test CASCADE");
  }
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
  ASSERT_EQ(recorded->size(), HostMigrations().size() / 2 + 1);  // 6 PG files + one plain
  EXPECT_EQ((*recorded)[0].Text(0), "postgresql/0001_clients_timeline.sql");
  // Schema 7 has no PostgreSQL file: the plain one ran (later versions may follow it).
  EXPECT_TRUE(std::any_of(recorded->begin(), recorded->end(), [](const crm::SqlRow& r) {
    return r.Text(0) == "0007_login_attempts_ip.sql";
  }));

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
