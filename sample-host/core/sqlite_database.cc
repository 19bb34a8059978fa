// sample-host/core/sqlite_database.cc — the pooled SQLite implementation of crm::Database.
// Uses the sqlite3 C API directly (exact error codes, scripts, statement cache); nothing here
// throws.
#include "sample-host/core/sqlite_database.h"

#include <sqlite3.h>

#include <exception>
#include <string>
#include <unordered_map>
#include <utility>

#include "text/fold.h"

namespace host {

// One sqlite3 connection and its prepared-statement cache. Used by one thread at a time.
struct SqliteDatabase::Connection {
  sqlite3* handle = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache;

  ~Connection() {
    for (auto& [sql, stmt] : cache) sqlite3_finalize(stmt);
    if (handle) sqlite3_close_v2(handle);
  }
};

namespace {

constexpr int kBusyTimeoutMs = 10000;
constexpr size_t kMaxCachedStatements = 200;
// PRAGMA mmap_size: as much of the file as SQLite allows (it lowers a larger value to its cap).
constexpr int64_t kMmapBytes = int64_t{1} << 40;

crm::Status MapError(int rc, sqlite3* db, std::string_view context) {
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!context.empty()) message = std::string(context) + ": " + message;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return crm::Conflict(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return crm::Unavailable(message);
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return crm::InvalidArgument(message);
    default:
      return crm::Internal(message);
  }
}

bool IsBlank(const char* p, const char* end) {
  // Whitespace and comments only (what sqlite3_prepare leaves after the last statement).
  while (p < end) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';') {
      ++p;
    } else if (p + 1 < end && p[0] == '-' && p[1] == '-') {
      while (p < end && *p != '\n') ++p;
    } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
      p += 2;
      while (p + 1 < end && !(p[0] == '*' && p[1] == '/')) ++p;
      p += 2;
    } else {
      return false;
    }
  }
  return true;
}

crm::Status Bind(sqlite3* db, sqlite3_stmt* stmt, const crm::SqlParams& params) {
  int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return crm::InvalidArgument("statement expects " + std::to_string(expected) +
                                " parameters, got " + std::to_string(params.size()));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    const crm::SqlValue& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      // Not copied: `params` outlives every use of the statement (each caller's StatementReset,
      // made before Bind, clears the bindings or finalizes before the call returns). A client
      // set's bitmap is a 125 KB parameter at a million clients.
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) return MapError(rc, db, "binding parameter " + std::to_string(index));
  }
  return crm::Status::Ok();
}

crm::SqlRow ReadRow(sqlite3_stmt* stmt) {
  int n = sqlite3_column_count(stmt);
  std::vector<crm::SqlValue> values;
  values.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
        break;
      case SQLITE_FLOAT:
        values.emplace_back(sqlite3_column_double(stmt, i));
        break;
      case SQLITE_TEXT:
      case SQLITE_BLOB: {
        // BLOBs are outside the contract; read their bytes as text rather than lose them.
        const void* p = sqlite3_column_type(stmt, i) == SQLITE_TEXT
                            ? static_cast<const void*>(sqlite3_column_text(stmt, i))
                            : sqlite3_column_blob(stmt, i);
        int size = sqlite3_column_bytes(stmt, i);
        values.emplace_back(
            std::string(p ? static_cast<const char*>(p) : "", p ? static_cast<size_t>(size) : 0));
        break;
      }
      default:
        values.emplace_back(std::monostate{});
        break;
    }
  }
  return crm::SqlRow(std::move(values));
}

