// tests/support/host_test_db.h — the host's tests' database fixture (tests/app, tests/web): a
// migrated host database, removed with the object. SQLite in a fresh temporary folder; with
// CRM_UNIT_PG_URL set (a URL of a PostgreSQL server, as CTest's *.pg runs do), a fresh database
// crm_unit_<random> on that server instead, dropped at the end.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "sample-host/app/host_migrations.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/pg_database.h"
#include "sample-host/core/random.h"
#include "sample-host/core/sqlite_database.h"

namespace host::testing {

class TestDb {
 public:
  TestDb() {
    dir_ = std::filesystem::temp_directory_path() / ("host-app-test-" + RandomHex(8));
    std::filesystem::create_directories(dir_);
    const char* server = std::getenv("CRM_UNIT_PG_URL");
    if (server != nullptr && *server != '\0') {
      OpenPostgresql(server);
    } else {
      auto db = SqliteDatabase::Open(dir_ / "host.db");
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      if (db.ok()) db_ = std::move(*db);
    }
    if (!db_) return;
    crm::Status s = ApplyMigrations(*db_, "host", HostMigrations());
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~TestDb() {
    db_.reset();
    if (!pg_name_.empty()) {
      if (auto admin = PgDatabase::Open(server_); admin.ok()) {
        (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  crm::Database& db() { return *db_; }
  bool postgresql() const { return !pg_name_.empty(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void OpenPostgresql(const std::string& server) {
    server_ = server;
    pg_name_ = "crm_unit_" + RandomHex(8);
    auto admin = PgDatabase::Open(server_);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    ASSERT_TRUE((*admin)->Exec("CREATE DATABASE " + pg_name_).ok());
    std::string url =
        server_.substr(0, server_.find('/', server_.find("://") + 3)) + "/" + pg_name_;
    auto db = PgDatabase::Open(url);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  std::filesystem::path dir_;
  std::string server_, pg_name_;
  std::unique_ptr<crm::Database> db_;
};

}  // namespace host::testing
