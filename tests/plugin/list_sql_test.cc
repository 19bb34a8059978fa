// tests/plugin/list_sql_test.cc — the list column and the `doc.<type_id>` filters run inside a
// list query over the host's real clients table, and use the module's indexes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "plugin/documents/list_sql.h"
#include "plugin/review/expiry_stages.h"
#include "plugin/review/review_store.h"
#include "plugin/review/state.h"
#include "plugin/services.h"
#include "tests/plugin/state_types.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class ListSqlTest : public cd_test::ModuleTest {
 protected:
  ListSqlTest() {
    for (const char* n : {"Ann", "Bob", "Cid", "Dee"}) clients_.push_back(host_.AddClient(n));
    id_ = Create("ID", UploadMode::kRequired);
    proof_ = Create("Proof", UploadMode::kRequired);
    photo_ = Create("Photo", UploadMode::kOptional);
    old_ = Create("Old", UploadMode::kRequired);
    TypeDraft archive;
    archive.active = false;
    EXPECT_OK(sv_.types().Update(old_, archive));
    // Ann: ID + Proof (complete). Bob: ID only. Cid: Photo only. Dee: nothing.
    Put(clients_[0], id_);
    Put(clients_[0], proof_);
    Put(clients_[1], id_);
    Put(clients_[2], photo_);
  }

  int64_t Create(const std::string& name, UploadMode mode) {
    TypeDraft d;
    d.name = LocalizedText{name, "", ""};
    d.upload_mode = mode;
    return sv_.types().Create(d)->id;
  }
  void Put(int64_t client, int64_t type) {
    EXPECT_TRUE(
        host_.Db()
            .Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at) VALUES (?, ?, 1)",
                  {client, type})
            .ok());
  }

  // first_name -> column value for the whole list, in one query.
  std::map<std::string, std::string> Column() {
    std::map<std::string, std::string> out;
    auto rows = host_.Db().QueryAll("SELECT c.first_name, " + CompletenessColumnSql() +
                                    " FROM clients c ORDER BY c.id");
    EXPECT_OK(rows);
    for (const auto& r : *rows) out[r.Text(0)] = r.Text(1);
    return out;
  }

  std::vector<std::string> Filter(int64_t type, const std::string& value) {
    auto p = sv_.documents().FilterPredicate("doc." + std::to_string(type), value);
    EXPECT_OK(p);
    std::vector<std::string> out;
    auto rows = host_.Db().QueryAll(
        "SELECT c.first_name FROM clients c WHERE " + p->sql + " ORDER BY c.id", p->params);
    EXPECT_OK(rows);
    for (const auto& r : *rows) out.push_back(r.Text(0));
    return out;
  }

  std::vector<int64_t> clients_;
  int64_t id_ = 0, proof_ = 0, photo_ = 0, old_ = 0;
};

TEST_F(ListSqlTest, ColumnIsYesOnlyWhenEveryActiveRequiredTypeIsThere) {
  auto col = Column();
  EXPECT_EQ(col["Ann"], "yes");  // the archived required type does not count
  EXPECT_EQ(col["Bob"], "no");
  EXPECT_EQ(col["Cid"], "no");
  EXPECT_EQ(col["Dee"], "no");
}

TEST_F(ListSqlTest, FiltersSelectUploadedAndMissing) {
  EXPECT_EQ(Filter(id_, "uploaded"), (std::vector<std::string>{"Ann", "Bob"}));
  EXPECT_EQ(Filter(id_, "missing"), (std::vector<std::string>{"Cid", "Dee"}));
  EXPECT_EQ(Filter(photo_, "uploaded"), (std::vector<std::string>{"Cid"}));
  EXPECT_EQ(Filter(proof_, "missing"), (std::vector<std::string>{"Bob", "Cid", "Dee"}));
}

TEST_F(ListSqlTest, FilterCombinesWithHostConditionsAndColumn) {
  auto p = sv_.documents().FilterPredicate("doc." + std::to_string(id_), "uploaded");
  ASSERT_OK(p);
  crm::SqlParams params = p->params;
  params.push_back(std::string("B%"));
  auto rows =
      host_.Db().QueryAll("SELECT c.first_name, " + CompletenessColumnSql() +
                              " FROM clients c WHERE " + p->sql + " AND c.first_name LIKE ?",
                          params);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "Bob");
  EXPECT_EQ((*rows)[0].Text(1), "no");
}

