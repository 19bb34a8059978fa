// sample-host/core/migrator.h — applies numbered, checksummed SQL migrations of one owner
// ("host" or a plugin id), each in one transaction with its bookkeeping row, refusing edited ones.
#pragma once

#include <string_view>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// Applies the pending migrations of `owner` in version order. Creates the bookkeeping
// table host_migrations(owner, version, name, checksum, applied_at) if needed.
// Refuses (applying nothing) when versions are not exactly 1..N, when an applied
// migration's checksum (SHA-256 hex of its SQL) differs from the given one, or when the
// database holds a version newer than N. Each pending migration runs whole (a
// multi-statement script) in ONE transaction with its bookkeeping row; on failure it is
// rolled back completely, later ones are not tried, and the error names the file and
// gives SQLite's message. Idempotent: a second call with the same list changes nothing.
crm::Status ApplyMigrations(crm::Database& db, std::string_view owner,
                            const std::vector<crm::Migration>& migrations);

// The same checks without applying anything: OK when every migration is applied and
// unchanged; kConflict naming the first pending or edited one otherwise.
crm::Status CheckMigrations(crm::Database& db, std::string_view owner,
                            const std::vector<crm::Migration>& migrations);

// The migrations that run on `dialect` (both functions above apply this first, with the
// database's own dialect): for each version the file under "<dialect>/" when there is one
// ("postgresql/0006_client_search.sql"), else the plain file; other dialects' files are
// left out. Plain duplicates are kept, so that the sequence check refuses them.
std::vector<crm::Migration> MigrationsFor(const std::vector<crm::Migration>& migrations,
                                          crm::SqlDialect dialect);

}  // namespace host