// Resets a cached statement however the caller leaves (including an exception from on_row).
class StatementReset {
 public:
  StatementReset(sqlite3_stmt* stmt, bool owned) : stmt_(stmt), owned_(owned) {}
  ~StatementReset() {
    if (owned_) {
      sqlite3_finalize(stmt_);
    } else {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* stmt_;
  bool owned_;
};

// Prepares the first statement of `sql`. Single statements are cached; `*rest` points
// after the first statement (non-blank when `sql` is a script).
crm::Status Prepare(SqliteDatabase::Connection& c, std::string_view sql, sqlite3_stmt** out,
                    bool* cached, bool* single, const char** rest) {
  *single = false;
  std::string key(sql);
  auto it = c.cache.find(key);
  // A busy cached statement is being stepped by an outer call on this connection (a
  // query whose on_row runs another statement): use a private one instead.
  const bool busy = it != c.cache.end() && sqlite3_stmt_busy(it->second);
  if (it != c.cache.end() && !busy) {
    *out = it->second;
    *cached = true;
    *single = true;
    *rest = sql.data() + sql.size();
    return crm::Status::Ok();
  }
  const char* tail = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(c.handle, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return MapError(rc, c.handle, "");
  *rest = tail;
  *out = stmt;
  *cached = false;
  if (stmt != nullptr && IsBlank(tail, sql.data() + sql.size())) {
    if (busy) {
      *single = true;  // one statement, owned by the caller
      return crm::Status::Ok();
    }
    if (c.cache.size() >= kMaxCachedStatements) {
      // Simple bound on memory: dynamic SQL (e.g. list queries) would grow it forever.
      // Statements being stepped by an outer call stay.
      for (auto i = c.cache.begin(); i != c.cache.end();) {
        if (sqlite3_stmt_busy(i->second)) {
          ++i;
        } else {
          sqlite3_finalize(i->second);
          i = c.cache.erase(i);
        }
      }
    }
    c.cache.emplace(std::move(key), stmt);
    *cached = true;
    *single = true;
  }
  return crm::Status::Ok();
}

// Runs `stmt` to completion, ignoring rows.
crm::Status StepToEnd(sqlite3* db, sqlite3_stmt* stmt) {
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return crm::Status::Ok();
    if (rc != SQLITE_ROW) return MapError(rc, db, "");
  }
}

// SqlExecutor bound to one connection: the transaction body's executor, and the
// worker behind the Database's autocommit calls.
class ConnectionExecutor final : public crm::SqlExecutor {
 public:
  explicit ConnectionExecutor(SqliteDatabase::Connection& c) : c_(c) {}

  crm::Result<int64_t> Exec(std::string_view sql, const crm::SqlParams& params = {}) override {
    const char* end = sql.data() + sql.size();
    sqlite3_stmt* stmt = nullptr;
    bool cached = false;
    bool single = false;
    const char* rest = nullptr;
    CRM_RETURN_IF_ERROR(Prepare(c_, sql, &stmt, &cached, &single, &rest));
    if (stmt == nullptr && IsBlank(rest, end)) return int64_t{0};  // only comments
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE; report 0 when
    // this call changed nothing (e.g. a CREATE), not a stale count.
    const int64_t total_before = sqlite3_total_changes64(c_.handle);
    auto changed = [&]() -> int64_t {
      return sqlite3_total_changes64(c_.handle) == total_before ? 0 : sqlite3_changes64(c_.handle);
    };
    if (single) {
      StatementReset reset(stmt, !cached);
      CRM_RETURN_IF_ERROR(Bind(c_.handle, stmt, params));
      CRM_RETURN_IF_ERROR(StepToEnd(c_.handle, stmt));
      return changed();
    }
    // A script (several statements): run each in turn, without parameters.
    if (!params.empty()) {
      if (stmt) sqlite3_finalize(stmt);
      return crm::InvalidArgument("bound parameters are not allowed with several statements");
    }
    while (true) {
      if (stmt != nullptr) {
        StatementReset finalize(stmt, true);
        CRM_RETURN_IF_ERROR(StepToEnd(c_.handle, stmt));
      }
      if (IsBlank(rest, end)) break;
      const char* next = nullptr;
      stmt = nullptr;
      int rc = sqlite3_prepare_v2(c_.handle, rest, static_cast<int>(end - rest), &stmt, &next);
      if (rc != SQLITE_OK) return MapError(rc, c_.handle, "");
      rest = next;
    }
    return changed();
  }

  crm::Status Query(std::string_view sql, const crm::SqlParams& params,
                    const std::function<bool(const crm::SqlRow&)>& on_row) override {
    sqlite3_stmt* stmt = nullptr;
    bool cached = false;
    bool single = false;
    const char* rest = nullptr;
    CRM_RETURN_IF_ERROR(Prepare(c_, sql, &stmt, &cached, &single, &rest));
    if (stmt == nullptr) return crm::InvalidArgument("empty query");
    StatementReset reset(stmt, !cached);
    if (!single) return crm::InvalidArgument("a query must be one statement");
    CRM_RETURN_IF_ERROR(Bind(c_.handle, stmt, params));
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return crm::Status::Ok();
      if (rc != SQLITE_ROW) return MapError(rc, c_.handle, "");
      if (!on_row(ReadRow(stmt))) return crm::Status::Ok();
    }
  }

  int64_t LastInsertId() override { return sqlite3_last_insert_rowid(c_.handle); }

 private:
  SqliteDatabase::Connection& c_;
};

crm::Status ExecSimple(sqlite3* db, const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return crm::Status::Ok();
  crm::Status s = MapError(rc, db, sql);
  sqlite3_free(error);
  return s;
}

// Per-thread memory of the last INSERT made through a Database call, since those
// calls run on whichever pooled connection is free.
struct LastInsert {
  const void* db = nullptr;
  int64_t id = 0;
};
thread_local LastInsert t_last_insert;

}  // namespace