TEST_F(ListSqlTest, UnknownFiltersAndValues) {
  EXPECT_EQ(DocumentFilterPredicate("region", "x").status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(DocumentFilterPredicate("doc.", "uploaded").status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(DocumentFilterPredicate("doc.1 OR 1=1", "uploaded").status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(DocumentFilterPredicate("doc.1", "maybe").status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(sv_.documents().FilterPredicate("doc.999", "uploaded").status().code(),
            crm::StatusCode::kNotFound);
}

TEST_F(ListSqlTest, QueriesUseTheModuleIndexes) {
  if (host_.Db().Dialect() == crm::SqlDialect::kPostgresql) {
    GTEST_SKIP() << "reads SQLite's EXPLAIN QUERY PLAN; on PostgreSQL the host's plan tests "
                    "(tests/app ClientListTest.*.pg) check the list's indexes";
  }
  auto plan_of = [&](const std::string& sql, const crm::SqlParams& params) {
    std::string plan;
    auto rows = host_.Db().QueryAll("EXPLAIN QUERY PLAN " + sql, params);
    EXPECT_OK(rows);
    for (const auto& r : *rows) plan += r.Text(3) + "\n";
    return plan;
  };
  // The page form probes the unique (client_id, type_id) index per client walked...
  auto p = DocumentFilterPredicate("doc." + std::to_string(id_), "missing");
  std::string filter_plan = plan_of("SELECT c.id FROM clients c WHERE " + p->sql, p->params);
  EXPECT_NE(filter_plan.find("cd_documents_client_type"), std::string::npos) << filter_plan;
  // ...the counting form reads the type's set once from the (type_id, client_id) index.
  auto n = DocumentFilterCount("doc." + std::to_string(id_), "missing");
  ASSERT_OK(n);
  std::string count_plan =
      plan_of("SELECT COUNT(*) FROM clients c WHERE " + n->predicate.sql, n->predicate.params);
  EXPECT_NE(count_plan.find("cd_documents_type_client"), std::string::npos) << count_plan;
  std::string column_plan =
      plan_of("SELECT " + CompletenessColumnSql() + " FROM clients c LIMIT 50", {});
  EXPECT_NE(column_plan.find("cd_documents_client_type"), std::string::npos) << column_plan;
  EXPECT_EQ(column_plan.find("SCAN d"), std::string::npos) << column_plan;
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// CD6/CD7 at scale: the plans that keep a page and its total fast on many clients
// (the timings themselves are in tests/bench/bench_list). A page walks an index in the
// host's sort order and probes the unique (client_id, type_id) index per client; the
// total counts the type's set once; "uploaded" of a type with few documents starts
// from the set. Row counts are checked against a plain count.
TEST(ListSqlScaleTest, PageAndTotalUseSetsAndProbesOnManyClients) {
  cd_test::TempDir dir;
  cd_test::FakeHost host(dir.path());
  if (host.Db().Dialect() == crm::SqlDialect::kPostgresql) {
    GTEST_SKIP() << "reads SQLite's EXPLAIN QUERY PLAN; PostgreSQL's list plans are checked by "
                    "tests/app ClientListTest.*.pg and timed by bench_list --database";
  }
  Services sv(host);
  TypeDraft d;
  d.name = LocalizedText{"ID", "", ""};
  d.upload_mode = UploadMode::kRequired;
  int64_t type = sv.types().Create(d)->id;
  d.name = LocalizedText{"New", "", ""};
  int64_t fresh = sv.types().Create(d)->id;
  constexpr int64_t kClients = 180000;
  ASSERT_TRUE(
      host.Db()
          .Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
            auto r = tx.Exec(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                " INSERT INTO clients (id, first_name, created_at, updated_at) SELECT i, 'c' || i, "
                "0, 0 FROM n",
                {kClients});
            if (!r.ok()) return r.status();
            r = tx.Exec(
                "INSERT INTO cd_documents (client_id, type_id, uploaded_at) SELECT id, ?, 1 FROM "
                "clients"
                " WHERE id % 3 = 0",
                {type});
            if (!r.ok()) return r.status();
            r = tx.Exec(
                "INSERT INTO cd_documents (client_id, type_id, uploaded_at) SELECT id, ?, 1 FROM "
                "clients"
                " WHERE id % 1000 = 7",
                {fresh});
            return r.ok() ? crm::Status::Ok() : r.status();
          })
          .ok());
  ASSERT_OK(host.Db().Exec("ANALYZE"));
  auto plan_of = [&](const std::string& sql, const crm::SqlParams& params) {
    std::string plan;
    auto rows = host.Db().QueryAll("EXPLAIN QUERY PLAN " + sql, params);
    EXPECT_OK(rows);
    for (const auto& r : *rows) plan += r.Text(3) + "\n";
    return plan;
  };
  auto count_of = [&](const std::string& where, const crm::SqlParams& params) {
    auto n = host.Db().QueryOne("SELECT COUNT(*) FROM clients c WHERE " + where, params);
    EXPECT_OK(n);
    return (*n)->Int(0);
  };
  const std::string filter = "doc." + std::to_string(type);

  // The page: a correlated probe, and the walk in id order needs no sort.
  auto page = sv.documents().FilterPredicate(filter, "missing");
  ASSERT_OK(page);
  crm::SqlParams params = page->params;
  params.push_back(int64_t{90000});
  std::string page_sql = "SELECT c.id, " + CompletenessColumnSql() + " FROM clients c WHERE " +
                         page->sql + " ORDER BY c.id LIMIT 50 OFFSET ?";
  std::string plan = plan_of(page_sql, params);
  EXPECT_NE(plan.find("cd_documents_client_type"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  auto rows = host.Db().QueryAll(page_sql, params);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 50u);
  for (const auto& r : *rows) {
    EXPECT_NE(r.Int(0) % 3, 0);
    EXPECT_EQ(r.Text(1), "no");
  }

  // The total: the type's set from the (type_id, client_id) index, as a complement.
  auto count = sv.documents().FilterCount(filter, "missing");
  ASSERT_OK(count);
  EXPECT_TRUE(count->complement);
  std::string count_plan = plan_of("SELECT COUNT(*) FROM clients c WHERE " + count->predicate.sql,
                                   count->predicate.params);
  EXPECT_NE(count_plan.find("cd_documents_type_client"), std::string::npos) << count_plan;
  EXPECT_EQ(count_of(count->predicate.sql, count->predicate.params), kClients / 3);
  EXPECT_EQ(count_of(page->sql, page->params), kClients - kClients / 3);
  EXPECT_EQ(count_of("NOT (" + count->predicate.sql + ")", count->predicate.params),
            kClients - kClients / 3);
  auto up = sv.documents().FilterCount(filter, "uploaded");
  ASSERT_OK(up);
  EXPECT_FALSE(up->complement);
  EXPECT_EQ(sv.documents().FilterCount("doc.999", "missing").status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(sv.documents().FilterCount(filter, "maybe").status().code(),
            crm::StatusCode::kInvalidArgument);

  // "uploaded": 60,000 documents exceed the small-set bound, so a probe per client
  // walked; 180 documents of the new type: start from the set.
  auto many = sv.documents().FilterPredicate(filter, "uploaded");
  ASSERT_OK(many);
  EXPECT_NE(many->sql.find("EXISTS"), std::string::npos) << many->sql;
  EXPECT_EQ(count_of(many->sql, many->params), kClients / 3);
  auto few = sv.documents().FilterPredicate("doc." + std::to_string(fresh), "uploaded");
  ASSERT_OK(few);
  EXPECT_EQ(few->sql.find("EXISTS"), std::string::npos) << few->sql;
  EXPECT_EQ(count_of(few->sql, few->params), kClients / 1000);
  std::string few_plan =
      plan_of("SELECT c.id FROM clients c WHERE " + few->sql + " ORDER BY c.first_name LIMIT 50",
              few->params);
  EXPECT_NE(few_plan.find("cd_documents_type_client"), std::string::npos) << few_plan;
  EXPECT_EQ(few_plan.find("SCAN c"), std::string::npos) << few_plan;
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// Issue 10: every review and expiry state of `doc.<type>` is sized from counters kept by
// triggers (schemas 10 and 12), exactly — checked against the set the total would count,
// on several days (the expiry states move at midnight) and after writes of every kind.
class StateSizeTest : public cd_test::ModuleTest {
 protected:
  StateSizeTest() {
    for (int i = 0; i < 40; ++i) clients_.push_back(host_.AddClient("C" + std::to_string(i)));
    reviewed_ = MakeType("Passport", true);
    plain_ = MakeType("Licence", false);
    // Each client: a state by i % 4 and dates by i % 5 (none, past, warned, later, warn only).
    const char* states[] = {"none", "pending", "approved", "rejected"};
    const char* expires[] = {nullptr, "2026-01-10", "2026-03-01", "2026-12-31", nullptr};
    const char* warns[] = {nullptr, "2025-12-11", "2026-01-30", "2026-12-01", "2026-02-01"};
    for (size_t i = 0; i < clients_.size(); ++i) {
      for (const DocumentType* t : {&reviewed_, &plain_}) {
        if (t == &plain_ && i % 3 == 0) continue;
        crm::SqlParams p{clients_[i], t->id, states[i % 4]};
        p.push_back(expires[i % 5] ? crm::SqlValue(std::string(expires[i % 5])) : crm::SqlValue());
        p.push_back(warns[i % 5] ? crm::SqlValue(std::string(warns[i % 5])) : crm::SqlValue());
        EXPECT_OK(host_.Db().Exec(
            "INSERT INTO cd_documents (client_id, type_id, uploaded_at, review_state,"
            " expires_on, warn_on) VALUES (?, ?, 1, ?, ?, ?)",
            p));
      }
    }
  }

  DocumentType MakeType(const std::string& name, bool review) {
    return cd_test::MakeStateType(sv_, name, review, true);
  }

  int64_t Scalar(const std::string& sql, const crm::SqlParams& params) {
    auto row = host_.Db().QueryOne(sql, params);
    EXPECT_OK(row);
    return row.ok() && row->has_value() ? (**row).Int(0) : -1;
  }

  // The clients whose document of `t` is in state `v` on `today`, by ComputeStatus (state.h)
  // on each row: the rules themselves, not their SQL.
  int64_t RowByRow(const DocumentType& t, const std::string& v, const std::string& today) {
    auto rows = host_.Db().QueryAll(
        "SELECT review_state, COALESCE(expires_on, ''), COALESCE(warn_on, '') FROM cd_documents"
        " WHERE type_id = ?",
        {t.id});
    EXPECT_OK(rows);
    int64_t n = 0;
    for (const crm::SqlRow& r : *rows) {
      StateFacts f;
      f.has_document = true;
      f.type_review = t.review;
      f.review = ParseReviewState(r.Text(0));
      f.expires_on = r.Text(1);
      f.warn_on = r.Text(2);
      n += DocumentStatusName(ComputeStatus(f, today)) == v;
    }
    return n;
  }

  // Each document's stored expiry stage (schema 16) is ComputeStatus's dated step on `day`.
  void ExpectStagesOf(const std::string& day) {
    auto rows = host_.Db().QueryAll(
        "SELECT COALESCE(expires_on, ''), COALESCE(warn_on, ''), expiry_stage, client_id, type_id"
        " FROM cd_documents");
    ASSERT_OK(rows);
    ASSERT_FALSE(rows->empty());
    for (const crm::SqlRow& r : *rows) {
      StateFacts f;
      f.has_document = true;
      f.expires_on = r.Text(0);
      f.warn_on = r.Text(1);
      const DocumentStatus s = ComputeStatus(f, day);
      const int64_t want = s == DocumentStatus::kExpired    ? 2
                           : s == DocumentStatus::kExpiring ? 1
                                                            : 0;
      EXPECT_EQ(r.Int(2), want) << "client " << r.Int(3) << " type " << r.Int(4) << " expires "
                                << f.expires_on << " warned " << f.warn_on << " on " << day;
    }
  }

  // The total's set of `v` on `today`: from the dates (no current stages) or, with `stages`,
  // from schema 16's stages brought to `today` first (and checked to be used).
  crm::Result<crm::FilterCountPredicate> CountSet(const DocumentType& t, const std::string& v,
                                                  const std::string& today, bool stages) {
    if (!stages) return StateFilterCount(t, v, today, host_.Db().Dialect(), "");
    CRM_RETURN_IF_ERROR(BringExpiryStagesTo(host_.Db(), today).status());
    CRM_ASSIGN_OR_RETURN(std::string day, ExpiryStageDay(host_.Db()));
    EXPECT_EQ(day, today);
    auto set = StateFilterCount(t, v, today, host_.Db().Dialect(), day);
    if (set.ok() && (v == "expiring" || v == "expired")) {
      EXPECT_NE(set->predicate.sql.find("expiry_stage"), std::string::npos) << set->predicate.sql;
    }
    return set;
  }

  // Every state on `today`: the counters' size equals the count of the total's set, counted
  // from the dates and from the stages.
  void ExpectSizesMatch(const std::string& today) {
    for (bool stages : {false, true}) ExpectSizesMatch(today, stages);
  }
  void ExpectSizesMatch(const std::string& today, bool stages) {
    for (const DocumentType* t : {&reviewed_, &plain_}) {
      for (const char* v : {"pending", "approved", "rejected", "expiring", "expired"}) {
        auto size = StateFilterSize(*t, v, today);
        ASSERT_OK(size) << v;
        auto set = CountSet(*t, v, today, stages);
        ASSERT_OK(set) << v;
        auto page = StateFilterPredicate(*t, v, today, host_.Db().Dialect());
        ASSERT_OK(page) << v;
        const int64_t counted = Scalar("SELECT COUNT(*) FROM clients c WHERE " + set->predicate.sql,
                                       set->predicate.params);
        EXPECT_EQ(Scalar("SELECT " + size->sql, size->params), counted)
            << t->name.Get("en") << " " << v << " on " << today << (stages ? " (stages)" : "");
        // The page's per-row probe keeps the same clients as the set.
        EXPECT_EQ(Scalar("SELECT COUNT(*) FROM clients c WHERE " + page->sql, page->params),
                  counted)
            << t->name.Get("en") << " " << v << " on " << today;
        EXPECT_EQ(counted, RowByRow(*t, v, today))
            << t->name.Get("en") << " " << v << " on " << today;
      }
    }
  }

  std::vector<int64_t> clients_;
  DocumentType reviewed_, plain_;
};

TEST_F(StateSizeTest, CountersGiveEveryStatesExactSizeOnAnyDay) {
  // Forward day by day as the job moves (only crossed dates restaged), then back (all of them).
  for (const char* today :
       {"2025-12-01", "2026-01-10", "2026-02-01", "2026-03-02", "2027-06-01", "2026-01-30"}) {
    ExpectSizesMatch(today);
    ExpectStagesOf(today);
  }
  auto unknown = StateFilterSize(reviewed_, "uploaded", "2026-01-01");
  EXPECT_EQ(unknown.status().code(), crm::StatusCode::kNotFound);
}

TEST_F(StateSizeTest, CountersFollowReviewsDateChangesAndDeletions) {
  crm::Database& db = host_.Db();
  EXPECT_OK(db.Exec("UPDATE cd_documents SET review_state = 'approved' WHERE review_state = ?",
                    {std::string("pending")}));
  EXPECT_OK(db.Exec("UPDATE cd_documents SET expires_on = ?, warn_on = ? WHERE client_id % 2 = 0",
                    {std::string("2026-02-15"), std::string("2026-01-16")}));
  EXPECT_OK(
      db.Exec("UPDATE cd_documents SET expires_on = NULL, warn_on = NULL"
              " WHERE client_id % 7 = 0"));
  EXPECT_OK(db.Exec("DELETE FROM cd_documents WHERE client_id % 5 = 1"));
  for (const char* today : {"2026-01-10", "2026-01-20", "2026-02-20"}) ExpectSizesMatch(today);
}

// Schema 16: a document written after the job gets the stage of the stored day from the trigger
// (inserted dated or undated, dates changed, dates removed), and the job then moves only what a
// new day crosses: the day's row says which day every stage is for.
TEST_F(StateSizeTest, ExpiryStagesFollowWritesAndTheDay) {
  crm::Database& db = host_.Db();
  auto first = BringExpiryStagesTo(db, "2026-01-15");
  ASSERT_OK(first);
  ExpectStagesOf("2026-01-15");
  EXPECT_OK(db.Exec("UPDATE cd_documents SET expires_on = ?, warn_on = ? WHERE client_id % 3 = 0",
                    {std::string("2026-01-14"), std::string("2025-12-15")}));
  EXPECT_OK(db.Exec("UPDATE cd_documents SET warn_on = ? WHERE client_id % 3 = 1",
                    {std::string("2026-01-15")}));
  EXPECT_OK(
      db.Exec("UPDATE cd_documents SET expires_on = NULL, warn_on = NULL"
              " WHERE client_id % 3 = 2"));
  // A review decision does not touch the dates: the stage stays.
  EXPECT_OK(db.Exec("UPDATE cd_documents SET review_state = 'approved' WHERE client_id % 4 = 1"));
  const int64_t fresh = host_.AddClient("Fresh");
  EXPECT_OK(
      db.Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at, expires_on,"
              " warn_on) VALUES (?, ?, 1, ?, ?)",
              {fresh, plain_.id, std::string("2026-01-01"), std::string("2025-12-02")}));
  EXPECT_OK(db.Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at) VALUES (?, ?, 1)",
                    {fresh, reviewed_.id}));
  ExpectStagesOf("2026-01-15");
  ExpectSizesMatch("2026-01-15", true);
  // The next day: only the documents whose dates the day crossed are written.
  EXPECT_OK(db.Exec("UPDATE cd_documents SET warn_on = ? WHERE client_id = ?",
                    {std::string("2026-01-16"), fresh}));
  auto next = BringExpiryStagesTo(db, "2026-01-16");
  ASSERT_OK(next);
  EXPECT_EQ(next->from_day, "2026-01-15");
  EXPECT_FALSE(next->all);
  // Only the fresh client's two warnings fall on the 16th (one with an expiry date, one without);
  // the 15th's warnings (client_id % 3 = 1) were already staged.
  EXPECT_EQ(next->documents, 2);
  ExpectStagesOf("2026-01-16");
  auto again = BringExpiryStagesTo(db, "2026-01-16");
  ASSERT_OK(again);
  EXPECT_EQ(again->documents, 0);
  // A clock that goes back restages every dated document.
  auto back = BringExpiryStagesTo(db, "2026-01-02");
  ASSERT_OK(back);
  EXPECT_TRUE(back->all);
  ExpectStagesOf("2026-01-02");
  ExpectSizesMatch("2026-01-02");
  EXPECT_EQ(BringExpiryStagesTo(db, "2026-1-2").status().code(), crm::StatusCode::kInvalidArgument);
}

// PostgreSQL runs writers beside the job: a document written while the job holds the day's table
// (locked first, as MoveStages does) waits in the schema's trigger (FOR SHARE), then takes the new
// day's stage; it never keeps the old day's stage under the new day. In the .pg run only
// (tests/plugin/CMakeLists.txt): SQLite runs one write transaction at a time.
class ExpiryStagePgTest : public StateSizeTest {
 protected:
  void SetUp() override {
    if (host_.Db().Dialect() != crm::SqlDialect::kPostgresql) {
      GTEST_SKIP() << "PostgreSQL's concurrency and plans (SQLite runs one write transaction at a"
                      " time; its plans: EveryCountingSetComesInClientOrderFromAnIndexAlone)";
    }
  }
  // The stages brought to 2026-01-01, and a client without documents.
  int64_t FreshClientOnNewYearsDay() {
    EXPECT_OK(BringExpiryStagesTo(host_.Db(), "2026-01-01"));
    return host_.AddClient("Fresh");
  }
  // Writes `client`'s document of the plain type: expired on 2026-03-01, not on 2026-01-01.
  crm::Status InsertExpiringInFebruary(crm::SqlExecutor& db, int64_t client) {
    return db
        .Exec(
            "INSERT INTO cd_documents (client_id, type_id, uploaded_at, expires_on, warn_on)"
            " VALUES (?, ?, 1, ?, ?)",
            {client, plain_.id, std::string("2026-02-01"), std::string("2026-01-02")})
        .status();
  }
};
TEST_F(ExpiryStagePgTest, ADocumentWrittenWhileTheDayMovesTakesTheNewDay) {
  crm::Database& db = host_.Db();
  const int64_t fresh = FreshClientOnNewYearsDay();
  std::atomic<bool> written{false};
  std::thread writer;
  crm::Status moved = db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(tx.Exec("LOCK TABLE cd_expiry_stage_day IN EXCLUSIVE MODE").status());
    CRM_RETURN_IF_ERROR(
        tx.Exec("UPDATE cd_expiry_stage_day SET day = '2026-03-01' WHERE id = 1").status());
    writer = std::thread([&] {
      EXPECT_OK(InsertExpiringInFebruary(db, fresh));
      written = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(written) << "the trigger did not wait for the day's row";
    return crm::Status::Ok();
  });
  writer.join();
  ASSERT_OK(moved);
  ASSERT_TRUE(written);
  EXPECT_EQ(Scalar("SELECT expiry_stage FROM cd_documents WHERE client_id = ?", {fresh}), 2);
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// Issue 10: the page's probe of a review or expiry state reads schema 13's covering index
// alone: no cd_types row (the type's review switch is inlined) and no cd_documents row.
TEST_F(StateSizeTest, PageProbeOfEveryStateReadsOnlyTheCoveringIndex) {
  if (host_.Db().Dialect() == crm::SqlDialect::kPostgresql) {
    GTEST_SKIP() << "reads SQLite's EXPLAIN QUERY PLAN";
  }
  for (const DocumentType* t : {&reviewed_, &plain_}) {
    for (const char* v : {"pending", "approved", "rejected", "expiring", "expired"}) {
      auto page = StateFilterPredicate(*t, v, "2026-02-01", host_.Db().Dialect());
      ASSERT_OK(page);
      auto rows = host_.Db().QueryAll("EXPLAIN QUERY PLAN SELECT c.id FROM clients c WHERE " +
                                          page->sql + " ORDER BY c.id LIMIT 50",
                                      page->params);
      ASSERT_OK(rows);
      std::string plan;
      for (const auto& r : *rows) plan += r.Text(3) + "\n";
      EXPECT_EQ(plan.find("cd_types"), std::string::npos) << v << "\n" << plan;
      if (page->sql.find("1 = 0") != std::string::npos) continue;  // a state the type cannot have
      EXPECT_NE(plan.find("COVERING INDEX cd_documents_client_state"), std::string::npos)
          << t->name.Get("en") << " " << v << "\n"
          << plan;
    }
  }
}

// Issue 10: a total counted up to its bound merges id streams (host client_list_sql.h
// ListTerm::ids): the subquery S of every counting form "c.id IN (S)" must give the type's
// clients in client_id order from an index alone (schema 14), so that SQLite merges it with
// another stream without a sort and without reading a cd_documents row; and keep the set's
// clients.
TEST_F(StateSizeTest, EveryCountingSetComesInClientOrderFromAnIndexAlone) {
  if (host_.Db().Dialect() == crm::SqlDialect::kPostgresql) {
    GTEST_SKIP() << "reads SQLite's EXPLAIN QUERY PLAN (PostgreSQL counts with the sets)";
  }
  ASSERT_OK(host_.Db().Exec("ANALYZE"));
  const std::string today = "2026-02-01";
  for (const DocumentType* t : {&reviewed_, &plain_}) {
    std::vector<std::pair<std::string, crm::SqlPredicate>> sets;
    for (const char* v : {"uploaded", "missing"}) {
      auto count = DocumentFilterCount("doc." + std::to_string(t->id), v);
      ASSERT_OK(count) << v;
      sets.emplace_back(v, count->predicate);
    }
    for (const char* v : {"pending", "approved", "rejected", "expiring", "expired"}) {
      auto count = StateFilterCount(*t, v, today, host_.Db().Dialect(), "");
      ASSERT_OK(count) << v;
      sets.emplace_back(v, count->predicate);
    }
    // Schema 16: with the stages on today, the expiry states' own runs.
    ASSERT_OK(BringExpiryStagesTo(host_.Db(), today));
    for (const char* v : {"expiring", "expired"}) {
      auto count = StateFilterCount(*t, v, today, host_.Db().Dialect(), today);
      ASSERT_OK(count) << v;
      sets.emplace_back(std::string(v) + " (stages)", count->predicate);
    }
    for (const auto& [v, set] : sets) {
      const std::string what = t->name.Get("en") + " " + v;
      ASSERT_EQ(set.sql.rfind("c.id IN (SELECT ", 0), 0u) << what << ": " << set.sql;
      if (set.sql.find("1 = 0") != std::string::npos) continue;  // a state the type cannot have
      const std::string ids = "SELECT * FROM (" + set.sql.substr(9, set.sql.size() - 10) + ")";
      crm::SqlParams params{int64_t{0}};
      params.insert(params.end(), set.params.begin(), set.params.end());
      const std::string merge =
          "SELECT c.id FROM clients c WHERE c.id > ? INTERSECT " + ids + " ORDER BY 1 LIMIT 10";
      auto rows = host_.Db().QueryAll("EXPLAIN QUERY PLAN " + merge, params);
      ASSERT_OK(rows);
      std::string plan;
      for (const auto& r : *rows) plan += r.Text(3) + "\n";
      EXPECT_NE(plan.find("MERGE (INTERSECT)"), std::string::npos) << what << "\n" << plan;
      // Pending's two review states: two runs merged, not the type's every document filtered.
      EXPECT_EQ(plan.find("MERGE (UNION ALL)") != std::string::npos, t->review && v == "pending")
          << what << "\n"
          << plan;
      // Expired of a type without review is one range of (type_id, expires_on): where the
      // statistics promise few rows (here) SQLite sorts that range; at a million clients with a
      // third expired it reads (type_id, client_id, ...) in order (README, issue 10).
      if (!t->review && v == "expired" &&
          plan.find("INDEX cd_documents_type_expiry (type_id=? AND expires_on") !=
              std::string::npos)
        continue;
      if (what.find("(stages)") != std::string::npos) {
        EXPECT_NE(
            plan.find("COVERING INDEX cd_documents_type_stage (type_id=? AND expiry_stage=?)"),
            std::string::npos)
            << what << "\n"
            << plan;
      }
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << what << "\n" << plan;
      EXPECT_NE(plan.find("SEARCH d USING COVERING INDEX"), std::string::npos) << what << "\n"
                                                                               << plan;
      EXPECT_EQ(Scalar("SELECT COUNT(*) FROM (" + ids + ")", set.params),
                Scalar("SELECT COUNT(*) FROM clients c WHERE " + set.sql, set.params))
          << what;
    }
  }
}

// Issue 10 on PostgreSQL: the probe names d.type_id plainly, so the type is part of the index
// condition and the planner knows the type's share of the documents. SQLite's "+d.type_id"
// (which keeps SQLite off the unique index) is an expression on PostgreSQL: no index condition,
// and a share guessed at 0.5 %, which made a page build every match as a set and sort them all
// (4 s at a million clients). SQLite's plan is PageProbeOfEveryStateReadsOnlyTheCoveringIndex's.
TEST_F(StateSizeTest, PageProbeGivesTheTypeToTheIndexOnBothEngines) {
  const bool pg = host_.Db().Dialect() == crm::SqlDialect::kPostgresql;
  for (const char* v : {"pending", "approved", "rejected", "expiring", "expired"}) {
    auto page = StateFilterPredicate(reviewed_, v, "2026-02-01", host_.Db().Dialect());
    ASSERT_OK(page);
    EXPECT_EQ(page->sql.find("+d.type_id") != std::string::npos, !pg) << v << ": " << page->sql;
    if (!pg) continue;
    std::string plan;
    crm::Status s = host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
      CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_seqscan = off").status());
      CRM_ASSIGN_OR_RETURN(auto rows, tx.QueryAll("EXPLAIN SELECT c.id FROM clients c WHERE " +
                                                      page->sql + " ORDER BY c.id LIMIT 50",
                                                  page->params));
      for (const auto& r : rows) plan += r.Text(0) + "\n";
      return crm::Status::Ok();
    });
    ASSERT_OK(s);
    bool type_in_index = false;
    std::istringstream lines(plan);
    for (std::string line; std::getline(lines, line);)
      type_in_index |= line.find("Index Cond") != std::string::npos &&
                       line.find("type_id = ") != std::string::npos;
    EXPECT_TRUE(type_in_index) << v << "\n" << plan;
  }
}

// The other order on PostgreSQL: a writer (READ COMMITTED, as any statement outside the host's
// transactions) has read the old day in the trigger and not yet committed when the job starts. The
// job waits for it (its table lock comes before its snapshot, so the job's SERIALIZABLE snapshot
// holds the writer's document) and restages the document if the new day crosses its dates.
TEST_F(ExpiryStagePgTest, TheJobRestagesADocumentWrittenJustBeforeIt) {
  crm::Database& db = host_.Db();
  const int64_t fresh = FreshClientOnNewYearsDay();
  std::atomic<bool> inserted{false};
  std::thread writer([&] {
    EXPECT_OK(db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
      CRM_RETURN_IF_ERROR(tx.Exec("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").status());
      CRM_RETURN_IF_ERROR(InsertExpiringInFebruary(tx, fresh));
      inserted = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return crm::Status::Ok();
    }));
  });
  while (!inserted) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto moved = BringExpiryStagesTo(db, "2026-03-01");
  writer.join();
  ASSERT_OK(moved);
  EXPECT_EQ(Scalar("SELECT expiry_stage FROM cd_documents WHERE client_id = ?", {fresh}), 2)
      << "the job restaged without the writer's document";
}

