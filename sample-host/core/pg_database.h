// sample-host/core/pg_database.h — crm::Database over PostgreSQL 15 (libpq): a pool of
// connections, `?` placeholders, errors mapped to crm::Status, serializable transactions retried.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// Thread-safe, like SqliteDatabase: each call borrows one pooled connection (created on
// demand). The SQL it is given uses `?` placeholders, as on SQLite; they become $1, $2…
// outside quotes, identifiers, comments and dollar-quoted bodies (so the jsonb operators
// `?`, `?|`, `?&` cannot be written: use the jsonb functions). Values: int64 binds as
// int8, double as float8, a string as an untyped literal (PostgreSQL infers the column's
// type), monostate as NULL. Results: bool reads as 0/1, integer types as int64, float and
// fractional numeric as double, everything else as text, NULL as monostate.
//
// Error mapping (host-api/sql.h): integrity violation (SQLSTATE class 23) -> kConflict;
// serialization failure or deadlock (40001, 40P01) that persists after the retries, a
// lost or refused connection (class 08, 57P01-57P03) -> kUnavailable (the broken
// connection is dropped, so the next call reconnects when the server is back); syntax,
// undefined object or bad data (classes 42, 22) -> kInvalidArgument; else kInternal.
// Never throws.
class PgDatabase final : public crm::Database {
 public:
  // Connects once to check the URL ("postgresql://user@host:port/db", any libpq
  // connection string). kUnavailable when the server cannot be reached.
  static crm::Result<std::unique_ptr<PgDatabase>> Open(std::string url);
  ~PgDatabase() override;

  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  // One statement with `params`, or a script of several `;`-separated statements when
  // `params` is empty (migrations). Returns the rows changed by the (last) statement.
  crm::Result<int64_t> Exec(std::string_view sql, const crm::SqlParams& params = {}) override;
  // Rows are fetched one at a time (libpq single-row mode), so memory stays flat; when
  // on_row returns false the remaining rows are read and dropped (a cancel would abort an
  // enclosing transaction): give such queries a LIMIT.
  crm::Status Query(std::string_view sql, const crm::SqlParams& params,
                    const std::function<bool(const crm::SqlRow&)>& on_row) override;
  // lastval() after the calling thread's last INSERT through Exec on this database, 0
  // when that INSERT used no sequence. Prefer `INSERT … RETURNING id` (both dialects).
  int64_t LastInsertId() override;
  // BEGIN ISOLATION LEVEL SERIALIZABLE … COMMIT on one connection. A serialization
  // failure or deadlock (in the body or at COMMIT), or a unique violation in the body (two
  // transactions inserting the same new key), rolls back and runs `body` again, up to
  // kMaxAttempts times: `body` must do nothing but database work through `tx`.
  crm::Status Transaction(const std::function<crm::Status(crm::SqlExecutor& tx)>& body) override;
  crm::SqlDialect Dialect() const override { return crm::SqlDialect::kPostgresql; }

  static constexpr int kMaxAttempts = 5;

  // Connections created so far (for tests of the pool).
  size_t ConnectionCount() const;

  struct Connection;  // defined in the .cc

 private:
  explicit PgDatabase(std::string url);
  crm::Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> connection);

  std::string url_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t created_ = 0;
};

// `?` placeholders -> `$1`, `$2`… outside '…' strings, "…" identifiers, -- and /* */
// comments and $tag$…$tag$ bodies. Returns how many it replaced in *count. Exposed for tests.
std::string NumberPlaceholders(std::string_view sql, int* count);

}  // namespace host
