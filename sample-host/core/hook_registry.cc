// sample-host/core/hook_registry.cc — staging of one owner's registrations and the committed,
// sorted hook lists the host reads while serving (route matching, menus, gates, filters,
// translations).
#include "sample-host/core/hook_registry.h"

#include <algorithm>
#include <set>
#include <utility>

#include "sample-host/core/logger.h"
#include "sample-host/core/plugin_call.h"

namespace host {
namespace {

constexpr std::string_view kHostOwner = "host";

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':';
}

// Ids end up in URLs, API keys and log lines: keep them to a safe alphabet.
crm::Status CheckId(std::string_view kind, std::string_view id) {
  if (id.empty()) return crm::InvalidArgument(std::string(kind) + " with an empty id");
  if (id.size() > 100)
    return crm::InvalidArgument(std::string(kind) +
                                " id too long: " + std::string(id.substr(0, 100)));
  for (char c : id) {
    if (!IsIdChar(c))
      return crm::InvalidArgument(std::string(kind) + " id \"" + std::string(id) +
                                  "\" has a character outside [A-Za-z0-9_.:-]");
  }
  return crm::Status::Ok();
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  if (path.empty()) return out;  // "/" has no segments
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      break;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool IsParamSegment(std::string_view segment) {
  return segment.size() >= 3 && segment.front() == '{' && segment.back() == '}';
}

// Checks a route pattern's shape: absolute, no empty segments (except "/" itself), braces
// only as whole "{name}" segments with distinct names.
crm::Status CheckPattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/')
    return crm::InvalidArgument("route pattern \"" + std::string(pattern) + "\" must start with /");
  if (pattern == "/") return crm::Status::Ok();
  std::set<std::string_view> names;
  for (std::string_view segment : SplitPath(pattern)) {
    if (segment.empty())
      return crm::InvalidArgument("route pattern \"" + std::string(pattern) +
                                  "\" has an empty segment");
    if (segment == "." || segment == "..")
      return crm::InvalidArgument("route pattern \"" + std::string(pattern) +
                                  "\" has a dot segment");
    if (IsParamSegment(segment)) {
      std::string_view name = segment.substr(1, segment.size() - 2);
      for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_')) {
          return crm::InvalidArgument("route pattern \"" + std::string(pattern) +
                                      "\": bad parameter name");
        }
      }
      if (!names.insert(name).second)
        return crm::InvalidArgument("route pattern \"" + std::string(pattern) +
                                    "\" binds a parameter twice");
    } else if (segment.find_first_of("{}?#") != std::string_view::npos) {
      return crm::InvalidArgument("route pattern \"" + std::string(pattern) +
                                  "\": braces only around a whole segment");
    }
  }
  return crm::Status::Ok();
}

// "GET /a/{}/b": two patterns that differ only in parameter names clash.
std::string RouteKey(std::string_view method, std::string_view pattern) {
  std::string key(method);
  key += ' ';
  if (pattern == "/") return key + "/";
  for (std::string_view segment : SplitPath(pattern)) {
    key += '/';
    key += IsParamSegment(segment) ? std::string_view("{}") : segment;
  }
  return key;
}

bool IsKnownLanguage(std::string_view language) {
  for (std::string_view l : crm::kLanguages) {
    if (l == language) return true;
  }
  return false;
}

template <typename T>
void SortByPriority(std::vector<Registered<T>>& list) {
  std::stable_sort(list.begin(), list.end(), [](const Registered<T>& a, const Registered<T>& b) {
    if (a.hook.priority != b.hook.priority) return a.hook.priority < b.hook.priority;
    return a.sequence < b.sequence;
  });
}

template <typename T>
bool HasOwnerId(const std::vector<Registered<T>>& list, std::string_view owner,
                std::string_view id) {
  for (const auto& r : list) {
    if (r.owner == owner && r.hook.id == id) return true;
  }
  return false;
}

}  // namespace

namespace {

// The key of list_access_ for a column or a filter source of `owner`.
std::string ListAccessKey(crm::ListHookKind kind, std::string_view owner, std::string_view id) {
  return std::string(kind == crm::ListHookKind::kColumn ? "column:" : "filters:") +
         std::string(owner) + "." + std::string(id);
}

// Whether `viewer` meets `access` (see HookRegistry::CanRead).
bool Meets(const crm::ListAccess& access, const crm::Principal& viewer) {
  if (viewer.IsAdmin()) return viewer.HasPermission(access.permission);
  if (viewer.IsToken())
    return viewer.HasPermission(access.permission) &&
           (access.scope.empty() || viewer.HasScope(access.scope));
  return false;
}

}  // namespace

