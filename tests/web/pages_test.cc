// tests/web/pages_test.cc — the page routes end to end without a server: a migrated SQLite
// database, the app's stores, a demo plugin's hooks, fake Request/Response, and the real layout
// around each page.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "sample-host/app/auth.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/host_migrations.h"
#include "sample-host/app/timeline_store.h"
#include "sample-host/core/clock.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/mailer.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/random.h"
#include "sample-host/core/sqlite_database.h"
#include "sample-host/web/page_renderer.h"
#include "sample-host/web/pages.h"
#include "tests/support/fake_http.h"
#include "tests/support/host_test_db.h"
#include "tests/support/status_matchers.h"

namespace host::web {
namespace {

using crm_test::FakeRequest;
using crm_test::FakeResponse;
using crm_test::PostForms;

constexpr char kHostile[] = "<script>alert(1)</script>";

class PagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto now = [this] { return clock_.NowUnix(); };
    clients_ = std::make_unique<ClientStore>(*db_, registry_, now, &logger_);
    timeline_ = std::make_unique<TimelineStore>(*db_, now);
    mailer_ = std::make_unique<Mailer>(dir_ / "outbox", "CRM <no-reply@localhost>", clock_);
    auth_ = std::make_unique<Auth>(
        *db_, registry_, now, [this](const crm::MailMessage& m) { return mailer_->Send(m); },
        base_url_);

    StagingRegistrar host("host");
    const HookRegistry* registry = &registry_;
    ASSERT_OK(ClientStore::RegisterHostFilters(
        host, *db_,
        [registry](std::string_view l, std::string_view k) { return registry->Translate(l, k); }));
    WebDeps deps{*db_,
                 registry_,
                 *clients_,
                 *auth_,
                 *timeline_,
                 [] {
                   PluginState bad;
                   bad.file = "/plugins/broken.so";
                   bad.state = PluginState::State::kRefused;
                   bad.error = "plugin needs host API 1.9, newer than this host's 1.4";
                   PluginState good;
                   good.file = "/plugins/demo.so";
                   good.id = "demo";
                   good.name = "Demo";
                   good.version = "1.2.3";
                   good.state = PluginState::State::kLoaded;
                   return std::vector<PluginState>{good, bad};
                 },
                 logger_,
                 *mailer_,
                 clock_,
                 nullptr,
                 [](std::string_view) -> crm::Result<std::vector<CsvImportLine>> {
                   return std::vector<CsvImportLine>{{2, true, 1, "created"},
                                                     {3, false, 0, "email: not a valid address"},
                                                     {4, false, 0, "some <other> failure"}};
                 },
                 zone_};
    ASSERT_OK(RegisterPages(host, deps));
    ASSERT_OK(host.first_error()) << host.first_error().ToString();
    ASSERT_OK(registry_.Commit(host.Take()));
    RegisterDemoPlugin();
    renderer_ = std::make_unique<LayoutRenderer>(registry_, &logger_);

    admin_.kind = crm::Principal::Kind::kAdmin;
    admin_.user_id = 1;
    admin_.display_name = "Ada";
    admin_.csrf_token = "csrf-admin-42";
    admin_.permissions = {"clients.read", "clients.write", "clients.delete",
                          "clients.import_export", "plugins.manage"};
  }

  void TearDown() override {
    renderer_.reset();
    auth_.reset();
  }

  // A plugin with a column, a filter, a summary box, a tab, a settings page and a deletion
  // hook that refuses to delete clients whose last name is "Keep".
  void RegisterDemoPlugin() {
    StagingRegistrar plugin("demo");
    crm::ListColumn column;
    column.id = "flag";
    column.label_key = "demo.col";
    column.sql = "(CASE WHEN c.last_name = 'Keep' THEN 'kept' ELSE 'free' END)";
    column.render_html = [](const crm::SqlValue& v, std::string_view) {
      return "<span class=\"demo-cell\">" + std::get<std::string>(v) + "</span>";
    };
    ASSERT_OK(plugin.AddListColumn(column));
    crm::ListFilterSource filters;
    filters.id = "filters";
    filters.list = [](std::string_view) {
      return std::vector<crm::FilterDef>{{"demo.kept", "Kept?", {{"yes", "Yes"}, {"no", "No"}}}};
    };
    filters.predicate = [](std::string_view id,
                           std::string_view value) -> crm::Result<crm::SqlPredicate> {
      if (id != "demo.kept") return crm::NotFound("not mine");
      return crm::SqlPredicate{value == "yes" ? "c.last_name = ?" : "c.last_name <> ?",
                               {std::string("Keep")}};
    };
    ASSERT_OK(plugin.AddListFilterSource(filters));
    crm::SummaryBox box;
    box.id = "box";
    box.render = [](const crm::ClientInfo& c, const crm::Principal&) -> crm::Result<std::string> {
      return "<p class=\"demo-box\">box of " + std::to_string(c.id) + "</p>";
    };
    ASSERT_OK(plugin.AddSummaryBox(box));
    crm::ProfileTab tab;
    tab.id = "docs";
    tab.title_key = "demo.tab";
    tab.render = [](const crm::ClientInfo& c, crm::Request&) -> crm::Result<std::string> {
      return "<p class=\"demo-tab\">tab of " + std::to_string(c.id) + "</p>";
    };
    ASSERT_OK(plugin.AddProfileTab(tab));
    crm::ClientDeletionHook hook;
    hook.id = "guard";
    hook.delete_rows = [](int64_t id, crm::SqlExecutor& tx) -> crm::Status {
      auto row = tx.QueryOne("SELECT last_name FROM clients WHERE id = ?", {id});
      if (row.ok() && row.value() && row.value()->Text(0) == "Keep")
        return crm::Conflict("demo keeps this client");
      return crm::Status::Ok();
    };
    ASSERT_OK(plugin.AddClientDeletionHook(hook));
    crm::SettingsPage settings;
    settings.title_key = "demo.settings";
    settings.render = [this](crm::Request&) -> crm::Result<std::string> {
      return "<label for=\"demo-x\">X</label><input id=\"demo-x\" name=\"x\" value=\"" + saved_x_ +
             "\">";
    };
    settings.save = [this](crm::Request& r) -> crm::Status {
      std::string x = r.FormValue("x").value_or("");
      if (x == "bad") return crm::Unprocessable("x may not be bad");
      saved_x_ = x;
      return crm::Status::Ok();
    };
    ASSERT_OK(plugin.SetSettingsPage(settings));
    for (std::string lang : {"en", "fr", "nl"}) {
      ASSERT_OK(plugin.AddTranslations(lang, {{"demo.col", "Kept " + lang},
                                              {"demo.tab", "Docs " + lang},
                                              {"demo.settings", "Demo settings"}}));
    }
    ASSERT_OK(registry_.Commit(plugin.Take()));
  }

