// sample-host/core/sqlite_database.h — crm::Database over SQLite: a pool of WAL connections so
// concurrent request threads never see "database is locked", errors mapped to crm::Status.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// Thread-safe. Each call borrows one pooled connection (created on demand, kept for
// reuse), so N concurrent callers hold N connections. Every connection runs with
// journal_mode=WAL, foreign_keys=ON, busy_timeout=10 s, synchronous=NORMAL and mmap_size
// (reads from the mapped file, up to SQLite's cap), and caches its prepared statements. Error
// mapping (host-api/sql.h): constraint -> kConflict, busy/locked past the timeout -> kUnavailable,
// SQL error -> kInvalidArgument, anything else -> kInternal. Never throws.
class SqliteDatabase final : public crm::Database {
 public:
  // Opens (creating if needed) the database file. Returns an error Status when the
  // file cannot be opened or configured (e.g. WAL refused).
  static crm::Result<std::unique_ptr<SqliteDatabase>> Open(const std::filesystem::path& file);
  ~SqliteDatabase() override;

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs one statement, or a whole script of several `;`-separated statements when
  // `params` is empty (migrations). Returns the rows changed by the last statement.
  crm::Result<int64_t> Exec(std::string_view sql, const crm::SqlParams& params = {}) override;
  crm::Status Query(std::string_view sql, const crm::SqlParams& params,
                    const std::function<bool(const crm::SqlRow&)>& on_row) override;
  // Rowid of the last INSERT made through Exec by the calling thread on this database.
  int64_t LastInsertId() override;
  // BEGIN IMMEDIATE ... COMMIT on one connection; rolls back when `body` fails or throws.
  crm::Status Transaction(const std::function<crm::Status(crm::SqlExecutor& tx)>& body) override;
  crm::SqlDialect Dialect() const override { return crm::SqlDialect::kSqlite; }

  const std::filesystem::path& Path() const { return path_; }

  // Connections created so far (for tests of the pool).
  size_t ConnectionCount() const;

  struct Connection;  // defined in the .cc

 private:
  explicit SqliteDatabase(std::filesystem::path path);
  crm::Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> connection);

  std::filesystem::path path_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t created_ = 0;
};

}  // namespace host
