// sample-host/app/client_list_sql.h — the SQL pieces of the host's client list: the WHERE of the
// search words and of every filter (host and plugins alike), ORDER BY from a whitelist, the total.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/core/hook_registry.h"

namespace host {

class ClientBitmap;  // client_sets.h

// A piece of SQL and its bound parameters, in order.
struct SqlPart {
  std::string sql;
  crm::SqlParams params;
};

// Past this many matches a list's total may be a lower bound (SPEC §6 "Lists at scale":
// "total_exact": false, the page says "10,000+"): the total is then exactly this number.
inline constexpr int64_t kInexactTotal = 10000;

// One condition of the list (the search, or one filter), in the forms the page and its total
// need. The page walks an index in sort order and stops after LIMIT rows, so it wants a per-row
// test; a count wants a set it builds once; and the host decides how to count from the sizes it
// knows before the page (counters: host API 1.4 ListFilterSize), never by trying.
struct ListTerm {
  SqlPart page;             // per-row test over `c`
  SqlPart set;              // "c.id IN (...)" or "" (none: count with `page`)
  bool complement = false;  // the term keeps the rows NOT in `set`
  SqlPart size;             // scalar SQL: the exact rows of `set` (or of `page`); "" unknown
  // > 0: `size` counts at most this many (a search word); reaching it only says "at least".
  int64_t size_cap = 0;
  // A count that stops at kInexactTotal may walk the term's matches as a stream instead: FROM
  // `walk_from` (which joins `c`) WHERE `walk`. A set "c.id IN (...)" is built whole before the
  // first row, a stream stops with the count. "" when the term has none.
  std::string walk_from;
  SqlPart walk;
  // SQLite: the set (for a complement, the rows it removes) as a SELECT of ids that an index
  // gives in ascending id order, each once ("SELECT c.id FROM clients c WHERE c.region = ?",
  // the uncorrelated subquery of a counting form "c.id IN (SELECT ...)"): a count up to
  // kInexactTotal merges these streams (INTERSECT, EXCEPT) instead of probing the other terms per
  // row. "" for none.
  SqlPart ids;
  // The client sets that keep exactly the term's clients (host API 1.6 ListFilterSets): a count of
  // terms that all have them ANDs their bitmaps (client_sets.h). nullopt for none.
  std::optional<crm::ClientSetFormula> sets;
  // The search's words as folded (SubstringSearchTerm): the name of its matches' bitmap in
  // ClientSearchCache (client_search_cache.h). "" for any other term.
  std::string search_key;
  // The term's clients as a bitmap the process holds, current as of just before the page (the
  // search's, from ClientSearchCache): counted, ANDed and tested like the bitmap of `sets`, its
  // size exact. Null for none.
  std::shared_ptr<const ClientBitmap> bits;
};

// The conditions of one list query, in the order they were asked.
struct ClientListConditions {
  std::vector<ListTerm> terms;
  // SQLite: a count that stops at kInexactTotal walks the clients in id order (the table's own
  // order, and the order of every (value, rowid) index entry), so that the probes of the
  // module's (client_id, ...) indexes go forward through them instead of jumping at random.
  bool walk_by_id = false;
  // SQLite: a count up to kInexactTotal of terms that all have `ids` merges them (ListTerm::ids).
  bool merge_ids = false;
  // PostgreSQL: a count up to kInexactTotal takes each term's set ("c.id IN (...)") where it has
  // one and is not a complement, instead of its page form: the planner then reads the set's own
  // index as a stream to merge (the module's stage and pending indexes) where a correlated EXISTS
  // was joined through the type's every document (region + `expiring` 29 -> 11 ms at 1M).
  bool count_from_sets = false;
  // A term whose page and counting forms are the same SQL, of unknown size.
  void AndAll(const std::string& sql, const crm::SqlParams& params);
};

// What the host knows before the page: the number of clients and, per term, how many
// clients it keeps (nullopt: unknown) and whether that number is only a lower bound.
struct KnownSizes {
  int64_t clients = 0;
  std::vector<std::optional<int64_t>> kept;
  std::vector<bool> at_least;
  int64_t max_id = 0;  // the largest client id (the row's last column; 0 when it has none)
};

// "SELECT (clients), (size of term 0 | NULL), ..., (MAX(id))": one row, one index look-up per
// column.
// On PostgreSQL a term whose size is a capped count (a search word's: a trigram bitmap of every
// match, 13-22 ms for a common word at a million clients) is asked only when it is the only
// term: there its page and set forms are the same SQL (the planner picks from its own
// estimate), so with other terms that count could only tell that the combination's own capped
// count will be exact, which that count tells by itself. (SQLite starts a rare word's page from
// its FTS matches, so it asks.)
SqlPart ClientListSizesQuery(const ClientListConditions& conditions,
                             crm::SqlDialect dialect = crm::SqlDialect::kSqlite);
// Reads that row (kept = size, or clients - size for a complement; unknown for a size not asked).
KnownSizes ReadKnownSizes(const ClientListConditions& conditions, const crm::SqlRow& row);

// The page's " WHERE ..." ("" without terms): every term's per-row test, except a term known
// to keep at most `set_page_limit` clients, which the page starts from (its set, then sorted).
// `sorts_a_set`, when given, tells whether the page starts from a set of ids ("c.id IN (...)"),
// which it then sorts (a column's set, "c.region = ?", walks its (column, name) index instead).
SqlPart ClientListWhere(const ClientListConditions& conditions, const KnownSizes* sizes,
                        int64_t set_page_limit, bool* sorts_a_set = nullptr);

// How the total is had: known from the sizes (exact or, past kInexactTotal, a bound), or
// counted by `count` (a scalar "(SELECT COUNT(*) ...)"), exactly or capped at kInexactTotal.
struct TotalPlan {
  bool known = false;
  int64_t total = 0;
  bool exact = true;
  SqlPart count;        // when !known
  bool capped = false;  // `count` stops at kInexactTotal: reaching it means "at least"
  bool merged = false;  // `count` is the merge of the terms' id streams (MergedCountInRange too)
};
// The rules, in order: no condition: every client. One condition of exact size: that size.
// A condition known to keep at most `exact_count_limit` clients: count exactly, starting
// from its set and testing the others on each row. Sizes that prove kInexactTotal matches
// (one lower bound, or the sum of the sizes minus (n-1) x clients): a bound, no count.
// Otherwise: count up to kInexactTotal (exact below it): with merge_ids and every term's `ids`,
// as one merge of those id streams (SELECT COUNT(*) FROM (a INTERSECT b EXCEPT c ORDER BY 1
// LIMIT ?)): each stream is read once, forward, and the merge stops at the bound; else the page's
// WHERE over the stream of a term that has one (ListTerm::walk), else over the clients (in id
// order when walk_by_id), testing each term on every row.
TotalPlan PlanClientListTotal(const ClientListConditions& conditions, const KnownSizes& sizes,
                              int64_t exact_count_limit);

// PlanClientListTotal's merged count restricted to the clients with lo <= id < hi, up to `cap`:
// "(SELECT COUNT(*) FROM (a INTERSECT b ... ORDER BY 1 LIMIT ?))" where each stream reads only
// its index's range of ids. Counts of disjoint ranges add up (client_list_count.h).
SqlPart MergedCountInRange(const ClientListConditions& conditions, int64_t lo, int64_t hi,
                           int64_t cap);

// ANDs `sql` (parenthesised) into `part`, starting its WHERE when it is the first.
void AndInto(SqlPart& part, const std::string& sql, const crm::SqlParams& params);
void AndInto(SqlPart& part, const std::string& sql, crm::SqlParams&& params);
void AppendSqlParams(crm::SqlParams& to, const crm::SqlParams& from);
// Moves them instead (a client set's bitmap is a 125 KB parameter at a million clients).
void AppendSqlParams(crm::SqlParams& to, crm::SqlParams&& from);

// The search box: up to 5 words, each of which must appear in the first or last name, the
// email or the company. kInvalidArgument past 200 characters. Words of 3+ characters go through
// the dialect's substring index (FTS5 trigram on SQLite, pg_trgm over crm_fold() on PostgreSQL)
// as a set, capped-counted up to kInexactTotal: a rare word's page sorts its matches, a common
// word's page walks the sort index and tests each row (it stops after the page).
crm::Status AddClientSearch(std::string_view q, crm::SqlDialect dialect,
                            ClientListConditions& conditions);

// filter[ID]=VALUE pairs through the registry (an empty value means "any"). kInvalidArgument
// naming the filter for an unknown filter or a bad value; kInternal when a source failed;
// kPermissionDenied for a filter `viewer` may not read (HookRegistry::CanRead; null: no check).
crm::Status AddClientFilters(const HookRegistry& registry,
                             const std::vector<std::pair<std::string, std::string>>& filters,
                             ClientListConditions& conditions,
                             const crm::Principal* viewer = nullptr);

// " ORDER BY ..." for a key of ClientListSortKeys(), "-key" descending ("" = last_name).
// kInvalidArgument for any other key. Case-insensitive keys sort by COLLATE NOCASE on SQLite and
// by lower() on PostgreSQL (the expressions the dialects' indexes hold).
crm::Result<std::string> ClientListOrderBy(std::string_view sort, crm::SqlDialect dialect);
const std::vector<std::string>& ClientListSortKeys();

// Keyset paging (issue 10). A position in a sort is one row's values of the sort's columns, c.id
// last (the tie breaker). The client fields they come from, in order ("last_name", "first_name",
// "id"); "created_at" and "id" are integers, the others text (every one is NOT NULL). `sort` as
// ClientListOrderBy takes it; kInvalidArgument for another key.
crm::Result<std::vector<std::string>> ClientListSortFields(std::string_view sort);
// The FROM ... LIMIT of a page of the rows strictly after the position `key` (one value per
// field) in `sort` (for the rows before it, the reverse sort: "-region" for "region"), ANDed with
// the page's `where`: " FROM (arms) AS k JOIN clients c ON c.id = k.id ORDER BY k... LIMIT ?".
// Each arm walks the sort index from the position and stops after `limit` rows: the ties of the
// leading columns in id order (a = ? AND c.id > ?), then the rows past the leading values
// ((a, b) > (?, ?)). One row value (a, c.id) > (?, ?) would not do: SQLite ranges its index on
// the leading columns only and would walk every tie before the position (a region's 250,000
// clients). The outer ORDER BY sorts the arms' at most 2 x `limit` rows by the values they
// carry, so that no engine walks a clients index from its start to find them.
SqlPart ClientListKeysetFrom(const SqlPart& where, std::string_view sort, crm::SqlDialect dialect,
                             const crm::SqlParams& key, int64_t limit);

}  // namespace host
