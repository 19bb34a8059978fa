// tests/plugin/client_sets_test.cc — the client sets of the `doc.<type>` filters (host API 1.6,
// module schema 18): replayed as the host folds them, each filter value's formula keeps exactly
// the clients its counting predicate keeps, through writes of every kind and moves of the day,
// whatever order SQLite runs the triggers in, and from the migration's backfill.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "plugin/documents/list_sql.h"
#include "plugin/review/expiry_stages.h"
#include "plugin/review/review_store.h"
#include "plugin/review/state.h"
#include "sample-host/core/migrator.h"
#include "tests/plugin/state_types.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
std::vector<crm::Migration> HostMigrations();
std::vector<crm::Migration> ModuleMigrations();
}  // namespace cd_test

namespace cd {
namespace {

using ClientSets = std::map<std::string, std::set<int64_t>>;

constexpr const char* kValues[] = {"uploaded", "missing",  "pending", "approved",
                                   "rejected", "expiring", "expired"};

// The sets as the host folds them: the module's changes in id order, the last member of each
// (set_key, client_id) winning.
ClientSets FoldClientSets(crm::SqlExecutor& db) {
  ClientSets sets;
  auto rows = db.QueryAll(
      "SELECT set_key, client_id, member FROM client_set_changes WHERE set_key LIKE 'cd.%'"
      " ORDER BY id");
  EXPECT_OK(rows);
  if (!rows.ok()) return sets;
  for (const crm::SqlRow& r : *rows) {
    if (r.Int(2) == 1) {
      sets[r.Text(0)].insert(r.Int(1));
    } else {
      EXPECT_EQ(r.Int(2), 0) << r.Text(0);
      sets[r.Text(0)].erase(r.Int(1));
    }
  }
  return sets;
}

std::set<int64_t> ClientIds(crm::SqlExecutor& db, const std::string& where = "1 = 1",
                            const crm::SqlParams& params = {}) {
  std::set<int64_t> ids;
  auto rows = db.QueryAll("SELECT c.id FROM clients c WHERE " + where, params);
  EXPECT_OK(rows);
  if (rows.ok())
    for (const crm::SqlRow& r : *rows) ids.insert(r.Int(0));
  return ids;
}

// The host's clients a formula keeps (the host intersects every formula with its "clients").
std::set<int64_t> KeptBySets(const crm::ClientSetFormula& formula, const ClientSets& sets,
                             const std::set<int64_t>& clients) {
  std::set<int64_t> kept;
  for (int64_t id : clients) {
    bool in = true;
    for (const std::string& key : formula.all) in = in && sets.count(key) && sets.at(key).count(id);
    for (const std::string& key : formula.none)
      in = in && !(sets.count(key) && sets.at(key).count(id));
    if (in) kept.insert(id);
  }
  return kept;
}

// The clients the filter's counting predicate keeps (after its complement), as the list counts
// them, from the dates (no stages): the stage sets are checked against the dates themselves.
crm::Result<std::set<int64_t>> KeptByCount(crm::Database& db, const DocumentType& type,
                                           const std::string& value, const std::string& today) {
  const std::string filter = "doc." + std::to_string(type.id);
  const bool documents = value == "uploaded" || value == "missing";
  CRM_ASSIGN_OR_RETURN(crm::FilterCountPredicate count,
                       documents ? DocumentFilterCount(filter, value)
                                 : StateFilterCount(type, value, today, db.Dialect(), ""));
  const std::string sql = count.predicate.sql;
  return ClientIds(db, count.complement ? "NOT (" + sql + ")" : sql, count.predicate.params);
}

// The formula hooks/list_filters.cc gives for the value, with the stored stage day.
crm::Result<crm::ClientSetFormula> FormulaOf(const DocumentType& type, const std::string& value,
                                             const std::string& today,
                                             const std::string& stage_day) {
  if (value == "uploaded" || value == "missing")
    return DocumentFilterSets("doc." + std::to_string(type.id), value);
  return StateFilterSets(type, value, today, stage_day);
}

// Every value of every type on `today` (the stages brought to it first): the formula's clients
// are the counted ones, client by client; a review state of a type without review has none.
void ExpectEveryFormulaKeepsTheCountedClients(crm::Database& db,
                                              const std::vector<DocumentType>& types,
                                              const std::string& today) {
  ASSERT_OK(BringExpiryStagesTo(db, today));
  auto stage_day = ExpiryStageDay(db);
  ASSERT_OK(stage_day);
  ASSERT_EQ(*stage_day, today);
  const ClientSets sets = FoldClientSets(db);
  const std::set<int64_t> clients = ClientIds(db);
  int nonempty = 0;
  for (const DocumentType& t : types) {
    for (const std::string v : kValues) {
      const std::string what = t.name.Get("en") + " " + v + " on " + today;
      auto formula = FormulaOf(t, v, today, *stage_day);
      const bool review_state = v == "pending" || v == "approved" || v == "rejected";
      if (review_state && !t.review) {
        EXPECT_EQ(formula.status().code(), crm::StatusCode::kNotFound) << what;
        continue;
      }
      ASSERT_OK(formula) << what;
      auto counted = KeptByCount(db, t, v, today);
      ASSERT_OK(counted) << what;
      EXPECT_EQ(KeptBySets(*formula, sets, clients), *counted) << what;
      nonempty += !counted->empty();
    }
  }
  // Not a comparison of empty sets: most values keep someone.
  EXPECT_GE(nonempty, 12) << today;
  // The day moves at midnight: the dated values have no sets until the job has moved the stages.
  for (const DocumentType& t : types) {
    for (const char* v : {"approved", "expiring", "expired"}) {
      EXPECT_EQ(StateFilterSets(t, v, AddDays(today, 1), today).status().code(),
                crm::StatusCode::kNotFound);
    }
  }
}

// Each client's documents: a review state by (i + k) % 4 for the k-th type, dates (types with an
// expiry field) by i % 5 (none, past, warned, later, warning only), no document of the k-th type
// for a client where (i + k) % 5 == 4. Types without review get every state too (a type whose
// review was switched off keeps its documents' states).
void WriteDocumentsOfEveryKind(crm::SqlExecutor& db, const std::vector<int64_t>& clients,
                               const std::vector<DocumentType>& types) {
  const char* states[] = {"none", "pending", "approved", "rejected"};
  const char* expires[] = {nullptr, "2026-01-10", "2026-03-01", "2026-12-31", nullptr};
  const char* warns[] = {nullptr, "2025-12-11", "2026-01-30", "2026-12-01", "2026-02-01"};
  auto date = [](const char* d) { return d ? crm::SqlValue(std::string(d)) : crm::SqlValue(); };
  for (size_t i = 0; i < clients.size(); ++i) {
    for (size_t k = 0; k < types.size(); ++k) {
      if ((i + k) % 5 == 4) continue;
      const bool dated = !types[k].expiry_field.empty();
      EXPECT_OK(db.Exec(
          "INSERT INTO cd_documents (client_id, type_id, uploaded_at, review_state, expires_on,"
          " warn_on) VALUES (?, ?, 1, ?, ?, ?)",
          {clients[i], types[k].id, std::string(states[(i + k) % 4]),
           date(dated ? expires[i % 5] : nullptr), date(dated ? warns[i % 5] : nullptr)}));
    }
  }
}

// Four types (review or not, expiry field or not) and 40 clients with documents of every kind.
class ClientSetsTest : public cd_test::ModuleTest {
 protected:
  ClientSetsTest() {
    for (int i = 0; i < 40; ++i) clients_.push_back(host_.AddClient("C" + std::to_string(i)));
    types_ = {cd_test::MakeStateType(sv_, "Passport", true, true),
              cd_test::MakeStateType(sv_, "Licence", false, true),
              cd_test::MakeStateType(sv_, "Contract", true, false),
              cd_test::MakeStateType(sv_, "Photo", false, false)};
    WriteDocumentsOfEveryKind(host_.Db(), clients_, types_);
  }

