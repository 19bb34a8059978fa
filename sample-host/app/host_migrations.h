// sample-host/app/host_migrations.h — the host's own schema (sample-host/migrations/*.sql),
// embedded in host_app at build time by crm_embed_files and applied at start with
// ApplyMigrations(db, "host", ...).
#pragma once

#include <vector>

#include "host-api/hooks.h"

namespace host {

// Generated (see sample-host/app/CMakeLists.txt): 0001_clients_timeline.sql, 0002_logins.sql, ...
std::vector<crm::Migration> HostMigrations();

}  // namespace host
