// tests/plugin/list_sql_test.cc — the list column and the `doc.<type_id>` filters run inside a
// list query over the host's real clients table, and use the module's indexes.
#include <gtest/gtest.h>

#include <chrono>

#include "plugin/document_service.h"
#include "plugin/services.h"
#include "tests/plugin/test_env.h"

namespace cd {
namespace {

class ListSqlTest : public ::testing::Test {
 protected:
  ListSqlTest() : host_(dir_.path()), sv_(host_) {
    for (const char* n : {"Ann", "Bob", "Cid", "Dee"}) clients_.push_back(host_.AddClient(n));
    id_ = Create("ID", UploadMode::kRequired);
    proof_ = Create("Proof", UploadMode::kRequired);
    photo_ = Create("Photo", UploadMode::kOptional);
    old_ = Create("Old", UploadMode::kRequired);
    TypeDraft archive;
    archive.active = false;
    EXPECT_TRUE(sv_.types().Update(old_, archive).ok());
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
    EXPECT_TRUE(host_.Db().Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at) VALUES (?, ?, 1)",
                                {client, type}).ok());
  }

  // first_name -> column value for the whole list, in one query.
  std::map<std::string, std::string> Column() {
    std::map<std::string, std::string> out;
    auto rows = host_.Db().QueryAll("SELECT c.first_name, " + CompletenessColumnSql() +
                                    " FROM clients c ORDER BY c.id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    for (const auto& r : *rows) out[r.Text(0)] = r.Text(1);
    return out;
  }

  std::vector<std::string> Filter(int64_t type, const std::string& value) {
    auto p = sv_.documents().FilterPredicate("doc." + std::to_string(type), value);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    std::vector<std::string> out;
    auto rows = host_.Db().QueryAll("SELECT c.first_name FROM clients c WHERE " + p->sql + " ORDER BY c.id",
                                    p->params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    for (const auto& r : *rows) out.push_back(r.Text(0));
    return out;
  }

  cd_test::TempDir dir_;
  cd_test::FakeHost host_;
  Services sv_;
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
  ASSERT_TRUE(p.ok());
  crm::SqlParams params = p->params;
  params.push_back(std::string("B%"));
  auto rows = host_.Db().QueryAll("SELECT c.first_name, " + CompletenessColumnSql() +
                                      " FROM clients c WHERE " + p->sql + " AND c.first_name LIKE ?",
                                  params);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "Bob");
  EXPECT_EQ((*rows)[0].Text(1), "no");
}

TEST_F(ListSqlTest, UnknownFiltersAndValues) {
  EXPECT_EQ(DocumentFilterPredicate("region", "x").status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(DocumentFilterPredicate("doc.", "uploaded").status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(DocumentFilterPredicate("doc.1 OR 1=1", "uploaded").status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(DocumentFilterPredicate("doc.1", "maybe").status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(sv_.documents().FilterPredicate("doc.999", "uploaded").status().code(), crm::StatusCode::kNotFound);
}

TEST_F(ListSqlTest, QueriesUseTheModuleIndexes) {
  auto plan_of = [&](const std::string& sql, const crm::SqlParams& params) {
    std::string plan;
    auto rows = host_.Db().QueryAll("EXPLAIN QUERY PLAN " + sql, params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    for (const auto& r : *rows) plan += r.Text(3) + "\n";
    return plan;
  };
  auto p = DocumentFilterPredicate("doc." + std::to_string(id_), "missing");
  std::string filter_plan = plan_of("SELECT c.id FROM clients c WHERE " + p->sql, p->params);
  EXPECT_NE(filter_plan.find("cd_documents_type_client"), std::string::npos) << filter_plan;
  std::string column_plan = plan_of("SELECT " + CompletenessColumnSql() + " FROM clients c LIMIT 50", {});
  EXPECT_NE(column_plan.find("cd_documents_client_type"), std::string::npos) << column_plan;
  EXPECT_EQ(column_plan.find("SCAN d"), std::string::npos) << column_plan;
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// CD6/CD7 at scale: a page of the list (column + filter + count) over many clients stays
// fast because both queries run on the module's indexes. Generous bound: shared CI box.
TEST(ListSqlScaleTest, PageOverManyClientsIsFast) {
  cd_test::TempDir dir;
  cd_test::FakeHost host(dir.path());
  Services sv(host);
  TypeDraft d;
  d.name = LocalizedText{"ID", "", ""};
  d.upload_mode = UploadMode::kRequired;
  int64_t type = sv.types().Create(d)->id;
  constexpr int64_t kClients = 300000;
  ASSERT_TRUE(host.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto r = tx.Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO clients (id, first_name, created_at, updated_at) SELECT i, 'c' || i, 0, 0 FROM n",
        {kClients});
    if (!r.ok()) return r.status();
    r = tx.Exec("INSERT INTO cd_documents (client_id, type_id, uploaded_at) SELECT id, ?, 1 FROM clients"
                " WHERE id % 3 = 0",
                {type});
    return r.ok() ? crm::Status::Ok() : r.status();
  }).ok());

  auto start = std::chrono::steady_clock::now();
  auto p = sv.documents().FilterPredicate("doc." + std::to_string(type), "missing");
  ASSERT_TRUE(p.ok());
  auto total = host.Db().QueryOne("SELECT COUNT(*) FROM clients c WHERE " + p->sql, p->params);
  ASSERT_TRUE(total.ok());
  EXPECT_EQ((*total)->Int(0), kClients - kClients / 3);
  crm::SqlParams params = p->params;
  params.push_back(int64_t{150000});
  auto page = host.Db().QueryAll("SELECT c.id, " + CompletenessColumnSql() + " FROM clients c WHERE " +
                                     p->sql + " ORDER BY c.id LIMIT 50 OFFSET ?",
                                 params);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 50u);
  for (const auto& r : *page) {
    EXPECT_NE(r.Int(0) % 3, 0);
    EXPECT_EQ(r.Text(1), "no");
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_LT(elapsed.count(), 3000) << "list page took " << elapsed.count() << " ms";
}

}  // namespace
}  // namespace cd
