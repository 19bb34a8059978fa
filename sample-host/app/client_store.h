// sample-host/app/client_store.h — the CRM's clients (SPEC H1, H2, H6, H10): validation,
// create/read/update/delete with the plugins' deletion hooks, and THE list query (one SQL statement
// per page).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/client_list_sql.h"
#include "sample-host/app/client_order.h"
#include "sample-host/app/client_search_cache.h"
#include "sample-host/app/client_sets.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/logger.h"

namespace host {

class CountHelper;  // client_list_count.h

// A client exactly as SPEC §5's client JSON has it (plus the fields the host keeps
// for itself: gender, email confirmation, updated_at).
struct ClientAddress {
  std::string street;
  std::string postal_code;
  std::string city;
  std::string region;
  std::string country;
};

// Where a client came from (SPEC H16), recorded at creation (registration page, API):
// the UTM parameters, the referrer and the device read from the User-Agent. Update keeps
// the stored one.
struct ClientOrigin {
  std::string source;
  std::string medium;
  std::string campaign;
  std::string referrer;
  std::string device;
};

// SPEC H11: the overall status ("subscribed", "unsubscribed" or "unknown": never asked)
// and the names of the lists the client is subscribed to (sorted).
struct ClientNewsletter {
  std::string status = "unknown";
  std::vector<std::string> lists;
};

struct Client {
  int64_t id = 0;  // 0 until created
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::string mobile;
  std::string website;
  std::string birth_date;  // "YYYY-MM-DD" or empty
  std::string gender;
  std::string language = "en";  // "en", "fr" or "nl"
  ClientAddress address;
  std::string company;
  std::string vat_number;
  std::string tax_code;
  std::vector<std::string> tags;  // sorted, unique, trimmed
  bool login_enabled = false;
  bool email_confirmed = false;
  int64_t created_at = 0;  // Unix seconds, UTC; set by Create
  int64_t updated_at = 0;
  // Issue 14 (SPEC §6 "Host additions"), kept in client_profiles (client_profile.h).
  ClientAddress billing_address;
  ClientAddress delivery_address;
  ClientOrigin origin;
  std::string avatar;  // stored file name of the avatar photo ('' when none); set apart
  ClientNewsletter newsletter;
};

// The request for one page of the client list. Values come straight from the caller
// (query string, form): ClientStore validates every one of them.
struct ClientListQuery {
  int64_t page = 1;                // 1-based
  int64_t per_page = 25;           // 1..kMaxPerPage
  std::string sort = "last_name";  // one of SortKeys(), optionally prefixed by '-'
  std::string q;                   // words; each must start first/last name, email or company
  // filter[ID]=VALUE pairs, host filters (region, city, postal_code, language, tag) and
  // plugin filters alike; all ANDed.
  std::vector<std::pair<std::string, std::string>> filters;
  // Keyset paging (issue 10): a page's "next" cursor gives the rows after it, its "prev" cursor
  // the rows before it, in the same sort and filters (at most one of the two; either replaces
  // `page`, whose number the cursor carries). kInvalidArgument for a cursor that is not one or
  // was made for another sort.
  std::string after = "";
  std::string before = "";
  // Who reads the list (the request's caller; it outlives the query): plugin columns and
  // filters it may not read (HookRegistry::CanRead, host API 1.4) are left out, and such a
  // filter is refused (kPermissionDenied). Null: the host's own work, no check.
  const crm::Principal* viewer = nullptr;
};

// One row of the list: the client and one value per registered column, in the order
// of ClientListPage::columns.
struct ClientListRow {
  Client client;
  std::vector<crm::SqlValue> column_values;
};

// A column as the list answer carries it: "<owner>.<id>" plus the registered hook
// (for label_key and render_html). The pointer stays valid: the registry is filled
// before serving and never changes afterwards.
struct ClientListColumn {
  std::string key;  // "client-documents.status"
  const Registered<crm::ListColumn>* column = nullptr;
};

struct ClientListPage {
  std::vector<ClientListColumn> columns;
  std::vector<ClientListRow> rows;
  int64_t total = 0;  // rows matching the filters, all pages
  // False when `total` is only a lower bound (kInexactTotal, client_list_sql.h): counting
  // every match would cost more than the page (SPEC §6 "Lists at scale").
  bool total_exact = true;
  int64_t page = 1;
  int64_t per_page = 25;
  // Cursors (client_list_cursor.h) to the rows after the last row ("" when none follow) and
  // before the first ("" on the first page).
  std::string next;
  std::string prev;
};

inline constexpr int64_t kMaxPerPage = 200;

// Thread-safe (all state lives in the database). `registry` and `db` must outlive it.
class ClientStore {
 public:
  // `now` returns Unix seconds (tests give a fixed clock).
  // `logger` (where plugin failures are logged; null: standard error) must outlive it.
  ClientStore(crm::Database& db, const HookRegistry& registry, std::function<int64_t()> now,
              Logger* logger = nullptr);

