// tests/plugin/review_test.cc — the state machine (PT5, X1): ComputeStatus over every
// combination, its SQL twin agreeing with it on a real database, and ReviewDocument's rules
// (422 without a reason, 409 when not pending, 404 for clients), stored state and journal.
#include "plugin/review/state.h"

#include <gtest/gtest.h>

#include <ctime>
#include <map>

#include "plugin/review/review_store.h"
#include "plugin/review/use_cases.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

constexpr char kToday[] = "2026-06-15";

TEST(ComputeStatusTest, TheRulesInOrder) {
  StateFacts f;
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kMissing);
  f.has_document = true;
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kUploaded);
  f.type_review = true;
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kPending);  // stored before review
  f.review = ReviewState::kPending;
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kPending);
  f.review = ReviewState::kRejected;
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kRejected);
  f.review = ReviewState::kApproved;
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kApproved);
  f.expires_on = "2026-07-01";
  f.warn_on = "2026-06-01";
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kExpiring);
  f.warn_on = "2026-06-16";
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kApproved);
  f.expires_on = "2026-06-15";  // the last valid day
  f.warn_on = "2026-05-16";
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kExpiring);
  f.expires_on = "2026-06-14";
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kExpired);
  f.review = ReviewState::kRejected;  // a rejection stays a rejection
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kRejected);
  f.type_review = false;  // review turned off: the date decides
  EXPECT_EQ(ComputeStatus(f, kToday), DocumentStatus::kExpired);
}

TEST(ComputeStatusTest, Dates) {
  EXPECT_EQ(AddDays("2026-03-01", -1), "2026-02-28");
  EXPECT_EQ(AddDays("2024-03-01", -1), "2024-02-29");
  EXPECT_EQ(AddDays("2026-12-31", 1), "2027-01-01");
  EXPECT_EQ(AddDays("nope", 1), "");
  EXPECT_EQ(IsoDate(0), "1970-01-01");
}

class ReviewTest : public cd_test::ModuleTest {
 protected:
  ReviewTest() {
    ann_ = host_.AddClient("Ann");
    TypeDraft d;
    d.name = LocalizedText{"ID card", "Carte d'identité", ""};
    d.upload_mode = UploadMode::kRequired;
    d.fields =
        std::vector<FieldDef>{{"valid_until", {"Valid until", "", ""}, FieldType::kDate, false}};
    d.review = true;
    d.expiry_field = "valid_until";
    d.expiry_warn_days = 30;
    auto t = sv_.types().Create(d);
    EXPECT_OK(t);
    type_ = *t;
  }

  crm::Result<ClientDocument> Upload(const std::string& valid_until) {
    UploadInput in;
    in.fields["valid_until"] = valid_until;
    auto f = sv_.files().Begin("scan.pdf", kDefaultMaxSize, DefaultAccept());
    EXPECT_OK(f);
    EXPECT_OK((*f)->Write(cd_test::MakePdf()));
    EXPECT_OK((*f)->Finish());
    in.files.push_back(std::move(*f));
    return sv_.documents().Upload(cd_test::Client(ann_), ann_, type_.id, std::move(in));
  }

  int64_t ann_ = 0;
  DocumentType type_;
};

TEST_F(ReviewTest, TypeValidatesItsExpiryField) {
  TypeDraft bad;
  bad.expiry_field = "nope";
  EXPECT_EQ(sv_.types().Update(type_.id, bad).status().code(), crm::StatusCode::kUnprocessable);
  TypeDraft warn;
  warn.expiry_warn_days = -1;
  EXPECT_EQ(sv_.types().Update(type_.id, warn).status().code(), crm::StatusCode::kUnprocessable);
  auto read = sv_.types().Get(type_.id);
  ASSERT_OK(read);
  EXPECT_TRUE(read->review);
  EXPECT_EQ(read->expiry_field, "valid_until");
  EXPECT_FALSE(read->retention_days.has_value());
}