  Client MakeClient(std::string first, std::string last, std::string language = "fr") {
    Client c;
    c.first_name = std::move(first);
    c.last_name = std::move(last);
    c.email = "c" + std::to_string(++email_counter_) + "@example.com";
    c.language = std::move(language);
    c.address.city = "Namur";
    auto created = clients_->Create(c);
    EXPECT_OK(created) << created.status().ToString();
    return created.ok() ? created.value() : c;
  }

  // Runs the route matching method+path like the server would (after its own checks).
  crm::Status Call(FakeRequest& request, FakeResponse& response) {
    auto match = registry_.MatchRoute(request.method, request.path);
    if (!match) return crm::NotFound("no route " + request.method + " " + request.path);
    for (const auto& [k, v] : match->params) request.path_params[k] = v;
    return match->route->hook.handler(request, response);
  }

  // Full HTML of a page reply, in the layout.
  std::string Html(const FakeResponse& response, const crm::Principal& viewer,
                   std::string_view path) {
    if (!response.page) return "";
    return renderer_->RenderPage(*response.page, viewer, path);
  }

  FakeRequest AdminGet(std::string path) {
    FakeRequest r;
    r.path = std::move(path);
    r.caller = admin_;
    return r;
  }

  std::string GetPage(std::string path,
                      std::vector<std::pair<std::string, std::string>> query = {}) {
    FakeRequest request = AdminGet(path);
    request.query = std::move(query);
    FakeResponse response;
    crm::Status s = Call(request, response);
    EXPECT_OK(s) << path << ": " << s.ToString();
    EXPECT_TRUE(response.page.has_value()) << path;
    return Html(response, admin_, path);
  }

  // Issue 15.14 too: the field comes first (the server reads a multipart form's first part for
  // it) and no URL of the page carries the token.
  void ExpectCsrfInEveryPostForm(const std::string& html, const std::string& token) {
    EXPECT_EQ(html.find("_csrf="), std::string::npos) << "a token in a URL";
    std::vector<std::string> forms = PostForms(html);
    EXPECT_FALSE(forms.empty());
    for (const std::string& form : forms) {
      EXPECT_EQ(form.find("<input"), form.find("<input type=\"hidden\" name=\"_csrf\""))
          << form.substr(0, 200);
      EXPECT_NE(form.find("name=\"_csrf\" value=\"" + token + "\""), std::string::npos)
          << form.substr(0, 200);
    }
  }

