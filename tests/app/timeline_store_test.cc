// tests/app/timeline_store_test.cc — the client timeline (SPEC H4): custom notes, date range and
// type
// filters (exact and "owner.*"), newest first, refusal for unknown clients.
#include "sample-host/app/timeline_store.h"

#include <gtest/gtest.h>

#include "sample-host/app/client_store.h"
#include "sample-host/core/hook_registry.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(TimelineStore, FiltersByDateAndType) {
  testing::TestDb tdb;
  HookRegistry registry;
  int64_t now = 1000;
  ClientStore clients(tdb.db(), registry, [&] { return now; });
  TimelineStore timeline(tdb.db(), [&] { return now; });
  Client c;
  c.last_name = "Dupont";
  auto created = clients.Create(c);
  ASSERT_OK(created);
  int64_t id = created->id;

  ASSERT_OK(timeline.AddNote(id, "  Called the client ", "About the ID card", "admin:Boss"));
  now = 2000;
  ASSERT_OK(timeline.Add({id, "client-documents.upload", "ID card uploaded", "", "client"}));
  now = 3000;
  ASSERT_OK(timeline.Add({id, "client-documents.review", "ID card approved", "", "admin:Boss"}));

  auto all = timeline.List({id, 0, 0, {}, 200});
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].title, "ID card approved");  // newest first
  EXPECT_EQ((*all)[2].title, "Called the client");
  EXPECT_EQ((*all)[2].type, "host.note");
  EXPECT_EQ((*all)[2].detail, "About the ID card");

  auto range = timeline.List({id, 1500, 3000, {}, 200});
  ASSERT_OK(range);
  ASSERT_EQ(range->size(), 1u);
  EXPECT_EQ((*range)[0].created_at, 2000);

  auto docs = timeline.List({id, 0, 0, {"client-documents.*"}, 200});
  ASSERT_OK(docs);
  EXPECT_EQ(docs->size(), 2u);
  auto notes = timeline.List({id, 0, 0, {"host.note"}, 200});
  ASSERT_OK(notes);
  EXPECT_EQ(notes->size(), 1u);
  auto wildcard_like = timeline.List({id, 0, 0, {"client_documents.*"}, 200});
  ASSERT_OK(wildcard_like);
  EXPECT_TRUE(wildcard_like->empty()) << "'_' must not act as a LIKE wildcard";

  auto types = timeline.Types(id);
  ASSERT_OK(types);
  EXPECT_EQ(*types, (std::vector<std::string>{"client-documents.review", "client-documents.upload",
                                              "host.note"}));

  EXPECT_EQ(timeline.AddNote(id, "   ", "", "x").status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(timeline.AddNote(99999, "t", "", "x").status().code(), crm::StatusCode::kNotFound);
}

}  // namespace
}  // namespace host
