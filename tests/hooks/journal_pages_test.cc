// tests/hooks/journal_pages_test.cc — the journal's admin pages (PT4, X5): the module's journal
// page (filters, pages, the CSV link carrying them, the chain's verdict, an edited row found at
// its seq), the CSV export, and the profile's Journal tab (that client only, no filters).
#include <string>

#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

constexpr char kJournalPage[] = "/admin/plugins/client-documents/journal";

class JournalPagesTest : public ModuleTest {
 protected:
  void SetUp() override {
    ModuleTest::SetUp();
    ann_ = host_.AddClient("Ann", "Archer");
    bob_ = host_.AddClient("Bob", "Baker");
    const crm::Principal staff = AdminPrincipal({"documents.read", "documents.write"});
    for (const auto& [action, client] :
         {std::pair{"uploaded", ann_}, std::pair{"viewed", ann_}, std::pair{"uploaded", bob_},
          std::pair{"downloaded", bob_}, std::pair{"reminder_sent", ann_}})
      ASSERT_OK(services_->journal().Append(staff, {action, client, "document:1", "d"}));
  }

  FakeRequest Reader(std::string language = "en") {
    FakeRequest request;
    request.caller = AdminPrincipal({"documents.read"});
    request.caller.language = std::move(language);
    return request;
  }
  std::string Page(FakeRequest request) {
    FakeResponse response;
    crm::Status s = Call("GET", kJournalPage, request, response);
    EXPECT_OK(s);
    return response.page ? response.page->body_html : "";
  }
  // The journal's profile tab of `client_id`.
  std::string Tab(int64_t client_id) {
    FakeRequest request = Reader();
    auto client = host_.FindClient(client_id);
    EXPECT_OK(client);
    for (const auto& tab : registry_.profile_tabs()) {
      if (tab.hook.id != "journal") continue;
      auto html = tab.hook.render(*client, request);
      EXPECT_OK(html);
      return html.ok() ? *html : "";
    }
    ADD_FAILURE() << "no journal tab";
    return "";
  }
  static int Count(const std::string& html, const std::string& needle) {
    int n = 0;
    for (size_t p = html.find(needle); p != std::string::npos; p = html.find(needle, p + 1)) ++n;
    return n;
  }

  int64_t ann_ = 0, bob_ = 0;
};

TEST_F(JournalPagesTest, PageListsFiltersAndLinksTheCsvWithTheFilters) {
  std::string all = Page(Reader());
  EXPECT_NE(all.find("class=\"cd-journal-filters\""), std::string::npos) << all;
  EXPECT_EQ(Count(all, "<tr><td>"), 5) << all;
  EXPECT_NE(all.find("Reminder sent"), std::string::npos);
  EXPECT_NE(all.find("cd-notice-ok"), std::string::npos);  // the chain's verdict

  FakeRequest filtered = Reader();
  filtered.query = {{"action", "uploaded"}, {"client_id", std::to_string(bob_)}};
  std::string bob_uploads = Page(filtered);
  EXPECT_EQ(Count(bob_uploads, "<tr><td>"), 1) << bob_uploads;
  EXPECT_NE(bob_uploads.find("href=\"" + std::string(kJournalPage) +
                             ".csv?client_id=" + std::to_string(bob_) + "&amp;action=uploaded\""),
            std::string::npos)
      << bob_uploads;

  FakeRequest paged = Reader();
  paged.query = {{"per_page", "2"}, {"page", "2"}};
  std::string second = Page(paged);
  EXPECT_EQ(Count(second, "<tr><td>"), 2) << second;
  EXPECT_NE(second.find("page=1"), std::string::npos);  // previous
  EXPECT_NE(second.find("page=3"), std::string::npos);  // next

  FakeRequest bad = Reader();
  bad.query = {{"from", "yesterday"}};
  FakeResponse response;
  EXPECT_FALSE(Call("GET", kJournalPage, bad, response).ok());
}

// Issue 15.14 (host API 1.5): times in the host's time zone and the reader's format, saying which
// zone they are in (the entries were written at 2026-11-18 11:06:40 UTC).
TEST_F(JournalPagesTest, TimesAreShownInTheHostsTimeZone) {
  EXPECT_NE(Page(Reader("fr")).find("18/11/2026 11:06 UTC"), std::string::npos);
  host_.time_zone = "Europe/Brussels";
  host_.utc_offset_seconds = 3600;
  std::string fr = Page(Reader("fr"));
  EXPECT_EQ(Count(fr, "18/11/2026 12:06 (Europe/Brussels)"), 5) << fr;
  EXPECT_EQ(fr.find("11:06"), std::string::npos);
  EXPECT_NE(Page(Reader("en")).find("2026-11-18 12:06 (Europe/Brussels)"), std::string::npos);
}

TEST_F(JournalPagesTest, CsvExportsTheFilteredEntries) {
  FakeRequest request = Reader();
  request.query = {{"action", "uploaded"}};
  FakeResponse response;
  ASSERT_OK(Call("GET", std::string(kJournalPage) + ".csv", request, response));
  EXPECT_NE(response.content_type.find("text/csv"), std::string::npos);
  EXPECT_NE(response.HeaderValue("Content-Disposition").value_or("").find("journal.csv"),
            std::string::npos);
  int lines = Count(response.body, "\n");
  EXPECT_EQ(lines, 3) << response.body;  // the header and two uploads
  EXPECT_EQ(response.body.find("viewed"), std::string::npos);
}

TEST_F(JournalPagesTest, AnEditedRowTurnsTheBannerRedAtItsSeq) {
  if (host_.Db().Dialect() == crm::SqlDialect::kPostgresql) {
    ASSERT_OK(host_.Db().Exec("ALTER TABLE cd_journal DISABLE TRIGGER cd_journal_no_change"));
  } else {
    ASSERT_OK(host_.Db().Exec("DROP TRIGGER cd_journal_no_update"));
  }
  ASSERT_OK(host_.Db().Exec("UPDATE cd_journal SET detail = 'x' WHERE seq = 3"));
  std::string fr = Page(Reader("fr"));
  EXPECT_NE(fr.find("cd-notice-error"), std::string::npos) << fr;
  EXPECT_NE(fr.find(" 3</p>"), std::string::npos) << fr;
  EXPECT_EQ(fr.find("cd-notice-ok"), std::string::npos);
  EXPECT_NE(Tab(ann_).find("cd-notice-error"), std::string::npos);
}

TEST_F(JournalPagesTest, ProfileTabShowsThatClientOnlyWithoutFilters) {
  std::string tab = Tab(ann_);
  EXPECT_EQ(Count(tab, "<tr><td>"), 3) << tab;
  EXPECT_EQ(tab.find("class=\"cd-journal-filters\""), std::string::npos);
  EXPECT_NE(tab.find(std::string(kJournalPage) + ".csv?client_id=" + std::to_string(ann_)),
            std::string::npos)
      << tab;
  EXPECT_NE(tab.find("href=\"" + std::string(kJournalPage) + "?client_id=" + std::to_string(ann_)),
            std::string::npos)
      << tab;
  EXPECT_EQ(Count(Tab(bob_), "<tr><td>"), 2);
}

}  // namespace
}  // namespace cd_test