TEST_F(ReviewTest, UploadIsPendingThenRejectedThenUploadedAgainThenApproved) {
  auto doc = Upload("2099-01-01");
  ASSERT_OK(doc);
  EXPECT_EQ(doc->status, DocumentStatus::kPending);
  ASSERT_TRUE(doc->review.has_value());
  EXPECT_EQ(doc->review->state, "pending");
  EXPECT_EQ(doc->expires_on, "2099-01-01");

  // 422 without a reason, 404 for the client itself, nothing stored.
  EXPECT_EQ(ReviewDocument(sv_, cd_test::Admin(), ann_, type_.id, {"reject", "  "}).status().code(),
            crm::StatusCode::kUnprocessable);
  EXPECT_EQ(ReviewDocument(sv_, cd_test::Admin(), ann_, type_.id, {"maybe", ""}).status().code(),
            crm::StatusCode::kUnprocessable);
  EXPECT_EQ(
      ReviewDocument(sv_, cd_test::Client(ann_), ann_, type_.id, {"approve", ""}).status().code(),
      crm::StatusCode::kNotFound);
  EXPECT_EQ(sv_.documents().Get(cd_test::Admin(), ann_, type_.id)->status,
            DocumentStatus::kPending);

  auto rejected = ReviewDocument(sv_, cd_test::Admin(), ann_, type_.id, {"reject", "Blurred"});
  ASSERT_OK(rejected);
  EXPECT_EQ(rejected->status, DocumentStatus::kRejected);
  EXPECT_EQ(rejected->review->reason, "Blurred");
  EXPECT_EQ(rejected->review->at, host_.now);
  // 409: no longer pending.
  EXPECT_EQ(ReviewDocument(sv_, cd_test::Admin(), ann_, type_.id, {"approve", ""}).status().code(),
            crm::StatusCode::kConflict);

  auto again = Upload("2099-01-01");
  ASSERT_OK(again);
  EXPECT_EQ(again->status, DocumentStatus::kPending);
  EXPECT_EQ(again->review->reason, "");
  auto approved = ReviewDocument(sv_, cd_test::Admin(), ann_, type_.id, {"approve", ""});
  ASSERT_OK(approved);
  EXPECT_EQ(approved->status, DocumentStatus::kApproved);

  auto counts = CountRequired(host_.Db(), ann_, IsoDate(host_.now));
  ASSERT_OK(counts);
  EXPECT_EQ(counts->required, 1);
  EXPECT_EQ(counts->satisfied, 1);
  auto rows = host_.Db().QueryAll(
      "SELECT action FROM cd_journal WHERE action IN ('approved', 'rejected') ORDER BY seq");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "rejected");
  EXPECT_EQ((*rows)[1].Text(0), "approved");
}

TEST_F(ReviewTest, WarningDaysMoveTheStoredDates) {
  ASSERT_OK(Upload("2030-03-31"));
  auto row = host_.Db().QueryOne("SELECT warn_on FROM cd_documents WHERE client_id = ?", {ann_});
  ASSERT_OK(row);
  EXPECT_EQ((*row)->Text(0), "2030-03-01");
  TypeDraft d;
  d.expiry_warn_days = 10;
  ASSERT_OK(sv_.types().Update(type_.id, d));
  row = host_.Db().QueryOne("SELECT warn_on FROM cd_documents WHERE client_id = ?", {ann_});
  EXPECT_EQ((*row)->Text(0), "2030-03-21");
}

