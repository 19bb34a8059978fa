// sample-host/core/open_database.cc — `--database` to a crm::Database (SQLite or PostgreSQL).
#include "sample-host/core/open_database.h"

#include "sample-host/core/pg_database.h"
#include "sample-host/core/sqlite_database.h"

namespace host {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string RedactDatabaseUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start + colon + 1)) + "***" +
         std::string(url.substr(start + at));
}

crm::Result<std::unique_ptr<crm::Database>> OpenHostDatabase(std::string_view database_url,
                                                             const std::filesystem::path& data) {
  if (database_url.empty()) {
    CRM_ASSIGN_OR_RETURN(auto sqlite, SqliteDatabase::Open(data / "host.db"));
    return std::unique_ptr<crm::Database>(std::move(sqlite));
  }
  if (!StartsWith(database_url, "postgresql://") && !StartsWith(database_url, "postgres://")) {
    return crm::InvalidArgument("--database must be a postgresql:// URL, not " +
                                RedactDatabaseUrl(database_url));
  }
  auto pg = PgDatabase::Open(std::string(database_url));
  if (!pg.ok()) {
    // libpq's message names the host and port, never the password.
    return crm::Status(pg.status().code(), "cannot open the database " +
                                               RedactDatabaseUrl(database_url) + ": " +
                                               pg.status().message());
  }
  return std::unique_ptr<crm::Database>(std::move(pg).value());
}

}  // namespace host
