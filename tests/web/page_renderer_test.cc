// tests/web/page_renderer_test.cc — the layouts: escaping of titles and names, menus built from the
// host's items and plugins' MenuFilters, the viewer's language, the CSRF meta/field, and error
// pages.
#include "sample-host/web/page_renderer.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "sample-host/core/hook_registry.h"
#include "sample-host/web/translations.h"
#include "tests/support/fake_http.h"
#include "tests/support/status_matchers.h"

namespace host::web {
namespace {

using crm_test::PostForms;

crm::Principal Admin(std::string language = "en") {
  crm::Principal p;
  p.kind = crm::Principal::Kind::kAdmin;
  p.user_id = 1;
  p.display_name = "Ada <b>Admin</b>";
  p.email = "ada@example.com";
  p.language = std::move(language);
  p.csrf_token = "tok-123";
  p.permissions = {"clients.read", "clients.write", "plugins.manage"};
  return p;
}

crm::Principal ClientViewer(std::string language = "en") {
  crm::Principal p;
  p.kind = crm::Principal::Kind::kClient;
  p.client_id = 7;
  p.display_name = "Zoë Client";
  p.language = std::move(language);
  p.csrf_token = "client-tok";
  return p;
}

class PageRendererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StagingRegistrar host("host");
    ASSERT_OK(RegisterHostTranslations(host));
    ASSERT_OK(registry_.Commit(host.Take()));
  }
  // Commits a plugin that adds a menu entry to `area` (and a translation, as plugins must).
  void AddPluginMenu(crm::MenuArea area, std::string label, std::string path, bool throws = false) {
    StagingRegistrar plugin("demo");
    crm::MenuFilter filter;
    filter.id = "menu";
    filter.area = area;
    filter.filter = [label, path, throws](std::vector<crm::MenuItem> items, const crm::Principal&) {
      if (throws) throw std::runtime_error("boom");
      items.push_back({"demo.docs", label, path, 50});
      return items;
    };
    ASSERT_OK(plugin.AddMenuFilter(filter));
    ASSERT_OK(registry_.Commit(plugin.Take()));
  }
  HookRegistry registry_;
};

TEST_F(PageRendererTest, AdminLayoutEscapesTitleAndUserAndCarriesCsrf) {
  LayoutRenderer renderer(registry_);
  crm::PageReply page;
  page.title = "<script>alert(1)</script>";
  page.body_html = "<p id=\"body\">trusted</p>";
  std::string html = renderer.RenderPage(page, Admin(), "/admin/clients");
  EXPECT_TRUE(html.starts_with("<!doctype html>")) << html.substr(0, 80);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>Admin</b>"), std::string::npos);
  EXPECT_NE(html.find("<p id=\"body\">trusted</p>"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"csrf-token\" content=\"tok-123\">"), std::string::npos);
  std::vector<std::string> forms = PostForms(html);
  ASSERT_FALSE(forms.empty());  // the logout form
  for (const std::string& form : forms) {
    EXPECT_NE(form.find("name=\"_csrf\" value=\"tok-123\""), std::string::npos) << form;
  }
}

TEST_F(PageRendererTest, AdminMenuHasHostItemsAndMarksTheLongestMatchActive) {
  LayoutRenderer renderer(registry_);
  crm::PageReply page;
  page.title = "New";
  std::string html = renderer.RenderPage(page, Admin(), "/admin/clients/new");
  EXPECT_NE(html.find("href=\"/admin/clients\">Clients</a>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/admin/clients/new\" aria-current=\"page\">New client</a>"),
            std::string::npos);
  EXPECT_NE(html.find("href=\"/admin/plugins\">Plugins</a>"), std::string::npos);
}

