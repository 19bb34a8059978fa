// tests/hooks/test_host.h — the hooks' test harness: a real SQLite database with the host's
// and the module's schemas, a small crm::HostServices over it, and the shared request/response
// doubles.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "host-api/http.h"
#include "host-api/services.h"
#include "plugin/model.h"
#include "plugin/services.h"
#include "sample-host/core/hook_registry.h"
#include "tests/support/fake_http.h"
#include "tests/support/scratch_database.h"

namespace cd_test {

// The host migrations of sample-host/migrations (embedded by tests/hooks/CMakeLists.txt).
std::vector<crm::Migration> HostMigrations();

// HostServices over a real database in a fresh temporary folder (removed at the end).
// The shared fake records mails and logs, reads the clients table, and adds clients
// (AddClient(first_name, last_name)).
class TestHost final : public crm_test::FakeHostServices {
 public:
  TestHost();
  ~TestHost() override;

  crm::Database& Db() override { return db_->db(); }
  int64_t NowUnix() override { return now_; }
  // The host's default: a LocalObjectStore over DataDir() (made on first use).
  crm::ObjectStore& Files() override;
  std::filesystem::path DataDir() override { return dir_ / "plugin-data"; }

  int64_t now_ = 1795000000;  // 2026-11-18

 private:
  std::filesystem::path dir_;
  std::unique_ptr<crm_test::ScratchDatabase> db_;
  std::unique_ptr<crm::ObjectStore> files_;
};

// The shared request/response doubles and principals of tests/support/fake_http.h.
using crm_test::AdminPrincipal;
using crm_test::ClientPrincipal;
using crm_test::FakeRequest;
using crm_test::FakeResponse;

// ---- Fixture ---------------------------------------------------------------------------

// Runs the module's entry against a StagingRegistrar, applies its migrations, commits
// the registrations into a HookRegistry (as the plugin manager does), and gives tests
// their own cd::Services on the same database to arrange data.
class ModuleTest : public ::testing::Test {
 protected:
  void SetUp() override;

  int64_t AddType(const std::string& name_en, cd::UploadMode mode, bool active = true,
                  const std::string& fields = "");
  // A current document row for (client, type), written directly: the SQL of the hooks
  // is what these tests check, not the upload pipeline.
  void GiveDocument(int64_t client_id, int64_t type_id);
  void SetSettings(bool show_menu_entry, bool mandatory_gate, const std::string& intro = "");

  // Dispatches like the host: matches the route, binds its params, runs the handler.
  // Fails the test when no route matches.
  crm::Status Call(const std::string& method, const std::string& path, FakeRequest& request,
                   FakeResponse& response);

  TestHost host_;
  host::StagedRegistrations staged_;
  host::HookRegistry registry_;
  std::unique_ptr<cd::Services> services_;
};

}  // namespace cd_test
