// sample-host/core/hook_registry.h — the typed registries of every hook kind, filled by the
// host's own registrations (owner "host") and by each plugin's, through one StagingRegistrar.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/registrar.h"
#include "host-api/status.h"

namespace host {

class Logger;

// A hook with who registered it. `keep_alive` holds the plugin's library (nullptr for
// the host), so every callable the host keeps keeps its code loaded.
template <typename T>
struct Registered {
  T hook;
  std::string owner;  // "host" or the plugin id
  std::shared_ptr<void> keep_alive;
  int64_t sequence = 0;  // registration order, for ties of priority
};

// Everything one owner registered, not yet visible. Built by StagingRegistrar.
struct StagedRegistrations {
  std::string owner;
  std::shared_ptr<void> keep_alive;
  std::vector<crm::ListColumn> columns;
  std::vector<crm::ListFilterSource> filter_sources;
  std::vector<crm::SummaryBox> summary_boxes;
  std::vector<crm::ProfileTab> profile_tabs;
  std::vector<crm::ClientDeletionHook> deletion_hooks;
  std::vector<crm::MenuFilter> menu_filters;
  std::vector<crm::Route> routes;
  std::vector<crm::AccessGate> gates;
  std::vector<crm::ScheduledJob> jobs;
  std::set<std::string> jobs_run_at_start;  // ids among `jobs`
  std::optional<crm::SettingsPage> settings_page;
  std::vector<crm::PermissionDecl> permissions;
  std::vector<crm::ScopeDecl> scopes;
  std::vector<crm::Migration> migrations;
  std::vector<crm::DemoSeeder> demo_seeders;
  std::vector<crm::ListFilterCount> filter_counts;
  std::vector<crm::ListFilterSize> filter_sizes;
  std::vector<crm::ListFilterSets> filter_sets;
  std::vector<crm::MaintenanceCommand> commands;               // host API 1.4
  std::vector<crm::ListAccess> list_access;                    // host API 1.4
  std::vector<crm::AccountHomeSection> account_home_sections;  // host API 1.5
  // language -> key -> text
  std::map<std::string, std::map<std::string, std::string>> translations;
};

// The Registrar a plugin's entry (or the host's own setup) registers with. Checks each
// call at once (empty id or callable, duplicate id within the owner, route outside the
// owner's namespaces, bad pattern, unknown language); the first error is kept and
// makes the whole registration fail, even if the caller ignored it.
class StagingRegistrar final : public crm::Registrar {
 public:
  // `owner` "host" may register routes anywhere; a plugin only under
  // /api/v1/plugins/<id>/, /admin/plugins/<id>/, /account/ and /assets/plugins/<id>/.
  explicit StagingRegistrar(std::string owner);

  crm::Status AddListColumn(crm::ListColumn column) override;
  crm::Status AddListFilterSource(crm::ListFilterSource source) override;
  crm::Status AddSummaryBox(crm::SummaryBox box) override;
  crm::Status AddProfileTab(crm::ProfileTab tab) override;
  crm::Status AddClientDeletionHook(crm::ClientDeletionHook hook) override;
  crm::Status AddMenuFilter(crm::MenuFilter filter) override;
  crm::Status AddRoute(crm::Route route) override;
  crm::Status AddAccessGate(crm::AccessGate gate) override;
  crm::Status AddScheduledJob(crm::ScheduledJob job) override;
  crm::Status AddScheduledJobRunAtStart(crm::ScheduledJob job) override;
  crm::Status SetSettingsPage(crm::SettingsPage page) override;
  crm::Status DeclarePermission(crm::PermissionDecl permission) override;
  crm::Status DeclareScope(crm::ScopeDecl scope) override;
  crm::Status AddMigration(crm::Migration migration) override;
  crm::Status AddTranslations(std::string_view language,
                              std::vector<std::pair<std::string, std::string>> entries) override;
  crm::Status AddDemoSeeder(crm::DemoSeeder seeder) override;
  crm::Status AddListFilterCount(crm::ListFilterCount count) override;
  crm::Status AddListFilterSize(crm::ListFilterSize size) override;
  crm::Status AddListFilterSets(crm::ListFilterSets sets) override;
  crm::Status AddMaintenanceCommand(crm::MaintenanceCommand command) override;
  crm::Status RequireListAccess(crm::ListAccess access) override;
  crm::Status AddAccountHomeSection(crm::AccountHomeSection section) override;