  // Mails written to the outbox so far.
  size_t OutboxCount() const {
    std::error_code ec;
    size_t n = 0;
    for (auto it = std::filesystem::directory_iterator(dir_ / "outbox", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      ++n;
    }
    return n;
  }

  // A client with an enabled login and `password`; its email is confirmed when `confirmed`.
  Client ClientWithLogin(const std::string& password, bool confirmed) {
    Client c = MakeClient("Lou", "Login", "en");
    EXPECT_OK(clients_->SetLoginEnabled(c.id, true));
    EXPECT_OK(auth_->SetClientPassword(c.id, password));
    EXPECT_OK(auth_->SetEmailConfirmed(c.id, confirmed));
    return c;
  }

  FakeRequest ClientLoginPost(const std::string& email, const std::string& password) {
    FakeRequest request;
    request.method = "POST";
    request.path = "/account/login";
    request.form = {{"email", email}, {"password", password}};
    return request;
  }

  std::string base_url_ = "http://127.0.0.1:1";
  testing::TestDb tdb_;  // first: the stores below use it, so it goes last
  const std::filesystem::path& dir_ = tdb_.dir();
  crm::Database* db_ = &tdb_.db();
  HookRegistry registry_;
  FixedClock clock_{1700000000};
  Logger logger_{&clock_, false};
  HostTimeZone zone_;  // issue 15.14: UTC unless a test sets it
  std::unique_ptr<ClientStore> clients_;
  std::unique_ptr<TimelineStore> timeline_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<Auth> auth_;
  std::unique_ptr<LayoutRenderer> renderer_;
  crm::Principal admin_;
  std::string saved_x_ = "start";
  int email_counter_ = 0;
};

TEST_F(PagesTest, ClientListEscapesHostileNames) {
  MakeClient(kHostile, "O'Brien & <b>Sons</b>");
  std::string html = GetPage("/admin/clients");
  EXPECT_EQ(html.find(kHostile), std::string::npos);
  EXPECT_EQ(html.find("<b>Sons</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("O&apos;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;"), std::string::npos);
}

TEST_F(PagesTest, ClientListHasHostAndPluginFiltersColumnsAndSortLinks) {
  MakeClient("Anne", "Keep");
  MakeClient("Bert", "Other", "nl");
  std::string html = GetPage("/admin/clients");
  for (std::string name : {"filter[region]", "filter[city]", "filter[postal_code]",
                           "filter[language]", "filter[tag]", "filter[demo.kept]"}) {
    EXPECT_NE(html.find("name=\"" + name + "\""), std::string::npos) << name;
  }
  EXPECT_NE(html.find("Kept en"), std::string::npos);  // the plugin column's translated header
  // Plugin columns sit right after name and email, headers and cells alike.
  EXPECT_GT(html.find("Kept en"), html.find("sort=email"));
  EXPECT_LT(html.find("Kept en"), html.find("sort=city"));
  size_t row = html.find("<tbody>");
  size_t cell = html.find("demo-cell", row);
  EXPECT_GT(cell, html.find("@example.com</td>", row));
  EXPECT_LT(cell, html.find("<td>Namur</td>", row));
  EXPECT_NE(html.find("<span class=\"demo-cell\">kept</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"demo-cell\">free</span>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/admin/clients?sort=email\""), std::string::npos);
  EXPECT_NE(html.find("aria-sort=\"ascending\""), std::string::npos);
  EXPECT_EQ(html.find("web."), std::string::npos) << "an untranslated key leaked into the page";
}

TEST_F(PagesTest, PluginFilterNarrowsTheList) {
  MakeClient("Anne", "Keep");
  MakeClient("Bert", "Other");
  std::string html = GetPage("/admin/clients", {{"filter[demo.kept]", "yes"}});
  EXPECT_NE(html.find("Keep, Anne"), std::string::npos);
  EXPECT_EQ(html.find("Other, Bert"), std::string::npos);
  EXPECT_NE(html.find("<option value=\"yes\" selected>Yes</option>"), std::string::npos);
  // Issue 15.14: "1 client", never "1 clients".
  EXPECT_NE(html.find("· 1 client"), std::string::npos);
  EXPECT_EQ(html.find("1 clients"), std::string::npos);
  EXPECT_NE(GetPage("/admin/clients").find("· 2 clients"), std::string::npos);
}

TEST_F(PagesTest, BadSortShowsAnErrorNotACrash) {
  FakeRequest request = AdminGet("/admin/clients");
  request.query = {{"sort", "password_hash"}};
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(Html(response, admin_, "/admin/clients").find("alert-error"), std::string::npos);
}

TEST_F(PagesTest, EveryAdminFormCarriesTheCsrfToken) {
  Client c = MakeClient("Anne", "Keep");
  ExpectCsrfInEveryPostForm(GetPage("/admin/clients"), admin_.csrf_token);
  ExpectCsrfInEveryPostForm(GetPage("/admin/clients/new"), admin_.csrf_token);
  std::string profile = GetPage("/admin/clients/" + std::to_string(c.id));
  ExpectCsrfInEveryPostForm(profile, admin_.csrf_token);
  EXPECT_GE(PostForms(profile).size(),
            6u);  // edit, login, 2x password, confirmation, note, delete, logout
  ExpectCsrfInEveryPostForm(GetPage("/admin/plugins/demo/settings"), admin_.csrf_token);
}

// Plugin code that throws goes through CallPlugin: the item shows "internal error", the page
// stays, and the log has one line under "plugin" naming the hook.
TEST_F(PagesTest, AThrowingBoxOrTabShowsInternalErrorAndIsLogged) {
  StagingRegistrar bad("bad");
  crm::SummaryBox box;
  box.id = "box";
  box.render = [](const crm::ClientInfo&, const crm::Principal&) -> crm::Result<std::string> {
    throw std::runtime_error("box exploded");
  };
  ASSERT_OK(bad.AddSummaryBox(box));
  crm::ProfileTab tab;
  tab.id = "tab";
  tab.title_key = "bad.tab";
  tab.render = [](const crm::ClientInfo&, crm::Request&) -> crm::Result<std::string> {
    throw std::runtime_error("tab exploded");
  };
  ASSERT_OK(bad.AddProfileTab(tab));
  ASSERT_OK(registry_.Commit(bad.Take()));
  Client c = MakeClient("Anne", "Box");
  std::string id = std::to_string(c.id);

  std::string profile = GetPage("/admin/clients/" + id);
  EXPECT_NE(profile.find("internal error"), std::string::npos);
  EXPECT_NE(profile.find("demo-box"), std::string::npos);  // the other plugin's box stays
  EXPECT_EQ(profile.find("box exploded"), std::string::npos);
  std::string tab_page = GetPage("/admin/clients/" + id + "/tabs/bad.tab");
  EXPECT_NE(tab_page.find("internal error"), std::string::npos);
  EXPECT_EQ(tab_page.find("tab exploded"), std::string::npos);

  int logged = 0;
  for (const std::string& line : logger_.Recent()) {
    if (line.find("plugin") != std::string::npos && line.find("exploded") != std::string::npos) {
      ++logged;
    }
  }
  EXPECT_GE(logged, 2);
}

TEST_F(PagesTest, ProfileShowsSectionsBoxesTabsAndTimeline) {
  Client c = MakeClient("Anne", kHostile);
  ASSERT_OK(timeline_->AddNote(c.id, "Called <her>", "about <docs>", "admin:Ada"));
  std::string id = std::to_string(c.id);
  std::string html = GetPage("/admin/clients/" + id);
  EXPECT_EQ(html.find(kHostile), std::string::npos);
  EXPECT_NE(html.find("<p class=\"demo-box\">box of " + id + "</p>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/admin/clients/" + id + "/tabs/demo.docs\">Docs en</a>"),
            std::string::npos);
  EXPECT_NE(html.find("Called &lt;her&gt;"), std::string::npos);
  for (std::string section :
       {"Personal", "Contact", "Address", "Billing", "Login", "Action history"}) {
    EXPECT_NE(html.find(">" + section + "<"), std::string::npos) << section;
  }
  std::string tab = GetPage("/admin/clients/" + id + "/tabs/demo.docs");
  EXPECT_NE(tab.find("<p class=\"demo-tab\">tab of " + id + "</p>"), std::string::npos);
  EXPECT_NE(tab.find("aria-current=\"page\" class=\"active\">Docs en</a>"), std::string::npos);
}

TEST_F(PagesTest, TimelineFiltersByType) {
  Client c = MakeClient("Anne", "Keep");
  ASSERT_OK(timeline_->AddNote(c.id, "A note", "", "admin:Ada"));
  ASSERT_OK(timeline_->Add({c.id, "demo.upload", "An upload", "", "client"}));
  std::string html = GetPage("/admin/clients/" + std::to_string(c.id), {{"type", "demo.upload"}});
  EXPECT_NE(html.find("An upload"), std::string::npos);
  EXPECT_EQ(html.find("A note"), std::string::npos);
}

TEST_F(PagesTest, AddingAHistoryEntryRedirectsAndStoresIt) {
  Client c = MakeClient("Anne", "Keep");
  FakeRequest request = AdminGet("/admin/clients/" + std::to_string(c.id) + "/timeline");
  request.method = "POST";
  request.form = {{"title", "Phoned"}, {"note", "left a message"}};
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  ASSERT_FALSE(response.redirect.empty());
  auto entries = timeline_->List({c.id, 0, 0, {}, 10});
  ASSERT_OK(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().title, "Phoned");
  EXPECT_EQ(entries->front().actor, "admin:Ada");
}

TEST_F(PagesTest, DeleteRefusedByAPluginShowsTheErrorAndDeletesNothing) {
  Client c = MakeClient("Anne", "Keep");
  FakeRequest request = AdminGet("/admin/clients/" + std::to_string(c.id) + "/delete");
  request.method = "POST";
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_TRUE(response.redirect.empty());
  EXPECT_EQ(response.status, 409);
  std::string html = Html(response, admin_, request.path);
  EXPECT_NE(html.find("The client was not deleted."), std::string::npos);
  EXPECT_NE(html.find("demo keeps this client"), std::string::npos);
  EXPECT_OK(clients_->Get(c.id));
}

TEST_F(PagesTest, DeleteWithoutRefusalRemovesTheClient) {
  Client c = MakeClient("Bert", "Other");
  FakeRequest request = AdminGet("/admin/clients/" + std::to_string(c.id) + "/delete");
  request.method = "POST";
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.redirect, "/admin/clients?notice=deleted");
  EXPECT_EQ(clients_->Get(c.id).status().code(), crm::StatusCode::kNotFound);
}

TEST_F(PagesTest, CreateAndEditClientThroughTheForms) {
  FakeRequest create = AdminGet("/admin/clients/new");
  create.method = "POST";
  create.form = {{"first_name", "Chloé"},
                 {"last_name", "Martin"},
                 {"email", "not-an-email"},
                 {"language", "fr"}};
  FakeResponse refused;
  ASSERT_OK(Call(create, refused));
  EXPECT_EQ(refused.status, 422);
  std::string html = Html(refused, admin_, create.path);
  EXPECT_NE(html.find("value=\"Chloé\""), std::string::npos);  // the form keeps what was typed
  create.form[2].second = "chloe@example.com";
  create.form.emplace_back("tags", " vip, , new ");
  FakeResponse created;
  ASSERT_OK(Call(create, created));
  ASSERT_FALSE(created.redirect.empty());
  int64_t id = std::stoll(created.redirect.substr(std::string("/admin/clients/").size()));
  auto stored = clients_->Get(id);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->first_name, "Chloé");
  EXPECT_EQ(stored->tags, (std::vector<std::string>{"new", "vip"}));

  FakeRequest edit = AdminGet("/admin/clients/" + std::to_string(id));
  edit.method = "POST";
  edit.form = {{"first_name", "Chloé"},
               {"last_name", "Dubois"},
               {"email", "chloe@example.com"},
               {"language", "nl"}};
  FakeResponse saved;
  ASSERT_OK(Call(edit, saved));
  EXPECT_EQ(saved.redirect, "/admin/clients/" + std::to_string(id) + "?notice=saved");
  EXPECT_EQ(clients_->Get(id)->last_name, "Dubois");
  EXPECT_EQ(clients_->Get(id)->language, "nl");
}

TEST_F(PagesTest, UnknownOrMalformedClientIdsAreNotFound) {
  for (std::string path :
       {"/admin/clients/999", "/admin/clients/abc", "/admin/clients/1%20OR%201=1"}) {
    FakeRequest request = AdminGet(path);
    FakeResponse response;
    EXPECT_EQ(Call(request, response).code(), crm::StatusCode::kNotFound) << path;
  }
}

TEST_F(PagesTest, LoginLoginFailureAndSuccess) {
  ASSERT_OK(auth_->CreateAdmin("ada@example.com", "Ada", "correct horse battery"));
  FakeRequest request;
  request.method = "POST";
  request.path = "/admin/login";
  request.form = {
      {"email", "ada@example.com"}, {"password", "nope-nope"}, {"next", "//evil.example/"}};
  FakeResponse wrong;
  ASSERT_OK(Call(request, wrong));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(Html(wrong, request.caller, request.path).find("Wrong email or password."),
            std::string::npos);
  EXPECT_FALSE(wrong.HeaderValue("Set-Cookie").has_value());

  request.form[1].second = "correct horse battery";
  FakeResponse ok;
  ASSERT_OK(Call(request, ok));
  EXPECT_EQ(ok.redirect, "/admin/clients");  // never the foreign `next`
  std::string cookie = ok.HeaderValue("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("sid="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
}

TEST_F(PagesTest, LoginRateLimitUsesThePeerAddress) {
  ASSERT_OK(auth_->CreateAdmin("ada@example.com", "Ada", "correct horse battery"));
  FakeRequest request;
  request.method = "POST";
  request.path = "/admin/login";
  request.remote_address = "203.0.113.7";
  request.headers["x-forwarded-for"] = "198.51.100.1";  // never trusted
  for (int i = 0; i < kMaxFailedLoginsPerIp; ++i) {
    request.form = {{"email", "guess" + std::to_string(i) + "@example.com"},
                    {"password", "nope-nope"}};
    FakeResponse wrong;
    ASSERT_OK(Call(request, wrong));
    EXPECT_EQ(wrong.status, 401) << i;
  }
  request.form = {{"email", "ada@example.com"}, {"password", "correct horse battery"}};
  FakeResponse refused;
  ASSERT_OK(Call(request, refused));
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(Html(refused, request.caller, request.path).find("Too many failed attempts"),
            std::string::npos);
  EXPECT_FALSE(refused.HeaderValue("Set-Cookie").has_value());
  // The same request from another peer (same X-Forwarded-For) gets in.
  request.remote_address = "203.0.113.8";
  FakeResponse ok;
  ASSERT_OK(Call(request, ok));
  EXPECT_EQ(ok.status, 303);
}

TEST_F(PagesTest, UnconfirmedClientIsRefusedAndOfferedANewLink) {
  Client c = ClientWithLogin("client-password-1", false);
  FakeRequest request = ClientLoginPost(c.email, "client-password-1");
  FakeResponse refused;
  ASSERT_OK(Call(request, refused));
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(refused.HeaderValue("Set-Cookie").has_value());
  std::string html = Html(refused, request.caller, request.path);
  EXPECT_NE(html.find("Your email address is not confirmed yet"), std::string::npos) << html;
  EXPECT_NE(html.find("action=\"/account/confirm/resend\""), std::string::npos);
  EXPECT_NE(html.find("name=\"email\" value=\"" + c.email + "\""), std::string::npos);
  ExpectCsrfInEveryPostForm(html, "");

  // In the client's language.
  request.caller.language = "fr";
  FakeResponse fr;
  ASSERT_OK(Call(request, fr));
  EXPECT_NE(Html(fr, request.caller, request.path)
                .find("Votre adresse e-mail n&apos;est pas encore confirm"),
            std::string::npos)
      << Html(fr, request.caller, request.path);

  // A wrong password says nothing about the confirmation.
  FakeRequest wrong_request = ClientLoginPost(c.email, "wrong-password");
  FakeResponse wrong;
  ASSERT_OK(Call(wrong_request, wrong));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Html(wrong, wrong_request.caller, wrong_request.path).find("confirm"),
            std::string::npos);

  // "Send the link again": a mail for this client; the same answer for an unknown email.
  size_t before = OutboxCount();
  FakeRequest resend;
  resend.method = "POST";
  resend.path = "/account/confirm/resend";
  resend.form = {{"email", c.email}};
  FakeResponse sent;
  ASSERT_OK(Call(resend, sent));
  EXPECT_EQ(sent.redirect, "/account/login?notice=confirmation_resent");
  EXPECT_EQ(OutboxCount(), before + 1);
  resend.form = {{"email", "nobody@example.com"}};
  FakeResponse unknown;
  ASSERT_OK(Call(resend, unknown));
  EXPECT_EQ(unknown.redirect, sent.redirect);
  EXPECT_EQ(OutboxCount(), before + 1);
  // The notice it lands on.
  FakeRequest notice;
  notice.path = "/account/login";
  notice.query = {{"notice", "confirmation_resent"}};
  FakeResponse notice_page;
  ASSERT_OK(Call(notice, notice_page));
  EXPECT_NE(
      Html(notice_page, notice.caller, notice.path).find("a new confirmation link is on its way"),
      std::string::npos);

  // Rate-limited like logins.
  resend.form = {{"email", c.email}};
  for (int i = 1; i < kMaxFailedLogins; ++i) {
    FakeResponse again;
    ASSERT_OK(Call(resend, again));
    EXPECT_EQ(again.status, 303) << i;
  }
  FakeResponse limited;
  ASSERT_OK(Call(resend, limited));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(OutboxCount(), before + kMaxFailedLogins);

  // Once confirmed, the same login gets in.
  ASSERT_OK(auth_->SetEmailConfirmed(c.id, true));
  FakeResponse ok;
  ASSERT_OK(Call(request, ok));
  EXPECT_EQ(ok.redirect, "/account");
  EXPECT_NE(ok.HeaderValue("Set-Cookie").value_or("").find("sid="), std::string::npos);
}

TEST_F(PagesTest, ConfirmationLinkOutcomeIsShownOnTheLoginPage) {
  FakeRequest request;
  request.path = "/account/login";
  request.query = {{"confirmed", "1"}};
  FakeResponse ok;
  ASSERT_OK(Call(request, ok));
  EXPECT_NE(Html(ok, request.caller, request.path).find("Your email address is confirmed"),
            std::string::npos);
  request.query = {{"confirmed", "0"}};
  request.caller.language = "nl";
  FakeResponse bad;
  ASSERT_OK(Call(request, bad));
  EXPECT_NE(Html(bad, request.caller, request.path).find("Deze bevestigingslink is onbekend"),
            std::string::npos);
}

TEST_F(PagesTest, AdminSettingAPasswordCanConfirmTheEmail) {
  Client c = MakeClient("Anne", "Manual");
  std::string form_html = GetPage("/admin/clients/" + std::to_string(c.id));
  EXPECT_NE(form_html.find("name=\"confirm_email\" type=\"checkbox\" value=\"1\" checked"),
            std::string::npos);
  FakeRequest request = AdminGet("/admin/clients/" + std::to_string(c.id) + "/password");
  request.method = "POST";
  request.form = {{"mode", "set"}, {"password", "password-by-hand"}};
  FakeResponse unticked;
  ASSERT_OK(Call(request, unticked));
  EXPECT_EQ(unticked.status, 303);
  EXPECT_FALSE(clients_->Get(c.id)->email_confirmed);
  request.form = {{"mode", "set"}, {"password", "password-by-hand"}, {"confirm_email", "1"}};
  FakeResponse ticked;
  ASSERT_OK(Call(request, ticked));
  EXPECT_EQ(ticked.status, 303);
  EXPECT_TRUE(clients_->Get(c.id)->email_confirmed);
  // Confirmed: the box is no longer offered.
  EXPECT_EQ(GetPage("/admin/clients/" + std::to_string(c.id)).find("name=\"confirm_email\""),
            std::string::npos);
}

TEST_F(PagesTest, CookiesAreNotSecureOverPlainHttp) {
  ASSERT_OK(auth_->CreateAdmin("ada@example.com", "Ada", "correct horse battery"));
  FakeRequest request;
  request.method = "POST";
  request.path = "/admin/login";
  request.form = {{"email", "ada@example.com"}, {"password", "correct horse battery"}};
  FakeResponse ok;
  ASSERT_OK(Call(request, ok));
  EXPECT_EQ(ok.HeaderValue("Set-Cookie").value_or("Secure").find("Secure"), std::string::npos);
}

// The same pages when the host's --base-url is https://: every cookie carries Secure.
class HttpsPagesTest : public PagesTest {
 protected:
  HttpsPagesTest() { base_url_ = "https://crm.example.com"; }
};

TEST_F(HttpsPagesTest, EveryCookieIsSecure) {
  ASSERT_OK(auth_->CreateAdmin("ada@example.com", "Ada", "correct horse battery"));
  std::vector<std::string> cookies;
  FakeRequest login;
  login.method = "POST";
  login.path = "/admin/login";
  login.form = {{"email", "ada@example.com"}, {"password", "correct horse battery"}};
  FakeResponse logged_in;
  ASSERT_OK(Call(login, logged_in));
  ASSERT_EQ(logged_in.status, 303);
  Client c = ClientWithLogin("client-password-1", true);
  FakeRequest client_login = ClientLoginPost(c.email, "client-password-1");
  FakeResponse client_in;
  ASSERT_OK(Call(client_login, client_in));
  ASSERT_EQ(client_in.status, 303);
  FakeRequest logout;
  logout.method = "POST";
  logout.path = "/account/logout";
  FakeResponse logged_out;
  ASSERT_OK(Call(logout, logged_out));
  FakeRequest lang;
  lang.path = "/lang/nl";
  FakeResponse switched;
  ASSERT_OK(Call(lang, switched));
  for (const FakeResponse* r : {&logged_in, &client_in, &logged_out, &switched}) {
    for (const auto& [name, value] : r->headers) {
      if (name == "Set-Cookie") cookies.push_back(value);
    }
  }
  ASSERT_EQ(cookies.size(), 4u);
  for (const std::string& cookie : cookies) {
    EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  }
}

TEST_F(PagesTest, LoginPagesAreTranslated) {
  FakeRequest request;
  request.path = "/account/login";
  request.caller.language = "nl";
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  std::string html = Html(response, request.caller, request.path);
  EXPECT_NE(html.find("Wachtwoord"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"nl\">"), std::string::npos);
  ExpectCsrfInEveryPostForm(html, "");
}

TEST_F(PagesTest, LanguageSwitchSetsACookieAndOnlyRedirectsLocally) {
  FakeRequest request;
  request.method = "POST";
  request.path = "/lang/fr";
  request.form = {{"next", "/admin/clients?page=2"}};
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.redirect, "/admin/clients?page=2");
  EXPECT_NE(response.HeaderValue("Set-Cookie").value_or("").find("lang=fr;"), std::string::npos);
  request.form = {{"next", "//evil.example"}};
  FakeResponse evil;
  ASSERT_OK(Call(request, evil));
  EXPECT_EQ(evil.redirect, "/");
  request.path = "/lang/de";
  FakeResponse unknown;
  EXPECT_EQ(Call(request, unknown).code(), crm::StatusCode::kNotFound);
}

