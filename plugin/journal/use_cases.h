// plugin/journal/use_cases.h — reading the journal (PT4, X5) as one function per use case:
// list (filters, pages), export (CSV) and verify, each checking who asks. Writers append
// through Journal::Append inside their own transactions (journal.h).
#pragma once

#include <string>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/journal/journal.h"
#include "plugin/services.h"

namespace cd {

inline constexpr int kJournalMaxPerPage = 500;

// The filters of a request's query: client_id, action, from and to (YYYY-MM-DD, a whole UTC
// day, or YYYY-MM-DDTHH:MM:SSZ), page (from 1), per_page (1-500, default 50).
// kInvalidArgument for a value that does not parse.
crm::Result<JournalQuery> JournalQueryOf(const crm::Request& request);

// Staff with documents.read, a token with documents:read (and its owner documents.read);
// kPermissionDenied for anyone else (clients never read the journal).
crm::Status CheckJournalRead(const crm::Principal& actor);

// One page of entries, newest first (query.all: every match, oldest first).
crm::Result<JournalPage> ListJournal(Services& services, const crm::Principal& actor,
                                     JournalQuery query);
// Every matching entry as CSV (";", UTF-8 BOM, oldest first; formula cells neutralised),
// the columns of the JSON items.
crm::Result<std::string> ExportJournalCsv(Services& services, const crm::Principal& actor,
                                          JournalQuery query);
// The whole chain checked.
crm::Result<JournalVerdict> VerifyJournal(Services& services, const crm::Principal& actor);

}  // namespace cd
