// tests/support/host_test_db.h — the host's tests' database fixture (tests/app, tests/web): a
// migrated host database in a fresh temporary folder, removed with the object.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sample-host/app/host_migrations.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/random.h"
#include "sample-host/core/sqlite_database.h"

namespace host::testing {

class TestDb {
 public:
  TestDb() {
    dir_ = std::filesystem::temp_directory_path() / ("host-app-test-" + RandomHex(8));
    std::filesystem::create_directories(dir_);
    auto db = SqliteDatabase::Open(dir_ / "host.db");
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    crm::Status s = ApplyMigrations(*db_, "host", HostMigrations());
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~TestDb() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SqliteDatabase& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace host::testing