// Schemas 16 and 17 on PostgreSQL: with the stages on today, an expiry state's counting set is the
// stage's range of (type_id, expiry_stage, client_id, review_state), and pending's the partial
// index of the documents waiting for review, each read from the index alone.
TEST_F(ExpiryStagePgTest, StageAndPendingSetsAreIndexOnlyRuns) {
  crm::Database& db = host_.Db();
  const std::string today = "2026-02-01";
  ASSERT_OK(BringExpiryStagesTo(db, today));
  ASSERT_OK(db.Exec("VACUUM (ANALYZE) cd_documents"));
  const std::pair<const DocumentType*, const char*> cases[] = {{&reviewed_, "expiring"},
                                                               {&reviewed_, "expired"},
                                                               {&plain_, "expiring"},
                                                               {&plain_, "expired"},
                                                               {&reviewed_, "pending"}};
  for (const auto& [t, v] : cases) {
    const std::string index =
        std::string(v) == "pending" ? "cd_documents_type_pending" : "cd_documents_type_stage";
    auto set = StateFilterCount(*t, v, today, db.Dialect(), today);
    ASSERT_OK(set) << v;
    std::string plan;
    crm::Status s = db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
      CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_seqscan = off").status());
      CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_bitmapscan = off").status());
      CRM_ASSIGN_OR_RETURN(auto rows, tx.QueryAll("EXPLAIN SELECT COUNT(*) FROM clients c WHERE " +
                                                      set->predicate.sql,
                                                  set->predicate.params));
      for (const auto& r : rows) plan += r.Text(0) + "\n";
      return crm::Status::Ok();
    });
    ASSERT_OK(s);
    EXPECT_NE(plan.find("Index Only Scan using " + index), std::string::npos)
        << t->name.Get("en") << " " << v << "\n"
        << plan;
  }
}

