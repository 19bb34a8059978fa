// tests/plugin/journal_test.cc — the journal's chain (PT4, X5): canonical hashing, appends in
// order, the database refusing UPDATE and DELETE, verify finding the first altered or removed
// entry, erasure keeping the chain, and the writers (upload, delete, download) appending.
#include "plugin/journal/journal.h"

#include <gtest/gtest.h>

#include "plugin/documents/use_cases.h"
#include "plugin/journal/request_address.h"
#include "plugin/journal/use_cases.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class JournalTest : public cd_test::ModuleTest {
 protected:
  JournalTest() { ann_ = host_.AddClient("Ann"); }

  void AppendN(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_OK(sv_.journal().Append(cd_test::Admin(), {"viewed", ann_, "document:1", "x"}));
    }
  }
  crm::Database& Db() { return host_.Db(); }

  int64_t ann_ = 0;
};

TEST(JournalCanonicalTest, LengthPrefixedSoFieldsCannotShift) {
  JournalEntry a;
  a.object = "ab";
  a.detail = "c";
  JournalEntry b = a;
  b.object = "a";
  b.detail = "bc";
  EXPECT_NE(JournalCanonical(a), JournalCanonical(b));
  EXPECT_NE(JournalHash(a), JournalHash(b));
  EXPECT_EQ(JournalHash(a).size(), 64u);
  // The personal members are outside the hash.
  JournalEntry c = a;
  c.actor_name = "Ann";
  c.ip = "10.0.0.1";
  EXPECT_EQ(JournalHash(a), JournalHash(c));
}

TEST_F(JournalTest, AppendsChainFromTheGenesisAndVerifies) {
  {
    RequestAddressScope address("192.0.2.7");
    AppendN(3);
  }
  auto page = sv_.journal().List({});
  ASSERT_OK(page);
  ASSERT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 3u);
  const JournalEntry& first = page->items.back();  // newest first
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.prev_hash, kJournalGenesis);
  EXPECT_EQ(first.hash, JournalHash(first));
  EXPECT_EQ(first.actor_kind, "staff");
  EXPECT_EQ(first.ip, "192.0.2.7");
  EXPECT_EQ(first.at, host_.now);
  EXPECT_EQ(page->items[1].prev_hash, first.hash);
  EXPECT_EQ(page->items[0].seq, 3);
  EXPECT_EQ(RequestAddress(), "");  // the scope ended

  auto v = sv_.journal().Verify();
  ASSERT_OK(v);
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->entries, 3);
  EXPECT_EQ(v->head, page->items[0].hash);
  EXPECT_FALSE(v->first_bad_seq.has_value());
}

TEST_F(JournalTest, TheDatabaseRefusesUpdateAndDelete) {
  AppendN(2);
  EXPECT_FALSE(Db().Exec("UPDATE cd_journal SET action = 'deleted' WHERE seq = 1").ok());
  EXPECT_FALSE(Db().Exec("DELETE FROM cd_journal WHERE seq = 2").ok());
  auto rows = Db().QueryAll("SELECT action FROM cd_journal ORDER BY seq");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "viewed");
}

// What someone with the database's owner rights does first: lifts the append-only guard
// (SQLite: drops the trigger; PostgreSQL: disables the one trigger for UPDATE and DELETE).
void LiftGuard(crm::Database& db, const char* sqlite_trigger) {
  if (db.Dialect() == crm::SqlDialect::kPostgresql) {
    ASSERT_OK(db.Exec("ALTER TABLE cd_journal DISABLE TRIGGER cd_journal_no_change"));
  } else {
    ASSERT_OK(db.Exec(std::string("DROP TRIGGER ") + sqlite_trigger));
  }
}

TEST_F(JournalTest, OneFlippedByteIsFoundAtItsSeq) {
  AppendN(5);
  // Someone with the database file drops the trigger and edits entry 3 by one byte.
  ASSERT_NO_FATAL_FAILURE(LiftGuard(Db(), "cd_journal_no_update"));
  ASSERT_OK(Db().Exec("UPDATE cd_journal SET detail = 'y' WHERE seq = 3"));
  auto v = sv_.journal().Verify();
  ASSERT_OK(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->entries, 5);
  ASSERT_TRUE(v->first_bad_seq.has_value());
  EXPECT_EQ(*v->first_bad_seq, 3);
}

TEST_F(JournalTest, ARecomputedHashStillBreaksTheNextLink) {
  AppendN(4);
  ASSERT_NO_FATAL_FAILURE(LiftGuard(Db(), "cd_journal_no_update"));
  JournalEntry e = sv_.journal().List({})->items[2];  // seq 2
  ASSERT_EQ(e.seq, 2);
  e.detail = "forged";
  ASSERT_OK(Db().Exec("UPDATE cd_journal SET detail = ?, hash = ? WHERE seq = 2",
                      {e.detail, JournalHash(e)}));
  auto v = sv_.journal().Verify();
  ASSERT_OK(v);
  EXPECT_EQ(v->first_bad_seq.value_or(0), 3);
}

