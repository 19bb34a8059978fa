// tests/core/hook_registry_test.cc — StagingRegistrar checks and HookRegistry behaviour: ordering,
// all-or-nothing commits, route matching, menu filters, gates, filter sources, translations.
#include "sample-host/core/hook_registry.h"

#include <gtest/gtest.h>

#include <functional>

#include <stdexcept>

#include "sample-host/core/logger.h"

namespace host {
namespace {

crm::ListColumn Column(std::string id, int priority = crm::kDefaultPriority) {
  crm::ListColumn c;
  c.id = std::move(id);
  c.sql = "(SELECT 1)";
  c.render_html = [](const crm::SqlValue&, std::string_view) { return std::string("x"); };
  c.priority = priority;
  return c;
}

crm::Route MakeRoute(std::string method, std::string pattern, std::string tag = "") {
  crm::Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.handler = [tag](crm::Request&, crm::Response& response) {
    return response.Send(tag, "text/plain");
  };
  return r;
}

crm::MenuFilter Menu(std::string id, crm::MenuArea area, std::string add,
                     int priority = crm::kDefaultPriority) {
  crm::MenuFilter f;
  f.id = std::move(id);
  f.area = area;
  f.priority = priority;
  f.filter = [add](std::vector<crm::MenuItem> items, const crm::Principal&) {
    items.push_back({add, add, "/" + add, 100});
    return items;
  };
  return f;
}

void CommitOk(HookRegistry& registry, StagingRegistrar& r) {
  ASSERT_TRUE(r.first_error().ok()) << r.first_error().ToString();
  crm::Status s = registry.Commit(r.Take());
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST(HookRegistryTest, ColumnsSortByPriorityThenRegistrationOrder) {
  HookRegistry registry;
  StagingRegistrar host("host");
  ASSERT_TRUE(host.AddListColumn(Column("b", 100)).ok());
  ASSERT_TRUE(host.AddListColumn(Column("a", 50)).ok());
  CommitOk(registry, host);
  StagingRegistrar plugin("plug");
  ASSERT_TRUE(plugin.AddListColumn(Column("c", 100)).ok());
  ASSERT_TRUE(plugin.AddListColumn(Column("d", 10)).ok());
  CommitOk(registry, plugin);

  std::vector<std::string> order;
  for (const auto& c : registry.columns()) order.push_back(c.owner + "." + c.hook.id);
  EXPECT_EQ(order, (std::vector<std::string>{"plug.d", "host.a", "host.b", "plug.c"}));
}

TEST(HookRegistryTest, DuplicateIdWithinOwnerFailsTheRegistrarEvenIfIgnored) {
  StagingRegistrar r("plug");
  EXPECT_TRUE(r.AddListColumn(Column("x")).ok());
  crm::Status second = r.AddListColumn(Column("x"));
  EXPECT_EQ(second.code(), crm::StatusCode::kConflict);
  EXPECT_TRUE(r.AddListColumn(Column("y")).ok());  // later calls still checked alone...
  EXPECT_EQ(r.first_error().code(), crm::StatusCode::kConflict);  // ...but the first error sticks
  EXPECT_NE(r.first_error().message().find("duplicate list column id x"), std::string::npos);
}

TEST(HookRegistryTest, DemoSeedersAreKeptInOrderAndDuplicatesRefused) {
  HookRegistry registry;
  std::vector<std::string> calls;
  auto seeder = [&calls](std::string id) {
    crm::DemoSeeder d;
    d.id = id;
    d.seed = [&calls, id](const std::vector<int64_t>& ids) {
      calls.push_back(id + ":" + std::to_string(ids.size()));
      return crm::Status::Ok();
    };
    return d;
  };
  StagingRegistrar a("plug-a");
  ASSERT_TRUE(a.AddDemoSeeder(seeder("types")).ok());
  EXPECT_EQ(a.AddDemoSeeder(seeder("types")).code(), crm::StatusCode::kConflict);
  EXPECT_FALSE(a.first_error().ok());
  StagingRegistrar b("plug-b");
  ASSERT_TRUE(b.AddDemoSeeder(seeder("docs")).ok());
  crm::DemoSeeder empty;
  empty.id = "empty";
  StagingRegistrar c("plug-c");
  EXPECT_EQ(c.AddDemoSeeder(empty).code(), crm::StatusCode::kInvalidArgument);
  CommitOk(registry, b);
  ASSERT_EQ(registry.demo_seeders().size(), 1u);
  ASSERT_TRUE(registry.demo_seeders()[0].hook.seed({1, 2, 3}).ok());
  EXPECT_EQ(calls, (std::vector<std::string>{"docs:3"}));
  EXPECT_EQ(registry.demo_seeders()[0].owner, "plug-b");
}

// Host API 1.5: sections of the client's home, by priority then registration order; an id once
// per owner (the same id under two owners is two sections); a renderer is required.
TEST(HookRegistryTest, AccountHomeSectionsSortByPriorityAndRefuseDuplicates) {
  HookRegistry registry;
  auto section = [](std::string id, int priority) {
    crm::AccountHomeSection s;
    s.id = id;
    s.priority = priority;
    s.render = [id](const crm::Principal&, std::string_view language) {
      return crm::Result<std::string>(id + ":" + std::string(language));
    };
    return s;
  };
  StagingRegistrar a("plug-a");
  ASSERT_TRUE(a.AddAccountHomeSection(section("late", 200)).ok());
  ASSERT_TRUE(a.AddAccountHomeSection(section("missing", 100)).ok());
  CommitOk(registry, a);
  StagingRegistrar b("plug-b");
  ASSERT_TRUE(b.AddAccountHomeSection(section("missing", 50)).ok());
  CommitOk(registry, b);
  StagingRegistrar c("plug-c");
  ASSERT_TRUE(c.AddAccountHomeSection(section("x", 1)).ok());
  EXPECT_EQ(c.AddAccountHomeSection(section("x", 2)).code(), crm::StatusCode::kConflict);
  EXPECT_FALSE(c.first_error().ok());
  StagingRegistrar d("plug-d");
  crm::AccountHomeSection empty;
  empty.id = "empty";
  EXPECT_EQ(d.AddAccountHomeSection(empty).code(), crm::StatusCode::kInvalidArgument);

  const auto& sections = registry.account_home_sections();
  ASSERT_EQ(sections.size(), 3u);
  EXPECT_EQ(sections[0].owner + "." + sections[0].hook.id, "plug-b.missing");
  EXPECT_EQ(sections[1].owner + "." + sections[1].hook.id, "plug-a.missing");
  EXPECT_EQ(sections[2].owner + "." + sections[2].hook.id, "plug-a.late");
  crm::Result<std::string> html = sections[2].hook.render(crm::Principal{}, "fr");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(*html, "late:fr");
}

TEST(HookRegistryTest, DuplicateAcrossOwnersRefusesWholeCommitAndShowsNothing) {
  HookRegistry registry;
  StagingRegistrar host("host");
  ASSERT_TRUE(host.AddRoute(MakeRoute("GET", "/account/documents")).ok());
  crm::PermissionDecl perm{"documents.read", "k"};
  ASSERT_TRUE(host.DeclarePermission(perm).ok());
  CommitOk(registry, host);

  // Same route pattern (other parameter name does not matter): the whole commit is refused.
  StagingRegistrar plugin("plug");
  ASSERT_TRUE(plugin.AddListColumn(Column("col")).ok());
  ASSERT_TRUE(plugin.AddRoute(MakeRoute("GET", "/api/v1/plugins/plug/{a}")).ok());
  ASSERT_TRUE(plugin.AddRoute(MakeRoute("GET", "/account/documents")).ok());
  ASSERT_TRUE(plugin.AddTranslations("en", {{"plug.title", "Title"}}).ok());
  crm::Status s = registry.Commit(plugin.Take());
  EXPECT_EQ(s.code(), crm::StatusCode::kConflict);
  EXPECT_NE(s.message().find("/account/documents"), std::string::npos) << s.message();
  EXPECT_TRUE(registry.columns().empty());
  EXPECT_EQ(registry.routes().size(), 1u);
  EXPECT_EQ(registry.Translate("en", "plug.title"), "plug.title");

  // A permission id is global.
  StagingRegistrar other("other");
  ASSERT_TRUE(other.DeclarePermission(perm).ok());
  EXPECT_EQ(registry.Commit(other.Take()).code(), crm::StatusCode::kConflict);
  EXPECT_EQ(registry.permissions().size(), 1u);

  // The same owner committing the same ids twice clashes on "<owner>.<id>".
  StagingRegistrar again1("twice");
  ASSERT_TRUE(again1.AddListColumn(Column("c")).ok());
  CommitOk(registry, again1);
  StagingRegistrar again2("twice");
  ASSERT_TRUE(again2.AddListColumn(Column("c")).ok());
  EXPECT_EQ(registry.Commit(again2.Take()).code(), crm::StatusCode::kConflict);
  EXPECT_EQ(registry.columns().size(), 1u);

  // Equal column ids of different owners are fine (API keys are "<owner>.<id>").
  StagingRegistrar third("third");
  ASSERT_TRUE(third.AddListColumn(Column("c")).ok());
  CommitOk(registry, third);
  EXPECT_EQ(registry.columns().size(), 2u);
}

TEST(HookRegistryTest, PluginRouteOutsideItsNamespaceIsRefused) {
  StagingRegistrar r("client-documents");
  EXPECT_EQ(r.AddRoute(MakeRoute("GET", "/admin/clients")).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_FALSE(r.first_error().ok());
  EXPECT_NE(r.first_error().message().find("outside its namespaces"), std::string::npos);
  StagingRegistrar other_prefix("client-documents");
  EXPECT_FALSE(other_prefix.AddRoute(MakeRoute("GET", "/api/v1/plugins/other/x")).ok());
  EXPECT_FALSE(other_prefix.AddRoute(MakeRoute("GET", "/p/other/l/x")).ok());
  EXPECT_FALSE(other_prefix.AddRoute(MakeRoute("GET", "/api/v1/plugins/client-documents"))
                   .ok());  // prefix alone
  StagingRegistrar fine("client-documents");
  EXPECT_TRUE(fine.AddRoute(MakeRoute("GET", "/api/v1/plugins/client-documents/types")).ok());
  EXPECT_TRUE(fine.AddRoute(MakeRoute("GET", "/admin/plugins/client-documents/settings")).ok());
  EXPECT_TRUE(fine.AddRoute(MakeRoute("GET", "/account/documents")).ok());
  EXPECT_TRUE(fine.AddRoute(MakeRoute("GET", "/assets/plugins/client-documents/app.js")).ok());
  EXPECT_TRUE(fine.AddRoute(MakeRoute("GET", "/p/client-documents/l/{token}")).ok());
  EXPECT_TRUE(fine.first_error().ok());
  // The host may register anywhere.
  StagingRegistrar host("host");
  EXPECT_TRUE(host.AddRoute(MakeRoute("GET", "/admin/clients")).ok());
}

TEST(HookRegistryTest, BadRegistrationsAreRefused) {
  StagingRegistrar r("plug");
  crm::ListColumn no_renderer = Column("x");
  no_renderer.render_html = nullptr;
  EXPECT_EQ(r.AddListColumn(no_renderer).code(), crm::StatusCode::kInvalidArgument);
  EXPECT_FALSE(r.AddListColumn(Column("")).ok());
  EXPECT_FALSE(r.AddListColumn(Column("bad id")).ok());
  EXPECT_FALSE(r.AddRoute(MakeRoute("TRACE", "/account/x")).ok());
  EXPECT_FALSE(r.AddRoute(MakeRoute("GET", "/account//x")).ok());
  EXPECT_FALSE(r.AddRoute(MakeRoute("GET", "/account/{a}/{a}")).ok());
  EXPECT_FALSE(r.AddRoute(MakeRoute("GET", "/account/x{a}")).ok());
  EXPECT_FALSE(r.AddTranslations("de", {{"k", "v"}}).ok());
  EXPECT_FALSE(r.AddMigration({0, "0000_x.sql", "SELECT 1"}).ok());
  EXPECT_TRUE(r.AddMigration({1, "0001_x.sql", "SELECT 1"}).ok());
  EXPECT_EQ(r.AddMigration({1, "0001_y.sql", "SELECT 2"}).code(), crm::StatusCode::kConflict);
}

TEST(HookRegistryTest, RouteMatchingBindsParamsAndPrefersExactSegments) {
  HookRegistry registry;
  StagingRegistrar host("host");
  ASSERT_TRUE(host.AddRoute(MakeRoute("GET", "/admin/clients/{id}", "param")).ok());
  ASSERT_TRUE(host.AddRoute(MakeRoute("GET", "/admin/clients/new", "exact")).ok());
  ASSERT_TRUE(host.AddRoute(MakeRoute("GET", "/admin/clients/{id}/tabs/{tab}", "tab")).ok());
  ASSERT_TRUE(host.AddRoute(MakeRoute("POST", "/admin/clients/{id}", "post")).ok());
  ASSERT_TRUE(host.AddRoute(MakeRoute("GET", "/", "root")).ok());
  CommitOk(registry, host);

  auto m = registry.MatchRoute("GET", "/admin/clients/42");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->hook.pattern, "/admin/clients/{id}");
  EXPECT_EQ(m->params.at("id"), "42");

  auto exact = registry.MatchRoute("GET", "/admin/clients/new");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->route->hook.pattern, "/admin/clients/new");
  EXPECT_TRUE(exact->params.empty());

  auto tab = registry.MatchRoute("GET", "/admin/clients/7/tabs/documents");
  ASSERT_TRUE(tab);
  EXPECT_EQ(tab->params.at("id"), "7");
  EXPECT_EQ(tab->params.at("tab"), "documents");

  auto post = registry.MatchRoute("POST", "/admin/clients/9");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->route->hook.method, "POST");

