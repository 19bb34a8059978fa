// tests/hooks/list_test.cc — the client list's column (CD6) and filters (CD7), the profile
// summary box (CD8) and the deletion cleanup (CD9), run on the host's real schema.
#include <string>
#include <vector>

#include "plugin/review/expiry_stages.h"
#include "plugin/review/state.h"
#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

using cd::UploadMode;

class ListTest : public ModuleTest {
 protected:
  void SetUp() override {
    ModuleTest::SetUp();
    if (HasFatalFailure()) return;
    id_card_ = AddType("ID card", UploadMode::kRequired);
    contract_ = AddType("Signed contract", UploadMode::kRequired);
    photo_ = AddType("Photo", UploadMode::kOptional);
    old_ = AddType("Old form", UploadMode::kRequired, /*active=*/false);
    alice_ = host_.AddClient("Alice", "Martin");   // both required documents
    bruno_ = host_.AddClient("Bruno", "Peeters");  // one of two, plus the optional one
    chloe_ = host_.AddClient("Chloé", "Dubois");   // nothing
    GiveDocument(alice_, id_card_);
    GiveDocument(alice_, contract_);
    GiveDocument(bruno_, id_card_);
    GiveDocument(bruno_, photo_);
  }

  // Client ids the SQL selects, in id order.
  std::vector<int64_t> Select(const crm::SqlPredicate& predicate) {
    std::vector<int64_t> ids;
    auto rows = host_.Db().QueryAll(
        "SELECT c.id FROM clients c WHERE " + predicate.sql + " ORDER BY c.id", predicate.params);
    EXPECT_OK(rows);
    if (rows.ok())
      for (const auto& r : *rows) ids.push_back(r.Int(0));
    return ids;
  }

  int64_t id_card_ = 0, contract_ = 0, photo_ = 0, old_ = 0;
  int64_t alice_ = 0, bruno_ = 0, chloe_ = 0;
};

TEST_F(ListTest, ColumnSaysYesOnlyWhenEveryActiveRequiredDocumentIsThere) {
  const crm::ListColumn& column = registry_.columns().at(0).hook;
  auto rows = host_.Db().QueryAll("SELECT c.id, " + column.sql + " FROM clients c ORDER BY c.id",
                                  column.params);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].Text(1), "yes");  // Alice: the archived required type does not count
  EXPECT_EQ((*rows)[1].Text(1), "no");   // Bruno: the optional photo does not make up for it
  EXPECT_EQ((*rows)[2].Text(1), "no");   // Chloé

  EXPECT_NE(column.render_html(crm::SqlValue(std::string("yes")), "fr").find("Oui"),
            std::string::npos);
  EXPECT_NE(column.render_html(crm::SqlValue(std::string("no")), "nl").find("Nee"),
            std::string::npos);
  EXPECT_NE(column.render_html(crm::SqlValue(std::string("no")), "en").find("No"),
            std::string::npos);
  // Styled by the host's badge classes (the module's stylesheet is not on the host's list page).
  EXPECT_NE(
      column.render_html(crm::SqlValue(std::string("yes")), "en").find("class=\"badge badge-ok"),
      std::string::npos);
  EXPECT_NE(
      column.render_html(crm::SqlValue(std::string("no")), "en").find("class=\"badge badge-warn"),
      std::string::npos);
  EXPECT_EQ(registry_.Translate("en", column.label_key), "Documents");
}

TEST_F(ListTest, FiltersAreOfferedForActiveTypesOnly) {
  std::vector<crm::FilterDef> filters = registry_.ListFilters("fr");
  std::vector<std::string> ids;
  for (const auto& f : filters) ids.push_back(f.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"doc." + std::to_string(id_card_),
                                           "doc." + std::to_string(contract_),
                                           "doc." + std::to_string(photo_)}));
  ASSERT_FALSE(filters.empty());
  EXPECT_EQ(filters[0].label, "ID card");
  ASSERT_EQ(filters[0].choices.size(), 2u);
  EXPECT_EQ(filters[0].choices[0].value, "uploaded");
  EXPECT_EQ(filters[0].choices[0].label, "Envoyé");
  EXPECT_EQ(filters[0].choices[1].value, "missing");
  EXPECT_EQ(filters[0].choices[1].label, "Non envoyé");
}

TEST_F(ListTest, FilterPredicatesSelectTheRightClients) {
  auto uploaded = registry_.FilterPredicate("doc." + std::to_string(contract_), "uploaded");
  ASSERT_OK(uploaded);
  EXPECT_EQ(Select(*uploaded), (std::vector<int64_t>{alice_}));

  auto missing = registry_.FilterPredicate("doc." + std::to_string(contract_), "missing");
  ASSERT_OK(missing);
  EXPECT_EQ(Select(*missing), (std::vector<int64_t>{bruno_, chloe_}));

  auto photo = registry_.FilterPredicate("doc." + std::to_string(photo_), "uploaded");
  ASSERT_OK(photo);
  EXPECT_EQ(Select(*photo), (std::vector<int64_t>{bruno_}));

  EXPECT_EQ(registry_.FilterPredicate("doc." + std::to_string(photo_), "maybe").status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.FilterPredicate("region", "Brussels").status().code(),
            crm::StatusCode::kNotFound);
  // An id is never pasted into the SQL: it is a bound parameter.
  EXPECT_EQ(uploaded->sql.find(std::to_string(contract_)), std::string::npos);
}