// ---- StagingRegistrar ---------------------------------------------------------------

StagingRegistrar::StagingRegistrar(std::string owner) { staged_.owner = std::move(owner); }

crm::Status StagingRegistrar::Fail(crm::Status s) {
  if (first_error_.ok()) first_error_ = s;
  return s;
}

namespace {
template <typename T>
bool HasId(const std::vector<T>& list, std::string_view id) {
  for (const auto& x : list) {
    if (x.id == id) return true;
  }
  return false;
}
}  // namespace

#define CRM_STAGE_CHECK(expr)                            \
  do {                                                   \
    ::crm::Status stage_status_ = (expr);                \
    if (!stage_status_.ok()) return Fail(stage_status_); \
  } while (0)

crm::Status StagingRegistrar::AddListColumn(crm::ListColumn column) {
  CRM_STAGE_CHECK(CheckId("list column", column.id));
  if (column.sql.empty())
    return Fail(crm::InvalidArgument("list column " + column.id + " has no SQL"));
  if (!column.render_html)
    return Fail(crm::InvalidArgument("list column " + column.id + " has no renderer"));
  if (HasId(staged_.columns, column.id))
    return Fail(crm::Conflict("duplicate list column id " + column.id));
  staged_.columns.push_back(std::move(column));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddListFilterSource(crm::ListFilterSource source) {
  CRM_STAGE_CHECK(CheckId("list filter source", source.id));
  if (!source.list || !source.predicate)
    return Fail(
        crm::InvalidArgument("list filter source " + source.id + " lacks list or predicate"));
  if (HasId(staged_.filter_sources, source.id))
    return Fail(crm::Conflict("duplicate list filter source id " + source.id));
  staged_.filter_sources.push_back(std::move(source));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddSummaryBox(crm::SummaryBox box) {
  CRM_STAGE_CHECK(CheckId("summary box", box.id));
  if (!box.render) return Fail(crm::InvalidArgument("summary box " + box.id + " has no renderer"));
  if (HasId(staged_.summary_boxes, box.id))
    return Fail(crm::Conflict("duplicate summary box id " + box.id));
  staged_.summary_boxes.push_back(std::move(box));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddProfileTab(crm::ProfileTab tab) {
  CRM_STAGE_CHECK(CheckId("profile tab", tab.id));
  if (!tab.render) return Fail(crm::InvalidArgument("profile tab " + tab.id + " has no renderer"));
  if (HasId(staged_.profile_tabs, tab.id))
    return Fail(crm::Conflict("duplicate profile tab id " + tab.id));
  staged_.profile_tabs.push_back(std::move(tab));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddClientDeletionHook(crm::ClientDeletionHook hook) {
  CRM_STAGE_CHECK(CheckId("client deletion hook", hook.id));
  if (!hook.delete_rows)
    return Fail(crm::InvalidArgument("client deletion hook " + hook.id + " has no delete_rows"));
  if (HasId(staged_.deletion_hooks, hook.id))
    return Fail(crm::Conflict("duplicate client deletion hook id " + hook.id));
  staged_.deletion_hooks.push_back(std::move(hook));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddMenuFilter(crm::MenuFilter filter) {
  CRM_STAGE_CHECK(CheckId("menu filter", filter.id));
  if (!filter.filter)
    return Fail(crm::InvalidArgument("menu filter " + filter.id + " has no function"));
  if (HasId(staged_.menu_filters, filter.id))
    return Fail(crm::Conflict("duplicate menu filter id " + filter.id));
  staged_.menu_filters.push_back(std::move(filter));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddRoute(crm::Route route) {
  static const std::set<std::string, std::less<>> kMethods = {"GET", "POST", "PUT", "PATCH",
                                                              "DELETE"};
  if (!kMethods.count(route.method))
    return Fail(crm::InvalidArgument("route " + route.pattern + ": unsupported method \"" +
                                     route.method + "\""));
  CRM_STAGE_CHECK(CheckPattern(route.pattern));
  if (!route.handler)
    return Fail(
        crm::InvalidArgument("route " + route.method + " " + route.pattern + " has no handler"));
  const std::string& owner = staged_.owner;
  if (owner != kHostOwner) {
    // /p/<id>/: the plugin's public pages (signed links), which check their own visitors.
    const std::string prefixes[] = {"/api/v1/plugins/" + owner + "/",
                                    "/admin/plugins/" + owner + "/", "/account/",
                                    "/assets/plugins/" + owner + "/", "/p/" + owner + "/"};
    bool inside = false;
    for (const auto& p : prefixes) {
      if (route.pattern.size() > p.size() && route.pattern.compare(0, p.size(), p) == 0)
        inside = true;
    }
    if (!inside) {
      return Fail(crm::PermissionDenied(
          "route " + route.method + " " + route.pattern + " of plugin " + owner +
          " is outside its namespaces (/api/v1/plugins/" + owner + "/, /admin/plugins/" + owner +
          "/, /account/, /assets/plugins/" + owner + "/, /p/" + owner + "/)"));
    }
  }
  std::string key = RouteKey(route.method, route.pattern);
  for (const auto& r : staged_.routes) {
    if (RouteKey(r.method, r.pattern) == key)
      return Fail(crm::Conflict("duplicate route " + route.method + " " + route.pattern));
  }
  staged_.routes.push_back(std::move(route));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddAccessGate(crm::AccessGate gate) {
  CRM_STAGE_CHECK(CheckId("access gate", gate.id));
  if (!gate.check) return Fail(crm::InvalidArgument("access gate " + gate.id + " has no check"));
  if (HasId(staged_.gates, gate.id))
    return Fail(crm::Conflict("duplicate access gate id " + gate.id));
  staged_.gates.push_back(std::move(gate));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddScheduledJob(crm::ScheduledJob job) {
  CRM_STAGE_CHECK(CheckId("scheduled job", job.id));
  if (!job.run)
    return Fail(crm::InvalidArgument("scheduled job " + job.id + " has no run function"));
  if (job.period_seconds <= 0)
    return Fail(crm::InvalidArgument("scheduled job " + job.id + " needs a positive period"));
  if (HasId(staged_.jobs, job.id))
    return Fail(crm::Conflict("duplicate scheduled job id " + job.id));
  staged_.jobs.push_back(std::move(job));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddScheduledJobRunAtStart(crm::ScheduledJob job) {
  std::string id = job.id;
  CRM_RETURN_IF_ERROR(AddScheduledJob(std::move(job)));
  staged_.jobs_run_at_start.insert(std::move(id));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddDemoSeeder(crm::DemoSeeder seeder) {
  CRM_STAGE_CHECK(CheckId("demo seeder", seeder.id));
  if (!seeder.seed)
    return Fail(crm::InvalidArgument("demo seeder " + seeder.id + " has no seed function"));
  if (HasId(staged_.demo_seeders, seeder.id))
    return Fail(crm::Conflict("duplicate demo seeder id " + seeder.id));
  staged_.demo_seeders.push_back(std::move(seeder));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddListFilterCount(crm::ListFilterCount count) {
  if (!count.count)
    return Fail(
        crm::InvalidArgument("list filter count " + count.source_id + " has no count function"));
  if (!HasId(staged_.filter_sources, count.source_id)) {
    return Fail(crm::InvalidArgument("list filter count names " + count.source_id +
                                     ", not a list filter source registered before it"));
  }
  for (const auto& c : staged_.filter_counts) {
    if (c.source_id == count.source_id)
      return Fail(crm::Conflict("duplicate list filter count for " + count.source_id));
  }
  staged_.filter_counts.push_back(std::move(count));
  return crm::Status::Ok();
}

namespace {
// A hook that completes a counted filter source (its size, its sets): it has its function, names
// a source whose ListFilterCount was registered before, and comes once per source. `what` is its
// kind in the messages ("list filter size").
template <typename T>
crm::Status CheckCountedSourceHook(const T& hook, bool has_function,
                                   const std::vector<crm::ListFilterCount>& counts,
                                   const std::vector<T>& staged, const std::string& what) {
  if (!has_function) return crm::InvalidArgument(what + " " + hook.source_id + " has no function");
  bool counted = false;
  for (const auto& c : counts) counted = counted || c.source_id == hook.source_id;
  if (!counted) {
    return crm::InvalidArgument(what + " names " + hook.source_id +
                                ", not a source with a list filter count registered before");
  }
  for (const auto& z : staged) {
    if (z.source_id == hook.source_id)
      return crm::Conflict("duplicate " + what + " for " + hook.source_id);
  }
  return crm::Status::Ok();
}
}  // namespace

crm::Status StagingRegistrar::AddListFilterSize(crm::ListFilterSize size) {
  crm::Status s = CheckCountedSourceHook(size, static_cast<bool>(size.size), staged_.filter_counts,
                                         staged_.filter_sizes, "list filter size");
  if (!s.ok()) return Fail(std::move(s));
  staged_.filter_sizes.push_back(std::move(size));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddListFilterSets(crm::ListFilterSets sets) {
  crm::Status s = CheckCountedSourceHook(sets, static_cast<bool>(sets.sets), staged_.filter_counts,
                                         staged_.filter_sets, "list filter sets");
  if (!s.ok()) return Fail(std::move(s));
  staged_.filter_sets.push_back(std::move(sets));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddMaintenanceCommand(crm::MaintenanceCommand command) {
  CRM_STAGE_CHECK(CheckId("maintenance command", command.id));
  if (!command.run)
    return Fail(crm::InvalidArgument("maintenance command " + command.id + " has no function"));
  if (HasId(staged_.commands, command.id))
    return Fail(crm::Conflict("duplicate maintenance command id " + command.id));
  staged_.commands.push_back(std::move(command));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddAccountHomeSection(crm::AccountHomeSection section) {
  CRM_STAGE_CHECK(CheckId("account home section", section.id));
  if (!section.render)
    return Fail(crm::InvalidArgument("account home section " + section.id + " has no renderer"));
  if (HasId(staged_.account_home_sections, section.id))
    return Fail(crm::Conflict("duplicate account home section id " + section.id));
  staged_.account_home_sections.push_back(std::move(section));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::RequireListAccess(crm::ListAccess access) {
  const bool column = access.kind == crm::ListHookKind::kColumn;
  const std::string what = std::string(column ? "list column " : "list filter source ") + access.id;
  if (access.permission.empty())
    return Fail(crm::InvalidArgument("list access for " + what + " names no permission"));
  if (column ? !HasId(staged_.columns, access.id) : !HasId(staged_.filter_sources, access.id))
    return Fail(crm::InvalidArgument("list access names " + what + ", not registered before it"));
  for (const auto& a : staged_.list_access) {
    if (a.kind == access.kind && a.id == access.id)
      return Fail(crm::Conflict("duplicate list access for " + what));
  }
  staged_.list_access.push_back(std::move(access));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::SetSettingsPage(crm::SettingsPage page) {
  if (!page.render || !page.save)
    return Fail(crm::InvalidArgument("settings page lacks render or save"));
  if (staged_.settings_page) return Fail(crm::Conflict("settings page set twice"));
  staged_.settings_page = std::move(page);
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::DeclarePermission(crm::PermissionDecl permission) {
  CRM_STAGE_CHECK(CheckId("permission", permission.id));
  if (HasId(staged_.permissions, permission.id))
    return Fail(crm::Conflict("duplicate permission " + permission.id));
  staged_.permissions.push_back(std::move(permission));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::DeclareScope(crm::ScopeDecl scope) {
  CRM_STAGE_CHECK(CheckId("scope", scope.id));
  if (HasId(staged_.scopes, scope.id)) return Fail(crm::Conflict("duplicate scope " + scope.id));
  staged_.scopes.push_back(std::move(scope));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddMigration(crm::Migration migration) {
  if (migration.version < 1)
    return Fail(crm::InvalidArgument("migration " + migration.name + ": version must be >= 1"));
  if (migration.name.empty())
    return Fail(
        crm::InvalidArgument("migration " + std::to_string(migration.version) + " has no name"));
  if (migration.sql.empty())
    return Fail(crm::InvalidArgument("migration " + migration.name + " is empty"));
  // One file per version and dialect: "0001_a.sql" and "postgresql/0001_a.sql" may coexist.
  auto dialect_of = [](const std::string& name) { return name.substr(0, name.find('/') + 1); };
  for (const auto& m : staged_.migrations) {
    if (m.version == migration.version && dialect_of(m.name) == dialect_of(migration.name)) {
      return Fail(crm::Conflict("duplicate migration version " + std::to_string(migration.version) +
                                " (" + m.name + ", " + migration.name + ")"));
    }
  }
  staged_.migrations.push_back(std::move(migration));
  return crm::Status::Ok();
}

crm::Status StagingRegistrar::AddTranslations(
    std::string_view language, std::vector<std::pair<std::string, std::string>> entries) {
  if (!IsKnownLanguage(language))
    return Fail(crm::InvalidArgument("translations for unknown language \"" +
                                     std::string(language) + "\""));
  auto& catalog = staged_.translations[std::string(language)];
  for (auto& [key, text] : entries) {
    if (key.empty()) return Fail(crm::InvalidArgument("translation with an empty key"));
    if (!catalog.emplace(key, std::move(text)).second) {
      return Fail(
          crm::Conflict("duplicate translation key " + key + " for " + std::string(language)));
    }
  }
  return crm::Status::Ok();
}

#undef CRM_STAGE_CHECK

StagedRegistrations StagingRegistrar::Take() { return std::move(staged_); }

// ---- HookRegistry -------------------------------------------------------------------

crm::Status HookRegistry::Commit(StagedRegistrations staged) {
  // Check everything first: a refusal must leave the registry exactly as it was.
  CRM_RETURN_IF_ERROR(CheckOwnedIds(staged));
  CRM_RETURN_IF_ERROR(CheckGlobalIds(staged));
  CRM_RETURN_IF_ERROR(CheckTranslations(staged));
  // Nothing can fail from here on.
  Insert(std::move(staged));
  return crm::Status::Ok();
}

// Hooks whose id is "<owner>.<id>": a clash only with the same owner's.
crm::Status HookRegistry::CheckOwnedIds(const StagedRegistrations& staged) const {
  const std::string& owner = staged.owner;
  auto check = [&owner](std::string_view kind, const auto& staged_list, const auto& committed) {
    for (const auto& x : staged_list) {
      if (HasOwnerId(committed, owner, x.id)) {
        return crm::Conflict(std::string(kind) + " id " + owner + "." + x.id +
                             " is already registered");
      }
    }
    return crm::Status::Ok();
  };
  CRM_RETURN_IF_ERROR(check("list column", staged.columns, columns_));
  CRM_RETURN_IF_ERROR(check("list filter source", staged.filter_sources, filter_sources_));
  CRM_RETURN_IF_ERROR(check("summary box", staged.summary_boxes, summary_boxes_));
  CRM_RETURN_IF_ERROR(check("client deletion hook", staged.deletion_hooks, deletion_hooks_));
  CRM_RETURN_IF_ERROR(check("menu filter", staged.menu_filters, menu_filters_));
  CRM_RETURN_IF_ERROR(check("access gate", staged.gates, gates_));
  CRM_RETURN_IF_ERROR(check("scheduled job", staged.jobs, jobs_));
  CRM_RETURN_IF_ERROR(check("demo seeder", staged.demo_seeders, demo_seeders_));
  CRM_RETURN_IF_ERROR(check("maintenance command", staged.commands, commands_));
  CRM_RETURN_IF_ERROR(
      check("account home section", staged.account_home_sections, account_home_sections_));
  if (staged.settings_page && settings_pages_.count(owner)) {
    return crm::Conflict("settings page of " + owner + " is already registered");
  }
  return crm::Status::Ok();
}

// Tab ids appear in URLs (/admin/clients/{id}/tabs/{tab}); permissions and scopes are
// granted by id; routes clash on method + pattern: all four are global.
crm::Status HookRegistry::CheckGlobalIds(const StagedRegistrations& staged) const {
  const std::string& owner = staged.owner;
  auto check = [&owner](std::string_view kind, std::string_view verb, const auto& staged_list,
                        const auto& committed) {
    for (const auto& x : staged_list) {
      for (const auto& r : committed) {
        if (r.hook.id == x.id) {
          return crm::Conflict(std::string(kind) + " " + x.id + " of " + owner + " is already " +
                               std::string(verb) + " by " + r.owner);
        }
      }
    }
    return crm::Status::Ok();
  };
  CRM_RETURN_IF_ERROR(check("profile tab id", "registered", staged.profile_tabs, profile_tabs_));
  CRM_RETURN_IF_ERROR(check("permission", "declared", staged.permissions, permissions_));
  CRM_RETURN_IF_ERROR(check("scope", "declared", staged.scopes, scopes_));
  for (const auto& x : staged.routes) {
    std::string key = RouteKey(x.method, x.pattern);
    for (const auto& r : routes_) {
      if (RouteKey(r.hook.method, r.hook.pattern) == key) {
        return crm::Conflict("route " + x.method + " " + x.pattern + " of " + owner +
                             " is already registered by " + r.owner);
      }
    }
  }
  return crm::Status::Ok();
}

// A translation key belongs to the owner that registered it first.
crm::Status HookRegistry::CheckTranslations(const StagedRegistrations& staged) const {
  for (const auto& [language, catalog] : staged.translations) {
    auto it = translations_.find(language);
    if (it == translations_.end()) continue;
    for (const auto& [key, text] : catalog) {
      if (it->second.find(key) == it->second.end()) continue;
      auto by = translation_owner_.find(key);
      std::string other = by == translation_owner_.end() ? std::string("?") : by->second;
      if (other != staged.owner) {
        return crm::Conflict("translation key " + key + " of " + staged.owner +
                             " is already registered by " + other);
      }
    }
  }
  return crm::Status::Ok();
}

void HookRegistry::Insert(StagedRegistrations staged) {
  const std::string& owner = staged.owner;
  auto append = [&](auto& list, auto& items) {
    for (auto& item : items)
      list.push_back({std::move(item), owner, staged.keep_alive, next_sequence_++});
  };
  auto add_sorted = [&](auto& list, auto& items) {
    append(list, items);
    SortByPriority(list);
  };
  add_sorted(columns_, staged.columns);
  add_sorted(filter_sources_, staged.filter_sources);
  add_sorted(summary_boxes_, staged.summary_boxes);
  add_sorted(profile_tabs_, staged.profile_tabs);
  add_sorted(deletion_hooks_, staged.deletion_hooks);
  add_sorted(menu_filters_, staged.menu_filters);
  add_sorted(gates_, staged.gates);
  add_sorted(account_home_sections_, staged.account_home_sections);
  // Routes, jobs, permissions and scopes have no priority: keep registration order.
  append(routes_, staged.routes);
  append(jobs_, staged.jobs);
  for (const std::string& id : staged.jobs_run_at_start)
    jobs_run_at_start_.insert(owner + "." + id);
  append(demo_seeders_, staged.demo_seeders);
  append(commands_, staged.commands);
  for (auto& a : staged.list_access) {
    std::string key = ListAccessKey(a.kind, owner, a.id);
    list_access_.insert_or_assign(std::move(key), std::move(a));
  }
  for (auto& c : staged.filter_counts) {
    std::string key = owner + "/" + c.source_id;
    filter_counts_.insert_or_assign(
        std::move(key),
        Registered<crm::ListFilterCount>{std::move(c), owner, staged.keep_alive, next_sequence_++});
  }
  for (auto& z : staged.filter_sizes) {
    std::string key = owner + "/" + z.source_id;
    filter_sizes_.insert_or_assign(
        std::move(key),
        Registered<crm::ListFilterSize>{std::move(z), owner, staged.keep_alive, next_sequence_++});
  }
  for (auto& z : staged.filter_sets) {
    std::string key = owner + "/" + z.source_id;
    filter_sets_.insert_or_assign(
        std::move(key),
        Registered<crm::ListFilterSets>{std::move(z), owner, staged.keep_alive, next_sequence_++});
  }
  append(permissions_, staged.permissions);
  append(scopes_, staged.scopes);
  if (staged.settings_page) settings_pages_.emplace(owner, std::move(*staged.settings_page));
  for (auto& [language, catalog] : staged.translations) {
    auto& target = translations_[language];
    for (auto& [key, text] : catalog) {
      target[key] = std::move(text);
      translation_owner_[key] = owner;
    }
  }
}

Logger& HookRegistry::log() const {
  if (log_) return *log_;
  static Logger* fallback = new Logger();  // stderr; never destroyed (hooks may log at exit)
  return *fallback;
}

std::vector<crm::MenuItem> HookRegistry::BuildMenu(crm::MenuArea area,
                                                   std::vector<crm::MenuItem> base,
                                                   const crm::Principal& viewer) const {
  std::vector<crm::MenuItem> items = std::move(base);
  for (const auto& f : menu_filters_) {
    if (f.hook.area != area) continue;
    // Policy: a throwing menu filter is skipped (logged by CallPlugin); the menu, and so
    // every page, still renders with what the other filters made of it.
    auto filtered = CallPlugin(log(), "menu filter " + f.owner + "." + f.hook.id,
                               [&] { return f.hook.filter(items, viewer); });
    if (filtered.ok()) items = std::move(*filtered);
  }
  std::stable_sort(items.begin(), items.end(), [](const crm::MenuItem& a, const crm::MenuItem& b) {
    return a.order < b.order;
  });
  return items;
}

crm::GateDecision HookRegistry::RunGates(const crm::Principal& client,
                                         std::string_view path) const {
  for (const auto& g : gates_) {
    // Policy (the one rule for gates): a throwing gate is skipped, fail open, and logged by
    // CallPlugin. Gates steer clients to pages; they do not authorise (the route's
    // Audience does), so letting the page through is safe.
    auto decision = CallPlugin(log(), "access gate " + g.owner + "." + g.hook.id,
                               [&] { return g.hook.check(client, path); });
    if (decision.ok() && !decision->allow) return std::move(*decision);
  }
  return crm::GateDecision::Allow();
}

bool HookRegistry::CanRead(const Registered<crm::ListColumn>& column,
                           const crm::Principal* viewer) const {
  if (!viewer) return true;
  auto it =
      list_access_.find(ListAccessKey(crm::ListHookKind::kColumn, column.owner, column.hook.id));
  return it == list_access_.end() || Meets(it->second, *viewer);
}

bool HookRegistry::CanRead(const Registered<crm::ListFilterSource>& source,
                           const crm::Principal* viewer) const {
  if (!viewer) return true;
  auto it = list_access_.find(
      ListAccessKey(crm::ListHookKind::kFilterSource, source.owner, source.hook.id));
  return it == list_access_.end() || Meets(it->second, *viewer);
}

namespace {
// A filter source's optional hook (its count, size or sets), called as plugin code: its answer in
// `into`; kNotFound leaves `into` empty (none for this value); any other error is returned.
template <typename T, typename Fn>
crm::Status AnswerUnlessNotFound(Logger& log, const std::string& what, std::optional<T>& into,
                                 Fn&& ask) {
  crm::Result<T> r = CallPlugin(log, what, std::forward<Fn>(ask));
  if (r.ok()) {
    into = std::move(*r);
    return crm::Status::Ok();
  }
  if (r.status().code() == crm::StatusCode::kNotFound) return crm::Status::Ok();
  return r.status();
}
}  // namespace

crm::Result<ResolvedFilter> HookRegistry::ResolveFilter(std::string_view filter_id,
                                                        std::string_view value,
                                                        const crm::Principal* viewer) const {
  // Policy: a throwing filter source or count ends the resolution with kInternal (logged
  // by CallPlugin): the list cannot be filtered as asked, so it answers with the error.
  for (const auto& s : filter_sources_) {
    crm::Result<crm::SqlPredicate> r =
        CallPlugin(log(), "list filter source " + s.owner + "." + s.hook.id,
                   [&] { return s.hook.predicate(filter_id, value); });
    if (!r.ok() && r.status().code() == crm::StatusCode::kNotFound) continue;
    // A filter the viewer may not read is refused whatever its value: the answer would
    // tell what the column hides.
    if (!CanRead(s, viewer))
      return crm::PermissionDenied("filter " + std::string(filter_id) + " needs a permission");
    if (!r.ok()) return r.status();
    ResolvedFilter out{*r, {*r, false}, false, std::nullopt, std::nullopt};
    const std::string key = s.owner + "/" + s.hook.id, name = s.owner + "." + s.hook.id;
    auto counter = filter_counts_.find(key);
    if (counter == filter_counts_.end()) return out;
    std::optional<crm::FilterCountPredicate> count;
    CRM_RETURN_IF_ERROR(AnswerUnlessNotFound(log(), "list filter count " + name, count, [&] {
      return counter->second.hook.count(filter_id, value);
    }));
    if (!count.has_value()) return out;
    out.count = std::move(*count);
    out.counted = true;
    if (auto sizer = filter_sizes_.find(key); sizer != filter_sizes_.end()) {
      CRM_RETURN_IF_ERROR(AnswerUnlessNotFound(log(), "list filter size " + name, out.size, [&] {
        return sizer->second.hook.size(filter_id, value);
      }));
    }
    if (auto sets = filter_sets_.find(key); sets != filter_sets_.end()) {
      CRM_RETURN_IF_ERROR(AnswerUnlessNotFound(log(), "list filter sets " + name, out.sets, [&] {
        return sets->second.hook.sets(filter_id, value);
      }));
    }
    return out;
  }
  return crm::NotFound("unknown filter " + std::string(filter_id));
}

crm::Result<crm::SqlPredicate> HookRegistry::FilterPredicate(std::string_view filter_id,
                                                             std::string_view value) const {
  CRM_ASSIGN_OR_RETURN(ResolvedFilter resolved, ResolveFilter(filter_id, value));
  return std::move(resolved.page);
}

std::vector<crm::FilterDef> HookRegistry::ListFilters(std::string_view language,
                                                      const crm::Principal* viewer) const {
  std::vector<crm::FilterDef> out;
  for (const auto& s : filter_sources_) {
    if (!CanRead(s, viewer)) continue;
    // Policy: a throwing source is skipped (logged by CallPlugin); the list page still
    // works without its filters.
    auto defs = CallPlugin(log(), "list filter source " + s.owner + "." + s.hook.id,
                           [&] { return s.hook.list(language); });
    if (!defs.ok()) continue;
    for (auto& def : *defs) out.push_back(std::move(def));
  }
  return out;
}

std::optional<RouteMatch> HookRegistry::MatchRoute(std::string_view method, std::string_view path,
                                                   bool* path_matched_other_method) const {
  if (path_matched_other_method) *path_matched_other_method = false;
  const bool root = path == "/";
  std::vector<std::string_view> segments = SplitPath(path);
  if (!root && (segments.empty() || path.front() != '/')) return std::nullopt;

  // A path of N segments has N slashes, and so has a pattern that can match it: counting them
  // skips most routes without splitting their patterns (issue 10: splitting every route's
  // pattern was 5 % of a list request's instructions).
  const auto slashes = std::count(path.begin(), path.end(), '/');

  std::optional<RouteMatch> best;
  std::vector<bool> best_rank;  // literal flags per segment; lexicographically larger wins
  for (const auto& r : routes_) {
    const std::string& pattern = r.hook.pattern;
    bool pattern_root = pattern == "/";
    if (root || pattern_root) {
      if (!(root && pattern_root)) continue;
      if (r.hook.method != method) {
        if (path_matched_other_method) *path_matched_other_method = true;
        continue;
      }
      if (!best) best = RouteMatch{&r, {}};
      continue;
    }
    if (std::count(pattern.begin(), pattern.end(), '/') != slashes) continue;
    std::vector<std::string_view> parts = SplitPath(pattern);
    if (parts.size() != segments.size()) continue;
    std::vector<bool> rank;
    rank.reserve(parts.size());
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      if (IsParamSegment(parts[i])) {
        ok = !segments[i].empty();
        rank.push_back(false);
      } else {
        ok = parts[i] == segments[i];
        rank.push_back(true);
      }
    }
    if (!ok) continue;
    if (r.hook.method != method) {
      if (path_matched_other_method) *path_matched_other_method = true;
      continue;
    }
    if (!best || rank > best_rank) {
      RouteMatch m{&r, {}};
      for (size_t i = 0; i < parts.size(); ++i) {
        if (IsParamSegment(parts[i])) {
          m.params.emplace(std::string(parts[i].substr(1, parts[i].size() - 2)),
                           std::string(segments[i]));
        }
      }
      best = std::move(m);
      best_rank = std::move(rank);
    }
  }
  if (best && path_matched_other_method) *path_matched_other_method = false;
  return best;
}

std::string HookRegistry::Translate(std::string_view language, std::string_view key) const {
  auto lookup = [&](std::string_view lang) -> const std::string* {
    auto it = translations_.find(lang);
    if (it == translations_.end()) return nullptr;
    auto found = it->second.find(key);
    return found == it->second.end() ? nullptr : &found->second;
  };
  if (const std::string* t = lookup(language)) return *t;
  if (const std::string* t = lookup("en")) return *t;
  return std::string(key);
}

std::vector<std::string> HookRegistry::MissingTranslations() const {
  std::set<std::string> keys;
  for (const auto& [language, catalog] : translations_) {
    for (const auto& [key, text] : catalog) keys.insert(key);
  }
  std::vector<std::string> out;
  for (std::string_view language : crm::kLanguages) {
    auto it = translations_.find(language);
    for (const auto& key : keys) {
      if (it == translations_.end() || it->second.find(key) == it->second.end()) {
        out.push_back(std::string(language) + ": " + key);
      }
    }
  }
  return out;
}

}  // namespace host