  // The first error of any call, or OK.
  const crm::Status& first_error() const { return first_error_; }
  // Moves the staged registrations out. Precondition: first_error().ok().
  StagedRegistrations Take();

 private:
  crm::Status Fail(crm::Status s);
  StagedRegistrations staged_;
  crm::Status first_error_;
};

// A matched route and the values its pattern bound.
struct RouteMatch {
  const Registered<crm::Route>* route = nullptr;
  std::map<std::string, std::string, std::less<>> params;
};

// A list filter as the client list uses it: the predicate of the page and the form
// that counts its matches (the source's ListFilterCount, or the page predicate).
struct ResolvedFilter {
  crm::SqlPredicate page;
  crm::FilterCountPredicate count;
  bool counted = false;  // `count` came from the source's ListFilterCount
  // The exact size of `count`'s set, as a scalar SQL expression (the source's
  // ListFilterSize); nullopt when the source has none for this value.
  std::optional<crm::SqlPredicate> size;
  // The client sets that keep exactly `count`'s clients (after its complement): the source's
  // ListFilterSets (host API 1.6); nullopt when it has none for this value now.
  std::optional<crm::ClientSetFormula> sets;
};

// All committed hooks. Filled at start-up (Commit), then read concurrently by request
// threads without locks: Commit must not be called once the server serves.
class HookRegistry {
 public:
  // Makes `staged` visible, all or nothing: refuses with kConflict (changing nothing)
  // when it clashes with what is committed. Columns, filter sources, summary boxes,
  // deletion hooks, menu filters, gates, jobs and demo seeders clash on "<owner>.<id>";
  // profile tabs, permissions and scopes on the id alone (they appear in URLs and
  // grants); routes on method + pattern (parameter names aside); a settings page per
  // owner; a translation key with another owner's.
  crm::Status Commit(StagedRegistrations staged);

  // Where the registry logs a plugin callback that threw (one ERROR line each, component
  // "plugin"). Null, the default: a Logger of its own that writes to stderr. Not owned;
  // set at start-up, before any hook runs.
  void SetLogger(Logger* log) { log_ = log; }

  // Hooks with a priority sorted by (priority, sequence); routes, jobs, permissions,
  // scopes and demo seeders in registration order.
  const std::vector<Registered<crm::ListColumn>>& columns() const { return columns_; }
  const std::vector<Registered<crm::ListFilterSource>>& filter_sources() const {
    return filter_sources_;
  }
  const std::vector<Registered<crm::SummaryBox>>& summary_boxes() const { return summary_boxes_; }
  const std::vector<Registered<crm::ProfileTab>>& profile_tabs() const { return profile_tabs_; }
  const std::vector<Registered<crm::ClientDeletionHook>>& deletion_hooks() const {
    return deletion_hooks_;
  }
  const std::vector<Registered<crm::MenuFilter>>& menu_filters() const { return menu_filters_; }
  const std::vector<Registered<crm::Route>>& routes() const { return routes_; }
  const std::vector<Registered<crm::AccessGate>>& gates() const { return gates_; }
  const std::vector<Registered<crm::ScheduledJob>>& jobs() const { return jobs_; }
  // Whether the job was registered with AddScheduledJobRunAtStart.
  bool RunsAtStart(const Registered<crm::ScheduledJob>& job) const {
    return jobs_run_at_start_.count(job.owner + "." + job.hook.id) > 0;
  }
  const std::map<std::string, crm::SettingsPage>& settings_pages() const {
    return settings_pages_;
  }  // by owner
  const std::vector<Registered<crm::PermissionDecl>>& permissions() const { return permissions_; }
  const std::vector<Registered<crm::ScopeDecl>>& scopes() const { return scopes_; }
  const std::vector<Registered<crm::DemoSeeder>>& demo_seeders() const { return demo_seeders_; }
  // Maintenance commands (host API 1.4), in registration order.
  const std::vector<Registered<crm::MaintenanceCommand>>& commands() const { return commands_; }
  // Sections of the client's reserved-area home (host API 1.5), by (priority, sequence).
  const std::vector<Registered<crm::AccountHomeSection>>& account_home_sections() const {
    return account_home_sections_;
  }

  // Whether `viewer` may read a column or the filters of a source (RequireListAccess, host
  // API 1.4): an admin holding the permission, a token whose owner holds it and which holds
  // the scope, nobody else. A hook without a requirement, or a null viewer (the host's own
  // work: seeding, imports), may always.
  bool CanRead(const Registered<crm::ListColumn>& column, const crm::Principal* viewer) const;
  bool CanRead(const Registered<crm::ListFilterSource>& source, const crm::Principal* viewer) const;

