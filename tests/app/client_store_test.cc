// tests/app/client_store_test.cc — client validation, create/read/update, and deletion through the
// plugins' deletion hooks (SPEC H1, H6): a refusing hook leaves everything in place.
#include "sample-host/app/client_store.h"

#include <gtest/gtest.h>

#include <vector>

#include "sample-host/core/hook_registry.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

Client Sample(std::string email = "marie.dupont@example.com") {
  Client c;
  c.first_name = "Marie";
  c.last_name = "Dupont";
  c.email = std::move(email);
  c.language = "fr";
  c.birth_date = "1984-02-29";
  c.address.city = "Liège";
  c.address.postal_code = "4000";
  c.address.region = "Wallonie";
  c.address.country = "BE";
  c.tags = {" vip ", "newsletter", "vip"};
  return c;
}

TEST(ClientValidation, AcceptsAndNormalises) {
  Client c = Sample();
  c.first_name = "  Marie ";
  c.website = "example.com";
  ASSERT_OK(ClientStore::Validate(c));
  EXPECT_EQ(c.first_name, "Marie");
  EXPECT_EQ(c.website, "https://example.com");
  EXPECT_EQ(c.tags, (std::vector<std::string>{"newsletter", "vip"}));
}

TEST(ClientValidation, RefusesWithFieldLevelMessages) {
  struct Case {
    void (*mutate)(Client&);
    const char* field;
  };
  const Case cases[] = {
      {[](Client& c) { c.email = "not-an-email"; }, "email:"},
      {[](Client& c) { c.email = "a@b"; }, "email:"},
      {[](Client& c) { c.email = "x y@example.com"; }, "email:"},
      {[](Client& c) { c.language = "de"; }, "language:"},
      {[](Client& c) { c.birth_date = "1985-02-29"; }, "birth_date:"},  // not a leap year
      {[](Client& c) { c.birth_date = "12/03/1980"; }, "birth_date:"},
      {[](Client& c) { c.birth_date = "1980-13-01"; }, "birth_date:"},
      {[](Client& c) { c.website = "javascript:alert(1)"; }, "website:"},
      {[](Client& c) { c.first_name = c.last_name = ""; }, "last_name:"},
      {[](Client& c) { c.last_name = "Du\npont"; }, "last_name:"},
      {[](Client& c) { c.tags = {"a,b"}; }, "tags:"},
  };
  for (const auto& tc : cases) {
    Client c = Sample();
    tc.mutate(c);
    crm::Status s = ClientStore::Validate(c);
    EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument) << tc.field;
    EXPECT_EQ(s.message().rfind(tc.field, 0), 0u) << s.message();
  }
}

class ClientStoreTest : public ::testing::Test {
 protected:
  testing::TestDb tdb_;
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  ClientStore store_{tdb_.db(), registry_, [this] { return now_; }};
};

TEST_F(ClientStoreTest, CreateGetUpdate) {
  auto created = store_.Create(Sample());
  ASSERT_OK(created) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  auto got = store_.Get(created->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->last_name, "Dupont");
  EXPECT_EQ(got->address.city, "Liège");
  EXPECT_EQ(got->birth_date, "1984-02-29");
  EXPECT_EQ(got->tags, (std::vector<std::string>{"newsletter", "vip"}));
  EXPECT_EQ(got->created_at, now_);

  now_ += 10;
  Client c = *got;
  c.tags = {"partner"};
  c.address.city = "Namur";
  auto updated = store_.Update(c);
  ASSERT_OK(updated) << updated.status().ToString();
  EXPECT_EQ(updated->address.city, "Namur");
  EXPECT_EQ(updated->tags, std::vector<std::string>{"partner"});
  EXPECT_EQ(updated->created_at, now_ - 10);
  EXPECT_EQ(updated->updated_at, now_);

  EXPECT_EQ(store_.Get(9999).status().code(), crm::StatusCode::kNotFound);
  Client missing = Sample("other@example.com");
  missing.id = 9999;
  EXPECT_EQ(store_.Update(missing).status().code(), crm::StatusCode::kNotFound);
}

TEST_F(ClientStoreTest, DuplicateEmailIsAConflict) {
  ASSERT_OK(store_.Create(Sample()));
  auto dup = store_.Create(Sample("MARIE.DUPONT@example.com"));
  EXPECT_EQ(dup.status().code(), crm::StatusCode::kConflict);
  EXPECT_NE(dup.status().message().find("email"), std::string::npos);
}

// Issue 15.14: a deleted client's failed logins (and confirmation-link requests) go with it;
// another person's stay.
TEST_F(ClientStoreTest, DeleteRemovesTheClientsLoginAttempts) {
  auto c = store_.Create(Sample("Marie.Dupont@example.com"));
  ASSERT_OK(c);
  for (const char* email :
       {"marie.dupont@example.com", "confirm:marie.dupont@example.com", "someone@example.com"}) {
    ASSERT_OK(tdb_.db().Exec(
        "INSERT INTO login_attempts (email, ip, success, created_at) VALUES (?, ?, 0, ?)",
        {std::string(email), std::string("10.0.0.1"), now_}));
  }
  ASSERT_OK(store_.Delete(c->id));
  auto left = tdb_.db().QueryAll("SELECT email FROM login_attempts ORDER BY email");
  ASSERT_OK(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].Text(0), "someone@example.com");
}

