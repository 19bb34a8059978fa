// tests/app/test_db.h — the shared database fixture (tests/support/host_test_db.h), and a Database
// wrapper that counts statements (to prove the client list runs ONE statement per page).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "host-api/sql.h"
#include "tests/support/host_test_db.h"

namespace host::testing {

// Forwards to another Database and counts every statement run directly on it
// (Exec/Query) and inside its transactions.
class CountingDatabase final : public crm::Database {
 public:
  explicit CountingDatabase(crm::Database& inner) : inner_(inner) {}
  crm::SqlDialect Dialect() const override { return inner_.Dialect(); }
  crm::Result<int64_t> Exec(std::string_view sql, const crm::SqlParams& params = {}) override {
    ++statements;
    last_sql = std::string(sql);
    return inner_.Exec(sql, params);
  }
  crm::Status Query(std::string_view sql, const crm::SqlParams& params,
                    const std::function<bool(const crm::SqlRow&)>& on_row) override {
    ++statements;
    last_sql = std::string(sql);
    last_params = params;
    queries.push_back(last_sql);
    return inner_.Query(sql, params, on_row);
  }
  int64_t LastInsertId() override { return inner_.LastInsertId(); }
  crm::Status Transaction(const std::function<crm::Status(crm::SqlExecutor& tx)>& body) override {
    return inner_.Transaction([&](crm::SqlExecutor& tx) {
      Counting counting(tx, *this);
      return body(counting);
    });
  }
  std::atomic<int> statements{0};
  std::string last_sql;
  crm::SqlParams last_params;
  std::vector<std::string> queries;  // every Query outside a transaction (one thread at a time)

 private:
  class Counting final : public crm::SqlExecutor {
   public:
    Counting(crm::SqlExecutor& tx, CountingDatabase& owner) : tx_(tx), owner_(owner) {}
    crm::Result<int64_t> Exec(std::string_view sql, const crm::SqlParams& params = {}) override {
      ++owner_.statements;
      return tx_.Exec(sql, params);
    }
    crm::Status Query(std::string_view sql, const crm::SqlParams& params,
                      const std::function<bool(const crm::SqlRow&)>& on_row) override {
      ++owner_.statements;
      return tx_.Query(sql, params, on_row);
    }
    int64_t LastInsertId() override { return tx_.LastInsertId(); }

   private:
    crm::SqlExecutor& tx_;
    CountingDatabase& owner_;
  };
  crm::Database& inner_;
};

}  // namespace host::testing
