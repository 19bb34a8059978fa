// tests/core/migrator_test.cc — migrations apply once, refuse gaps/duplicates/edits, and a failing
// one leaves both the schema and host_migrations exactly as they were.
#include "sample-host/core/migrator.h"

#include <gtest/gtest.h>

#include "sample-host/core/sha256.h"
#include "sample-host/core/sqlite_database.h"
#include "tests/core/temp_dir.h"

namespace host {
namespace {

class MigratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(dir_.path() / "crm.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db.value());
  }
  std::vector<std::string> Tables() {
    std::vector<std::string> names;
    EXPECT_TRUE(db_->Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", {},
                           [&](const crm::SqlRow& r) {
                             names.push_back(r.Text(0));
                             return true;
                           })
                    .ok());
    return names;
  }
  std::vector<std::string> Applied(const std::string& owner) {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->Query("SELECT version || ':' || name FROM host_migrations WHERE owner = ? "
                           "ORDER BY version",
                           {owner},
                           [&](const crm::SqlRow& r) {
                             out.push_back(r.Text(0));
                             return true;
                           })
                    .ok());
    return out;
  }
  testing::TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

const std::vector<crm::Migration> kTwo = {
    {1, "0001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a VALUES (1);\n"},
    {2, "0002_b.sql",
     "-- second\nCREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));"},
};

TEST_F(MigratorTest, AppliesOnceAndIsIdempotent) {
  ASSERT_TRUE(ApplyMigrations(*db_, "plug", kTwo).ok());
  EXPECT_EQ(Tables(), (std::vector<std::string>{"a", "b", "host_migrations"}));
  EXPECT_EQ(Applied("plug"), (std::vector<std::string>{"1:0001_a.sql", "2:0002_b.sql"}));
  auto checksum =
      db_->QueryOne("SELECT checksum FROM host_migrations WHERE owner = 'plug' AND version = 1");
  ASSERT_TRUE(checksum.ok() && checksum.value());
  EXPECT_EQ(checksum.value()->Text(0), Sha256Hex(kTwo[0].sql));

  // A second run changes nothing (the INSERT of 0001 would add a duplicate row).
  crm::Status again = ApplyMigrations(*db_, "plug", kTwo);
  ASSERT_TRUE(again.ok()) << again.ToString();
  auto count = db_->QueryOne("SELECT COUNT(*) FROM a");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count.value()->Int(0), 1);
  EXPECT_TRUE(CheckMigrations(*db_, "plug", kTwo).ok());

  // Adding a third applies only the third; owners are independent.
  auto three = kTwo;
  three.push_back({3, "0003_c.sql", "CREATE TABLE c (x);"});
  EXPECT_EQ(CheckMigrations(*db_, "plug", three).code(), crm::StatusCode::kConflict);
  ASSERT_TRUE(ApplyMigrations(*db_, "plug", three).ok());
  EXPECT_EQ(Applied("plug").size(), 3u);
  ASSERT_TRUE(ApplyMigrations(*db_, "other", {{1, "0001_o.sql", "CREATE TABLE o (x);"}}).ok());
  EXPECT_EQ(Applied("other"), (std::vector<std::string>{"1:0001_o.sql"}));
}

TEST_F(MigratorTest, GapsAndDuplicatesAreRefusedBeforeAnythingRuns) {
  std::vector<crm::Migration> gap = {{1, "0001_a.sql", "CREATE TABLE a (x);"},
                                     {3, "0003_c.sql", "CREATE TABLE c (x);"}};
  crm::Status s = ApplyMigrations(*db_, "plug", gap);
  EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("0003_c.sql"), std::string::npos) << s.message();
  std::vector<crm::Migration> dup = {{1, "0001_a.sql", "CREATE TABLE a (x);"},
                                     {1, "0001_b.sql", "CREATE TABLE b (x);"}};
  s = ApplyMigrations(*db_, "plug", dup);
  EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("appears twice"), std::string::npos) << s.message();
  std::vector<crm::Migration> from_two = {{2, "0002_b.sql", "CREATE TABLE b (x);"}};
  EXPECT_FALSE(ApplyMigrations(*db_, "plug", from_two).ok());
  for (const auto& t : Tables()) EXPECT_NE(t, "a");
}

TEST_F(MigratorTest, FailingMigrationLeavesTheDatabaseUnchanged) {
  ASSERT_TRUE(ApplyMigrations(*db_, "plug", {kTwo[0]}).ok());
  auto broken = kTwo;
  broken[1].sql =
      "CREATE TABLE b (id INTEGER);\nINSERT INTO a VALUES (2);\nINSERT INTO no_such_table VALUES "
      "(1);";
  broken.push_back({3, "0003_c.sql", "CREATE TABLE c (x);"});
  crm::Status s = ApplyMigrations(*db_, "plug", broken);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("0002_b.sql"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("plug"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("no such table: no_such_table"), std::string::npos) << s.message();
  // Neither b nor the row inserted into a survived; 0003 was not tried; bookkeeping untouched.
  EXPECT_EQ(Tables(), (std::vector<std::string>{"a", "host_migrations"}));
  auto count = db_->QueryOne("SELECT COUNT(*) FROM a");
  EXPECT_EQ(count.value()->Int(0), 1);
  EXPECT_EQ(Applied("plug"), (std::vector<std::string>{"1:0001_a.sql"}));
}

TEST_F(MigratorTest, EditedMigrationIsRefusedWithItsName) {
  ASSERT_TRUE(ApplyMigrations(*db_, "client-documents", kTwo).ok());
  auto edited = kTwo;
  edited[1].sql += "\nCREATE INDEX b_a ON b (a_id);";
  crm::Status s = ApplyMigrations(*db_, "client-documents", edited);
  EXPECT_EQ(s.code(), crm::StatusCode::kConflict);
  EXPECT_NE(
      s.message().find(
          "migration 0002_b.sql of client-documents was edited after it was applied (checksum"),
      std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find(Sha256Hex(kTwo[1].sql)), std::string::npos);
  EXPECT_EQ(CheckMigrations(*db_, "client-documents", edited).code(), crm::StatusCode::kConflict);
}

TEST_F(MigratorTest, DatabaseNewerThanTheBuildIsRefused) {
  ASSERT_TRUE(ApplyMigrations(*db_, "plug", kTwo).ok());
  crm::Status s = ApplyMigrations(*db_, "plug", {kTwo[0]});
  EXPECT_EQ(s.code(), crm::StatusCode::kConflict);
  EXPECT_NE(s.message().find("0002_b.sql"), std::string::npos);
}

}  // namespace
}  // namespace host