TEST_F(PagesTest, LanguageSwitchOfAClientSavesTheirPreferredLanguage) {
  Client me = MakeClient("Zoë", "Client", "fr");
  FakeRequest request;
  request.method = "POST";
  request.path = "/lang/nl";
  request.caller.kind = crm::Principal::Kind::kClient;
  request.caller.client_id = me.id;
  request.caller.language = "fr";
  request.form = {{"next", "/account/profile"}};
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.redirect, "/account/profile");
  EXPECT_EQ(clients_->Get(me.id)->language, "nl");
  EXPECT_EQ(clients_->Get(me.id)->first_name, "Zoë");  // nothing else changed
}

TEST_F(PagesTest, LanguageSwitchOfAnAdminSavesTheirLanguage) {
  auto ada = auth_->CreateAdmin("ada@example.com", "Ada", "correct horse battery", "en");
  ASSERT_OK(ada);
  FakeRequest request = AdminGet("/lang/fr");
  request.method = "POST";
  request.caller.user_id = ada->id;
  request.form = {{"next", "/admin/clients"}};
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.redirect, "/admin/clients");
  EXPECT_EQ(auth_->FindAdmin(ada->id)->language, "fr");
}

// Issue 15.7: a GET never changes stored state. GET /lang/xx only sets the cookie (old links
// and bookmarks keep working); the stored language changes through the POST form only.
TEST_F(PagesTest, LanguageLinkNeverChangesTheStoredLanguage) {
  Client me = MakeClient("Zoë", "Client", "fr");
  FakeRequest request;
  request.path = "/lang/nl";
  request.caller.kind = crm::Principal::Kind::kClient;
  request.caller.client_id = me.id;
  request.caller.language = "fr";
  request.query = {{"next", "/account/profile"}};
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.redirect, "/account/profile");
  EXPECT_NE(response.HeaderValue("Set-Cookie").value_or("").find("lang=nl;"), std::string::npos);
  EXPECT_EQ(clients_->Get(me.id)->language, "fr");

  auto ada = auth_->CreateAdmin("ada@example.com", "Ada", "correct horse battery", "en");
  ASSERT_OK(ada);
  FakeRequest admin = AdminGet("/lang/nl");
  admin.caller.user_id = ada->id;
  FakeResponse admin_response;
  ASSERT_OK(Call(admin, admin_response));
  EXPECT_EQ(auth_->FindAdmin(ada->id)->language, "en");
}