  EXPECT_TRUE(registry.MatchRoute("GET", "/"));
  EXPECT_FALSE(registry.MatchRoute("GET", "/admin/clients"));
  EXPECT_FALSE(registry.MatchRoute("GET", "/admin/clients/1/2"));
  EXPECT_FALSE(registry.MatchRoute("GET", "/admin/clients/"));  // empty parameter

  bool other_method = false;
  EXPECT_FALSE(registry.MatchRoute("DELETE", "/admin/clients/3", &other_method));
  EXPECT_TRUE(other_method);  // 405, not 404
  EXPECT_FALSE(registry.MatchRoute("DELETE", "/nowhere", &other_method));
  EXPECT_FALSE(other_method);
  EXPECT_TRUE(registry.MatchRoute("GET", "/admin/clients/3", &other_method));
  EXPECT_FALSE(other_method);
}

TEST(HookRegistryTest, ExactBeatsParamWhateverTheRegistrationOrder) {
  HookRegistry registry;
  StagingRegistrar host("host");
  ASSERT_TRUE(host.AddRoute(MakeRoute("GET", "/a/{x}/c")).ok());
  ASSERT_TRUE(host.AddRoute(MakeRoute("GET", "/a/b/{y}")).ok());
  CommitOk(registry, host);
  auto m = registry.MatchRoute("GET", "/a/b/c");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->hook.pattern, "/a/b/{y}");  // the earlier exact segment decides
}