TEST_F(ListTest, MissingIsCountedAsAllClientsMinusTheTypeSet) {
  auto missing = registry_.ResolveFilter("doc." + std::to_string(contract_), "missing");
  ASSERT_OK(missing);
  EXPECT_TRUE(missing->count.complement);
  // The counted set is the clients who HAVE the document; the host subtracts it.
  EXPECT_EQ(Select(missing->count.predicate), (std::vector<int64_t>{alice_}));
  auto uploaded = registry_.ResolveFilter("doc." + std::to_string(contract_), "uploaded");
  ASSERT_OK(uploaded);
  EXPECT_FALSE(uploaded->count.complement);
  EXPECT_EQ(Select(uploaded->count.predicate), (std::vector<int64_t>{alice_}));
  EXPECT_EQ(registry_.ResolveFilter("doc.999999", "missing").status().code(),
            crm::StatusCode::kNotFound);
}

// Host API 1.6: the filters' client sets come through the module's registration (the formulas
// are checked against the counts in tests/plugin/client_sets_test.cc): uploaded and missing from
// the type's "has" set, a review state from its own, approved only while schema 16's stages are
// of the host's today, and none for a review state of a type without review.
TEST_F(ListTest, FiltersGiveTheirClientSets) {
  const std::string contract = "doc." + std::to_string(contract_);
  const std::vector<std::string> has{"cd." + std::to_string(contract_) + ".has"};
  auto uploaded = registry_.ResolveFilter(contract, "uploaded");
  ASSERT_OK(uploaded);
  ASSERT_TRUE(uploaded->sets.has_value());
  EXPECT_EQ(uploaded->sets->all, has);
  EXPECT_TRUE(uploaded->sets->none.empty());
  auto missing = registry_.ResolveFilter(contract, "missing");
  ASSERT_OK(missing);
  ASSERT_TRUE(missing->sets.has_value());
  EXPECT_TRUE(missing->sets->all.empty());
  EXPECT_EQ(missing->sets->none, has);
  auto pending_without_review = registry_.ResolveFilter(contract, "pending");
  ASSERT_OK(pending_without_review);
  EXPECT_FALSE(pending_without_review->sets.has_value());

  cd::TypeDraft draft;
  draft.name = cd::LocalizedText{"Passport", "", ""};
  draft.fields = std::vector<cd::FieldDef>{
      {"valid_until", {"Valid until", "", ""}, cd::FieldType::kDate, false}};
  draft.review = true;
  draft.expiry_field = "valid_until";
  auto passport = services_->types().Create(draft);
  ASSERT_OK(passport);
  const std::string filter = "doc." + std::to_string(passport->id);
  const std::string key = "cd." + std::to_string(passport->id) + ".";
  auto pending = registry_.ResolveFilter(filter, "pending");
  ASSERT_OK(pending);
  ASSERT_TRUE(pending->sets.has_value());
  EXPECT_EQ(pending->sets->all, (std::vector<std::string>{key + "p"}));
  const std::string today = cd::IsoDate(host_.NowUnix());
  ASSERT_OK(cd::BringExpiryStagesTo(host_.Db(), cd::AddDays(today, -1)));
  auto stale = registry_.ResolveFilter(filter, "approved");
  ASSERT_OK(stale);
  EXPECT_FALSE(stale->sets.has_value());
  ASSERT_OK(cd::BringExpiryStagesTo(host_.Db(), today));
  auto approved = registry_.ResolveFilter(filter, "approved");
  ASSERT_OK(approved);
  ASSERT_TRUE(approved->sets.has_value());
  EXPECT_EQ(approved->sets->all, (std::vector<std::string>{key + "a"}));
  EXPECT_EQ(approved->sets->none, (std::vector<std::string>{key + "w", key + "e"}));
}

TEST_F(ListTest, SummaryBoxCountsRequiredDocuments) {
  const crm::SummaryBox& box = registry_.summary_boxes().at(0).hook;
  EXPECT_EQ(box.permission, "documents.read");
  crm::Principal admin = AdminPrincipal({"documents.read"});

  auto bruno = host_.FindClient(bruno_);
  ASSERT_OK(bruno);
  auto html = box.render(*bruno, admin);
  ASSERT_OK(html);
  EXPECT_NE(html->find("Not uploaded"), std::string::npos) << *html;
  EXPECT_NE(html->find("1 of 2 required"), std::string::npos) << *html;

  auto alice = host_.FindClient(alice_);
  ASSERT_OK(alice);
  admin.language = "fr";
  html = box.render(*alice, admin);
  ASSERT_OK(html);
  EXPECT_NE(html->find("Envoyés"), std::string::npos) << *html;
  EXPECT_EQ(html->find("Non envoyés"), std::string::npos) << *html;
  EXPECT_NE(html->find("2 sur 2 requis"), std::string::npos) << *html;

  auto chloe = host_.FindClient(chloe_);
  admin.language = "nl";
  html = box.render(*chloe, admin);
  ASSERT_OK(html);
  EXPECT_NE(html->find("0 van 2 verplicht"), std::string::npos) << *html;
}

TEST_F(ListTest, DeletionRemovesEveryRowOfTheClientOnly) {
  const crm::ClientDeletionHook& hook = registry_.deletion_hooks().at(0).hook;
  crm::Status s =
      host_.Db().Transaction([&](crm::SqlExecutor& tx) { return hook.delete_rows(alice_, tx); });
  ASSERT_OK(s);
  auto count = [&](int64_t client) {
    auto row =
        host_.Db().QueryOne("SELECT COUNT(*) FROM cd_documents WHERE client_id = ?", {client});
    return row.ok() && *row ? (**row).Int(0) : -1;
  };
  EXPECT_EQ(count(alice_), 0);
  EXPECT_EQ(count(bruno_), 2);
  ASSERT_TRUE(hook.after_commit);
  hook.after_commit(alice_);  // no files: must not fail or touch others
  EXPECT_EQ(count(bruno_), 2);
}

}  // namespace
}  // namespace cd_test