  // The menu of `area`: `base` passed through every menu filter of that area in order
  // (each receives the previous one's result). A filter that throws is skipped and logged.
  std::vector<crm::MenuItem> BuildMenu(crm::MenuArea area, std::vector<crm::MenuItem> base,
                                       const crm::Principal& viewer) const;

  // The gates in order; the first refusal wins. A gate that throws is skipped (fail open:
  // gates steer, the route's Audience authorises) and logged.
  crm::GateDecision RunGates(const crm::Principal& client, std::string_view path) const;

  // Asks each filter source in order; the first answer other than kNotFound wins,
  // then that source's ListFilterCount (if any) for the counting form.
  // kNotFound when no source knows filter_id; kInternal (logged) when a source throws;
  // kPermissionDenied when the source that knows it is one `viewer` may not read (CanRead).
  crm::Result<ResolvedFilter> ResolveFilter(std::string_view filter_id, std::string_view value,
                                            const crm::Principal* viewer = nullptr) const;
  // ResolveFilter's page predicate.
  crm::Result<crm::SqlPredicate> FilterPredicate(std::string_view filter_id,
                                                 std::string_view value) const;
  // Every source's filters, in order; a source that throws is skipped and logged, one that
  // `viewer` may not read (CanRead) too.
  std::vector<crm::FilterDef> ListFilters(std::string_view language,
                                          const crm::Principal* viewer = nullptr) const;

  // Route lookup: exact segments beat {params}; nullopt when nothing matches. When
  // nothing matches, `*path_matched_other_method` (if given) tells whether a route of
  // another method has that path (405 rather than 404).
  std::optional<RouteMatch> MatchRoute(std::string_view method, std::string_view path,
                                       bool* path_matched_other_method = nullptr) const;

  // Translation lookup: language, then "en", then the key itself.
  std::string Translate(std::string_view language, std::string_view key) const;
  // Keys present in one language but missing in another: "fr: documents.title" lines.
  std::vector<std::string> MissingTranslations() const;

 private:
  // Commit's steps: the three checks change nothing; Insert cannot fail.
  crm::Status CheckOwnedIds(const StagedRegistrations& staged) const;
  crm::Status CheckGlobalIds(const StagedRegistrations& staged) const;
  crm::Status CheckTranslations(const StagedRegistrations& staged) const;
  void Insert(StagedRegistrations staged);
  Logger& log() const;

  Logger* log_ = nullptr;
  int64_t next_sequence_ = 0;
  std::vector<Registered<crm::ListColumn>> columns_;
  std::vector<Registered<crm::ListFilterSource>> filter_sources_;
  std::vector<Registered<crm::SummaryBox>> summary_boxes_;
  std::vector<Registered<crm::ProfileTab>> profile_tabs_;
  std::vector<Registered<crm::ClientDeletionHook>> deletion_hooks_;
  std::vector<Registered<crm::MenuFilter>> menu_filters_;
  std::vector<Registered<crm::Route>> routes_;
  std::vector<Registered<crm::AccessGate>> gates_;
  std::vector<Registered<crm::ScheduledJob>> jobs_;
  std::set<std::string> jobs_run_at_start_;  // "<owner>.<id>"
  std::map<std::string, crm::SettingsPage> settings_pages_;
  std::vector<Registered<crm::PermissionDecl>> permissions_;
  std::vector<Registered<crm::ScopeDecl>> scopes_;
  std::vector<Registered<crm::DemoSeeder>> demo_seeders_;
  std::vector<Registered<crm::MaintenanceCommand>> commands_;
  std::vector<Registered<crm::AccountHomeSection>> account_home_sections_;
  // "column:<owner>.<id>" / "filters:<owner>.<id>" -> what reading it needs.
  std::map<std::string, crm::ListAccess, std::less<>> list_access_;
  // "<owner>/<source id>" -> that source's counting form.
  std::map<std::string, Registered<crm::ListFilterCount>, std::less<>> filter_counts_;
  // "<owner>/<source id>" -> that source's sizes (host API 1.4).
  std::map<std::string, Registered<crm::ListFilterSize>, std::less<>> filter_sizes_;
  std::map<std::string, Registered<crm::ListFilterSets>, std::less<>> filter_sets_;
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> translations_;
  // key -> owner that registered it, so a plugin cannot overwrite another owner's text.
  std::map<std::string, std::string, std::less<>> translation_owner_;
};

}  // namespace host