  void ExpectSetsOn(const std::string& today) {
    ExpectEveryFormulaKeepsTheCountedClients(host_.Db(), types_, today);
  }

  // Review decisions, new and removed dates, the module's upload and field writes (review state
  // and dates in one statement, schema 16's stage update inside it), deletions, new documents and
  // a document moved to another client and type, checked on days forward and back.
  void WriteEverythingAndCheck() {
    crm::Database& db = host_.Db();
    const DocumentType& passport = types_[0];
    const DocumentType& licence = types_[1];
    for (const char* day : {"2025-12-01", "2026-01-10", "2026-02-01", "2026-03-02", "2027-06-01",
                            "2026-01-30", "2026-01-15"})
      ExpectSetsOn(day);
    EXPECT_OK(
        db.Exec("UPDATE cd_documents SET review_state = 'approved'"
                " WHERE review_state = 'pending' AND client_id % 2 = 0"));
    EXPECT_OK(
        db.Exec("UPDATE cd_documents SET review_state = 'rejected'"
                " WHERE review_state = 'approved' AND client_id % 3 = 0"));
    EXPECT_OK(db.Exec("UPDATE cd_documents SET expires_on = ?, warn_on = ? WHERE client_id % 5 = 0",
                      {std::string("2026-01-14"), std::string("2025-12-15")}));
    EXPECT_OK(db.Exec(
        "UPDATE cd_documents SET expires_on = NULL, warn_on = NULL WHERE client_id % 7 = 0"));
    EXPECT_OK(db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
      const std::map<std::string, std::string> soon{{"valid_until", "2026-01-20"}};
      const std::map<std::string, std::string> past{{"valid_until", "2026-01-01"}};
      for (size_t i : {1, 2, 3, 6, 8, 11}) {
        CRM_RETURN_IF_ERROR(WriteUploadState(tx, passport, clients_[i], i % 2 ? soon : past));
      }
      CRM_RETURN_IF_ERROR(WriteUploadState(tx, licence, clients_[1], past));
      CRM_RETURN_IF_ERROR(WriteExpiry(tx, passport, clients_[12], soon));
      return WriteExpiry(tx, licence, clients_[14], {});
    }));
    EXPECT_OK(db.Exec("DELETE FROM cd_documents WHERE client_id % 11 = 4"));
    const int64_t fresh = host_.AddClient("Fresh");
    EXPECT_OK(db.Exec(
        "INSERT INTO cd_documents (client_id, type_id, uploaded_at, review_state, expires_on,"
        " warn_on) VALUES (?, ?, 1, 'approved', '2026-01-01', '2025-12-02'),"
        " (?, ?, 1, 'none', NULL, '2026-01-15')",
        {fresh, passport.id, fresh, licence.id}));
    // A document moved to a client who has none, as another type.
    const int64_t moved_to = host_.AddClient("Moved to");
    EXPECT_OK(
        db.Exec("UPDATE cd_documents SET client_id = ?, type_id = ?"
                " WHERE client_id = ? AND type_id = ?",
                {moved_to, types_[3].id, clients_[2], passport.id}));
    ExpectSetsOn("2026-01-15");
    for (const char* day : {"2026-01-16", "2026-02-20", "2026-01-02"}) ExpectSetsOn(day);
  }

