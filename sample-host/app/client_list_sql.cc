// sample-host/app/client_list_sql.cc — the SQL of the client list, one function per clause, so that
// ClientStore only assembles the statement (one per page). Every value is a bound parameter.
#include "sample-host/app/client_list_sql.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <variant>

#include "sample-host/app/client_sets.h"
#include "text/fold.h"
#include "text/text.h"

namespace host {
namespace {

constexpr size_t kMaxSearchWords = 5;

struct SortSpec {
  std::string_view key;
  std::string_view columns;  // '|'-separated; each gets the direction appended
};
// Each sort walks an index: the trailing c.id matches the rowid every index ends with.
constexpr SortSpec kSorts[] = {
    {"last_name", "c.last_name COLLATE NOCASE|c.first_name COLLATE NOCASE|c.id"},
    {"first_name", "c.first_name COLLATE NOCASE|c.last_name COLLATE NOCASE|c.id"},
    {"email", "c.email COLLATE NOCASE|c.id"},
    {"city", "c.city|c.id"},
    {"postal_code", "c.postal_code|c.id"},
    {"region", "c.region|c.id"},
    {"language", "c.language|c.id"},
    {"created_at", "c.created_at|c.id"},
    {"id", "c.id"},
};

// Code points in valid UTF-8 (continuation bytes are not counted).
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// LIKE pattern for a search word: the start of a value ("dup" finds "Dupont"), so that
// the NOCASE indexes answer it on a million rows; the word's own wildcards are escaped.
std::string LikePattern(std::string_view word) {
  std::string p;
  for (char ch : word) {
    if (ch == '%' || ch == '_' || ch == '\\') p += '\\';
    p += ch;
  }
  p += '%';
  return p;
}

}  // namespace

void AppendSqlParams(crm::SqlParams& to, const crm::SqlParams& from) {
  to.insert(to.end(), from.begin(), from.end());
}

void AppendSqlParams(crm::SqlParams& to, crm::SqlParams&& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

void AndInto(SqlPart& part, const std::string& sql, const crm::SqlParams& params) {
  part.sql += part.sql.empty() ? " WHERE " : " AND ";
  part.sql += "(" + sql + ")";
  AppendSqlParams(part.params, params);
}

void AndInto(SqlPart& part, const std::string& sql, crm::SqlParams&& params) {
  part.sql += part.sql.empty() ? " WHERE " : " AND ";
  part.sql += "(" + sql + ")";
  AppendSqlParams(part.params, std::move(params));
}

void ClientListConditions::AndAll(const std::string& sql, const crm::SqlParams& params) {
  ListTerm term;
  AndInto(term.page, sql, params);
  terms.push_back(std::move(term));
}

namespace {

// The search words of 3+ characters as one term: a per-row test for pages that walk the sort
// index, the substring index's set for pages that sort the matches, and the matches counted up
// to kInexactTotal. The test folds case and accents (crm_fold, both dialects: "elise" finds
// "Élise"). SQLite: FTS5 trigram over the folded text (schema 16), one MATCH with a quoted
// phrase per folded word. PostgreSQL: the same test on the stored folded column (schema 23),
// which its pg_trgm index answers as a set.
ListTerm SubstringSearchTerm(const std::vector<std::string>& words, bool pg) {
  ListTerm term;
  std::string phrases;
  const char* folded =
      pg ? "c.search_folded"
         : "crm_fold(c.first_name || ' ' || c.last_name || ' ' || c.email || ' ' || c.company)";
  for (const std::string& word : words) {
    AndInto(term.page, std::string(folded) + " LIKE crm_fold(?) ESCAPE '\\'",
            {"%" + LikePattern(word)});
    phrases += phrases.empty() ? "\"" : " \"";
    for (char ch : crm::text::FoldForSearch(word))
      phrases += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    phrases += '"';
  }
  term.size_cap = kInexactTotal;
  term.search_key = phrases;
  if (pg) {
    term.set = term.page;
    term.size.sql =
        "(SELECT COUNT(*) FROM (SELECT 1 FROM clients c" + term.page.sql + " LIMIT ?) AS capped)";
    term.size.params = term.page.params;
    term.size.params.push_back(kInexactTotal);
    return term;
  }
  term.set = {" WHERE (c.id IN (SELECT rowid FROM clients_search WHERE clients_search MATCH ?))",
              {phrases}};
  // The matches in rowid order, each joined to its client, for a count that stops early.
  term.walk_from = " FROM clients_search s JOIN clients c ON c.id = s.rowid";
  term.walk = {" WHERE (clients_search MATCH ?)", {phrases}};
  term.ids = {"SELECT rowid FROM clients_search WHERE clients_search MATCH ?", {phrases}};
  term.size = {
      "(SELECT COUNT(*) FROM (SELECT 1 FROM clients_search WHERE clients_search MATCH ?"
      " LIMIT ?))",
      {phrases, kInexactTotal}};
  return term;
}

// Whether `sql` names the client row `c` ("c.x" after a character that cannot end a name): a
// subquery that does is correlated and cannot stand alone.
bool NamesClientRow(std::string_view sql) {
  for (size_t at = sql.find("c."); at != std::string_view::npos; at = sql.find("c.", at + 1)) {
    const unsigned char before = at == 0 ? ' ' : static_cast<unsigned char>(sql[at - 1]);
    if (!std::isalnum(before) && before != '_' && before != '"' && before != '`') return true;
  }
  return false;
}

// The subquery S of a counting form "c.id IN (S)", when S is one uncorrelated SELECT that the
// form's parentheses close at its end (quotes skipped); "" for any other form.
std::string_view InSubquery(std::string_view sql) {
  constexpr std::string_view kIn = "c.id IN (";
  if (!sql.starts_with(kIn) || !sql.ends_with(')')) return {};
  int depth = 0;
  char quote = 0;
  for (size_t i = kIn.size() - 1; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote != 0) {
      if (ch == quote) quote = 0;  // a doubled quote closes and opens again
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '(') {
      ++depth;
    } else if (ch == ')' && --depth == 0 && i + 1 != sql.size()) {
      return {};  // "c.id IN (...) AND ...": more than the set
    }
  }
  std::string_view inner = sql.substr(kIn.size(), sql.size() - kIn.size() - 1);
  if (depth != 0 || quote != 0 ||
      !crm::text::EqualsIgnoreCaseAscii(inner.substr(0, 7), "SELECT ") || NamesClientRow(inner))
    return {};
  return inner;
}

// ListTerm::ids of a counting form: its subquery when it is "c.id IN (SELECT ...)" (the set
// read straight from its index; "SELECT * FROM (...)", which SQLite flattens, keeps a compound
// inside it whole), else the clients for which it holds, which SQLite reads in id order from an
// index of the column a "c.column = ?" form tests.
SqlPart CountIds(const std::string& predicate, const crm::SqlParams& params) {
  std::string_view in = InSubquery(predicate);
  if (!in.empty()) return {"SELECT * FROM (" + std::string(in) + ")", params};
  // Any other form is a test of each client row, a correlated subquery included.
  return {"SELECT c.id FROM clients c WHERE (" + predicate + ")", params};
}

}  // namespace

crm::Status AddClientSearch(std::string_view raw, crm::SqlDialect dialect,
                            ClientListConditions& conditions) {
  const bool pg = dialect == crm::SqlDialect::kPostgresql;
  std::string q(crm::text::TrimAll(raw));
  if (q.size() > 200) return crm::InvalidArgument("q: longer than 200 characters");
  // Words of 3+ characters match anywhere (SubstringSearchTerm); shorter ones match the start
  // of a column, through the NOCASE indexes.
  size_t words = 0;
  std::vector<std::string> long_words;
  for (size_t pos = 0; pos < q.size();) {
    size_t end = q.find(' ', pos);
    if (end == std::string::npos) end = q.size();
    std::string word = q.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (++words > kMaxSearchWords) break;
    if (Utf8Length(word) >= 3) {
      long_words.push_back(std::move(word));
      continue;
    }
    std::string p = LikePattern(word);
    // SQLite's LIKE ignores ASCII case; PostgreSQL's needs lower() on both sides (its indexes).
    conditions.AndAll(pg ? "lower(c.last_name) LIKE lower(?) ESCAPE '\\' OR "
                           "lower(c.first_name) LIKE lower(?) ESCAPE '\\' OR "
                           "lower(c.email) LIKE lower(?) ESCAPE '\\' OR "
                           "lower(c.company) LIKE lower(?) ESCAPE '\\'"
                         : "c.last_name LIKE ? ESCAPE '\\' OR c.first_name LIKE ? ESCAPE '\\' OR "
                           "c.email LIKE ? ESCAPE '\\' OR c.company LIKE ? ESCAPE '\\'",
                      {p, p, p, p});
  }
  if (!long_words.empty()) conditions.terms.push_back(SubstringSearchTerm(long_words, pg));
  return crm::Status::Ok();
}

crm::Status AddClientFilters(const HookRegistry& registry,
                             const std::vector<std::pair<std::string, std::string>>& filters,
                             ClientListConditions& conditions, const crm::Principal* viewer) {
  for (const auto& [id, value] : filters) {
    if (value.empty()) continue;  // an empty select in a form means "any"
    auto filter = registry.ResolveFilter(id, value, viewer);
    if (!filter.ok()) {
      if (filter.status().code() == crm::StatusCode::kPermissionDenied)
        return crm::PermissionDenied("filter[" + id + "]: you may not use this filter");
      if (filter.status().code() == crm::StatusCode::kNotFound) {
        return crm::InvalidArgument("filter[" + id + "]: unknown filter");
      }
      if (filter.status().code() == crm::StatusCode::kInternal) return filter.status();
      return crm::InvalidArgument("filter[" + id + "]: " + filter.status().message());
    }
    ListTerm term;
    AndInto(term.page, filter->page.sql, filter->page.params);
    if (filter->counted) {
      AndInto(term.set, filter->count.predicate.sql, filter->count.predicate.params);
      term.complement = filter->count.complement;
      term.ids = CountIds(filter->count.predicate.sql, filter->count.predicate.params);
      if (filter->size) term.size = {"(" + filter->size->sql + ")", filter->size->params};
      term.sets = std::move(filter->sets);
    }
    conditions.terms.push_back(std::move(term));
  }
  return crm::Status::Ok();
}

namespace {

constexpr std::string_view kNocase = " COLLATE NOCASE";

// One column of a sort: "c.last_name" and whether it sorts without case.
struct SortColumn {
  std::string column;
  bool nocase = false;
};
struct ParsedSort {
  std::vector<SortColumn> columns;
  bool desc = false;
};

crm::Result<ParsedSort> ParseSort(std::string_view sort) {
  if (sort.empty()) sort = "last_name";
  ParsedSort parsed;
  parsed.desc = sort.front() == '-';
  if (parsed.desc) sort.remove_prefix(1);
  const SortSpec* spec = nullptr;
  for (const auto& s : kSorts) {
    if (s.key == sort) spec = &s;
  }
  if (!spec) return crm::InvalidArgument("sort: unknown sort key '" + std::string(sort) + "'");
  for (std::string_view cols = spec->columns; !cols.empty();) {
    size_t bar = cols.find('|');
    SortColumn col;
    col.column = std::string(cols.substr(0, bar));
    col.nocase = col.column.ends_with(kNocase);
    if (col.nocase) col.column.resize(col.column.size() - kNocase.size());
    parsed.columns.push_back(std::move(col));
    cols = bar == std::string_view::npos ? std::string_view() : cols.substr(bar + 1);
  }
  return parsed;
}

// The column as the dialect's index holds it (the left side of a comparison), and its bound
// value in the same form (the right side).
std::string ColumnSql(const SortColumn& col, crm::SqlDialect dialect) {
  if (!col.nocase) return col.column;
  if (dialect == crm::SqlDialect::kPostgresql) return "lower(" + col.column + ")";
  return col.column + std::string(kNocase);
}
std::string ValueSql(const SortColumn& col, crm::SqlDialect dialect) {
  if (!col.nocase) return "?";
  // SQLite: an explicit collation on the right side still picks the NOCASE index; on the left
  // ("c.x COLLATE NOCASE") a row-value comparison would not use it.
  return dialect == crm::SqlDialect::kPostgresql ? "lower(?)" : "? COLLATE NOCASE";
}
std::string LeftSql(const SortColumn& col, crm::SqlDialect dialect) {
  return col.nocase && dialect == crm::SqlDialect::kPostgresql ? "lower(" + col.column + ")"
                                                               : col.column;
}

}  // namespace

crm::Result<std::string> ClientListOrderBy(std::string_view sort, crm::SqlDialect dialect) {
  CRM_ASSIGN_OR_RETURN(ParsedSort parsed, ParseSort(sort));
  std::string order = " ORDER BY ";
  for (size_t i = 0; i < parsed.columns.size(); ++i) {
    if (i > 0) order += ", ";
    order += ColumnSql(parsed.columns[i], dialect) + (parsed.desc ? " DESC" : " ASC");
  }
  return order;
}

crm::Result<std::vector<std::string>> ClientListSortFields(std::string_view sort) {
  CRM_ASSIGN_OR_RETURN(ParsedSort parsed, ParseSort(sort));
  std::vector<std::string> fields;
  for (const SortColumn& col : parsed.columns) fields.push_back(col.column.substr(2));  // "c."
  return fields;
}

namespace {

// " AND (...)" conditions, one per arm (ClientListKeysetFrom).
std::vector<SqlPart> KeysetArms(const ParsedSort& sort, crm::SqlDialect dialect,
                                const crm::SqlParams& key) {
  const std::string op = sort.desc ? " < " : " > ";
  const size_t lead = sort.columns.size() - 1;  // the columns before c.id
  SqlPart ties{" AND (", {}};
  for (size_t i = 0; i < lead; ++i) {
    ties.sql +=
        LeftSql(sort.columns[i], dialect) + " = " + ValueSql(sort.columns[i], dialect) + " AND ";
    ties.params.push_back(key[i]);
  }
  ties.sql += "c.id" + op + "?)";
  ties.params.push_back(key[lead]);
  if (lead == 0) return {ties};
  SqlPart past{" AND (", {}};
  std::string left, right;
  for (size_t i = 0; i < lead; ++i) {
    left += (i > 0 ? ", " : "") + LeftSql(sort.columns[i], dialect);
    right += (i > 0 ? ", " : "") + ValueSql(sort.columns[i], dialect);
    past.params.push_back(key[i]);
  }
  past.sql += lead == 1 ? left + op + right + ")" : "(" + left + ")" + op + "(" + right + "))";
  return {ties, past};
}

}  // namespace

SqlPart ClientListKeysetFrom(const SqlPart& where, std::string_view sort_key,
                             crm::SqlDialect dialect, const crm::SqlParams& key, int64_t limit) {
  auto sort = ParseSort(sort_key);
  if (!sort.ok() || key.size() != sort->columns.size()) return {" FROM clients c WHERE 0 = 1", {}};
  std::string order = " ORDER BY ", values = "c.id", outer = " ORDER BY ";
  const std::string dir = sort->desc ? " DESC" : " ASC";
  for (size_t i = 0; i < sort->columns.size(); ++i) {
    const SortColumn& col = sort->columns[i];
    order += (i > 0 ? ", " : "") + ColumnSql(col, dialect) + dir;
    if (col.column == "c.id") {
      outer += (i > 0 ? ", " : "") + std::string("k.id") + dir;
      continue;
    }
    const std::string name = "k" + std::to_string(i);
    values += ", " + LeftSql(col, dialect) + " AS " + name;
    outer += (i > 0 ? ", " : "") + std::string("k.") + name +
             (col.nocase && dialect == crm::SqlDialect::kSqlite ? std::string(kNocase) : "") + dir;
  }
  SqlPart from{" FROM (", {}};
  std::vector<SqlPart> arms = KeysetArms(*sort, dialect, key);
  for (size_t i = 0; i < arms.size(); ++i) {
    // A WHERE that has no term yet starts with the arm ("WHERE 1 = 1 AND ...", both engines).
    from.sql += (i > 0 ? " UNION ALL " : "") + std::string("SELECT * FROM (SELECT ") + values +
                " FROM clients c" + (where.sql.empty() ? " WHERE 1 = 1" : where.sql) + arms[i].sql +
                order + " LIMIT ?) AS a" + std::to_string(i);
    AppendSqlParams(from.params, where.params);
    AppendSqlParams(from.params, arms[i].params);
    from.params.push_back(limit);
  }
  from.sql += ") AS k JOIN clients c ON c.id = k.id" + outer + " LIMIT ?";
  from.params.push_back(limit);
  return from;
}

const std::vector<std::string>& ClientListSortKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& s : kSorts) k.emplace_back(s.key);
    return k;
  }();
  return keys;
}