TEST(HookRegistryTest, MenuFiltersPassTheVectorThroughInOrder) {
  HookRegistry registry;
  StagingRegistrar host("host");
  ASSERT_TRUE(host.AddMenuFilter(Menu("late", crm::MenuArea::kAccount, "late", 200)).ok());
  ASSERT_TRUE(host.AddMenuFilter(Menu("admin", crm::MenuArea::kAdmin, "admin-only")).ok());
  CommitOk(registry, host);
  StagingRegistrar plugin("plug");
  crm::MenuFilter remover;
  remover.id = "remover";
  remover.priority = 150;
  remover.filter = [](std::vector<crm::MenuItem> items, const crm::Principal&) {
    // Sees what the earlier filters produced, removes "base" and records the count it saw.
    std::vector<crm::MenuItem> out;
    for (auto& i : items) {
      if (i.id != "base") out.push_back(i);
    }
    out.push_back({"seen-" + std::to_string(items.size()), "", "/x", 1});
    return out;
  };
  ASSERT_TRUE(plugin.AddMenuFilter(remover).ok());
  ASSERT_TRUE(plugin.AddMenuFilter(Menu("early", crm::MenuArea::kAccount, "early", 10)).ok());
  crm::MenuFilter thrower;
  thrower.id = "thrower";
  thrower.filter = [](std::vector<crm::MenuItem>,
                      const crm::Principal&) -> std::vector<crm::MenuItem> {
    throw std::runtime_error("broken");
  };
  ASSERT_TRUE(plugin.AddMenuFilter(thrower).ok());
  CommitOk(registry, plugin);

  crm::Principal viewer;
  auto items =
      registry.BuildMenu(crm::MenuArea::kAccount, {{"base", "Base", "/account", 100}}, viewer);
  std::vector<std::string> ids;
  for (const auto& i : items) ids.push_back(i.id);
  // early (10) added, thrower (100) skipped, remover (150) saw base+early, late (200) added.
  EXPECT_EQ(ids, (std::vector<std::string>{"seen-2", "early", "late"}));
}