SqliteDatabase::SqliteDatabase(std::filesystem::path path) : path_(std::move(path)) {}

SqliteDatabase::~SqliteDatabase() = default;

crm::Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const std::filesystem::path& file) {
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(file));
  CRM_ASSIGN_OR_RETURN(auto first, db->Acquire());  // creates the file and switches it to WAL
  db->Release(std::move(first));
  return db;
}

namespace {

// crm_fold(text): the search's folding (text/fold.h), the twin of PostgreSQL's crm_fold()
// (host schema 6); NULL stays NULL. Used by the search index's triggers (schema 16).
void FoldFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const unsigned char* t = sqlite3_value_text(argv[0]);
  if (t == nullptr) {
    sqlite3_result_null(ctx);
    return;
  }
  std::string folded = crm::text::FoldForSearch(
      std::string_view(reinterpret_cast<const char*>(t), sqlite3_value_bytes(argv[0])));
  sqlite3_result_text64(ctx, folded.data(), folded.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// crm_in_set(bits, id): 1 when bit `id` of `bits` (bytes, id i being bit i % 8 of byte i / 8) is
// set, else 0 (an id past the end included). The client list passes a bitmap of client sets as
// `bits` (sample-host/app/client_sets.h), so a page tests one bit per row instead of probing.
void InSetFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* bits = static_cast<const unsigned char*>(sqlite3_value_blob(argv[0]));
  const int64_t size = sqlite3_value_bytes(argv[0]);
  const int64_t id = sqlite3_value_int64(argv[1]);
  const bool in = bits != nullptr && id >= 0 && id / 8 < size && ((bits[id / 8] >> (id % 8)) & 1U);
  sqlite3_result_int(ctx, in ? 1 : 0);
}

// Once per process, before its first connection opens (SQLite refuses it after): no memory
// statistics, whose one global mutex every allocation of every connection took. Under the client
// list's load 11 % of the server's time went to that lock's futex (perf, 50 clients, a search).
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

crm::Result<std::unique_ptr<SqliteDatabase::Connection>> SqliteDatabase::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  ConfigureSqliteOnce();
  auto c = std::make_unique<Connection>();
  int rc =
      sqlite3_open_v2(path_.c_str(), &c->handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    crm::Status s = MapError(rc, c->handle, "opening " + path_.string());
    return crm::Status(crm::StatusCode::kInternal, s.message());
  }
  sqlite3_extended_result_codes(c->handle, 1);
  sqlite3_busy_timeout(c->handle, kBusyTimeoutMs);
  rc = sqlite3_create_function_v2(c->handle, "crm_fold", 1,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                  FoldFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return MapError(rc, c->handle, "registering crm_fold");
  rc = sqlite3_create_function_v2(c->handle, "crm_in_set", 2,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                  InSetFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return MapError(rc, c->handle, "registering crm_in_set");
  // WAL: readers never block the writer; the mode is stored in the file.
  {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(c->handle, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr);
    std::string mode;
    if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(stmt, 0);
      mode = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(stmt);
    if (mode != "wal") {
      return crm::Internal("could not switch " + path_.string() + " to WAL mode (got \"" + mode +
                           "\"): " + sqlite3_errmsg(c->handle));
    }
  }
  for (const char* pragma : {"PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"}) {
    crm::Status s = ExecSimple(c->handle, pragma);
    if (!s.ok()) return crm::Internal("configuring " + path_.string() + ": " + s.message());
  }
  // Reads straight from the mapped file (issue 10): every connection shares the kernel's copy of
  // a page instead of pread(2)-copying it into its own 2 MB cache (a 50-row list page read a few
  // hundred pages, 20 % of the server's CPU under load). SQLite caps the size at its build's
  // SQLITE_MAX_MMAP_SIZE (2 GiB on Debian); pages past it are read as before. The mapped pages
  // show in the process's RssFile, not RssAnon: shared file cache the kernel may drop.
  const std::string mmap_pragma = "PRAGMA mmap_size=" + std::to_string(kMmapBytes);
  crm::Status mapped = ExecSimple(c->handle, mmap_pragma.c_str());
  if (!mapped.ok()) return crm::Internal("configuring " + path_.string() + ": " + mapped.message());
  std::lock_guard<std::mutex> lock(mutex_);
  ++created_;
  return c;
}

void SqliteDatabase::Release(std::unique_ptr<Connection> connection) {
  // Never hand a connection still inside a transaction (a stray "BEGIN") to the next caller.
  if (sqlite3_get_autocommit(connection->handle) == 0) {
    (void)ExecSimple(connection->handle, "ROLLBACK");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(connection));
}

size_t SqliteDatabase::ConnectionCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return created_;
}

namespace {
// Returns the connection to the pool on every path out of a call.
template <typename Db, typename Conn>
class Lease {
 public:
  Lease(Db* db, std::unique_ptr<Conn> c, void (Db::*release)(std::unique_ptr<Conn>))
      : db_(db), c_(std::move(c)), release_(release) {}
  ~Lease() { (db_->*release_)(std::move(c_)); }
  Conn& operator*() { return *c_; }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

