// tests/support/host_test_db.h — the host's tests' database fixture (tests/app, tests/web): a
// migrated host database, removed with the object: SQLite in a fresh temporary folder, or a fresh
// PostgreSQL database when CRM_UNIT_PG_URL is set (tests/support/scratch_database.h).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sample-host/app/host_migrations.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/random.h"
#include "tests/support/scratch_database.h"

namespace host::testing {

class TestDb {
 public:
  TestDb()
      : dir_(MakeDir()), scratch_(std::make_unique<crm_test::ScratchDatabase>(dir_ / "host.db")) {
    EXPECT_TRUE(scratch_->status().ok()) << scratch_->status().ToString();
    if (!scratch_->status().ok()) return;
    crm::Status s = ApplyMigrations(scratch_->db(), "host", HostMigrations());
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~TestDb() {
    scratch_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  crm::Database& db() { return scratch_->db(); }
  bool postgresql() const { return scratch_->postgresql(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  static std::filesystem::path MakeDir() {
    auto dir = std::filesystem::temp_directory_path() / ("host-app-test-" + RandomHex(8));
    std::filesystem::create_directories(dir);
    return dir;
  }

  std::filesystem::path dir_;
  std::unique_ptr<crm_test::ScratchDatabase> scratch_;
};

}  // namespace host::testing