  // Checks a client before it is written: email format, language en|fr|nl, birth date
  // YYYY-MM-DD (a real date), lengths. kInvalidArgument with a field-level message,
  // e.g. "email: not a valid address". Also normalises (trims, sorts tags).
  static crm::Status Validate(Client& client);

  // Inserts a new client (and its tags). Returns it with id and timestamps.
  // kInvalidArgument on validation, kConflict when the email is taken.
  crm::Result<Client> Create(Client client);
  // kNotFound when no such client.
  crm::Result<Client> Get(int64_t id);
  // Overwrites every field of client.id (tags included), keeps created_at and the
  // login/password state. kNotFound, kInvalidArgument, kConflict as above.
  crm::Result<Client> Update(Client client);
  // SPEC H6: one transaction; each registered ClientDeletionHook::delete_rows in order,
  // then the client row; any failure rolls back everything and returns that error,
  // naming the plugin. After the commit, each hook's after_commit. kNotFound when no
  // such client.
  crm::Status Delete(int64_t id);
  // Turns the reserved-area login on or off (the password is kept).
  crm::Status SetLoginEnabled(int64_t id, bool enabled);

  // One page of the list, in ONE SQL statement (rows, plugin columns, tags and the total
  // count), after a look-up of the filters' sizes; a split count (SQLite, idle) is counted
  // beside it (client_list_count.h). kInvalidArgument for an unknown sort or filter or a bad
  // value.
  crm::Result<ClientListPage> List(const ClientListQuery& query);

  // Every client matching `query` (page and per_page ignored), in its sort order,
  // streamed row by row without holding them in memory (CSV export). `on_columns` is
  // called once first. Stops when on_row returns false.
  crm::Status ForEach(const ClientListQuery& query,
                      const std::function<void(const std::vector<ClientListColumn>&)>& on_columns,
                      const std::function<bool(const ClientListRow&)>& on_row);

  // The sort keys the list accepts ("last_name", "first_name", "email", "city",
  // "postal_code", "region", "created_at", "id"); "-key" sorts descending.
  static const std::vector<std::string>& SortKeys();

  // The host's own list filters (region, city, postal_code, language, tag), registered
  // under owner "host" through the same registry as plugins' filters. Labels are the
  // translations of "app.filter.<id>" in the asked language, through `translate`.
  static crm::ListFilterSource HostFilterSource(
      crm::Database& db, std::function<std::string(std::string_view, std::string_view)> translate);
  // Their counting forms and exact sizes (host API 1.2 and 1.4): each is its own set, and its
  // size is a counter row of client_counts (schema 15), kept by triggers. Register after the
  // source, under the same owner.
  static crm::ListFilterCount HostFilterCount();
  static crm::ListFilterSize HostFilterSize();
  // Their client sets (host API 1.6, schema 24): region and language.
  static crm::ListFilterSets HostFilterSets();
  // The four above, registered on `reg` in that order (main.cc and the list's tests).
  static crm::Status RegisterHostFilters(
      crm::Registrar& reg, crm::Database& db,
      std::function<std::string(std::string_view, std::string_view)> translate);

  // How the total is had (client_list_sql.h PlanClientListTotal): counted exactly when a
  // condition is known to keep at most `limit` clients. Tests change it to check both ways.
  void set_exact_count_limit(int64_t limit) { exact_count_limit_ = limit; }
  // A page starts from the set of a condition known to keep at most `limit` clients (and
  // sorts it) instead of walking the sort index.
  void set_set_page_limit(int64_t limit) { set_page_limit_ = limit; }
  // SQLite: a capped total that merges id streams is counted by blocks on two threads beside the
  // page (client_list_count.h) when the clients' ids reach `min_ids` (0: never) and no other
  // list request is under way; otherwise inside the page's statement. Tests lower it to see both
  // on a few clients.
  void set_split_counts_from(int64_t min_ids) { split_counts_from_ = min_ids; }
  // A total the sizes do not give, of filters that all have client sets (host API 1.6), is
  // counted exactly from their bitmaps (client_sets.h); tests turn it off to see the counts
  // above.
  void set_count_with_sets(bool on) { count_with_sets_ = on; }
  // SQLite: a page whose walk to its rows would pass at least `clients` clients (its offset and
  // length over the density its total gives) tests the bits of its terms' sets, when its total
  // came from the sizes and a term probes another table. Tests lower it.
  void set_bitmap_walk_from(int64_t clients) { bitmap_walk_from_ = clients; }
  // Reads the default order now (client_order.h); otherwise a page that finds it stale has it
  // read again in the background. Tests.
  crm::Status RefreshClientOrder() { return order_cache_->Refresh(db_); }
  // Whether a page that finds the order (or a search's matches, below) stale has it read again
  // in the background (tests turn it off, to see each state without a race).
  void set_refresh_order(bool on) { refresh_order_ = on; }
  // Reads the matches of the search `q`'s words now (client_search_cache.h); otherwise a page
  // that finds them missing or stale has them read in the background. Tests.
  crm::Status ReadSearch(std::string_view q);
  // Whether a search's words are counted and paged from the bitmap of their matches that the
  // process keeps, for words that match at least `from` clients (tests turn it off to see the SQL
  // search, or lower `from`; on by default; with set_refresh_order(false) only what ReadSearch
  // read).
  void set_keep_searches(bool on, int64_t from = ClientSearchCache::kMinMatches) {
    keep_searches_ = on;
    search_cache_->set_min_matches(from);
  }

