// tests/hooks/demo_data_test.cc — the module's demo seeder (host API 1.1): types as in the seeds,
// real documents through the pipeline for some clients, and nothing done over an admin's own types.
#include <string>
#include <vector>

#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

class DemoDataTest : public ModuleTest {};

TEST_F(DemoDataTest, SeedsTypesSettingsAndDocumentsSoEveryStateShows) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 14; ++i) ids.push_back(host_.AddClient("Client", "N" + std::to_string(i)));
  ASSERT_EQ(registry_.demo_seeders().size(), 1u);
  crm::Status s = registry_.demo_seeders()[0].hook.seed(ids);
  ASSERT_OK(s);

  auto types = services_->types().List(true);
  ASSERT_OK(types);
  ASSERT_EQ(types->size(), 4u);
  EXPECT_EQ((*types)[0].name.fr, "Pièce d'identité");
  EXPECT_EQ((*types)[3].upload_mode, cd::UploadMode::kAdminOnly);
  // Labels and the intro come in the three languages.
  ASSERT_EQ((*types)[0].fields.size(), 2u);
  EXPECT_EQ((*types)[0].fields[0].label.Get("fr"), "Date de délivrance");
  EXPECT_EQ((*types)[0].fields[1].label.Get("nl"), "Plaats van afgifte");
  EXPECT_EQ((*types)[3].fields.at(0).label.Get("fr"), "Référence");
  auto settings = services_->settings().Get();
  ASSERT_OK(settings);
  EXPECT_NE(settings->intro_markdown.Get("fr").find("Bienvenue"), std::string::npos);
  EXPECT_NE(settings->intro_markdown.Get("nl").find("Welkom"), std::string::npos);
  EXPECT_NE(settings->intro_markdown.Get("en").find("Welcome"), std::string::npos);

  // The list column: complete for the first six, not for the next six nor the rest.
  const crm::ListColumn& column = registry_.columns().at(0).hook;
  auto rows = host_.Db().QueryAll("SELECT c.id, " + column.sql + " FROM clients c ORDER BY c.id",
                                  column.params);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 14u);
  for (size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].Text(1), i < 6 ? "yes" : "no") << "client #" << i;
  }
  // Files really went through the pipeline: sniffed PDF with a SHA-256, and a timeline entry.
  auto files = host_.Db().QueryAll("SELECT mime, length(sha256) FROM cd_files WHERE client_id = ?",
                                   {ids[0]});
  ASSERT_OK(files);
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].Text(0), "application/pdf");
  EXPECT_EQ((*files)[0].Int(1), 64);
  auto timeline =
      host_.Db().QueryAll("SELECT count(*) FROM timeline WHERE client_id = ?", {ids[0]});
  ASSERT_OK(timeline);
  EXPECT_EQ((*timeline)[0].Int(0), 3);

  // A second run (types exist now) adds nothing.
  ASSERT_OK(registry_.demo_seeders()[0].hook.seed(ids));
  auto again = services_->types().List(true);
  ASSERT_OK(again);
  EXPECT_EQ(again->size(), 4u);
}

}  // namespace
}  // namespace cd_test
