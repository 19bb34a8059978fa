// sample-host/app/client_csv.h — clients as CSV (SPEC H2): streamed export of the filtered list
// (the list's own query builder, plugin columns included) and import with a per-row report. Export
// then import round-trips.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/status.h"
#include "sample-host/app/client_store.h"

namespace host {

struct CsvExportOptions {
  char separator = ',';  // ';' for spreadsheets set to a European locale
  bool bom = false;      // UTF-8 BOM so that Excel reads the text as UTF-8
};

// The host columns of a client CSV, in order; plugin columns ("<owner>.<id>") follow on
// export and are ignored on import.
const std::vector<std::string>& ClientCsvColumns();

// Writes the header and every client matching `query` (page ignored) through `write`,
// in chunks of about 64 KiB, without holding the list in memory. Stops with write's
// error. kInvalidArgument for a bad query (as ClientStore::List).
crm::Status ExportClientsCsv(ClientStore& store, const ClientListQuery& query,
                             const CsvExportOptions& options,
                             const std::function<crm::Status(std::string_view chunk)>& write);

struct CsvImportResult {
  int64_t line = 0;  // line of the CSV where the record starts (the header is line 1)
  bool ok = false;
  int64_t client_id = 0;  // created or updated client when ok
  std::string message;    // "created", "updated", or why the row was refused
};

// Imports a CSV text (`;` or `,`, BOM or not). The header names the columns (any order,
// case-insensitive; unknown ones ignored). A row whose `id` names an existing client AND
// the same person (same email, or same first and last name) updates it; any other row
// creates a client (an id alone is not trusted: it may come from another database). Each valid row
// is written on its own, so one bad row does not stop the others. kInvalidArgument when the text is
// not CSV at all or has no usable header; otherwise one result per record.
crm::Result<std::vector<CsvImportResult>> ImportClientsCsv(ClientStore& store,
                                                           std::string_view text);

}  // namespace host