// The lines of `log` that contain `text`.
size_t LinesContaining(const Logger& log, std::string_view text) {
  size_t n = 0;
  for (const auto& line : log.Recent()) n += line.find(text) != std::string::npos;
  return n;
}

TEST(HookRegistryTest, ThrowingMenuFilterIsSkippedWithOneLogLine) {
  Logger log(nullptr, /*to_stderr=*/false);
  HookRegistry registry;
  registry.SetLogger(&log);
  StagingRegistrar plugin("plug");
  ASSERT_TRUE(plugin.AddMenuFilter(Menu("early", crm::MenuArea::kAccount, "early", 10)).ok());
  crm::MenuFilter thrower;
  thrower.id = "thrower";
  thrower.filter = [](std::vector<crm::MenuItem>,
                      const crm::Principal&) -> std::vector<crm::MenuItem> {
    throw std::runtime_error("menu broken");
  };
  ASSERT_TRUE(plugin.AddMenuFilter(thrower).ok());
  ASSERT_TRUE(plugin.AddMenuFilter(Menu("late", crm::MenuArea::kAccount, "late", 200)).ok());
  CommitOk(registry, plugin);
  crm::Principal viewer;
  auto items = registry.BuildMenu(crm::MenuArea::kAccount, {}, viewer);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "early");
  EXPECT_EQ(items[1].id, "late");
  ASSERT_EQ(log.Recent().size(), 1u);
  EXPECT_EQ(LinesContaining(log, "ERROR plugin: menu filter plug.thrower threw: menu broken"), 1u);
}