  std::vector<int64_t> clients_;
  std::vector<DocumentType> types_;
};

TEST_F(ClientSetsTest, EveryFormulaKeepsTheCountedClientsThroughWritesAndDays) {
  WriteEverythingAndCheck();
}

// SQLite runs a table's triggers newest first (not documented): schema 18's before schema 16's
// stage triggers, which update the row just written. Here schema 16's are made newest, so they run
// first: the sets must come out the same.
TEST_F(ClientSetsTest, SetsHoldWhicheverOrderSqliteRunsTheTriggersIn) {
  crm::Database& db = host_.Db();
  if (db.Dialect() != crm::SqlDialect::kSqlite)
    GTEST_SKIP() << "SQLite's row triggers (PostgreSQL sets the stage before the row is written)";
  auto triggers = db.QueryAll(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
      " AND name LIKE 'cd_documents_expiry_stage_%'");
  ASSERT_OK(triggers);
  ASSERT_EQ(triggers->size(), 2u);
  for (const crm::SqlRow& t : *triggers) {
    ASSERT_OK(db.Exec("DROP TRIGGER " + t.Text(0)));
    ASSERT_OK(db.Exec(t.Text(1)));
  }
  // The stage's trigger ran first: the new document's first change is its stage's set.
  const int64_t probe = host_.AddClient("Probe");
  ASSERT_OK(
      db.Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at, expires_on, warn_on)"
              " VALUES (?, ?, 1, '2000-01-02', '2000-01-01')",
              {probe, types_[1].id}));
  auto first = db.QueryOne(
      "SELECT set_key FROM client_set_changes WHERE client_id = ? AND set_key LIKE 'cd.%'"
      " ORDER BY id LIMIT 1",
      {probe});
  ASSERT_OK(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->Text(0), ClientSetKey(types_[1].id, "e"));
  WriteEverythingAndCheck();
}

