// tests/plugin/fake_http.h — a small in-process crm::Registrar fake (with the shared fake
// Request / Response), so API handlers run as the host would call them, without a server.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/http.h"
#include "host-api/registrar.h"
#include "tests/support/fake_http.h"

namespace cd_test {

// The shared fakes of tests/support/fake_http.h, under the names these tests use.
using crm_test::FakeRequest;
using crm_test::FakeResponse;

// Collects routes; Call() matches a method and path like the host's router does and
// checks the audience (401/403) before running the handler, then answers a returned
// error with SendError.
class FakeRegistrar final : public crm::Registrar {
 public:
  crm::Status AddListColumn(crm::ListColumn) override { return crm::Status::Ok(); }
  crm::Status AddListFilterSource(crm::ListFilterSource) override { return crm::Status::Ok(); }
  crm::Status AddSummaryBox(crm::SummaryBox) override { return crm::Status::Ok(); }
  crm::Status AddProfileTab(crm::ProfileTab) override { return crm::Status::Ok(); }
  crm::Status AddClientDeletionHook(crm::ClientDeletionHook) override { return crm::Status::Ok(); }
  crm::Status AddMenuFilter(crm::MenuFilter) override { return crm::Status::Ok(); }
  crm::Status AddRoute(crm::Route route) override;
  crm::Status AddAccessGate(crm::AccessGate) override { return crm::Status::Ok(); }
  crm::Status AddScheduledJob(crm::ScheduledJob) override { return crm::Status::Ok(); }
  crm::Status AddScheduledJobRunAtStart(crm::ScheduledJob) override { return crm::Status::Ok(); }
  crm::Status SetSettingsPage(crm::SettingsPage) override { return crm::Status::Ok(); }
  crm::Status DeclarePermission(crm::PermissionDecl) override { return crm::Status::Ok(); }
  crm::Status DeclareScope(crm::ScopeDecl) override { return crm::Status::Ok(); }
  crm::Status AddMigration(crm::Migration) override { return crm::Status::Ok(); }
  crm::Status AddTranslations(std::string_view,
                              std::vector<std::pair<std::string, std::string>>) override {
    return crm::Status::Ok();
  }
  crm::Status AddDemoSeeder(crm::DemoSeeder) override { return crm::Status::Ok(); }
  crm::Status AddListFilterCount(crm::ListFilterCount) override { return crm::Status::Ok(); }
  crm::Status AddListFilterSize(crm::ListFilterSize) override { return crm::Status::Ok(); }
  crm::Status AddListFilterSets(crm::ListFilterSets) override { return crm::Status::Ok(); }
  crm::Status AddMaintenanceCommand(crm::MaintenanceCommand) override { return crm::Status::Ok(); }
  crm::Status RequireListAccess(crm::ListAccess) override { return crm::Status::Ok(); }
  // Host API 1.5: kept, so a test can render a section.
  crm::Status AddAccountHomeSection(crm::AccountHomeSection section) override {
    account_home_sections.push_back(std::move(section));
    return crm::Status::Ok();
  }

  // Runs the request; fills `response` (status, body).
  void Call(FakeRequest& request, FakeResponse& response);

  std::vector<crm::Route> routes;
  std::vector<crm::AccountHomeSection> account_home_sections;
};

}  // namespace cd_test