TEST(HookRegistryTest, ThrowingGateIsSkippedFailOpenWithOneLogLine) {
  Logger log(nullptr, /*to_stderr=*/false);
  HookRegistry registry;
  registry.SetLogger(&log);
  StagingRegistrar plugin("plug");
  crm::AccessGate thrower{"thrower",
                          [](const crm::Principal&, std::string_view) -> crm::GateDecision {
                            throw std::runtime_error("gate broken");
                          },
                          10};
  crm::AccessGate later{"later",
                        [](const crm::Principal&, std::string_view path) {
                          return path == "/account/b" ? crm::GateDecision::RedirectTo("/account/a")
                                                      : crm::GateDecision::Allow();
                        },
                        20};
  ASSERT_TRUE(plugin.AddAccessGate(thrower).ok());
  ASSERT_TRUE(plugin.AddAccessGate(later).ok());
  CommitOk(registry, plugin);
  crm::Principal client;
  EXPECT_TRUE(registry.RunGates(client, "/account/a").allow);  // skipped, the page goes through
  ASSERT_EQ(log.Recent().size(), 1u);
  EXPECT_EQ(LinesContaining(log, "ERROR plugin: access gate plug.thrower threw: gate broken"), 1u);
  auto d = registry.RunGates(client, "/account/b");  // the gates after it still run
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.redirect_to, "/account/a");
  EXPECT_EQ(log.Recent().size(), 2u);  // one line per call
}

TEST(HookRegistryTest, GatesFirstRefusalWins) {
  HookRegistry registry;
  StagingRegistrar host("host");
  crm::AccessGate allow{
      "allow", [](const crm::Principal&, std::string_view) { return crm::GateDecision::Allow(); },
      10};
  crm::AccessGate first{"first",
                        [](const crm::Principal&, std::string_view path) {
                          return path == "/account/documents"
                                     ? crm::GateDecision::Allow()
                                     : crm::GateDecision::RedirectTo("/account/documents");
                        },
                        50};
  crm::AccessGate second{"second",
                         [](const crm::Principal&, std::string_view) {
                           return crm::GateDecision::RedirectTo("/account/other");
                         },
                         60};
  ASSERT_TRUE(host.AddAccessGate(second).ok());
  ASSERT_TRUE(host.AddAccessGate(first).ok());
  ASSERT_TRUE(host.AddAccessGate(allow).ok());
  CommitOk(registry, host);
  crm::Principal client;
  auto d = registry.RunGates(client, "/account/profile");
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.redirect_to, "/account/documents");
  auto d2 = registry.RunGates(client, "/account/documents");
  EXPECT_FALSE(d2.allow);
  EXPECT_EQ(d2.redirect_to, "/account/other");

  HookRegistry empty;
  EXPECT_TRUE(empty.RunGates(client, "/account/x").allow);
}

