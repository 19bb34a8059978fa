// sample-host/core/pg_database.cc — the pooled PostgreSQL implementation of crm::Database over
// libpq's C API (text protocol, single-row mode); nothing here throws.
#include "sample-host/core/pg_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace host {

struct PgDatabase::Connection {
  PGconn* conn = nullptr;
  // Named prepared statements of this connection for Query outside transactions, by SQL text
  // and parameter types. A text that comes a second time is prepared: parsed once from then on.
  // One without parameters is planned once too; one with parameters is still planned for its
  // values each time (plan_cache_mode = force_custom_plan), as an unnamed statement is.
  std::unordered_map<std::string, std::string> prepared;
  std::unordered_set<std::string> seen;
  int64_t next_name = 0;
  ~Connection() {
    if (conn) PQfinish(conn);
  }
  bool Broken() const { return conn == nullptr || PQstatus(conn) != CONNECTION_OK; }
};

namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// PostgreSQL type OIDs (pg_type.dat) this driver converts.
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26;
constexpr Oid kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

bool IsSerializationFailure(std::string_view state) { return state == "40001" || state == "40P01"; }

crm::Status MapError(const PGresult* res, PGconn* conn, std::string_view context) {
  std::string state;
  if (res) {
    if (const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE)) state = s;
  }
  std::string message = res ? PQresultErrorMessage(res) : "";
  if (message.empty() && conn) message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (!context.empty()) message = std::string(context) + ": " + message;
  if (!state.empty()) message += " (SQLSTATE " + state + ")";
  if (conn && PQstatus(conn) != CONNECTION_OK) return crm::Unavailable(message);
  if (state.rfind("23", 0) == 0) return crm::Conflict(message);
  if (IsSerializationFailure(state) || state.rfind("08", 0) == 0 || state == "57P01" ||
      state == "57P02" || state == "57P03" || state == "53300") {
    return crm::Unavailable(message);
  }
  if (state.rfind("42", 0) == 0 || state.rfind("22", 0) == 0) return crm::InvalidArgument(message);
  return crm::Internal(message);
}

// The text forms and types of the parameters, kept alive for one libpq call.
struct BoundParams {
  std::vector<std::string> text;
  std::vector<const char*> values;
  std::vector<Oid> types;

  explicit BoundParams(const crm::SqlParams& params) {
    text.reserve(params.size());
    for (const crm::SqlValue& v : params) {
      if (auto* n = std::get_if<int64_t>(&v)) {
        text.push_back(std::to_string(*n));
        types.push_back(kInt8Oid);
      } else if (auto* d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        text.emplace_back(buf);
        types.push_back(kFloat8Oid);
      } else if (auto* s = std::get_if<std::string>(&v)) {
        text.push_back(*s);
        types.push_back(0);
      } else {
        text.emplace_back();
        types.push_back(0);
      }
    }
    for (size_t i = 0; i < params.size(); ++i) {
      values.push_back(std::holds_alternative<std::monostate>(params[i]) ? nullptr
                                                                         : text[i].c_str());
    }
  }
};

crm::SqlValue ReadValue(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate{};
  const char* text = PQgetvalue(res, row, col);
  switch (PQftype(res, col)) {
    case kBoolOid:
      return int64_t{text[0] == 't' ? 1 : 0};
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid:
    case kOidOid:
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text, nullptr);
    case kNumericOid: {
      std::string_view t(text);
      if (t.find_first_of(".eEN") == std::string_view::npos)
        return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      return std::strtod(text, nullptr);
    }
    default:
      return std::string(text, static_cast<size_t>(PQgetlength(res, row, col)));
  }
}

crm::SqlRow ReadRow(const PGresult* res, int row) {
  std::vector<crm::SqlValue> values;
  int n = PQnfields(res);
  values.reserve(static_cast<size_t>(n));
  for (int c = 0; c < n; ++c) values.push_back(ReadValue(res, row, c));
  return crm::SqlRow(std::move(values));
}