// A deleted client's id is never given to the next one (schema 19). SQLite gave the newest
// client's id again after its deletion, and the module's removal of the deleted client's files
// (after the commit, by the id's folder) then took the new client's first upload: the crash test
// caught a row whose file was gone. Both engines.
TEST_F(ClientStoreTest, ADeletedClientsIdIsNeverGivenAgain) {
  auto first = store_.Create(Sample("first@example.com"));
  ASSERT_OK(first);
  auto newest = store_.Create(Sample("newest@example.com"));
  ASSERT_OK(newest);
  ASSERT_OK(store_.Delete(newest->id));
  auto next = store_.Create(Sample("next@example.com"));
  ASSERT_OK(next);
  EXPECT_GT(next->id, newest->id);
  // Every client deleted, even the oldest: still above every id given so far.
  ASSERT_OK(store_.Delete(next->id));
  ASSERT_OK(store_.Delete(first->id));
  auto after_all = store_.Create(Sample("after@example.com"));
  ASSERT_OK(after_all);
  EXPECT_GT(after_all->id, next->id);
  EXPECT_EQ(store_.Get(after_all->id)->email, "after@example.com");
}

TEST_F(ClientStoreTest, DeleteRunsHooksInOrderThenAfterCommit) {
  std::vector<std::string> calls;
  StagingRegistrar reg("plugin-a");
  ASSERT_OK(reg.AddClientDeletionHook(
      {"late",
       [&](int64_t id, crm::SqlExecutor& tx) {
         calls.push_back("late " + std::to_string(id));
         // The hook runs inside the deletion's transaction.
         auto r = tx.QueryOne("SELECT 1 FROM clients WHERE id = ?", {id});
         EXPECT_TRUE(r.ok() && r->has_value());
         return crm::Status::Ok();
       },
       [&](int64_t id) { calls.push_back("after " + std::to_string(id)); }, 200}));
  ASSERT_OK(reg.AddClientDeletionHook({"early",
                                       [&](int64_t id, crm::SqlExecutor&) {
                                         calls.push_back("early " + std::to_string(id));
                                         return crm::Status::Ok();
                                       },
                                       nullptr, 10}));
  ASSERT_OK(registry_.Commit(reg.Take()));
  auto c = store_.Create(Sample());
  ASSERT_OK(c);
  std::string id = std::to_string(c->id);
  ASSERT_OK(store_.Delete(c->id));
  EXPECT_EQ(calls, (std::vector<std::string>{"early " + id, "late " + id, "after " + id}));
  EXPECT_EQ(store_.Get(c->id).status().code(), crm::StatusCode::kNotFound);
  auto tags = tdb_.db().QueryOne("SELECT COUNT(*) FROM client_tags");
  EXPECT_EQ((*tags)->Int(0), 0);
  EXPECT_EQ(store_.Delete(c->id).code(), crm::StatusCode::kNotFound);
}

TEST_F(ClientStoreTest, RefusingHookDeletesNothing) {
  bool after_called = false;
  StagingRegistrar reg("docs-plugin");
  // The first hook deletes its rows; the second refuses: the first hook's work must be
  // rolled back with everything else.
  ASSERT_OK(tdb_.db().Exec("CREATE TABLE plugin_rows (client_id INTEGER)"));
  ASSERT_OK(reg.AddClientDeletionHook({"cleanup",
                                       [](int64_t id, crm::SqlExecutor& tx) {
                                         auto r = tx.Exec(
                                             "DELETE FROM plugin_rows WHERE client_id = ?", {id});
                                         return r.ok() ? crm::Status::Ok() : r.status();
                                       },
                                       [&](int64_t) { after_called = true; }, 10}));
  ASSERT_OK(reg.AddClientDeletionHook(
      {"refuse",
       [](int64_t, crm::SqlExecutor&) { return crm::Conflict("documents are under legal hold"); },
       nullptr, 20}));
  ASSERT_OK(registry_.Commit(reg.Take()));
  auto c = store_.Create(Sample());
  ASSERT_OK(c);
  ASSERT_OK(tdb_.db().Exec("INSERT INTO plugin_rows VALUES (?)", {c->id}));

  crm::Status s = store_.Delete(c->id);
  EXPECT_EQ(s.code(), crm::StatusCode::kConflict);
  EXPECT_NE(s.message().find("docs-plugin"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("legal hold"), std::string::npos) << s.message();
  EXPECT_FALSE(after_called);
  EXPECT_OK(store_.Get(c->id));
  auto rows = tdb_.db().QueryOne("SELECT COUNT(*) FROM plugin_rows");
  EXPECT_EQ((*rows)->Int(0), 1);
  auto tags = tdb_.db().QueryOne("SELECT COUNT(*) FROM client_tags WHERE client_id = ?", {c->id});
  EXPECT_EQ((*tags)->Int(0), 2);
}

TEST_F(ClientStoreTest, ThrowingHookIsContained) {
  StagingRegistrar reg("bad-plugin");
  ASSERT_OK(reg.AddClientDeletionHook(
      {"boom",
       [](int64_t, crm::SqlExecutor&) -> crm::Status { throw std::runtime_error("kaboom"); },
       nullptr, 10}));
  ASSERT_OK(registry_.Commit(reg.Take()));
  auto c = store_.Create(Sample());
  ASSERT_OK(c);
  crm::Status s = store_.Delete(c->id);
  EXPECT_EQ(s.code(), crm::StatusCode::kInternal);
  EXPECT_NE(s.message().find("bad-plugin"), std::string::npos);
  EXPECT_OK(store_.Get(c->id));
}

}  // namespace
}  // namespace host