 private:
  struct BuiltQuery;
  crm::Result<BuiltQuery> Build(const ClientListQuery& query, bool paged);
  // `chosen`: `where` names the page's rows already (PageIdsFromOrder): no offset.
  crm::Result<SqlPart> PageFrom(const ClientListQuery& query, SqlPart where,
                                const std::string& order, BuiltQuery& b, bool chosen = false);
  crm::Status ReadSizes(const ClientListQuery& query, const ClientListConditions& conditions,
                        KnownSizes& sizes,
                        std::shared_ptr<const ClientOrderCache::Order>& order_kept);
  // The term CountWithSets would stream (every other term has sets), or -1.
  int StreamedTerm(const ClientListConditions& conditions) const;
  crm::Status CountWithSets(const ClientListConditions& conditions, TotalPlan& total,
                            KnownSizes& sizes, std::optional<ClientBitmap>& kept);
  // `order_kept`: the default order is kept and current (the page takes its ids from it).
  crm::Status SetsForALongWalk(const ClientListQuery& query, const ClientListConditions& conditions,
                               const KnownSizes& sizes, const TotalPlan& total, bool order_kept,
                               std::optional<ClientBitmap>& kept);
  // The clients every term with sets or a bitmap keeps (a streamed term aside), ANDed; nullopt
  // while the sets wait for their fold.
  crm::Result<std::optional<ClientBitmap>> KeptByTerms(const ClientListConditions& conditions);
  // `sorts_a_set`: whether the page starts from a set of ids and sorts it (ClientListWhere).
  SqlPart PageWhere(const ClientListConditions& conditions, const KnownSizes& sizes,
                    const std::optional<ClientBitmap>& kept, bool& sorts_a_set) const;
  // The page's ids along `order`, the default order this process keeps (client_order.h; null
  // when stale), when the bitmap holds every term's clients; nullopt otherwise.
  crm::Result<std::optional<std::vector<int64_t>>> PageIdsFromOrder(
      const ClientListQuery& query, const ClientListConditions& conditions, const KnownSizes& sizes,
      const std::optional<ClientBitmap>& kept, const ClientOrderCache::Order* order);
  crm::Result<std::optional<size_t>> CursorPosition(const ClientListQuery& query,
                                                    const ClientOrderCache::Order& order);
  // A page tests a bitmap's bits when at least one client in this many is in it.
  static constexpr int64_t kBitmapPageDensity = 100;
  static void SetCursors(const ClientListQuery& query, const BuiltQuery& built,
                         ClientListPage& page);

  crm::Database& db_;
  const HookRegistry& registry_;
  std::function<int64_t()> now_;
  Logger& logger_;
  int64_t exact_count_limit_ = kInexactTotal;
  int64_t set_page_limit_ = kInexactTotal;
  static constexpr int64_t kSplitCountsFrom = 65536;  // two blocks of client_list_count.h
  int64_t split_counts_from_ = kSplitCountsFrom;
  bool count_with_sets_ = true;
  bool refresh_order_ = true;
  bool keep_searches_ = true;
  int64_t bitmap_walk_from_ = 2000;            // ~6,500 probes: a state alone at page 20 (15 %)
  std::shared_ptr<CountHelper> count_helper_;  // made by the constructor
  // The client sets' blocks as decoded at their last generation (client_sets.h).
  std::shared_ptr<ClientSetCache> set_cache_ = std::make_shared<ClientSetCache>();
  // The clients' default order as last read (client_order.h; refreshed on count_helper_).
  std::shared_ptr<ClientOrderCache> order_cache_ = std::make_shared<ClientOrderCache>();
  // The bitmaps of the searches' matches (client_search_cache.h; read on count_helper_).
  std::shared_ptr<ClientSearchCache> search_cache_ = std::make_shared<ClientSearchCache>();
};

}  // namespace host