TEST_F(JournalTest, ARemovedEntryOrTailIsFound) {
  AppendN(4);
  ASSERT_NO_FATAL_FAILURE(LiftGuard(Db(), "cd_journal_no_delete"));
  ASSERT_OK(Db().Exec("DELETE FROM cd_journal_personal WHERE seq IN (2, 4)"));
  ASSERT_OK(Db().Exec("DELETE FROM cd_journal WHERE seq = 4"));
  auto tail = sv_.journal().Verify();
  ASSERT_OK(tail);
  EXPECT_EQ(tail->first_bad_seq.value_or(0), 4);
  ASSERT_OK(Db().Exec("DELETE FROM cd_journal WHERE seq = 2"));
  auto middle = sv_.journal().Verify();
  ASSERT_OK(middle);
  EXPECT_EQ(middle->first_bad_seq.value_or(0), 2);
}

TEST_F(JournalTest, ErasureBlanksPersonalDataAndKeepsTheChain) {
  {
    RequestAddressScope address("192.0.2.9");
    ASSERT_OK(sv_.journal().Append(cd_test::Client(ann_), {"uploaded", ann_, "document:1", ""}));
  }
  ASSERT_OK(Db().Transaction(
      [&](crm::SqlExecutor& tx) { return Journal::EraseClient(tx, host_.now, ann_); }));
  auto page = sv_.journal().List({});
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].action, "erased");
  EXPECT_EQ(page->items[0].actor_kind, "system");
  EXPECT_EQ(page->items[1].actor_name, "");
  EXPECT_EQ(page->items[1].ip, "");
  EXPECT_TRUE(sv_.journal().Verify()->ok);
}

TEST_F(JournalTest, FiltersAndPages) {
  AppendN(3);
  ASSERT_OK(sv_.journal().Append(cd_test::Admin(), {"downloaded", 0, "", ""}));
  JournalQuery q;
  q.action = "viewed";
  q.per_page = 2;
  q.page = 2;
  auto page = sv_.journal().List(q);
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].seq, 1);
  q = {};
  q.client_id = ann_;
  EXPECT_EQ(sv_.journal().List(q)->total, 3);
  q = {};
  q.from = host_.now + 1;
  EXPECT_EQ(sv_.journal().List(q)->total, 0);
}

TEST_F(JournalTest, ClientsAndAnonymousCannotRead) {
  EXPECT_EQ(ListJournal(sv_, cd_test::Client(ann_), {}).status().code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(VerifyJournal(sv_, crm::Principal{}).status().code(),
            crm::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyJournal(sv_, cd_test::Token({"documents:write"})).status().code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_OK(VerifyJournal(sv_, cd_test::Token({"documents:read"})));
}

TEST_F(JournalTest, CsvExportIsOldestFirstAndNeutralisesFormulas) {
  ASSERT_OK(sv_.journal().Append(cd_test::Admin(), {"viewed", ann_, "=cmd()", ""}));
  AppendN(1);
  auto csv = ExportJournalCsv(sv_, cd_test::Admin(), {});
  ASSERT_OK(csv);
  EXPECT_EQ(csv->rfind("\xEF\xBB\xBFseq;at;", 0), 0u);
  EXPECT_NE(csv->find("\"'=cmd()\""), std::string::npos);
  EXPECT_LT(csv->find("\"1\";"), csv->find("\"2\";"));
}

TEST_F(JournalTest, UploadReplaceDownloadViewAndDeleteAreJournaled) {
  TypeDraft d;
  d.name = LocalizedText{"ID card", "", ""};
  d.upload_mode = UploadMode::kRequired;
  auto type = sv_.types().Create(d);
  ASSERT_OK(type);
  auto upload = [&] {
    UploadInput in;
    auto f = sv_.files().Begin("scan.pdf", kDefaultMaxSize, DefaultAccept());
    EXPECT_OK(f);
    EXPECT_OK((*f)->Write(cd_test::MakePdf()));
    EXPECT_OK((*f)->Finish());
    in.files.push_back(std::move(*f));
    return sv_.documents().Upload(cd_test::Client(ann_), ann_, type->id, std::move(in));
  };
  ASSERT_OK(upload());
  ASSERT_OK(upload());
  ASSERT_OK(DownloadFile(sv_, cd_test::Admin(), ann_, type->id, std::nullopt, false));
  ASSERT_OK(DownloadFile(sv_, cd_test::Admin(), ann_, type->id, std::nullopt, true));
  ASSERT_OK(DeleteDocument(sv_, cd_test::Admin(), ann_, type->id));
  // A refused read leaves no entry.
  EXPECT_FALSE(DownloadFile(sv_, cd_test::Admin(), ann_, type->id, std::nullopt, false).ok());

  JournalQuery q;
  q.oldest_first = true;
  auto page = sv_.journal().List(q);
  ASSERT_OK(page);
  std::vector<std::string> actions;
  for (const JournalEntry& e : page->items) actions.push_back(e.action);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"uploaded", "replaced", "downloaded", "viewed", "deleted"}));
  EXPECT_EQ(page->items[0].actor_kind, "client");
  EXPECT_EQ(page->items[0].actor_id, ann_);
  EXPECT_EQ(page->items[0].object, DocumentObject(type->id));
  EXPECT_EQ(page->items[0].detail, "sha256=" + cd_test::Sha256Hex(cd_test::MakePdf()));
  EXPECT_EQ(page->items[2].actor_kind, "staff");
  EXPECT_TRUE(sv_.journal().Verify()->ok);
}

}  // namespace
}  // namespace cd