namespace {
// Every client: the counter row of schema 15.
constexpr const char* kClientsCounter =
    "COALESCE((SELECT k.n FROM client_counts k WHERE k.kind = '' AND k.value = ''), 0)";
}  // namespace

SqlPart ClientListSizesQuery(const ClientListConditions& conditions, crm::SqlDialect dialect) {
  const bool capped_sizes = dialect != crm::SqlDialect::kPostgresql || conditions.terms.size() == 1;
  SqlPart q{std::string("SELECT ") + kClientsCounter, {}};
  for (const ListTerm& term : conditions.terms) {
    if (term.size.sql.empty() || (term.size_cap > 0 && !capped_sizes) || term.bits != nullptr) {
      q.sql += ", NULL";
      continue;
    }
    q.sql += ", " + term.size.sql;
    AppendSqlParams(q.params, term.size.params);
  }
  q.sql += ", (SELECT MAX(id) FROM clients)";  // the last entry of the primary key
  return q;
}

KnownSizes ReadKnownSizes(const ClientListConditions& conditions, const crm::SqlRow& row) {
  KnownSizes k;
  k.clients = row.Int(0);
  for (size_t i = 0; i < conditions.terms.size(); ++i) {
    const ListTerm& term = conditions.terms[i];
    const crm::SqlValue& v = row[i + 1];
    if (term.bits != nullptr) {  // exact, whatever the words
      k.kept.emplace_back(term.bits->Count());
      k.at_least.push_back(false);
      continue;
    }
    if (std::holds_alternative<std::monostate>(v)) {
      k.kept.emplace_back();
      k.at_least.push_back(false);
      continue;
    }
    int64_t n = row.Int(i + 1);
    k.kept.push_back(term.complement ? std::max<int64_t>(0, k.clients - n) : n);
    k.at_least.push_back(term.size_cap > 0 && n >= term.size_cap);
  }
  const size_t last = conditions.terms.size() + 1;
  if (row.size() > last && !std::holds_alternative<std::monostate>(row[last]))
    k.max_id = row.Int(last);
  return k;
}