// Schema 18 on a database that has documents: the migration's own rows give every document's
// sets (the host folds them like the triggers' changes).
TEST(ClientSetsBackfillTest, TheMigrationGivesExistingDocumentsTheirSets) {
  cd_test::TempDir dir;
  crm_test::ScratchDatabase scratch(dir.path() / "backfill.db");
  ASSERT_OK(scratch.status());
  crm::Database& db = scratch.db();
  ASSERT_OK(host::ApplyMigrations(db, "host", cd_test::HostMigrations()));
  const std::vector<crm::Migration> all = cd_test::ModuleMigrations();
  std::vector<crm::Migration> before;
  for (const crm::Migration& m : all)
    if (m.version < 18) before.push_back(m);
  ASSERT_OK(host::ApplyMigrations(db, "client-documents", before));

  std::vector<DocumentType> types(4);
  for (int k = 0; k < 4; ++k) {
    types[k].id = k + 1;
    types[k].name = LocalizedText{"T" + std::to_string(k + 1), "", ""};
    types[k].review = k % 2 == 0;
    types[k].expiry_field = k < 2 ? "valid_until" : "";
    ASSERT_OK(
        db.Exec("INSERT INTO cd_types (id, name_en, max_size, created_at, updated_at, review,"
                " expiry_field) VALUES (?, ?, 1000, 1, 1, ?, ?)",
                {types[k].id, types[k].name.en, static_cast<int64_t>(types[k].review),
                 types[k].expiry_field}));
  }
  for (int i = 0; i < 30; ++i) {
    ASSERT_OK(db.Exec("INSERT INTO clients (first_name, created_at, updated_at) VALUES (?, 1, 1)",
                      {"C" + std::to_string(i)}));
  }
  const std::set<int64_t> ids = ClientIds(db);
  WriteDocumentsOfEveryKind(db, std::vector<int64_t>(ids.begin(), ids.end()), types);
  ASSERT_OK(BringExpiryStagesTo(db, "2026-01-30"));
  EXPECT_TRUE(FoldClientSets(db).empty());

  ASSERT_OK(host::ApplyMigrations(db, "client-documents", all));
  ExpectEveryFormulaKeepsTheCountedClients(db, types, "2026-01-30");
  // From there the triggers keep them.
  ASSERT_OK(db.Exec("UPDATE cd_documents SET review_state = 'approved' WHERE client_id % 3 = 0"));
  ASSERT_OK(db.Exec("DELETE FROM cd_documents WHERE client_id % 4 = 1"));
  ExpectEveryFormulaKeepsTheCountedClients(db, types, "2026-03-02");
}

}  // namespace
}  // namespace cd