bool StartsWithInsert(std::string_view sql) {
  size_t i = sql.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || sql.size() - i < 6) return false;
  std::string head(sql.substr(i, 6));
  for (char& c : head) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return head == "INSERT";
}

// Runs statements on one borrowed connection; remembers whether a serialization failure
// happened so that the transaction can be retried.
class PgExecutor final : public crm::SqlExecutor {
 public:
  explicit PgExecutor(PGconn* conn, bool in_transaction,
                      PgDatabase::Connection* statements = nullptr)
      : conn_(conn), in_tx_(in_transaction), statements_(statements) {}

  crm::Result<int64_t> Exec(std::string_view sql, const crm::SqlParams& params) override {
    ResultPtr res(nullptr, PQclear);
    if (params.empty()) {
      res.reset(PQexec(conn_, std::string(sql).c_str()));
    } else {
      int count = 0;
      std::string numbered = NumberPlaceholders(sql, &count);
      if (count != static_cast<int>(params.size())) return CountMismatch(count, params.size());
      BoundParams bound(params);
      res.reset(PQexecParams(conn_, numbered.c_str(), count, bound.types.data(),
                             bound.values.data(), nullptr, nullptr, 0));
    }
    ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Fail(res.get());
    const char* tuples = PQcmdTuples(res.get());
    int64_t changed = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
    // lastval() is read when asked (LastInsertId): most callers use RETURNING, and reading it
    // costs a round trip (three inside a transaction) per INSERT.
    if (StartsWithInsert(sql)) insert_pending_ = true;
    return changed;
  }

  crm::Status Query(std::string_view sql, const crm::SqlParams& params,
                    const std::function<bool(const crm::SqlRow&)>& on_row) override {
    int count = 0;
    std::string numbered = NumberPlaceholders(sql, &count);
    if (count != static_cast<int>(params.size())) return CountMismatch(count, params.size());
    BoundParams bound(params);
    std::string key;
    const std::string* name = PreparedName(numbered, bound, key);
    crm::Status status = Run(name, numbered, bound, on_row);
    if (name != nullptr && !status.ok() && StaleStatement(status)) {
      // A table it reads changed its columns since (DDL), or the statement is gone: forget it
      // and run the text unnamed (outside a transaction, nothing was aborted).
      ResultPtr(PQexec(conn_, ("DEALLOCATE " + *name).c_str()), PQclear);
      statements_->prepared.erase(key);
      status = Run(nullptr, numbered, bound, on_row);
    }
    return status;
  }

  int64_t LastInsertId() override {
    if (insert_pending_) {
      last_insert_ = ReadLastval();
      insert_pending_ = false;
    }
    return last_insert_;
  }

  bool serialization_failure() const { return serialization_failure_; }

 private:
  static constexpr size_t kMaxPrepared = 32, kMaxSeen = 256;

