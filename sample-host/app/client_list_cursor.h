// sample-host/app/client_list_cursor.h — the opaque cursors of the client list's keyset paging
// (issue 10, SPEC §6 "Lists at scale"): a position in one sort, given out as "next"/"prev" and
// taken back as `after`/`before`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// What a cursor holds: the sort it was made for ("-region"; "" is "last_name"), the values of
// that sort's fields of one row, c.id last (ClientListSortFields), and the number of the page it
// leads to (only for the answer's "page": a forged one misleads no query).
struct ListCursor {
  std::string sort;
  crm::SqlParams key;
  int64_t page = 1;
};

// base64url (no padding) of the JSON {"s": sort, "k": [values], "p": page}.
std::string EncodeListCursor(const ListCursor& cursor);

// Decodes `text`, given as the query parameter `name` ("after" or "before"), for a list sorted
// by `sort`. kInvalidArgument naming `name` when it is not a cursor this host made (bad base64,
// bad JSON, wrong shape or types, a page out of range) or one made for another sort. Every
// value only ever goes into a query as a bound parameter.
crm::Result<ListCursor> DecodeListCursor(std::string_view text, std::string_view name,
                                         std::string_view sort);

}  // namespace host