namespace {

// The term that keeps the fewest clients for sure (exact sizes only), or -1.
int SmallestTerm(const KnownSizes& sizes) {
  int best = -1;
  for (size_t i = 0; i < sizes.kept.size(); ++i) {
    if (!sizes.kept[i] || sizes.at_least[i]) continue;
    if (best < 0 || *sizes.kept[i] < *sizes.kept[best]) best = static_cast<int>(i);
  }
  return best;
}

// Starts from the set: a term with a set that is not a complement.
bool Settable(const ListTerm& term) { return !term.set.sql.empty() && !term.complement; }

}  // namespace

SqlPart ClientListWhere(const ClientListConditions& conditions, const KnownSizes* sizes,
                        int64_t set_page_limit, bool* sorts_a_set) {
  int from_set = -1;
  if (sizes != nullptr) {
    from_set = SmallestTerm(*sizes);
    if (from_set >= 0 &&
        (*sizes->kept[from_set] > set_page_limit || !Settable(conditions.terms[from_set])))
      from_set = -1;
  }
  if (sorts_a_set != nullptr)
    *sorts_a_set =
        from_set >= 0 && conditions.terms[from_set].set.sql.starts_with(" WHERE (c.id IN (");
  SqlPart where;
  for (size_t i = 0; i < conditions.terms.size(); ++i) {
    const ListTerm& term = conditions.terms[i];
    // Each form is " WHERE (...)": drop " WHERE " to AND it in.
    const SqlPart& form = static_cast<int>(i) == from_set ? term.set : term.page;
    AndInto(where, form.sql.substr(7), form.params);
  }
  return where;
}