TEST(HookRegistryTest, FilterPredicateAsksSourcesInOrderAndNotFoundPassesOn) {
  HookRegistry registry;
  StagingRegistrar host("host");
  crm::ListFilterSource region;
  region.id = "region";
  region.priority = 10;
  region.list = [](std::string_view) {
    return std::vector<crm::FilterDef>{{"region", "Region", {}}};
  };
  region.predicate = [](std::string_view id,
                        std::string_view value) -> crm::Result<crm::SqlPredicate> {
    if (id != "region") return crm::NotFound("not mine");
    return crm::SqlPredicate{"c.region = ?", {std::string(value)}};
  };
  crm::ListFilterSource docs;
  docs.id = "docs";
  docs.priority = 20;
  docs.list = [](std::string_view lang) {
    return std::vector<crm::FilterDef>{
        {"doc.1", lang == "fr" ? "Carte" : "Card", {{"uploaded", "Uploaded"}}}};
  };
  docs.predicate = [](std::string_view id,
                      std::string_view value) -> crm::Result<crm::SqlPredicate> {
    if (id.substr(0, 4) != "doc.") return crm::NotFound("not mine");
    if (value != "uploaded" && value != "missing") return crm::InvalidArgument("bad value");
    return crm::SqlPredicate{"EXISTS (SELECT 1)", {}};
  };
  ASSERT_TRUE(host.AddListFilterSource(docs).ok());
  ASSERT_TRUE(host.AddListFilterSource(region).ok());
  CommitOk(registry, host);

  auto r = registry.FilterPredicate("region", "Brussels");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sql, "c.region = ?");
  auto d = registry.FilterPredicate("doc.1", "uploaded");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->sql, "EXISTS (SELECT 1)");
  EXPECT_EQ(registry.FilterPredicate("doc.1", "maybe").status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.FilterPredicate("nope", "x").status().code(), crm::StatusCode::kNotFound);

  auto defs = registry.ListFilters("fr");
  ASSERT_EQ(defs.size(), 2u);
  EXPECT_EQ(defs[0].id, "region");
  EXPECT_EQ(defs[1].label, "Carte");
}

TEST(HookRegistryTest, ListFilterCountGivesTheCountingFormOfItsOwnSourceOnly) {
  auto source = [](std::string id, std::string prefix) {
    crm::ListFilterSource s;
    s.id = std::move(id);
    s.list = [](std::string_view) { return std::vector<crm::FilterDef>{}; };
    s.predicate = [prefix](std::string_view fid,
                           std::string_view) -> crm::Result<crm::SqlPredicate> {
      if (fid.substr(0, prefix.size()) != prefix) return crm::NotFound("not mine");
      return crm::SqlPredicate{"page(" + std::string(fid) + ")", {}};
    };
    return s;
  };
  // A count must name a source registered before it, once, and have a function.
  {
    StagingRegistrar r("p");
    crm::ListFilterCount c;
    c.source_id = "missing-source";
    c.count = [](std::string_view, std::string_view) -> crm::Result<crm::FilterCountPredicate> {
      return crm::NotFound("");
    };
    EXPECT_EQ(r.AddListFilterCount(c).code(), crm::StatusCode::kInvalidArgument);
    EXPECT_FALSE(r.first_error().ok());
  }
  {
    StagingRegistrar r("p");
    ASSERT_TRUE(r.AddListFilterSource(source("a", "a.")).ok());
    crm::ListFilterCount c;
    c.source_id = "a";
    EXPECT_EQ(r.AddListFilterCount(c).code(), crm::StatusCode::kInvalidArgument);  // no function
  }
  HookRegistry registry;
  StagingRegistrar p("p");
  ASSERT_TRUE(p.AddListFilterSource(source("a", "a.")).ok());
  ASSERT_TRUE(p.AddListFilterSource(source("b", "b.")).ok());
  crm::ListFilterCount c;
  c.source_id = "a";
  c.count = [](std::string_view fid,
               std::string_view value) -> crm::Result<crm::FilterCountPredicate> {
    if (value == "page") return crm::NotFound("use the page predicate");
    if (value == "bad") return crm::InvalidArgument("bad value");
    if (value == "throw") throw std::runtime_error("boom");
    return crm::FilterCountPredicate{{"set(" + std::string(fid) + ")", {int64_t{7}}}, true};
  };
  ASSERT_TRUE(p.AddListFilterCount(c).ok());
  crm::ListFilterCount again = c;
  EXPECT_EQ(p.AddListFilterCount(again).code(), crm::StatusCode::kConflict);
  // The duplicate made the registration fail as a whole; register cleanly.
  StagingRegistrar q("p");
  ASSERT_TRUE(q.AddListFilterSource(source("a", "a.")).ok());
  ASSERT_TRUE(q.AddListFilterSource(source("b", "b.")).ok());
  ASSERT_TRUE(q.AddListFilterCount(c).ok());
  CommitOk(registry, q);

  auto a = registry.ResolveFilter("a.1", "x");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->page.sql, "page(a.1)");
  EXPECT_EQ(a->count.predicate.sql, "set(a.1)");
  EXPECT_TRUE(a->count.complement);
  auto own = registry.ResolveFilter("a.1", "page");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->count.predicate.sql, "page(a.1)");
  EXPECT_FALSE(own->count.complement);
  auto b = registry.ResolveFilter("b.1", "x");  // source b has no count: its page predicate
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->count.predicate.sql, "page(b.1)");
  EXPECT_FALSE(b->count.complement);
  EXPECT_EQ(registry.ResolveFilter("a.1", "bad").status().code(),
            crm::StatusCode::kInvalidArgument);
  auto thrown = registry.ResolveFilter("a.1", "throw");
  EXPECT_EQ(thrown.status().code(), crm::StatusCode::kInternal);
  EXPECT_NE(thrown.status().message().find("boom"), std::string::npos);
  EXPECT_EQ(registry.FilterPredicate("a.1", "x")->sql, "page(a.1)");
}