  // The name of the prepared statement for `numbered` with these parameter types, preparing
  // it the second time the text comes; nullptr: run it unnamed. `key` receives the cache key.
  const std::string* PreparedName(const std::string& numbered, const BoundParams& bound,
                                  std::string& key) {
    if (statements_ == nullptr) return nullptr;
    key = numbered;
    key += '\0';
    for (Oid type : bound.types) key += std::to_string(type) + ",";
    auto it = statements_->prepared.find(key);
    if (it != statements_->prepared.end()) return &it->second;
    if (statements_->seen.insert(key).second) {
      if (statements_->seen.size() > kMaxSeen) statements_->seen.clear();
      return nullptr;  // once: many texts (a list's filters) never come again
    }
    if (statements_->prepared.size() >= kMaxPrepared) {
      ResultPtr(PQexec(conn_, "DEALLOCATE ALL"), PQclear);
      statements_->prepared.clear();
    }
    std::string name = "crm_" + std::to_string(++statements_->next_name);
    ResultPtr res(PQprepare(conn_, name.c_str(), numbered.c_str(),
                            static_cast<int>(bound.types.size()), bound.types.data()),
                  PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return nullptr;  // its error comes unnamed
    return &statements_->prepared.emplace(key, std::move(name)).first->second;
  }

  static bool StaleStatement(const crm::Status& status) {
    // 0A000: "cached plan must not change result type"; 26000: no such prepared statement.
    return status.message().find("(SQLSTATE 0A000)") != std::string::npos ||
           status.message().find("(SQLSTATE 26000)") != std::string::npos;
  }

  // Sends the statement (prepared `name`, or `numbered` unnamed) and reads its rows one by one.
  crm::Status Run(const std::string* name, const std::string& numbered, const BoundParams& bound,
                  const std::function<bool(const crm::SqlRow&)>& on_row) {
    const int count = static_cast<int>(bound.values.size());
    const int sent = name != nullptr
                         ? PQsendQueryPrepared(conn_, name->c_str(), count, bound.values.data(),
                                               nullptr, nullptr, 0)
                         : PQsendQueryParams(conn_, numbered.c_str(), count, bound.types.data(),
                                             bound.values.data(), nullptr, nullptr, 0);
    if (!sent) return MapError(nullptr, conn_, "query not sent");
    PQsetSingleRowMode(conn_);
    crm::Status status;
    bool wanted = true;
    while (PGresult* raw = PQgetResult(conn_)) {
      ResultPtr res(raw, PQclear);
      ExecStatusType st = PQresultStatus(raw);
      if (st == PGRES_SINGLE_TUPLE) {
        if (wanted && status.ok()) wanted = on_row(ReadRow(raw, 0));
      } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && status.ok()) {
        status = Fail(raw);
      }
    }
    if (status.ok() && PQstatus(conn_) != CONNECTION_OK) return MapError(nullptr, conn_, "");
    return status;
  }

  crm::Status CountMismatch(int expected, size_t given) {
    return crm::InvalidArgument("statement expects " + std::to_string(expected) +
                                " parameters, got " + std::to_string(given));
  }

  crm::Status Fail(const PGresult* res) {
    if (res) {
      const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      // A unique violation too: under SERIALIZABLE it is how PostgreSQL often reports two
      // transactions that both saw "no row yet" and both inserted it (its documentation
      // advises retrying 23505); a real duplicate fails again and is then kConflict.
      if (state && (IsSerializationFailure(state) || std::string_view(state) == "23505")) {
        serialization_failure_ = true;
      }
    }
    return MapError(res, conn_, "");
  }

  // lastval() of this session; inside a transaction under a savepoint, so that "not yet
  // defined" (an INSERT without a sequence) does not abort the transaction.
  int64_t ReadLastval() {
    if (in_tx_) ResultPtr(PQexec(conn_, "SAVEPOINT crm_lastval"), PQclear);
    ResultPtr res(PQexec(conn_, "SELECT lastval()"), PQclear);
    bool ok = PQresultStatus(res.get()) == PGRES_TUPLES_OK && PQntuples(res.get()) == 1;
    if (in_tx_) {
      ResultPtr(
          PQexec(conn_, ok ? "RELEASE SAVEPOINT crm_lastval" : "ROLLBACK TO SAVEPOINT crm_lastval"),
          PQclear);
    }
    return ok ? std::strtoll(PQgetvalue(res.get(), 0, 0), nullptr, 10) : 0;
  }

  PGconn* conn_;
  bool in_tx_;
  PgDatabase::Connection* statements_;  // nullptr: every statement unnamed
  bool serialization_failure_ = false;
  int64_t last_insert_ = 0;
  bool insert_pending_ = false;  // an INSERT ran since last_insert_ was read
};

struct LastInsert {
  const PgDatabase* db = nullptr;
  int64_t id = 0;
};
thread_local LastInsert t_last_insert;

void Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  int ms = (5 << attempt) + static_cast<int>(rng() % 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// Scans a $tag$ opening at sql[i] ('$'); returns the tag including both '$', or empty.
std::string_view DollarTag(std::string_view sql, size_t i) {
  size_t j = i + 1;
  while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
  if (j < sql.size() && sql[j] == '$' &&
      !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1]))))
    return sql.substr(i, j - i + 1);
  return {};
}

}  // namespace

std::string NumberPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  auto copy_until = [&](size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }  // '' or ""
          break;
        }
        ++j;
      }
      copy_until(std::min(j + 1, sql.size()));
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      copy_until(j == std::string_view::npos ? sql.size() : j);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t j = sql.find("*/", i + 2);
      copy_until(j == std::string_view::npos ? sql.size() : j + 2);
    } else if (c == '$' && !DollarTag(sql, i).empty()) {
      std::string_view tag = DollarTag(sql, i);
      size_t j = sql.find(tag, i + tag.size());
      copy_until(j == std::string_view::npos ? sql.size() : j + tag.size());
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  if (count) *count = n;
  return out;
}

PgDatabase::PgDatabase(std::string url) : url_(std::move(url)) {}
PgDatabase::~PgDatabase() = default;

crm::Result<std::unique_ptr<PgDatabase>> PgDatabase::Open(std::string url) {
  std::unique_ptr<PgDatabase> db(new PgDatabase(std::move(url)));
  auto conn = db->Acquire();
  if (!conn.ok()) return conn.status();
  db->Release(std::move(conn).value());
  return db;
}

size_t PgDatabase::ConnectionCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return created_;
}

crm::Result<std::unique_ptr<PgDatabase::Connection>> PgDatabase::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!idle_.empty()) {
      std::unique_ptr<Connection> c = std::move(idle_.back());
      idle_.pop_back();
      // An idle connection whose server went away (restart, fast shutdown) has its end of the
      // socket closed: reading what is there (non-blocking) finds it, so the caller gets a fresh
      // connection instead of an error on the first statement after the server came back.
      if (!c->Broken() && PQconsumeInput(c->conn) == 1 && !c->Broken()) return c;
    }
  }
  auto c = std::make_unique<Connection>();
  // connect_timeout bounds a start against a dead server; the URL's own value wins.
  const char* keys[] = {"dbname", "connect_timeout", "application_name", "client_encoding",
                        nullptr};
  const char* values[] = {url_.c_str(), "5", "sample-host", "UTF8", nullptr};
  c->conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c->Broken()) {
    std::string message = c->conn ? PQerrorMessage(c->conn) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    // The message names host and port, never the password (libpq does not echo it).
    return crm::Unavailable("cannot connect to PostgreSQL: " + message);
  }
  // Notices ("relation ... already exists, skipping") are not errors: libpq would print them on
  // stderr, in the middle of a command's output (create-token prints only the token).
  PQsetNoticeProcessor(
      c->conn, [](void*, const char*) {}, nullptr);
  // No JIT: the host's statements are short (a list page is a few milliseconds of work), and
  // compiling one costs 50-200 ms, which PostgreSQL decides to do from cost estimates that a
  // COUNT over a million clients always exceeds. No parallel workers either, for the same
  // reason: a list page that walks an index planned a Gather Merge, and starting its two worker
  // processes took 20 ms of a 33 ms page (1M clients, `doc.N=expired`: 8.6-12.9 ms without);
  // bench_list, alternated: expired 40 -> 3.3 ms p50, expiring 26 -> 3.3, `q` + missing
  // 650 -> 275. Concurrent requests are the host's parallelism.
  // force_custom_plan: a prepared statement with parameters is planned for its values each
  // time, as an unnamed one is (a generic plan guesses the selectivity of a search word or a
  // region); one without parameters has a single plan, made once (Connection::prepared).
  // random_page_cost 1.1 instead of PostgreSQL's default 4 (a spinning disk's seek), unless the
  // server, database or role sets its own: the host's indexes are read from memory or SSD. With
  // 4, a fresh ANALYZE of cd_documents (its probe 1.21 -> 1.36 in the model) turned the capped
  // count of `q=bakker` + `doc.1=missing` from probes that stop at 10,000 matches (70 ms) into a
  // hash of the type's 600,000 documents built first (450 ms), at a million clients.
  // One round trip: the last statement's result, unless an earlier one failed (libpq stops there).
  ResultPtr setup(PQexec(c->conn,
                         "SET jit = off; SET max_parallel_workers_per_gather = 0;"
                         " SET plan_cache_mode = force_custom_plan;"
                         " SELECT set_config('random_page_cost', '1.1', false) FROM pg_settings"
                         " WHERE name = 'random_page_cost' AND source = 'default'"),
                  PQclear);
  if (PQresultStatus(setup.get()) != PGRES_TUPLES_OK) {
    return MapError(setup.get(), c->conn, "cannot configure the connection");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++created_;
  return c;
}