TEST_F(PageRendererTest, PluginMenuFiltersAddEntriesToTheirAreaOnly) {
  AddPluginMenu(crm::MenuArea::kAccount, "My <documents>", "/account/documents");
  LayoutRenderer renderer(registry_);
  crm::PageReply page;
  page.layout = crm::PageReply::Layout::kAccount;
  page.title = "Home";
  std::string account = renderer.RenderPage(page, ClientViewer(), "/account/documents");
  EXPECT_NE(
      account.find("href=\"/account/documents\" aria-current=\"page\">My &lt;documents&gt;</a>"),
      std::string::npos)
      << account;
  EXPECT_NE(account.find("href=\"/account/profile\">My profile</a>"), std::string::npos);
  page.layout = crm::PageReply::Layout::kAdmin;
  std::string admin = renderer.RenderPage(page, Admin(), "/admin/clients");
  EXPECT_EQ(admin.find("/account/documents"), std::string::npos);
}

TEST_F(PageRendererTest, AThrowingMenuFilterLeavesTheHostMenu) {
  AddPluginMenu(crm::MenuArea::kAdmin, "x", "/admin/x", /*throws=*/true);
  LayoutRenderer renderer(registry_);
  crm::PageReply page;
  page.title = "Clients";
  std::string html = renderer.RenderPage(page, Admin(), "/admin/clients");
  EXPECT_NE(html.find("href=\"/admin/plugins\""), std::string::npos);
}

TEST_F(PageRendererTest, PagesAreInTheViewersLanguageWithASwitcher) {
  LayoutRenderer renderer(registry_);
  crm::PageReply page;
  page.title = "Clients";
  std::string fr = renderer.RenderPage(page, Admin("fr"), "/admin/clients");
  EXPECT_NE(fr.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(fr.find("Se déconnecter"), std::string::npos);
  EXPECT_NE(fr.find("Extensions</a>"), std::string::npos);
  std::string nl = renderer.RenderPage(page, Admin("nl"), "/admin/clients");
  EXPECT_NE(nl.find("Afmelden"), std::string::npos);
  EXPECT_NE(nl.find("Klanten</a>"), std::string::npos);
  // The switcher posts every language and comes back to this page.
  EXPECT_NE(nl.find("<form method=\"post\" action=\"/lang/fr\""), std::string::npos);
  EXPECT_NE(nl.find("<form method=\"post\" action=\"/lang/en\""), std::string::npos);
  EXPECT_NE(nl.find("name=\"next\" value=\"/admin/clients\""), std::string::npos);
}

TEST_F(PageRendererTest, AnAdminLayoutIsNeverShownToAnotherKindOfViewer) {
  LayoutRenderer renderer(registry_);
  crm::PageReply page;
  page.title = "Clients";
  std::string html = renderer.RenderPage(page, ClientViewer(), "/admin/clients");
  EXPECT_EQ(html.find("href=\"/admin/plugins\""), std::string::npos);
  EXPECT_NE(html.find("class=\"layout-bare\""), std::string::npos);
}

TEST_F(PageRendererTest, ErrorPagesAreTranslatedAndHideServerDetails) {
  LayoutRenderer renderer(registry_);
  crm::Principal anonymous;
  anonymous.language = "nl";
  std::string not_found = renderer.RenderError(404, "no client <7>", anonymous, "/admin/clients/7");
  EXPECT_NE(not_found.find("Pagina niet gevonden"), std::string::npos);
  EXPECT_NE(not_found.find("no client &lt;7&gt;"), std::string::npos);
  std::string forbidden = renderer.RenderError(403, "", Admin("fr"), "/admin/plugins");
  EXPECT_NE(forbidden.find("Accès refusé"), std::string::npos);
  std::string internal =
      renderer.RenderError(500, "SQLITE_CORRUPT at /var/data/db", Admin(), "/admin/clients");
  EXPECT_NE(internal.find("Something went wrong"), std::string::npos);
  EXPECT_EQ(internal.find("SQLITE_CORRUPT"), std::string::npos);
}

}  // namespace
}  // namespace host::web
