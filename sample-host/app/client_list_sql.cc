// sample-host/app/client_list_sql.cc — the SQL of the client list, one function per clause, so that
// ClientStore only assembles the statement (one per page). Every value is a bound parameter.
#include "sample-host/app/client_list_sql.h"

#include "text/text.h"

namespace host {
namespace {

// Complement filters counted by inclusion-exclusion (2^n COUNT terms); more are
// counted with NOT over their set.
constexpr size_t kMaxCountComplements = 3;
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

// Adds a filter in its page form, and in its counting form to the total's conditions.
void AddCountedFilter(ResolvedFilter filter, ClientListConditions& c) {
  c.any_counted = true;
  AndInto(c.where, filter.page.sql, filter.page.params);
  crm::SqlPredicate& set = filter.count.predicate;
  if (!filter.count.complement) {
    AndInto(c.counted, set.sql, set.params);
  } else if (c.complements.size() < kMaxCountComplements) {
    c.complements.push_back(std::move(set));
  } else {
    // Past a few complements, inclusion-exclusion costs more than NOT over the set.
    AndInto(c.counted, "NOT (" + set.sql + ")", set.params);
  }
}

}  // namespace

void AppendSqlParams(crm::SqlParams& to, const crm::SqlParams& from) {
  to.insert(to.end(), from.begin(), from.end());
}

void AndInto(SqlPart& part, const std::string& sql, const crm::SqlParams& params) {
  part.sql += part.sql.empty() ? " WHERE " : " AND ";
  part.sql += "(" + sql + ")";
  AppendSqlParams(part.params, params);
}

void ClientListConditions::AndAll(const std::string& sql, const crm::SqlParams& params) {
  AndInto(where, sql, params);
  AndInto(base, sql, params);
  AndInto(counted, sql, params);
}

// A search word of 3+ characters on PostgreSQL: anywhere in the folded names, email and company,
// the expression of the pg_trgm index of schema 6 (accents and case folded by crm_fold).
void AddPgSubstringWord(std::string_view word, ClientListConditions& conditions) {
  std::string p = "%" + LikePattern(word);
  conditions.AndAll(
      "crm_fold(c.first_name || ' ' || c.last_name || ' ' || c.email || ' ' || c.company) "
      "LIKE crm_fold(?) ESCAPE '\\'",
      {p});
}

crm::Status AddClientSearch(std::string_view raw, crm::SqlDialect dialect,
                            ClientListConditions& conditions) {
  const bool pg = dialect == crm::SqlDialect::kPostgresql;
  std::string q(crm::text::TrimAll(raw));
  if (q.size() > 200) return crm::InvalidArgument("q: longer than 200 characters");
  // Words of 3+ characters match anywhere, through the trigram index of schema 6 (one
  // FTS5 query: a quoted phrase per word, all required); shorter ones match the start of
  // a column, through the NOCASE indexes.
  size_t words = 0;
  std::string phrases;
  for (size_t pos = 0; pos < q.size();) {
    size_t end = q.find(' ', pos);
    if (end == std::string::npos) end = q.size();
    std::string word = q.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (++words > kMaxSearchWords) break;
    if (Utf8Length(word) >= 3 && pg) {
      AddPgSubstringWord(word, conditions);
      continue;
    }
    if (Utf8Length(word) >= 3) {
      phrases += phrases.empty() ? "\"" : " \"";
      for (char ch : word) phrases += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      phrases += '"';
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
  if (!phrases.empty()) {
    conditions.AndAll("c.id IN (SELECT rowid FROM clients_search WHERE clients_search MATCH ?)",
                      {phrases});
  }
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
    if (filter->counted) {
      AddCountedFilter(std::move(*filter), conditions);
    } else {
      conditions.AndAll(filter->page.sql, filter->page.params);
    }
  }
  return crm::Status::Ok();
}

crm::Result<std::string> ClientListOrderBy(std::string_view sort, crm::SqlDialect dialect) {
  if (sort.empty()) sort = "last_name";
  bool desc = sort.front() == '-';
  if (desc) sort.remove_prefix(1);
  const SortSpec* spec = nullptr;
  for (const auto& s : kSorts) {
    if (s.key == sort) spec = &s;
  }
  if (!spec) return crm::InvalidArgument("sort: unknown sort key '" + std::string(sort) + "'");
  std::string order = " ORDER BY ";
  std::string_view cols = spec->columns;
  for (bool first = true; !cols.empty(); first = false) {
    size_t bar = cols.find('|');
    if (!first) order += ", ";
    std::string column(cols.substr(0, bar));
    constexpr std::string_view kNocase = " COLLATE NOCASE";
    if (dialect == crm::SqlDialect::kPostgresql && column.ends_with(kNocase)) {
      column = "lower(" + column.substr(0, column.size() - kNocase.size()) + ")";
    }
    order += column + (desc ? " DESC" : " ASC");
    cols = bar == std::string_view::npos ? std::string_view() : cols.substr(bar + 1);
  }
  return order;
}

const std::vector<std::string>& ClientListSortKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& s : kSorts) k.emplace_back(s.key);
    return k;
  }();
  return keys;
}

// Without counted filters: one COUNT. With them, when the other conditions leave few
// clients: COUNT with the page's own WHERE (a probe per client); else with the sets, and
// COUNT(rows AND NOT P1 AND NOT P2 ...) by inclusion-exclusion, the sum over every subset
// S of the complements of (-1)^|S| COUNT(rows AND all P in S). SQLite runs only the CASE
// branch taken, so the statement stays one.
SqlPart ClientListTotal(const ClientListConditions& c, int64_t probe_count_limit) {
  SqlPart count;
  if (!c.any_counted) {
    count.sql = "(SELECT COUNT(*) FROM clients c" + c.base.sql + ")";
    count.params = c.base.params;
    return count;
  }
  count.sql = "(CASE WHEN (SELECT COUNT(*) FROM clients c" + c.base.sql +
              ") <= ? THEN (SELECT COUNT(*) FROM clients c" + c.where.sql + ") ELSE (";
  AppendSqlParams(count.params, c.base.params);
  count.params.push_back(probe_count_limit);
  AppendSqlParams(count.params, c.where.params);
  for (size_t subset = 0; subset < (size_t{1} << c.complements.size()); ++subset) {
    SqlPart term = c.counted;
    int bits = 0;
    for (size_t i = 0; i < c.complements.size(); ++i) {
      if (!(subset & (size_t{1} << i))) continue;
      AndInto(term, c.complements[i].sql, c.complements[i].params);
      ++bits;
    }
    if (subset > 0) count.sql += bits % 2 ? " - " : " + ";
    count.sql += "(SELECT COUNT(*) FROM clients c" + term.sql + ")";
    AppendSqlParams(count.params, term.params);
  }
  count.sql += ") END)";
  return count;
}

}  // namespace host