void PgDatabase::Release(std::unique_ptr<Connection> connection) {
  if (connection->Broken()) return;  // dropped: the next Acquire reconnects
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(connection));
}

crm::Result<int64_t> PgDatabase::Exec(std::string_view sql, const crm::SqlParams& params) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  PgExecutor executor((*conn)->conn, /*in_transaction=*/false);
  crm::Result<int64_t> r = executor.Exec(sql, params);
  if (r.ok() && StartsWithInsert(sql)) t_last_insert = {this, executor.LastInsertId()};
  Release(std::move(conn).value());
  return r;
}

crm::Status PgDatabase::Query(std::string_view sql, const crm::SqlParams& params,
                              const std::function<bool(const crm::SqlRow&)>& on_row) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  PgExecutor executor((*conn)->conn, /*in_transaction=*/false, conn->get());
  crm::Status s = executor.Query(sql, params, on_row);
  Release(std::move(conn).value());
  return s;
}

int64_t PgDatabase::LastInsertId() { return t_last_insert.db == this ? t_last_insert.id : 0; }

crm::Status PgDatabase::Transaction(const std::function<crm::Status(crm::SqlExecutor& tx)>& body) {
  crm::Status status;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    PGconn* pg = (*conn)->conn;
    ResultPtr begin(PQexec(pg, "BEGIN ISOLATION LEVEL SERIALIZABLE"), PQclear);
    if (PQresultStatus(begin.get()) != PGRES_COMMAND_OK) {
      status = MapError(begin.get(), pg, "BEGIN");
      Release(std::move(conn).value());
      return status;
    }
    PgExecutor tx(pg, /*in_transaction=*/true);
    try {
      status = body(tx);
    } catch (const std::exception& e) {
      status = crm::Internal(std::string("transaction body threw: ") + e.what());
    } catch (...) {
      status = crm::Internal("transaction body threw");
    }
    bool retry = false;
    if (status.ok()) {
      ResultPtr commit(PQexec(pg, "COMMIT"), PQclear);
      if (PQresultStatus(commit.get()) != PGRES_COMMAND_OK) {
        const char* state = PQresultErrorField(commit.get(), PG_DIAG_SQLSTATE);
        retry = state && IsSerializationFailure(state);
        status = MapError(commit.get(), pg, "COMMIT");
      } else if (std::string_view(PQcmdStatus(commit.get())) != "COMMIT") {
        // PostgreSQL ends a transaction in which a statement failed with ROLLBACK, even
        // when the body went on and returned OK (SQLite would have committed the rest).
        status = crm::Internal("transaction rolled back: a statement in it failed");
      }
    } else {
      ResultPtr(PQexec(pg, "ROLLBACK"), PQclear);
      retry = tx.serialization_failure();
    }
    Release(std::move(conn).value());
    if (!retry || attempt == kMaxAttempts) return status;
    Backoff(attempt);
  }
  return status;
}

}  // namespace host