// The switcher is a POST form (no JavaScript needed) carrying the session's CSRF token.
TEST_F(PagesTest, LanguageSwitcherIsAFormWithTheCsrfToken) {
  std::string html = GetPage("/admin/clients");
  size_t form = html.find("<form method=\"post\" action=\"/lang/fr\"");
  ASSERT_NE(form, std::string::npos);
  std::string switcher = html.substr(form, html.find("</form>", form) - form);
  EXPECT_NE(switcher.find("name=\"_csrf\" value=\"" + admin_.csrf_token + "\""), std::string::npos);
  EXPECT_NE(switcher.find("name=\"next\" value=\"/admin/clients\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"/lang/"), std::string::npos);
}

TEST_F(PagesTest, PluginManagerShowsEveryFileWithStateAndError) {
  std::string html = GetPage("/admin/plugins");
  EXPECT_NE(html.find("broken.so"), std::string::npos);
  EXPECT_NE(html.find("The plugin needs a newer version of this CRM (interface 1.9, this CRM has "
                      "1.4)."),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<code>plugin needs host API 1.9, newer than this host&apos;s 1.4</code>"),
            std::string::npos)
      << "the technical text stays beside it";
  EXPECT_NE(html.find("1.2.3"), std::string::npos);
  EXPECT_NE(html.find("href=\"/admin/plugins/demo/settings\""), std::string::npos);
}

// Issue 15.9: why a plugin did not load, and the admin users page's refusals, in the reader's
// language (the technical English stays in the log and the API).
TEST_F(PagesTest, PluginLoadErrorsAndAdminUserMessagesAreTranslated) {
  admin_.language = "fr";
  std::string fr = GetPage("/admin/plugins");
  EXPECT_NE(fr.find("Le module demande une version plus récente de ce CRM (interface 1.9, ce CRM "
                    "a la 1.4)."),
            std::string::npos)
      << fr;
  admin_.language = "nl";
  EXPECT_NE(GetPage("/admin/plugins").find("De plug-in vraagt een nieuwere versie van dit CRM"),
            std::string::npos);

  admin_.permissions.push_back("admins.manage");
  admin_.language = "fr";
  auto post = [&](std::string path, std::vector<std::pair<std::string, std::string>> form) {
    FakeRequest request = AdminGet(std::move(path));
    request.method = "POST";
    request.form = std::move(form);
    FakeResponse response;
    EXPECT_OK(Call(request, response));
    return Html(response, admin_, request.path);
  };
  std::string bad_email =
      post("/admin/users", {{"email", "not-an-email"}, {"password", "long-enough-1"}});
  EXPECT_NE(bad_email.find("L&apos;adresse e-mail n&apos;est pas valide."), std::string::npos)
      << bad_email;
  EXPECT_EQ(bad_email.find("not a valid address"), std::string::npos);
  std::string self = post("/admin/users/1/active", {{"active", "0"}});
  EXPECT_NE(self.find("Vous ne pouvez pas désactiver votre propre compte."), std::string::npos)
      << self;
  admin_.language = "nl";
  std::string manage = post("/admin/users/1/permissions", {{"perm_clients.read", "1"}});
  EXPECT_NE(manage.find("U kunt uzelf het recht om beheerders te beheren"), std::string::npos)
      << manage;
  EXPECT_EQ(manage.find("you cannot"), std::string::npos);
}

TEST_F(PagesTest, SettingsPageSavesAndShowsTheOutcome) {
  std::string get = GetPage("/admin/plugins/demo/settings");
  EXPECT_NE(get.find("value=\"start\""), std::string::npos);
  FakeRequest post = AdminGet("/admin/plugins/demo/settings");
  post.method = "POST";
  post.form = {{"x", "new"}};
  FakeResponse saved;
  ASSERT_OK(Call(post, saved));
  std::string html = Html(saved, admin_, post.path);
  EXPECT_NE(html.find("Settings saved."), std::string::npos);
  EXPECT_NE(html.find("value=\"new\""), std::string::npos);
  post.form = {{"x", "bad"}};
  FakeResponse refused;
  ASSERT_OK(Call(post, refused));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(Html(refused, admin_, post.path).find("x may not be bad"), std::string::npos);
  FakeRequest missing = AdminGet("/admin/plugins/nope/settings");
  FakeResponse none;
  EXPECT_EQ(Call(missing, none).code(), crm::StatusCode::kNotFound);
}

TEST_F(PagesTest, CsvImportShowsAPerRowReport) {
  FakeRequest request = AdminGet("/admin/clients/import");
  request.method = "POST";
  request.form = {{"csv", "first_name,email\nA,a@example.com\nB,bad\n"}};
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  std::string html = Html(response, admin_, "/admin/clients");
  EXPECT_NE(html.find("1 row imported, 2 rows refused."), std::string::npos) << html;
  // Issue 15.9: each line's message in the reader's language, never the technical English.
  EXPECT_NE(html.find("The email address is not valid."), std::string::npos) << html;
  EXPECT_EQ(html.find("email: not a valid address"), std::string::npos);
  EXPECT_EQ(html.find("failure"), std::string::npos);
  request.caller.language = "nl";
  FakeResponse nl;
  ASSERT_OK(Call(request, nl));
  html = Html(nl, request.caller, "/admin/clients");
  EXPECT_NE(html.find("Het e-mailadres is niet geldig."), std::string::npos) << html;
  EXPECT_NE(html.find("aangemaakt"), std::string::npos);
  EXPECT_NE(html.find("Er ontbreken gegevens of ze zijn niet geldig."), std::string::npos);
}

TEST_F(PagesTest, AccountPagesShowOnlyTheCallersOwnData) {
  Client me = MakeClient("Zoë", kHostile);
  Client other = MakeClient("Other", "Intruder");
  FakeRequest request;
  request.path = "/account/profile";
  request.caller.kind = crm::Principal::Kind::kClient;
  request.caller.client_id = me.id;
  request.caller.language = "fr";
  request.caller.csrf_token = "c-tok";
  request.query = {{"id", std::to_string(other.id)}};  // ignored: the id is the session's
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  std::string html = Html(response, request.caller, request.path);
  EXPECT_NE(html.find("Zoë"), std::string::npos);
  EXPECT_EQ(html.find("Intruder"), std::string::npos);
  EXPECT_EQ(html.find(kHostile), std::string::npos);
  EXPECT_NE(html.find("Mon profil"), std::string::npos);

  request.path = "/account";
  FakeResponse home;
  ASSERT_OK(Call(request, home));
  std::string home_html = Html(home, request.caller, request.path);
  EXPECT_NE(home_html.find("href=\"/account/profile\""), std::string::npos);
  ExpectCsrfInEveryPostForm(home_html, "c-tok");
}

TEST_F(PagesTest, AssetsAreServedWithCachingHeaders) {
  FakeRequest request;
  request.path = "/assets/app.css";
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.content_type, "text/css; charset=utf-8");
  EXPECT_NE(response.HeaderValue("Cache-Control").value_or("").find("max-age"), std::string::npos);
  std::string etag = response.HeaderValue("ETag").value_or("");
  ASSERT_FALSE(etag.empty());
  request.headers["if-none-match"] = etag;
  FakeResponse cached;
  ASSERT_OK(Call(request, cached));
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
}

TEST_F(PagesTest, RootRedirectsToTheClientList) {
  FakeRequest request;
  request.path = "/";
  FakeResponse response;
  ASSERT_OK(Call(request, response));
  EXPECT_EQ(response.redirect, "/admin/clients");
}

}  // namespace
}  // namespace host::web