 private:
  Db* db_;
  std::unique_ptr<Conn> c_;
  void (Db::*release_)(std::unique_ptr<Conn>);
};
}  // namespace

crm::Result<int64_t> SqliteDatabase::Exec(std::string_view sql, const crm::SqlParams& params) {
  CRM_ASSIGN_OR_RETURN(auto acquired, Acquire());
  Lease<SqliteDatabase, Connection> lease(this, std::move(acquired), &SqliteDatabase::Release);
  ConnectionExecutor executor(*lease);
  crm::Result<int64_t> r = executor.Exec(sql, params);
  if (r.ok()) t_last_insert = {this, executor.LastInsertId()};
  return r;
}

crm::Status SqliteDatabase::Query(std::string_view sql, const crm::SqlParams& params,
                                  const std::function<bool(const crm::SqlRow&)>& on_row) {
  CRM_ASSIGN_OR_RETURN(auto acquired, Acquire());
  Lease<SqliteDatabase, Connection> lease(this, std::move(acquired), &SqliteDatabase::Release);
  ConnectionExecutor executor(*lease);
  return executor.Query(sql, params, on_row);
}

int64_t SqliteDatabase::LastInsertId() { return t_last_insert.db == this ? t_last_insert.id : 0; }

crm::Status SqliteDatabase::Transaction(
    const std::function<crm::Status(crm::SqlExecutor& tx)>& body) {
  CRM_ASSIGN_OR_RETURN(auto acquired, Acquire());
  Lease<SqliteDatabase, Connection> lease(this, std::move(acquired), &SqliteDatabase::Release);
  Connection& c = *lease;
  CRM_RETURN_IF_ERROR(ExecSimple(c.handle, "BEGIN IMMEDIATE"));
  ConnectionExecutor tx(c);
  crm::Status s;
  try {
    s = body(tx);
  } catch (const std::exception& e) {
    s = crm::Internal(std::string("transaction body threw: ") + e.what());
  } catch (...) {
    s = crm::Internal("transaction body threw");
  }
  if (s.ok()) {
    s = ExecSimple(c.handle, "COMMIT");
    if (s.ok()) return s;
  }
  if (sqlite3_get_autocommit(c.handle) == 0) (void)ExecSimple(c.handle, "ROLLBACK");
  return s;
}

}  // namespace host