namespace {

// Counts the matches up to kInexactTotal, from a term's stream when one has it (the first),
// testing the other terms on each row; else over the clients, in id order on SQLite. With
// count_from_sets, each settable term as its set (the planner's choice of join).
SqlPart CappedCount(const ClientListConditions& c) {
  int walk = -1;
  for (size_t i = 0; i < c.terms.size() && walk < 0; ++i)
    if (!c.terms[i].walk_from.empty()) walk = static_cast<int>(i);
  SqlPart q{walk >= 0 ? c.terms[walk].walk_from : std::string(" FROM clients c"), {}};
  SqlPart where;
  for (size_t i = 0; i < c.terms.size(); ++i) {
    const ListTerm& term = c.terms[i];
    const SqlPart& form = static_cast<int>(i) == walk           ? term.walk
                          : c.count_from_sets && Settable(term) ? term.set
                                                                : term.page;
    AndInto(where, form.sql.substr(7), form.params);  // each form is " WHERE (...)"
  }
  const char* order = walk < 0 && c.walk_by_id ? " ORDER BY c.id" : "";
  q.sql = "(SELECT COUNT(*) FROM (SELECT 1" + q.sql + where.sql + order + " LIMIT ?) AS capped)";
  q.params = where.params;
  q.params.push_back(kInexactTotal);
  return q;
}

// The terms' id streams as one merge, each stream through `arm`: the sets, INTERSECT each other,
// then EXCEPT each complement (SQLite's compound operators bind left to right; every client when
// all are complements). "" when a term has no stream.
SqlPart MergeOf(const ClientListConditions& c, const std::function<SqlPart(SqlPart)>& arm) {
  SqlPart merge;
  for (bool complements : {false, true}) {
    for (const ListTerm& term : c.terms) {
      if (term.ids.sql.empty()) return {};
      if (term.complement != complements) continue;
      if (merge.sql.empty() && complements) {
        SqlPart all = arm({"SELECT c.id FROM clients c", {}});
        merge.sql = all.sql;
        AppendSqlParams(merge.params, all.params);
      }
      merge.sql += merge.sql.empty() ? "" : (complements ? " EXCEPT " : " INTERSECT ");
      SqlPart one = arm(term.ids);
      merge.sql += one.sql;
      AppendSqlParams(merge.params, one.params);
    }
  }
  return merge;
}

// COUNT(*) of a merge up to `cap`: with ORDER BY on the id SQLite merges the arms as
// co-routines, each read once, forward, from its index, and stops at LIMIT.
SqlPart CountOfMerge(SqlPart merge, int64_t cap) {
  if (merge.sql.empty()) return {};
  merge.sql = "(SELECT COUNT(*) FROM (" + merge.sql + " ORDER BY 1 LIMIT ?) AS capped)";
  merge.params.push_back(cap);
  return merge;
}

// The matches up to kInexactTotal as one merge of the terms' id streams, or "" when a term has
// none.
SqlPart MergedCount(const ClientListConditions& c) {
  return CountOfMerge(MergeOf(c, [](SqlPart ids) { return ids; }), kInexactTotal);
}

}  // namespace

