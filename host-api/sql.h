// host-api/sql.h — the database service a host gives its plugins.
// A narrow interface over the host's SQL database (SQLite in sample-host), so the plugin's queries
// run in the host's own database and transactions.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "status.h"

namespace crm {

// One SQL value: NULL, INTEGER, REAL or TEXT. BLOBs are not part of the contract
// (files live in the file store, not in the database).
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

// Bound parameters, in order (`?` placeholders). Never build SQL from user input:
// always pass values here.
using SqlParams = std::vector<SqlValue>;

// One result row. Accessors never throw: a NULL or a value of another type reads as
// 0 / "" unless asked with Is*.
class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  const SqlValue& operator[](size_t i) const { return values_.at(i); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }
  int64_t Int(size_t i) const {
    const SqlValue& v = values_.at(i);
    if (auto* p = std::get_if<int64_t>(&v)) return *p;
    if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    return 0;
  }
  double Real(size_t i) const {
    const SqlValue& v = values_.at(i);
    if (auto* d = std::get_if<double>(&v)) return *d;
    if (auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
    return 0;
  }
  std::string Text(size_t i) const {
    const SqlValue& v = values_.at(i);
    if (auto* s = std::get_if<std::string>(&v)) return *s;
    if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
    if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
    return "";
  }
  const std::vector<SqlValue>& values() const { return values_; }

 private:
  std::vector<SqlValue> values_;
};

// Runs statements on one connection. Not thread-safe: use one executor per thread
// (Database hands each call its own). Errors come back as Status: kConflict for a
// constraint violation, kUnavailable when the database stayed busy past its timeout,
// kInvalidArgument for an SQL error, kInternal otherwise.
class SqlExecutor {
 public:
  virtual ~SqlExecutor() = default;

  // Runs one statement; returns the number of rows it changed.
  virtual Result<int64_t> Exec(std::string_view sql, const SqlParams& params = {}) = 0;

  // Runs a query and calls on_row for each row until it returns false.
  virtual Status Query(std::string_view sql, const SqlParams& params,
                       const std::function<bool(const SqlRow&)>& on_row) = 0;

  // Rowid of the last INSERT on this executor's connection.
  virtual int64_t LastInsertId() = 0;

  // Convenience: every row.
  Result<std::vector<SqlRow>> QueryAll(std::string_view sql, const SqlParams& params = {}) {
    std::vector<SqlRow> rows;
    Status s = Query(sql, params, [&](const SqlRow& r) {
      rows.push_back(r);
      return true;
    });
    if (!s.ok()) return s;
    return rows;
  }
  // Convenience: the first row, or nullopt when there is none.
  Result<std::optional<SqlRow>> QueryOne(std::string_view sql, const SqlParams& params = {}) {
    std::optional<SqlRow> row;
    Status s = Query(sql, params, [&](const SqlRow& r) {
      row = r;
      return false;
    });
    if (!s.ok()) return s;
    return row;
  }
};

// The SQL dialect of the host's database (host API 1.3). Plugin SQL keeps to what both
// accept (`?` placeholders, INSERT … RETURNING, CASE, EXISTS, lower()); where it cannot,
// it branches on Database::Dialect(), and its migrations may differ per dialect.
enum class SqlDialect { kSqlite, kPostgresql };

// "sqlite" / "postgresql": also the folder name of a dialect's own migrations.
constexpr std::string_view SqlDialectName(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? "sqlite" : "postgresql";
}

// The host's database. Thread-safe: every call may come from any request thread.
// Calls made directly on it run in autocommit mode on a pooled connection.
class Database : public SqlExecutor {
 public:
  // Runs body inside one write transaction (BEGIN IMMEDIATE on SQLite, so it never
  // fails half-way with "database is locked"). Commits when body returns OK, rolls
  // back otherwise, and returns body's Status. Do not call Database methods from
  // inside body: use the executor it is given. Not re-entrant.
  virtual Status Transaction(const std::function<Status(SqlExecutor& tx)>& body) = 0;

  // Added in host API 1.3: which SQL this database speaks.
  virtual SqlDialect Dialect() const = 0;
};

}  // namespace crm