// The SQL twin agrees with ComputeStatus on every combination stored in the database.
TEST_F(ReviewTest, SqlConditionsAgreeWithComputeStatus) {
  TypeDraft plain;
  plain.name = LocalizedText{"Plain", "", ""};
  auto plain_type = sv_.types().Create(plain);
  ASSERT_OK(plain_type);
  int n = 0;
  for (int64_t type_id : {type_.id, plain_type->id}) {
    for (const char* state : {"none", "pending", "approved", "rejected"}) {
      for (const char* expires : {"", "2026-06-14", "2026-06-15", "2026-07-01", "2027-01-01"}) {
        int64_t client = host_.AddClient("C" + std::to_string(++n));
        std::string exp = expires;
        std::string warn = exp.empty() ? "" : AddDays(exp, -30);
        ASSERT_OK(host_.Db().Exec(
            "INSERT INTO cd_documents (client_id, type_id, uploaded_at, review_state, expires_on,"
            " warn_on) VALUES (?, ?, 1, ?, ?, ?)",
            {client, type_id, std::string(state), exp.empty() ? crm::SqlValue() : exp,
             warn.empty() ? crm::SqlValue() : warn}));
      }
    }
  }
  int checked = 0;
  for (int s = 0; s <= static_cast<int>(DocumentStatus::kExpired); ++s) {
    auto status = static_cast<DocumentStatus>(s);
    if (status == DocumentStatus::kMissing) continue;
    crm::SqlPredicate cond = StatusCondition(status, kToday);
    auto rows = host_.Db().QueryAll(
        "SELECT d.review_state, COALESCE(d.expires_on, ''), COALESCE(d.warn_on, ''), t.review,"
        " CASE WHEN " +
            cond.sql +
            " THEN 1 ELSE 0 END FROM cd_documents d"
            " JOIN cd_types t ON t.id = d.type_id",
        cond.params);
    ASSERT_OK(rows);
    for (const crm::SqlRow& r : *rows) {
      StateFacts f{true, r.Int(3) != 0, ParseReviewState(r.Text(0)), r.Text(1), r.Text(2)};
      EXPECT_EQ(ComputeStatus(f, kToday) == status, r.Int(4) == 1)
          << DocumentStatusName(status) << " " << r.Text(0) << " " << r.Text(1) << " " << r.Int(3);
      ++checked;
    }
    // The same with the type's review switch inlined (the list's filters): no cd_types row.
    for (bool review : {true, false}) {
      crm::SqlPredicate known = TypeStatusCondition(status, review, kToday);
      EXPECT_EQ(known.sql.find("t."), std::string::npos) << known.sql;
      crm::SqlParams params = known.params;
      params.push_back(int64_t{review ? 1 : 0});
      auto typed = host_.Db().QueryAll(
          "SELECT d.review_state, COALESCE(d.expires_on, ''), COALESCE(d.warn_on, ''),"
          " CASE WHEN " +
              known.sql +
              " THEN 1 ELSE 0 END FROM cd_documents d JOIN cd_types t ON t.id = d.type_id"
              " WHERE t.review = ?",
          params);
      ASSERT_OK(typed);
      EXPECT_EQ(typed->size(), 20u);
      for (const crm::SqlRow& r : *typed) {
        StateFacts f{true, review, ParseReviewState(r.Text(0)), r.Text(1), r.Text(2)};
        EXPECT_EQ(ComputeStatus(f, kToday) == status, r.Int(3) == 1)
            << DocumentStatusName(status) << " " << r.Text(0) << " " << r.Text(1) << " " << review;
        ++checked;
      }
    }
    crm::SqlPredicate ok = SatisfiedCondition(kToday);
    auto sat = host_.Db().QueryAll(
        "SELECT d.review_state, COALESCE(d.expires_on, ''), COALESCE(d.warn_on, ''), t.review,"
        " CASE WHEN " +
            ok.sql +
            " THEN 1 ELSE 0 END FROM cd_documents d"
            " JOIN cd_types t ON t.id = d.type_id",
        ok.params);
    ASSERT_OK(sat);
    for (const crm::SqlRow& r : *sat) {
      StateFacts f{true, r.Int(3) != 0, ParseReviewState(r.Text(0)), r.Text(1), r.Text(2)};
      EXPECT_EQ(IsSatisfied(ComputeStatus(f, kToday)), r.Int(4) == 1);
    }
  }
  EXPECT_EQ(checked, 6 * 40 * 2);
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// PostgreSQL's plan of the completeness column: each probe reads the covering index alone
// (an index-only scan; "d.id IS NOT NULL" made it read every document's table row). The tables
// are tiny here, so scans of the whole table are ruled out for the plan's sake.
void ExpectIndexOnlyProbeOnPostgresql(crm::Database& db, const std::string& column) {
  ASSERT_OK(db.Exec("VACUUM ANALYZE cd_documents"));
  std::string text;
  ASSERT_OK(db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_seqscan = off").status());
    CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL enable_bitmapscan = off").status());
    CRM_ASSIGN_OR_RETURN(
        auto plan, tx.QueryAll("EXPLAIN SELECT c.id, " + column + " FROM clients c LIMIT 50"));
    for (const crm::SqlRow& r : plan) text += r.Text(0) + "\n";
    return crm::Status::Ok();
  }));
  EXPECT_NE(text.find("Index Only Scan using cd_documents_client_state"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("Index Scan using cd_documents_client_state"), std::string::npos) << text;
}