TotalPlan PlanClientListTotal(const ClientListConditions& c, const KnownSizes& sizes,
                              int64_t exact_count_limit) {
  TotalPlan plan;
  const size_t n = c.terms.size();
  if (n == 0) {  // the counter, inside the page's statement (no sizes query needed)
    plan.count.sql = kClientsCounter;
    return plan;
  }
  plan.known = true;
  if (n == 1 && sizes.kept[0]) {
    plan.exact = !sizes.at_least[0];
    plan.total = plan.exact ? *sizes.kept[0] : kInexactTotal;
    return plan;
  }
  int smallest = SmallestTerm(sizes);
  if (smallest >= 0 && *sizes.kept[smallest] == 0) return plan;  // total 0
  if (smallest >= 0 && *sizes.kept[smallest] <= exact_count_limit) {
    // Exact: start from the smallest set, test the others on each of its rows.
    plan.known = false;
    SqlPart where = ClientListWhere(c, &sizes, exact_count_limit);
    plan.count = {"(SELECT COUNT(*) FROM clients c" + where.sql + ")", where.params};
    return plan;
  }
  // Bonferroni: |A1 ∩ ... ∩ An| >= sum |Ai| - (n - 1) x clients.
  int64_t bound = -(static_cast<int64_t>(n) - 1) * sizes.clients;
  bool all_known = true;
  for (const auto& k : sizes.kept) {
    all_known = all_known && k.has_value();
    if (k) bound += *k;
  }
  if (all_known && bound >= kInexactTotal) {
    plan.total = kInexactTotal;
    plan.exact = false;
    return plan;
  }
  plan.known = false;
  plan.capped = true;
  if (c.merge_ids) plan.count = MergedCount(c);
  plan.merged = !plan.count.sql.empty();
  if (plan.count.sql.empty()) plan.count = CappedCount(c);
  return plan;
}

SqlPart MergedCountInRange(const ClientListConditions& c, int64_t lo, int64_t hi, int64_t cap) {
  // "WITH s(id)" names the stream's one column whatever its SELECT calls it (c.id, d.client_id,
  // rowid), so that the range can be written; SQLite pushes it into the stream's own WHERE (an
  // index range, the FTS5 table's rowid range) and still merges the arms.
  return CountOfMerge(MergeOf(c,
                              [&](SqlPart ids) {
                                ids.sql = "SELECT * FROM (WITH s(id) AS (" + ids.sql +
                                          ") SELECT id FROM s WHERE id >= ? AND id < ?)";
                                ids.params.push_back(lo);
                                ids.params.push_back(hi);
                                return ids;
                              }),
                      cap);
}

}  // namespace host
