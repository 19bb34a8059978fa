// sample-host/app/client_list_sql.h — the SQL pieces of the host's client list: the WHERE of the
// search words and of every filter (host and plugins alike), ORDER BY from a whitelist, the total.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/core/hook_registry.h"

namespace host {

// A piece of SQL and its bound parameters, in order.
struct SqlPart {
  std::string sql;
  crm::SqlParams params;
};

// The conditions of one list query, in the forms the page and its total need. The page
// wants per-row tests it can stop after LIMIT rows; the total wants them too when the other
// conditions leave few clients, but sets over many, a "complement" filter (ListFilterCount)
// being counted as (rows) - (rows in the set). Each `sql` is "" or " WHERE (...) AND (...)".
struct ClientListConditions {
  SqlPart where;    // the page: every condition in its page form
  SqlPart base;     // search and the filters without a counting form
  SqlPart counted;  // base and the counted filters' non-complement sets
  std::vector<crm::SqlPredicate> complements;
  bool any_counted = false;

  // ANDs a condition into all three forms.
  void AndAll(const std::string& sql, const crm::SqlParams& params);
};

// ANDs `sql` (parenthesised) into `part`, starting its WHERE when it is the first.
void AndInto(SqlPart& part, const std::string& sql, const crm::SqlParams& params);
void AppendSqlParams(crm::SqlParams& to, const crm::SqlParams& from);

// The search box: up to 5 words, each of which must appear in the first or last name, the
// email or the company. kInvalidArgument past 200 characters. Words of 3+ characters go through
// the dialect's substring index (FTS5 trigram on SQLite, pg_trgm over crm_fold() on PostgreSQL).
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

// The total as one SQL expression "(...)" over `conditions`: a COUNT, or (with counted
// filters) a CASE that probes each client when at most `probe_count_limit` remain and
// counts the sets otherwise.
SqlPart ClientListTotal(const ClientListConditions& conditions, int64_t probe_count_limit);

}  // namespace host
