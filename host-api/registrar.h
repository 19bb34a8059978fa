// host-api/registrar.h — the context a plugin's entry registers everything with.
// Registrations are staged; the host commits them only if the entry and the migrations succeed (all
// or nothing).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hooks.h"
#include "status.h"

namespace crm {

// ---- Added in host API 1.4 (here rather than in hooks.h, which every file includes) ------

// What reading a list column or the filters of a filter source needs. A viewer without it
// does not see the column (pages, API, CSV) nor the filters, and a request that uses such a
// filter is refused (403 `permission_denied`, nothing listed).
enum class ListHookKind { kColumn, kFilterSource };
struct ListAccess {
  ListHookKind kind = ListHookKind::kColumn;
  std::string id;          // a column or filter source the same plugin registered before
  std::string permission;  // an admin, and a token's owner, must hold it
  std::string scope;       // a token must hold it too (empty: the permission alone)
};

// What a maintenance command found: a JSON object for the operator (printed as it is, one
// line), and whether it found something that needs a person (the host then exits non-zero).
struct CommandReport {
  std::string json;
  bool problems = false;
};

// A command an operator runs from the host's command line, once, outside any request
// (sample-host: `sample-host <id> --data DIR`, after every plugin has loaded and its
// migrations ran), e.g. "scrub". The host calls `run` on its main thread.
struct MaintenanceCommand {
  std::string id;
  std::function<Result<CommandReport>()> run;
};

// ---- Added in host API 1.5 --------------------------------------------------------------

// A section of the client's reserved-area home page (/account), below the welcome line and
// above the menu cards, e.g. "still missing: ID card, proof of address". The host calls every
// section in priority order for the logged-in client and shows what they return, one after the
// other; an empty string shows nothing. A section that fails (an error or an exception) is
// logged and left out: the home page is still served.
struct AccountHomeSection {
  std::string id;  // unique per plugin
  // An HTML fragment (escaped by the plugin) in `language`, the page's language.
  std::function<Result<std::string>(const Principal& client, std::string_view language)> render;
  int priority = kDefaultPriority;
};

// Valid only during the entry call. Each Add* checks its argument at once and
// returns an error for a duplicate id, an empty callable or a route outside the
// plugin's namespaces; any such error fails the whole registration, even if the
// entry ignores it.
class Registrar {
 public:
  virtual ~Registrar() = default;

  virtual Status AddListColumn(ListColumn column) = 0;
  virtual Status AddListFilterSource(ListFilterSource source) = 0;
  virtual Status AddSummaryBox(SummaryBox box) = 0;
  virtual Status AddProfileTab(ProfileTab tab) = 0;
  virtual Status AddClientDeletionHook(ClientDeletionHook hook) = 0;
  virtual Status AddMenuFilter(MenuFilter filter) = 0;
  virtual Status AddRoute(Route route) = 0;
  virtual Status AddAccessGate(AccessGate gate) = 0;
  virtual Status AddScheduledJob(ScheduledJob job) = 0;
  virtual Status SetSettingsPage(SettingsPage page) = 0;
  virtual Status DeclarePermission(PermissionDecl permission) = 0;
  virtual Status DeclareScope(ScopeDecl scope) = 0;
  virtual Status AddMigration(Migration migration) = 0;
  // Texts for one language ("en", "fr", "nl"). Every key should exist in all three: the
  // host logs the gaps at load and falls back to English, then to the key itself.
  virtual Status AddTranslations(std::string_view language,
                                 std::vector<std::pair<std::string, std::string>> entries) = 0;

  // Added in host API 1.1 (a plugin built with these headers declares their minor, so
  // an older host refuses it before loading). New methods are only ever appended here.
  virtual Status AddDemoSeeder(DemoSeeder seeder) = 0;
  // Added in host API 1.2.
  virtual Status AddListFilterCount(ListFilterCount count) = 0;
  // Added in host API 1.3: a ScheduledJob whose first run comes at start-up, once every
  // plugin has loaded and its migrations ran, instead of one period after (for clean-up
  // that a crash may have left: temp files, orphans). Same checks as AddScheduledJob.
  virtual Status AddScheduledJobRunAtStart(ScheduledJob job) = 0;
  // Added in host API 1.4: the exact size of a filter source's filters, from counters
  // (hooks.h ListFilterSize). The source must have a ListFilterCount registered before.
  virtual Status AddListFilterSize(ListFilterSize size) = 0;
  // Added in host API 1.4: a maintenance command (a CLI run of a plugin's function with a
  // JSON report, e.g. `sample-host scrub`); ids are unique per plugin.
  virtual Status AddMaintenanceCommand(MaintenanceCommand command) = 0;
  // Added in host API 1.4: the permission (and token scope) a list column or a filter
  // source needs; names one the plugin registered before, once each.
  virtual Status RequireListAccess(ListAccess access) = 0;
  // Added in host API 1.5: a section of the client's reserved-area home (ids unique per
  // plugin; a renderer is required).
  virtual Status AddAccountHomeSection(AccountHomeSection section) = 0;
  // Added in host API 1.6: the client sets of a filter source's filters (hooks.h ListFilterSets).
  // The source must have a ListFilterCount registered before.
  virtual Status AddListFilterSets(ListFilterSets sets) = 0;
};

}  // namespace crm
