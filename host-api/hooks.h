// host-api/hooks.h — the hook points: what a plugin registers and how the host calls it.
// One struct per kind. Texts a plugin registers up front are translation keys (the `*_key`
// fields; see Registrar::AddTranslations); texts a callback returns are already in the
// viewer's language: FilterDef::label and FilterChoice::label (ListFilterSource::list gets
// the language) and MenuItem::label (menu filters).
//
// Threads: the host calls every callback below concurrently, on its worker threads (one
// per request, several requests at once; scheduled jobs on a thread of their own), for the
// life of the process. Callbacks must be thread-safe. An exception a callback throws is
// caught and logged by the host: a throwing access gate or menu filter is skipped, a
// throwing route handler is answered 500; do not rely on it, return a Status.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http.h"
#include "services.h"
#include "sql.h"
#include "status.h"

namespace crm {

// Every hook list is called in priority order: lower first; equal priorities in
// registration order (host first, then plugins in load order).
inline constexpr int kDefaultPriority = 100;

// ---- Client list -------------------------------------------------------------------

// A column of the host's client table. Header, SQL and cell come together so they
// cannot drift. `sql` is one SQL expression over the client row, aliased `c` (only
// `c.id` is guaranteed), evaluated inside the host's single list query for the whole
// page: no query per row. It may hold `?` parameters given in `params`.
struct ListColumn {
  std::string id;         // "status"; the API key is "<plugin-id>.<id>"
  std::string label_key;  // translation key of the header
  std::string sql;        // e.g. "(SELECT ... WHERE d.client_id = c.id)"
  SqlParams params;
  // The cell's HTML (escaped by the plugin) for the value `sql` produced. The host's
  // stylesheet offers `badge` with `badge-ok`, `badge-warn` and `badge-error` for states.
  std::function<std::string(const SqlValue& value, std::string_view language)> render_html;
  int priority = kDefaultPriority;
};

struct FilterChoice {
  std::string value;  // "uploaded"
  std::string label;  // shown; already translated (not a key)
};

// One filter as the list page offers it, e.g. id "doc.3", label "ID card".
struct FilterDef {
  std::string id;
  std::string label;  // shown; already translated into list()'s language (not a key)
  std::vector<FilterChoice> choices;
};

// A WHERE fragment over the client row `c`, with bound parameters. ANDed into the
// host's own list query.
struct SqlPredicate {
  std::string sql;
  SqlParams params;
};

// A source of list filters. Filters may come and go at run time (one per document
// type), so the source lists them when asked.
struct ListFilterSource {
  std::string id;  // registration id
  // The filters offered now, labels in `language`.
  std::function<std::vector<FilterDef>(std::string_view language)> list;
  // The predicate for `filter[filter_id]=value`. kNotFound when filter_id is not one
  // of this source's (the host then asks the next source); kInvalidArgument for a
  // value it does not accept (the host answers 400).
  std::function<Result<SqlPredicate>(std::string_view filter_id, std::string_view value)> predicate;
  int priority = kDefaultPriority;
};

// Host API 1.2: how the host counts the matches of a filter (the list's "total").
// A page walks an index in sort order and stops after LIMIT rows, so it wants a per-row
// test (a correlated EXISTS); the total visits every match, so it wants a set SQLite
// builds once (IN); and a filter that keeps the rows a set does NOT hold ("missing") is
// counted fastest as "all rows minus the set". A source that registers this gives the
// host the counting form; without it the host counts with the source's predicate.
struct FilterCountPredicate {
  // Must be true or false for every client row, never NULL: the host may count
  // with NOT (sql) or with inclusion-exclusion over several such predicates.
  SqlPredicate predicate;
  // True when the filter keeps the rows where `predicate` is false.
  bool complement = false;
};

struct ListFilterCount {
  std::string source_id;  // a ListFilterSource the same plugin registered before
  // For filter[filter_id]=value, once the source's predicate accepted it. kNotFound:
  // count with the source's predicate itself.
  std::function<Result<FilterCountPredicate>(std::string_view filter_id, std::string_view value)>
      count;
};

// Host API 1.4: how many clients a filter keeps, known without visiting them, so that the
// host decides per request how to count the list's total (SPEC §6 "Lists at scale") from
// what is known instead of by counting. `size` gives one scalar SQL expression (with `?`
// parameters) whose value is, exactly, the number of client rows for which the filter's
// FilterCountPredicate::predicate is true (for a complement filter, the host keeps all
// clients minus that). It must cost a few index lookups whatever the data: a counter row
// the plugin keeps up to date in the same transaction as its writes (triggers, or its own
// writes), or a short index range, never a scan. The host evaluates it in a statement of
// its own before the page, and may evaluate it on another connection than the page (the
// total is of one moment, not of the page's snapshot).
struct ListFilterSize {
  std::string source_id;  // a source the same plugin registered a ListFilterCount for
  // For filter[filter_id]=value, once the source's predicate and count accepted it.
  // kNotFound: no cheap exact size for this value (e.g. a state that changes with the
  // date); the host then counts only when it knows the count is small, else bounds it.
  std::function<Result<SqlPredicate>(std::string_view filter_id, std::string_view value)> size;
};

// Host API 1.6: client sets, kept by the host as bitmaps of client ids, so that the list's total of
// any combination of filters that all have them is counted exactly, whatever their sizes, by
// ANDing bitmaps (a million clients: 245 blocks of 512 bytes per set) instead of reading every
// match. A set is named by a key ("cd.3.has"; a plugin's keys start with its own prefix, the
// host's are "clients", "region:<value>", "language:<value>") and kept by its writers through the
// table the host owns for that:
//
//   client_set_changes (id, set_key TEXT, client_id INTEGER, member INTEGER)
//
// In the transaction of every write that changes whether a client is in a set, the writer (a
// trigger of the plugin's migration, on SQLite and on PostgreSQL) inserts (set_key, client_id,
// member): member 1 when the client is in the set after the write, 0 when not. For one
// (set_key, client_id) the row inserted last wins, so a writer may insert 0 then 1 for a change.
// A migration that creates a set inserts one row per member that exists. The host folds these rows
// into its blocks (the `client-sets` job, every few seconds) and applies those not yet folded when
// it reads, so a set is exact in every snapshot. A deleted client leaves its members in no
// count: the host intersects every formula with "clients".
struct ClientSetFormula {
  std::vector<std::string> all;   // the client is in each of these sets
  std::vector<std::string> none;  // and in none of these
};

struct ListFilterSets {
  std::string source_id;  // a source the same plugin registered a ListFilterCount for
  // For filter[filter_id]=value, once the source's predicate accepted it: the sets whose formula
  // keeps exactly the clients the filter's FilterCountPredicate keeps (after its complement),
  // now. kNotFound: none for this value, or not now (e.g. a state that moves with the date
  // while the sets have not caught up with today); the host then counts as without it.
  std::function<Result<ClientSetFormula>(std::string_view filter_id, std::string_view value)> sets;
};

// ---- Client profile ----------------------------------------------------------------

// A box in the sidebar of the admin client profile.
struct SummaryBox {
  std::string id;
  std::string permission;  // the viewer must hold it; empty: any admin
  // HTML fragment (escaped by the plugin). An error is shown in place of the box.
  std::function<Result<std::string>(const ClientInfo& client, const Principal& viewer)> render;
  int priority = kDefaultPriority;
};

// A tab of the admin client profile, at /admin/clients/{id}/tabs/{tab id}.
struct ProfileTab {
  std::string id;
  std::string title_key;
  std::string permission;  // empty: any admin
  // Page fragment; the request gives the tab its query parameters.
  std::function<Result<std::string>(const ClientInfo& client, Request& request)> render;
  int priority = kDefaultPriority;
};

// ---- Client deletion ---------------------------------------------------------------

// Runs when the host deletes a client. The host opens one transaction, calls every
// hook's delete_rows in priority order, deletes the client row, and commits only if
// all succeeded; otherwise it rolls back, deletes nothing and shows the error. After
// the commit it calls after_commit (remove files: rows first, then files).
struct ClientDeletionHook {
  std::string id;
  std::function<Status(int64_t client_id, SqlExecutor& tx)> delete_rows;
  std::function<void(int64_t client_id)> after_commit;  // may be empty
  int priority = kDefaultPriority;
};

// ---- Menus -------------------------------------------------------------------------

struct MenuItem {
  std::string id;
  std::string label;  // shown; already translated for the viewer (not a key)
  std::string path;   // local path
  int order = 100;    // position among the items
};

enum class MenuArea { kAdmin, kAccount };

// A filter (WordPress-style) on a menu: receives the items so far and returns them,
// with its own added, changed or removed. Runs on every page build.
struct MenuFilter {
  std::string id;
  MenuArea area = MenuArea::kAccount;
  std::function<std::vector<MenuItem>(std::vector<MenuItem> items, const Principal& viewer)> filter;
  int priority = kDefaultPriority;
};

// ---- Routes ------------------------------------------------------------------------

// Handler of a route. Return OK after sending a reply; return an error without
// sending and the host answers it (JSON for API routes, an error page otherwise).
using RouteHandler = std::function<Status(Request& request, Response& response)>;

// Pattern segments in braces bind path parameters: "/account/documents/{type_id}".
// A plugin's routes live under /api/v1/plugins/<id>/, /admin/plugins/<id>/, /account/,
// /assets/plugins/<id>/ or /p/<id>/ (public pages that check their visitors). Unsafe methods on
// session audiences outside /p/ are CSRF checked by the host (X-CSRF-Token, query or `_csrf`).
struct Route {
  std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string pattern;
  Audience audience;
  RouteHandler handler;
  // Largest body accepted; the host answers 413 past it (as it streams).
  uint64_t max_body = 1 << 20;
};

// ---- Reserved area -----------------------------------------------------------------

struct GateDecision {
  bool allow = true;
  std::string redirect_to;  // where to send the client when !allow
  static GateDecision Allow() { return {}; }
  static GateDecision RedirectTo(std::string path) { return {false, std::move(path)}; }
};

// Runs before every reserved-area page (GET/HEAD of a kClient route that is not JSON) for
// the logged-in client, in priority order; the first refusal wins. A gate must allow its
// own target page. A gate steers, it does not authorise (the route's Audience does): one
// that throws is skipped and the page is served.
struct AccessGate {
  std::string id;
  std::function<GateDecision(const Principal& client, std::string_view path)> check;
  int priority = kDefaultPriority;
};

// ---- Background work ---------------------------------------------------------------

// Run by the host's scheduler every `period_seconds` (first run one period after
// start), never two runs of one job at once.
struct ScheduledJob {
  std::string id;
  int64_t period_seconds = 3600;
  std::function<Status()> run;
};

// ---- Settings ----------------------------------------------------------------------

// The plugin's settings page at /admin/plugins/<plugin-id>/settings (permission
// plugins.manage). GET renders; POST (urlencoded form, CSRF checked by the host)
// calls save, then the host renders again with its message.
struct SettingsPage {
  std::string title_key;
  std::function<Result<std::string>(Request& request)> render;
  std::function<Status(Request& request)> save;
};

// ---- Demo data (host API 1.1) ------------------------------------------------------

// Called once by a host's demo mode (sample-host serve --demo), after every plugin has
// loaded and the host has seeded its demo clients into an empty database, so that a
// plugin can add sample data of its own (document types, settings, a few documents).
// Never called outside demo mode. `client_ids` are the demo clients, in creation order.
struct DemoSeeder {
  std::string id;
  std::function<Status(const std::vector<int64_t>& client_ids)> seed;
};

// ---- Declarations ------------------------------------------------------------------

// A permission the plugin checks; admins are granted it like the host's own.
struct PermissionDecl {
  std::string id;  // "documents.read"
  std::string label_key;
};

// An API token scope the plugin's routes require.
struct ScopeDecl {
  std::string id;  // "documents:read"
  std::string label_key;
};

// One numbered SQL migration, embedded in the library at build time (see
// CrmPlugin.cmake). Versions start at 1 and have no gaps; an applied migration must
// never change (the host compares checksums).
struct Migration {
  int version = 0;
  // File name, e.g. "0001_types.sql". A name under a dialect's folder
  // ("postgresql/0001_types.sql", host API 1.3) is that version for that dialect only:
  // the host runs it instead of the plain one on such a database and ignores it elsewhere.
  // A plain file also runs on PostgreSQL with `INTEGER PRIMARY KEY` read as a BIGINT
  // identity and every other `INTEGER` as BIGINT, so portable SQL needs one file only.
  std::string name;
  std::string sql;
};

}  // namespace crm