// A filter source "a" ("a.<n>") and its count: "missing" a complement, "uncounted" not counted.
struct CountedSource {
  crm::ListFilterSource src;
  crm::ListFilterCount count;
};
CountedSource CountedSourceA() {
  CountedSource a;
  a.src.id = "a";
  a.src.list = [](std::string_view) { return std::vector<crm::FilterDef>{}; };
  a.src.predicate = [](std::string_view fid, std::string_view) -> crm::Result<crm::SqlPredicate> {
    if (fid.substr(0, 2) != "a.") return crm::NotFound("not mine");
    return crm::SqlPredicate{"page", {}};
  };
  a.count.source_id = "a";
  a.count.count = [](std::string_view,
                     std::string_view value) -> crm::Result<crm::FilterCountPredicate> {
    if (value == "uncounted") return crm::NotFound("page predicate");
    return crm::FilterCountPredicate{{"set", {}}, value == "missing"};
  };
  return a;
}

// What an optional hook of a counted source (its size, its sets) answers: nothing for "unknown"
// (kNotFound), not even asked for "uncounted" (the count declined), kInternal when it throws.
// `answered` reads the hook's answer from a resolution; `calls` counts the hook's calls.
void ExpectAnswersPerValue(const HookRegistry& registry, const std::string& filter, int& calls,
                           const std::function<bool(const ResolvedFilter&)>& answered) {
  auto unknown = registry.ResolveFilter(filter, "unknown");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(answered(*unknown));
  calls = 0;
  auto uncounted = registry.ResolveFilter(filter, "uncounted");
  ASSERT_TRUE(uncounted.ok());
  EXPECT_FALSE(answered(*uncounted));
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(registry.ResolveFilter(filter, "throw").status().code(), crm::StatusCode::kInternal);
}

// Host API 1.4: a source's exact sizes, asked only once its count accepted the value.
TEST(HookRegistryTest, ListFilterSizeGivesTheSizeOfACountedFilter) {
  auto [src, count] = CountedSourceA();
  crm::ListFilterSize size;
  size.source_id = "a";
  int calls = 0;
  size.size = [&calls](std::string_view, std::string_view value) -> crm::Result<crm::SqlPredicate> {
    ++calls;
    if (value == "unknown") return crm::NotFound("no counter");
    if (value == "throw") throw std::runtime_error("boom");
    return crm::SqlPredicate{"(SELECT n FROM counters WHERE k = ?)", {std::string(value)}};
  };
  {
    StagingRegistrar r("p");
    ASSERT_TRUE(r.AddListFilterSource(src).ok());
    EXPECT_EQ(r.AddListFilterSize(size).code(), crm::StatusCode::kInvalidArgument);  // no count
  }
  {
    StagingRegistrar r("p");
    ASSERT_TRUE(r.AddListFilterSource(src).ok());
    ASSERT_TRUE(r.AddListFilterCount(count).ok());
    crm::ListFilterSize empty;
    empty.source_id = "a";
    EXPECT_EQ(r.AddListFilterSize(empty).code(), crm::StatusCode::kInvalidArgument);
  }
  HookRegistry registry;
  StagingRegistrar p("p");
  ASSERT_TRUE(p.AddListFilterSource(src).ok());
  ASSERT_TRUE(p.AddListFilterCount(count).ok());
  ASSERT_TRUE(p.AddListFilterSize(size).ok());
  CommitOk(registry, p);
  auto missing = registry.ResolveFilter("a.1", "missing");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  ASSERT_TRUE(missing->size.has_value());
  EXPECT_EQ(missing->size->sql, "(SELECT n FROM counters WHERE k = ?)");
  EXPECT_TRUE(missing->count.complement);
  ExpectAnswersPerValue(registry, "a.1", calls,
                        [](const ResolvedFilter& f) { return f.size.has_value(); });
}

