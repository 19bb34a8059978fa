// tests/support/e2e_env.h — what the end-to-end tests and benchmarks share around the real
// sample-host: its CLI (create-admin, create-token), fresh data folders, starting it with a plugin
// folder, request helpers.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/status.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace crm_test {

// What a run of the sample-host CLI gave: its exit status (-1 when it could not run or did not
// exit) and its stdout and stderr together.
struct CliResult {
  int code = -1;
  std::string output;
};

// Runs `binary args` through the shell (the paths in `args` must need no quoting), with
// `stdin_line` and a newline on its standard input when not empty.
CliResult RunCli(const std::filesystem::path& binary, const std::string& args,
                 const std::string& stdin_line);

// `sample-host create-admin --data DATA --email EMAIL` with `password` on stdin (every CLI helper
// here adds DatabaseArgs(DATA)).
CliResult CreateAdmin(const std::filesystem::path& binary, const std::filesystem::path& data,
                      const std::string& email, const std::string& password);

// `sample-host create-token --data DATA --email EMAIL SCOPE_ARGS` (e.g. "--scope clients:read", or
// "" for every scope). The output loses its trailing line ends: it is the token when the code is 0.
CliResult CreateToken(const std::filesystem::path& binary, const std::filesystem::path& data,
                      const std::string& email, const std::string& scope_args);

// The PostgreSQL server the end-to-end suites run on: $CRM_E2E_PG_URL (a URL of one of its
// databases, e.g. postgresql://postgres@127.0.0.1:54329/crm), or "" to run on SQLite.
std::string E2ePgServerUrl();

// The `--database URL` arguments of the site whose data folder is `data` ("" on SQLite). On
// PostgreSQL each data folder gets its own fresh database crm_e2e_<random>, created on the first
// call for that folder; DropSiteDatabase(data) drops it (any left are dropped at exit).
std::string DatabaseArgs(const std::filesystem::path& data);
// The URL of that database ("" on SQLite), e.g. for tests that open it themselves.
std::string SiteDatabaseUrl(const std::filesystem::path& data);
void DropSiteDatabase(const std::filesystem::path& data);

// A path under the temp folder that does not exist yet: <tmp>/<stem>-<random>.
std::filesystem::path FreshDir(const std::string& stem);

// Starts `binary serve --data DATA --plugins PLUGIN_DIR [DatabaseArgs(DATA)]` (see
// HostProcess::Start).
crm::Result<std::unique_ptr<HostProcess>> StartHost(const std::filesystem::path& binary,
                                                    const std::filesystem::path& data,
                                                    const std::filesystem::path& plugin_dir);

// The setting of one end-to-end test: a fresh data folder (removed on destruction, with its
// PostgreSQL database when E2ePgServerUrl() is set), its admin and tokens made with the CLI, and
// the host started on it with a plugin folder. Stop the hosts it started before it goes. With the
// environment variable CRM_E2E_S3_URL (s3://BUCKET?endpoint=http://127.0.0.1:PORT&region=R,
// credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, s3rver's when unset), each site has a
// fresh bucket of that server, made here, and the host keeps its plugins' files there
// (`serve --store`).
class E2eSite {
 public:
  struct Options {
    std::filesystem::path binary;
    std::filesystem::path plugin_dir;
    std::string data_stem;  // the folder is FreshDir(data_stem)
    std::string admin_email;
    std::string admin_password;
  };

  explicit E2eSite(Options options);
  ~E2eSite();
  E2eSite(const E2eSite&) = delete;
  E2eSite& operator=(const E2eSite&) = delete;

  const std::filesystem::path& data() const { return data_; }
  // The --store URL the host is started with ("" without CRM_E2E_S3_URL).
  const std::string& store_url() const { return store_url_; }
  // The admin of Options, in data().
  CliResult CreateAdmin() const;
  // A token of that admin (see crm_test::CreateToken).
  CliResult CreateToken(const std::string& scope_args) const;
  // `sample-host run-jobs` on data(), with its database and store and the plugin folder, then
  // `args` (e.g. "--now 2026-01-05T08:00:00Z").
  CliResult RunJobs(const std::string& args) const;
  // The host serving data() with the plugin folder (and `serve_args`, e.g.
  // {"--without-contracts"}), given `start_timeout` to say it listens.
  crm::Result<std::unique_ptr<HostProcess>> Start(
      std::vector<std::string> serve_args = {},
      std::chrono::seconds start_timeout = std::chrono::seconds(30)) const;

 private:
  Options options_;
  std::filesystem::path data_;
  std::string store_url_;
};

// `more` plus `Authorization: Bearer TOKEN`.
Headers Bearer(const std::string& token, Headers more = {});

// Percent-encodes every byte but the unreserved ones of RFC 3986 (ALPHA DIGIT - _ . ~), upper-case
// hex.
std::string UrlEncode(std::string_view s);

}  // namespace crm_test
