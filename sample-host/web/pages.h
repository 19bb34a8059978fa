// sample-host/web/pages.h — the CRM's pages as host routes: admin login, client list and profile,
// plugin manager and settings, the reserved area, the language switch and the static assets.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/registrar.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/auth.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/timeline_store.h"
#include "sample-host/core/clock.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/mailer.h"
#include "sample-host/core/plugin_loader.h"
#include "sample-host/core/time_zone.h"

namespace host::web {

// One line of a CSV import's report (SPEC H2: a per-row error report).
struct CsvImportLine {
  int64_t line = 0;  // 1-based line of the CSV text (the header is line 1)
  bool ok = false;
  int64_t client_id = 0;  // the created or updated client when ok
  std::string message;    // why the row was refused (field-level), or empty
};

// The CSV functions of the app (sample-host/app), given as callables so that the pages do
// not depend on how the app implements them. Either may be empty: the page then says the
// feature is unavailable.
using CsvExportFn = std::function<crm::Status(
    const ClientListQuery& query, const std::function<crm::Status(std::string_view chunk)>& write)>;
using CsvImportFn =
    std::function<crm::Result<std::vector<CsvImportLine>>(std::string_view csv_text)>;

// What the pages need. Every reference must outlive the server (the route handlers keep
// a copy of this struct). The registry is read only after it is frozen (serving time).
struct WebDeps {
  crm::Database& db;
  const HookRegistry& registry;
  ClientStore& clients;
  Auth& auth;
  TimelineStore& timeline;
  // The plugin manager's outcome per file (PluginManager::states()); a function so that
  // the page always shows the current list and tests need no real manager.
  std::function<std::vector<PluginState>()> plugin_states;
  Logger& logger;
  Mailer& mailer;
  Clock& clock;
  CsvExportFn export_csv;
  CsvImportFn import_csv;
  // Issue 15.14: the host's time zone, in which pages show times.
  const HostTimeZone& zone;
};

// Registers the host's translations (RegisterHostTranslations) and every page route on
// `registrar` (owner "host"). Returns the first registration error.
crm::Status RegisterPages(crm::Registrar& registrar, const WebDeps& deps);

}  // namespace host::web
