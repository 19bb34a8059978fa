// sample-host/core/migrator.cc — versioned, checksummed migrations recorded in host_migrations.
// One transaction per migration (script + bookkeeping row), so a failure leaves the database as it
// was.
#include "sample-host/core/migrator.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <string>

#include "sample-host/core/sha256.h"

namespace host {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS host_migrations ("
    " owner TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL,"
    " PRIMARY KEY (owner, version))";

struct Applied {
  std::string name;
  std::string checksum;
};

// Versions must be exactly 1..N: a gap means a lost file, a duplicate an unmerged branch.
crm::Status CheckSequence(std::string_view owner, std::vector<const crm::Migration*>& sorted) {
  std::sort(sorted.begin(), sorted.end(), [](const crm::Migration* a, const crm::Migration* b) {
    return a->version < b->version;
  });
  for (size_t i = 0; i < sorted.size(); ++i) {
    int expected = static_cast<int>(i) + 1;
    const crm::Migration& m = *sorted[i];
    if (i > 0 && m.version == sorted[i - 1]->version) {
      return crm::InvalidArgument("migrations of " + std::string(owner) + ": version " +
                                  std::to_string(m.version) + " appears twice (" +
                                  sorted[i - 1]->name + ", " + m.name + ")");
    }
    if (m.version != expected) {
      return crm::InvalidArgument("migrations of " + std::string(owner) +
                                  ": versions must be 1..N without gaps; " + "expected " +
                                  std::to_string(expected) + ", found " + m.name + " (version " +
                                  std::to_string(m.version) + ")");
    }
  }
  return crm::Status::Ok();
}

crm::Result<std::map<int, Applied>> ReadApplied(crm::SqlExecutor& db, std::string_view owner) {
  std::map<int, Applied> applied;
  crm::Status s = db.Query("SELECT version, name, checksum FROM host_migrations WHERE owner = ?",
                           {std::string(owner)}, [&](const crm::SqlRow& row) {
                             applied[static_cast<int>(row.Int(0))] = {row.Text(1), row.Text(2)};
                             return true;
                           });
  if (!s.ok()) return s;
  return applied;
}

crm::Status EditedError(std::string_view owner, const crm::Migration& m, const Applied& a,
                        const std::string& now) {
  return crm::Conflict("migration " + m.name + " of " + std::string(owner) +
                       " was edited after it was applied (checksum " + a.checksum + " recorded, " +
                       now + " now); add a new migration instead of changing an applied one");
}

// Shared by Apply and Check: validates the list against what the database holds.
crm::Status Validate(crm::Database& db, std::string_view owner,
                     const std::vector<crm::Migration>& migrations,
                     std::vector<const crm::Migration*>* sorted, std::map<int, Applied>* applied) {
  for (const auto& m : migrations) sorted->push_back(&m);
  CRM_RETURN_IF_ERROR(CheckSequence(owner, *sorted));
  auto created = db.Exec(kCreateTable);
  if (!created.ok())
    return crm::Status(created.status().code(),
                       "creating host_migrations: " + created.status().message());
  CRM_ASSIGN_OR_RETURN(*applied, ReadApplied(db, owner));
  for (const auto& [version, a] : *applied) {
    if (version > static_cast<int>(sorted->size())) {
      return crm::Conflict("the database holds migration " + a.name + " (version " +
                           std::to_string(version) + ") of " + std::string(owner) +
                           ", which this build does not have (was it downgraded?)");
    }
  }
  for (const crm::Migration* m : *sorted) {
    auto it = applied->find(m->version);
    if (it == applied->end()) continue;
    std::string checksum = Sha256Hex(m->sql);
    if (it->second.checksum != checksum) return EditedError(owner, *m, it->second, checksum);
  }
  return crm::Status::Ok();
}

}  // namespace

std::vector<crm::Migration> MigrationsFor(const std::vector<crm::Migration>& all,
                                          crm::SqlDialect dialect) {
  const std::string prefix = std::string(crm::SqlDialectName(dialect)) + "/";
  std::map<int, const crm::Migration*> own;  // this dialect's files, by version
  for (const crm::Migration& m : all) {
    if (m.name.compare(0, prefix.size(), prefix) == 0) own[m.version] = &m;
  }
  std::vector<crm::Migration> out;
  for (const crm::Migration& m : all) {
    if (m.name.find('/') != std::string::npos) continue;  // a dialect's file: below
    auto it = own.find(m.version);
    out.push_back(it == own.end() ? m : *it->second);  // plain duplicates stay: refused later
    if (it != own.end()) own.erase(it);
  }
  for (const auto& [version, m] : own) out.push_back(*m);  // no plain file of that version
  return out;
}

std::string SqlForDialect(const crm::Migration& migration, crm::SqlDialect dialect) {
  if (dialect != crm::SqlDialect::kPostgresql || migration.name.find('/') != std::string::npos)
    return migration.sql;
  static const std::regex row_id(R"(\bINTEGER PRIMARY KEY\b)");
  static const std::regex integer(R"(\bINTEGER\b)");
  std::string sql = std::regex_replace(migration.sql, row_id,
                                       "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  return std::regex_replace(sql, integer, "BIGINT");
}

namespace {

// PostgreSQL: VACUUM (ANALYZE) every table of the schema that has more than a tenth of its pages
// out of its visibility map after the migrations, outside any transaction (VACUUM cannot run in
// one). A migration that rewrites a table (ALTER TABLE ... ADD COLUMN ... STORED: host schema 23
// on clients) clears the map, and without it PostgreSQL can no longer count on index-only scans:
// at a million clients `region + doc.N=...` counts went from a merge of two index-only scans
// (13 ms) to a bitmap heap scan and a hash (57-142 ms) until autovacuum came, which a rewrite
// alone does not call. A migration that updates part of a table (module schema 16: 400,000 of
// 3,000,000 documents) clears it for those pages, which the catalog shows once the migration
// ends with ANALYZE (it counts the map): an index-only scan of those rows went to the heap for
// each (region + doc.5=expiring 27 -> 79 ms) until this VACUUM.
crm::Status VacuumRewrittenTables(crm::Database& db) {
  CRM_ASSIGN_OR_RETURN(
      auto tables,
      db.QueryAll("SELECT quote_ident(c.relname) FROM pg_class c"
                  " JOIN pg_namespace n ON n.oid = c.relnamespace"
                  " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relpages >= ?"
                  " AND c.relallvisible * 10 < c.relpages * 9 ORDER BY c.relname",
                  {int64_t{kVacuumAfterMigrationPages}}));
  for (const crm::SqlRow& table : tables)
    CRM_RETURN_IF_ERROR(db.Exec("VACUUM (ANALYZE) " + table.Text(0)).status());
  return crm::Status::Ok();
}

}  // namespace

crm::Status ApplyMigrations(crm::Database& db, std::string_view owner,
                            const std::vector<crm::Migration>& all) {
  if (owner.empty()) return crm::InvalidArgument("migrations need an owner");
  const std::vector<crm::Migration> migrations = MigrationsFor(all, db.Dialect());
  std::vector<const crm::Migration*> sorted;
  std::map<int, Applied> applied;
  CRM_RETURN_IF_ERROR(Validate(db, owner, migrations, &sorted, &applied));

  bool changed = false;
  for (const crm::Migration* m : sorted) {
    if (applied.count(m->version)) continue;
    changed = true;
    const std::string checksum = Sha256Hex(m->sql);
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    crm::Status s = db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
      // Another process may have applied it since we looked: re-check under the write lock.
      CRM_ASSIGN_OR_RETURN(
          auto again,
          tx.QueryOne("SELECT checksum FROM host_migrations WHERE owner = ? AND version = ?",
                      {std::string(owner), int64_t{m->version}}));
      if (again) {
        if (again->Text(0) != checksum)
          return EditedError(owner, *m, {m->name, again->Text(0)}, checksum);
        return crm::Status::Ok();
      }
      CRM_RETURN_IF_ERROR(tx.Exec(SqlForDialect(*m, db.Dialect())).status());
      return tx
          .Exec(
              "INSERT INTO host_migrations (owner, version, name, checksum, applied_at) VALUES (?, "
              "?, ?, ?, ?)",
              {std::string(owner), int64_t{m->version}, m->name, checksum, now})
          .status();
    });
    if (!s.ok()) {
      return crm::Status(s.code(), "migration " + m->name + " of " + std::string(owner) +
                                       " failed and was rolled back: " + s.message());
    }
  }
  if (changed && db.Dialect() == crm::SqlDialect::kPostgresql) return VacuumRewrittenTables(db);
  return crm::Status::Ok();
}

crm::Status CheckMigrations(crm::Database& db, std::string_view owner,
                            const std::vector<crm::Migration>& all) {
  const std::vector<crm::Migration> migrations = MigrationsFor(all, db.Dialect());
  std::vector<const crm::Migration*> sorted;
  std::map<int, Applied> applied;
  CRM_RETURN_IF_ERROR(Validate(db, owner, migrations, &sorted, &applied));
  for (const crm::Migration* m : sorted) {
    if (!applied.count(m->version)) {
      return crm::Conflict("migration " + m->name + " of " + std::string(owner) +
                           " is not applied yet");
    }
  }
  return crm::Status::Ok();
}

}  // namespace host