// Host API 1.6: a source's client sets come with its count, and only for the values it has them.
TEST(HookRegistryTest, ListFilterSetsNeedACountAndAnswerPerValue) {
  auto [src, count] = CountedSourceA();
  crm::ListFilterSets sets;
  sets.source_id = "a";
  int calls = 0;
  sets.sets = [&calls](std::string_view fid,
                       std::string_view value) -> crm::Result<crm::ClientSetFormula> {
    ++calls;
    if (value == "unknown") return crm::NotFound("not now");
    if (value == "throw") throw std::runtime_error("boom");
    std::string key = "p." + std::string(fid.substr(2));
    if (value == "missing") return crm::ClientSetFormula{{}, {key}};
    return crm::ClientSetFormula{{key}, {}};
  };
  {
    StagingRegistrar r("p");
    ASSERT_TRUE(r.AddListFilterSource(src).ok());
    EXPECT_EQ(r.AddListFilterSets(sets).code(), crm::StatusCode::kInvalidArgument);  // no count
    ASSERT_TRUE(r.AddListFilterCount(count).ok());
    crm::ListFilterSets empty;
    empty.source_id = "a";
    EXPECT_EQ(r.AddListFilterSets(empty).code(), crm::StatusCode::kInvalidArgument);
    ASSERT_TRUE(r.AddListFilterSets(sets).ok());
    EXPECT_EQ(r.AddListFilterSets(sets).code(), crm::StatusCode::kConflict);
  }
  HookRegistry registry;
  StagingRegistrar p("p");
  ASSERT_TRUE(p.AddListFilterSource(src).ok());
  ASSERT_TRUE(p.AddListFilterCount(count).ok());
  ASSERT_TRUE(p.AddListFilterSets(sets).ok());
  CommitOk(registry, p);
  auto missing = registry.ResolveFilter("a.7", "missing");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  ASSERT_TRUE(missing->sets.has_value());
  EXPECT_TRUE(missing->sets->all.empty());
  EXPECT_EQ(missing->sets->none, std::vector<std::string>{"p.7"});
  EXPECT_FALSE(missing->size.has_value());  // no ListFilterSize: sets alone
  ExpectAnswersPerValue(registry, "a.7", calls,
                        [](const ResolvedFilter& f) { return f.sets.has_value(); });
}

TEST(HookRegistryTest, TranslationsFallBackAndReportMissingKeys) {
  HookRegistry registry;
  StagingRegistrar host("host");
  ASSERT_TRUE(host.AddTranslations("en", {{"a", "A"}, {"b", "B"}}).ok());
  ASSERT_TRUE(host.AddTranslations("fr", {{"a", "A-fr"}}).ok());
  ASSERT_TRUE(host.AddTranslations("nl", {{"a", "A-nl"}, {"c", "C-nl"}}).ok());
  CommitOk(registry, host);
  EXPECT_EQ(registry.Translate("fr", "a"), "A-fr");
  EXPECT_EQ(registry.Translate("fr", "b"), "B");      // English fallback
  EXPECT_EQ(registry.Translate("fr", "zzz"), "zzz");  // the key itself
  EXPECT_EQ(registry.Translate("xx", "a"), "A");
  auto missing = registry.MissingTranslations();
  EXPECT_EQ(missing, (std::vector<std::string>{"en: c", "fr: b", "fr: c", "nl: b"}));

  // A plugin may not overwrite a host text.
  StagingRegistrar plugin("plug");
  ASSERT_TRUE(plugin.AddTranslations("en", {{"a", "hijacked"}}).ok());
  EXPECT_EQ(registry.Commit(plugin.Take()).code(), crm::StatusCode::kConflict);
  EXPECT_EQ(registry.Translate("en", "a"), "A");
}

TEST(HookRegistryTest, KeepAliveIsAttachedToEveryHook) {
  HookRegistry registry;
  auto token = std::make_shared<int>(7);
  StagingRegistrar plugin("plug");
  ASSERT_TRUE(plugin.AddListColumn(Column("c")).ok());
  ASSERT_TRUE(plugin.AddRoute(MakeRoute("GET", "/account/plug")).ok());
  StagedRegistrations staged = plugin.Take();
  staged.keep_alive = token;
  ASSERT_TRUE(registry.Commit(std::move(staged)).ok());
  EXPECT_EQ(registry.columns()[0].keep_alive, token);
  EXPECT_EQ(registry.routes()[0].keep_alive, token);
  EXPECT_EQ(token.use_count(), 3);
}

}  // namespace
}  // namespace host