// Issue 10: the list column (every active required type satisfied today) agrees with
// ComputeStatus for every review state and expiry, and its per-client probe reads schema 13's
// covering index alone (no cd_documents row: three per listed client before).
TEST_F(ReviewTest, CompletenessColumnAgreesWithComputeStatusFromTheCoveringIndex) {
  crm::Database& db = host_.Db();
  const std::string today = IsoDate(std::time(nullptr));
  std::map<int64_t, bool> expected;
  expected[ann_] = false;  // no document
  int n = 0;
  for (const char* state : {"none", "pending", "approved", "rejected"}) {
    for (int days : {0, -1, 1, 400}) {  // no date, expired, expiring, valid
      const int64_t client = host_.AddClient("C" + std::to_string(++n));
      const std::string exp = days == 0 ? "" : AddDays(today, days);
      const std::string warn = exp.empty() ? "" : AddDays(exp, -30);
      ASSERT_OK(db.Exec(
          "INSERT INTO cd_documents (client_id, type_id, uploaded_at, review_state, expires_on,"
          " warn_on) VALUES (?, ?, 1, ?, ?, ?)",
          {client, type_.id, std::string(state), exp.empty() ? crm::SqlValue() : exp,
           warn.empty() ? crm::SqlValue() : warn}));
      StateFacts f{true, true, ParseReviewState(state), exp, warn};
      expected[client] = IsSatisfied(ComputeStatus(f, today));
    }
  }
  const std::string column = CompletenessSql(db.Dialect());
  auto rows = db.QueryAll("SELECT c.id, " + column + " FROM clients c ORDER BY c.id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), expected.size());
  int yes = 0;
  for (const crm::SqlRow& r : *rows) {
    EXPECT_EQ(r.Text(1), expected.at(r.Int(0)) ? "yes" : "no") << "client " << r.Int(0);
    yes += r.Text(1) == "yes";
  }
  EXPECT_EQ(yes, 3);  // approved: undated, expiring tomorrow, valid for 400 days
  if (db.Dialect() == crm::SqlDialect::kPostgresql)
    return ExpectIndexOnlyProbeOnPostgresql(db, column);
  auto plan = db.QueryAll("EXPLAIN QUERY PLAN SELECT c.id, " + column + " FROM clients c LIMIT 50");
  ASSERT_OK(plan);
  std::string text;
  for (const crm::SqlRow& r : *plan) text += r.Text(3) + "\n";
  EXPECT_NE(text.find("COVERING INDEX cd_documents_client_state"), std::string::npos) << text;
  EXPECT_EQ(text.find("cd_documents_client_type"), std::string::npos) << text;
}

}  // namespace
}  // namespace cd