// PostgreSQL estimates a state's documents from the type and the dates together (module schema
// 15): only some types have dates, so the product of per-column selectivities guesses far too few
// (1M clients: 8,372 expired of a type where 199,999 were), and an offset page then joined and
// sorted the whole set instead of walking the sort index. Here: 250 documents of a type without
// dates and 250 of one whose documents have all expired; the guess for the expired ones must be
// near 250, where the product of the columns gives 62.
class StatePlanPgTest : public cd_test::ModuleTest {
 protected:
  int64_t MakeType(const std::string& name, bool dated) {
    return cd_test::MakeStateType(sv_, name, false, dated).id;
  }
};

TEST_F(StatePlanPgTest, StatesDocumentsAreEstimatedFromTypeAndDatesTogether) {
  crm::Database& db = host_.Db();
  if (db.Dialect() != crm::SqlDialect::kPostgresql)
    GTEST_SKIP() << "reads PostgreSQL's estimates (SQLite has no multi-column statistics)";
  const int64_t undated = MakeType("Contract", false);
  const int64_t dated = MakeType("Passport", true);
  for (int i = 0; i < 250; ++i) {
    const int64_t client = host_.AddClient("E" + std::to_string(i));
    for (int64_t type : {undated, dated}) {
      const bool d = type == dated;
      ASSERT_OK(
          db.Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at, expires_on,"
                  " warn_on) VALUES (?, ?, 1, ?, ?)",
                  {client, type, d ? crm::SqlValue(std::string("2026-01-10")) : crm::SqlValue(),
                   d ? crm::SqlValue(std::string("2025-12-11")) : crm::SqlValue()}));
    }
  }
  ASSERT_OK(db.Exec("ANALYZE cd_documents"));
  auto plan = db.QueryAll(
      "EXPLAIN (FORMAT JSON) SELECT 1 FROM cd_documents d WHERE d.type_id = ?"
      " AND d.expires_on IS NOT NULL AND d.expires_on < '2026-02-01'",
      {dated});
  ASSERT_OK(plan);
  ASSERT_EQ(plan->size(), 1u);
  const std::string json = (*plan)[0].Text(0);
  const size_t at = json.find("\"Plan Rows\": ");
  ASSERT_NE(at, std::string::npos) << json;
  const int64_t guess = std::strtoll(json.c_str() + at + 13, nullptr, 10);
  EXPECT_GE(guess, 200) << json;
  EXPECT_LE(guess, 300) << json;
}

}  // namespace
}  // namespace cd
