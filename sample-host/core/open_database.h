// sample-host/core/open_database.h — the one place a command opens the host's database from its
// options: SQLite in the data folder by default, PostgreSQL with `--database postgresql://...`.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

// Exit code of a command whose database could not be reached at start (server down, refused,
// unknown host): distinct from 1 (any other failure) so that a supervisor can retry.
constexpr int kExitDatabaseUnavailable = 3;

// Opens the host's database: `database_url` empty -> SQLite at DATA/host.db (created), else a
// `postgresql://` or `postgres://` URL (libpq also reads PGPASSWORD and ~/.pgpass). Does not
// migrate. kInvalidArgument for another scheme; kUnavailable when the server cannot be reached.
// Messages never carry the URL's password.
crm::Result<std::unique_ptr<crm::Database>> OpenHostDatabase(std::string_view database_url,
                                                             const std::filesystem::path& data);

// The URL with any password replaced by "***" (postgresql://user:***@host/db), for logs and
// messages. A URL without userinfo comes back unchanged.
std::string RedactDatabaseUrl(std::string_view url);

}  // namespace host
