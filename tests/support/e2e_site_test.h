// tests/support/e2e_site_test.h — the base fixture of the end-to-end suites: one fresh site
// (E2eSite: SQLite + files, or under a `.pg` run PostgreSQL + S3 from CRM_E2E_PG_URL and
// CRM_E2E_S3_URL), its admin and a full-scope API token made with the CLI, the real sample-host
// started on it, and an HttpClient to it. A suite derives, names its site in its constructor and
// adds its own arrange helpers; the hooks below give it extra tokens or files before the start and
// extra `serve` arguments.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace crm_test {

class E2eSiteTest : public ::testing::Test {
 protected:
  // How the suite's host is served: arguments after --data, --plugins, --database and --store
  // (e.g. {"--without-contracts"}), and how long its start may take.
  struct Serve {
    std::vector<std::string> args;
    std::chrono::seconds start_timeout{30};
  };

  explicit E2eSiteTest(E2eSite::Options options) : site_(std::move(options)) {}

  // StartSite() with the suite's ServeSettings().
  void SetUp() override;

  // Makes the admin and full_, runs BeforeStart(), then starts the host with `serve`.
  void StartSite(Serve serve);
  void StartSite() { StartSite(ServeSettings()); }
  // (Re)starts the host on the site's database and store with `serve` (a running one is stopped
  // first) and connects api_ to it.
  void StartHost(Serve serve);
  void StartHost() { StartHost(ServeSettings()); }

  // Hooks: the suite's `serve` settings (none by default), and what it does between the admin's
  // token and the host's start (more tokens, files in the data folder).
  virtual Serve ServeSettings() const { return {}; }
  virtual void BeforeStart() {}

  // Another token of the admin (e.g. "--scope clients:read"), expected to be made.
  std::string Token(const std::string& scope_args) const;
  // `Authorization: Bearer` with `token` (full_ when empty) and a JSON Content-Type.
  Headers JsonHeaders(const std::string& token = "") const;
  // The integer `sql` selects from the site's database (the sqlite3 or psql tool); -1, and a
  // failure, when there is none.
  int64_t SqlCount(const std::string& sql) const;
  // The text of the first column of the first row ("" for none or NULL).
  std::string SqlText(const std::string& sql) const;

  // Destroyed in reverse: api_, then host_ (stopped), then site_ (its data folder, database and
  // bucket's use gone).
  E2eSite site_;
  std::string full_;  // every scope
  std::unique_ptr<HostProcess> host_;
  std::unique_ptr<HttpClient> api_;
};

}  // namespace crm_test
