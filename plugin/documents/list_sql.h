// plugin/documents/list_sql.h — the SQL the module gives the host's client list (CD6, CD7): the
// completeness column and the `doc.<type_id>` filters, all over the host's `c.id`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host-api/hooks.h"
#include "host-api/status.h"

namespace cd {

// The list column (CD6): an SQL expression over `c.id` giving 'yes' when the client has a
// document of every active required type, 'no' otherwise. No parameters.
std::string CompletenessColumnSql();

// The page predicate (CD7) for `doc.<type_id>` = uploaded|missing, over `c.id`: a
// correlated [NOT] EXISTS on the unique (client_id, type_id) index, so a page walking
// the host's sort order stops after LIMIT rows. kNotFound when filter_id is not
// "doc.<number>", kInvalidArgument for another value.
crm::Result<crm::SqlPredicate> DocumentFilterPredicate(std::string_view filter_id,
                                                       std::string_view value);
// The counting form of the same filter: the type's set (IN over the (type_id,
// client_id) index), a complement for "missing" (the host counts all minus the set).
crm::Result<crm::FilterCountPredicate> DocumentFilterCount(std::string_view filter_id,
                                                           std::string_view value);

// The exact size of DocumentFilterCount's set (host API 1.4 ListFilterSize): the type's
// documents, read from the counters of schema 10 (cd_document_counts, kept by triggers in the
// transaction of every write), one index look-up whatever the number of clients.
crm::Result<crm::SqlPredicate> DocumentFilterSize(std::string_view filter_id,
                                                  std::string_view value);
// The client sets of DocumentFilterCount's clients (host API 1.6 ListFilterSets, schema 18):
// uploaded is every client in the type's "has" set, missing every client in none of it. Same
// errors as DocumentFilterCount.
crm::Result<crm::ClientSetFormula> DocumentFilterSets(std::string_view filter_id,
                                                      std::string_view value);
// The key of schema 18's set of `fact` for a type: "cd.<type_id>.<fact>" (has, p, a, r, w, e).
std::string ClientSetKey(int64_t type_id, std::string_view fact);
// The number of documents of a type in some review states (all states when `states` is
// empty), as a scalar SQL expression over the counters. One parameter, the type id.
crm::SqlPredicate TypeCountSql(int64_t type_id, std::string_view states_in = "");

// A `doc.<type_id>` filter, parsed: kNotFound when filter_id is not "doc.<number>",
// kInvalidArgument for a value other than uploaded|missing.
struct DocumentFilter {
  int64_t type_id = 0;
  bool uploaded = false;
};
crm::Result<DocumentFilter> ParseDocumentFilter(std::string_view filter_id, std::string_view value);

// `c.id IN (the type's clients)`: a set SQLite builds once from the (type_id, client_id)
// index. One parameter, the type id.
crm::SqlPredicate TypeSetPredicate(int64_t type_id);

// At most this many documents of a type: "uploaded" pages start from the set and sort it
// (cheap), instead of walking the sort order and probing each client.
inline constexpr int64_t kSmallTypeSet = 50000;

}  // namespace cd
