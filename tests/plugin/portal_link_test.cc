// tests/plugin/portal_link_test.cc — the portal's use cases with a link session's principal
// (plugin/links/grant.h): it acts as its client, decides and comments as the link's contact
// ("contact", journaled as "link:<id>"), and SharedVisibleTo follows the link's scope.
#include <gtest/gtest.h>

#include "plugin/comments/comments.h"
#include "plugin/links/grant.h"
#include "plugin/portal/use_cases.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class PortalLinkTest : public cd_test::ModuleTest {
 protected:
  PortalLinkTest() {
    ann_ = host_.AddClient("Ann");
    bob_ = host_.AddClient("Bob");
    auto p = CreateProject(sv_, cd_test::Admin(), ann_, ProjectDraft{"Roof", "", std::nullopt});
    EXPECT_OK(p);
    project_ = p.ok() ? p->id : 0;
    quote_ = Insert(ann_, project_, "quote");
    loose_ = Insert(ann_, 0, "report");
  }
  // A shared document's row (the file pipeline is the e2e suite's business).
  int64_t Insert(int64_t client, int64_t project, const std::string& category) {
    auto row = host_.Db().QueryOne(
        "INSERT INTO cd_shared (client_id, project_id, title, category, decision_required,"
        " created_by, created_at) VALUES (?, ?, 'Doc', ?, 1, 'admin:x', 1) RETURNING id",
        {client, project != 0 ? crm::SqlValue(project) : crm::SqlValue(), category});
    EXPECT_OK(row);
    return row.ok() && row->has_value() ? (*row)->Int(0) : 0;
  }
  LinkGrant Grant(const std::string& scope) {
    LinkGrant g;
    g.link_id = 42;
    g.client_id = ann_;
    g.scope = scope;
    g.project_id = scope == "project" ? project_ : 0;
    g.rights = {"view", "comment", "decide"};
    g.contact_name = "Marc Architect";
    return g;
  }
  int64_t ann_ = 0, bob_ = 0, project_ = 0, quote_ = 0, loose_ = 0;
};

TEST_F(PortalLinkTest, ALinkDecidesAndCommentsAsItsContact) {
  crm::Principal link = LinkPrincipal(Grant("project"), "csrf");
  auto decided = DecideShared(sv_, link, ann_, quote_, "approve", "");
  ASSERT_OK(decided);
  EXPECT_EQ(decided->status, "validated");
  EXPECT_EQ(decided->decision_by, "Marc Architect");
  auto c = AddSharedComment(sv_, link, ann_, quote_, "Looks good");
  ASSERT_OK(c);
  EXPECT_EQ(c->author_kind, "contact");
  EXPECT_EQ(c->author_name, "Marc Architect");
  auto rows = host_.Db().QueryAll(
      "SELECT actor_kind, actor_id, action FROM cd_journal WHERE action IN ('decided',"
      " 'commented') ORDER BY seq");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  for (const crm::SqlRow& r : *rows) {
    EXPECT_EQ(r.Text(0), "link");
    EXPECT_EQ(r.Int(1), 42);
  }
  // The link's client only: another client's document is not found.
  int64_t bobs = Insert(bob_, 0, "quote");
  EXPECT_EQ(DecideShared(sv_, link, bob_, bobs, "approve", "").status().code(),
            crm::StatusCode::kNotFound);
  // Staff and tokens never decide.
  EXPECT_EQ(DecideShared(sv_, cd_test::Admin(), ann_, loose_, "approve", "").status().code(),
            crm::StatusCode::kPermissionDenied);
}

TEST_F(PortalLinkTest, SharedVisibleToFollowsTheScope) {
  auto quote = GetShared(sv_, cd_test::Admin(), ann_, quote_);
  auto loose = GetShared(sv_, cd_test::Admin(), ann_, loose_);
  ASSERT_OK(quote);
  ASSERT_OK(loose);
  EXPECT_TRUE(SharedVisibleTo(Grant("space"), *quote));
  EXPECT_TRUE(SharedVisibleTo(Grant("space"), *loose));
  EXPECT_TRUE(SharedVisibleTo(Grant("project"), *quote));
  EXPECT_FALSE(SharedVisibleTo(Grant("project"), *loose));
  EXPECT_FALSE(SharedVisibleTo(Grant("document"), *quote));
  LinkGrant other = Grant("space");
  other.client_id = bob_;
  EXPECT_FALSE(SharedVisibleTo(other, *quote));
}

}  // namespace
}  // namespace cd
