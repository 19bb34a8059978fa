// tests/support/scratch_database.h — a throw-away database for the unit tests of the host and the
// module: SQLite in a given folder, or, when CRM_UNIT_PG_URL names a PostgreSQL server (CTest's
// *.pg runs), a fresh database crm_unit_<random> there, dropped with the object.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/core/pg_database.h"
#include "sample-host/core/random.h"
#include "sample-host/core/sqlite_database.h"

namespace crm_test {

class ScratchDatabase {
 public:
  // `sqlite_file` is used on SQLite only. Check status() before db().
  explicit ScratchDatabase(const std::filesystem::path& sqlite_file) {
    const char* server = std::getenv("CRM_UNIT_PG_URL");
    if (server == nullptr || *server == '\0') {
      auto db = host::SqliteDatabase::Open(sqlite_file);
      status_ = db.status();
      if (db.ok()) db_ = std::move(*db);
      return;
    }
    server_ = server;
    name_ = "crm_unit_" + host::RandomHex(8);
    auto admin = host::PgDatabase::Open(server_);
    status_ = admin.ok() ? (*admin)->Exec("CREATE DATABASE " + name_).status() : admin.status();
    if (!status_.ok()) return;
    std::string base = server_.substr(0, server_.find('/', server_.find("://") + 3));
    auto db = host::PgDatabase::Open(base + "/" + name_);
    status_ = db.status();
    if (db.ok()) db_ = std::move(*db);
  }
  ~ScratchDatabase() {
    db_.reset();
    if (name_.empty()) return;
    if (auto admin = host::PgDatabase::Open(server_); admin.ok()) {
      (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const crm::Status& status() const { return status_; }
  crm::Database& db() { return *db_; }
  bool postgresql() const { return !name_.empty(); }

 private:
  crm::Status status_;
  std::string server_, name_;
  std::unique_ptr<crm::Database> db_;
};

}  // namespace crm_test
