// tests/hooks/test_host.h — the hooks' test harness: a real SQLite database with the host's
// and the module's schemas, a small crm::HostServices over it, and request/response doubles.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "host-api/http.h"
#include "host-api/services.h"
#include "sample-host/core/hook_registry.h"
#include "plugin/services.h"
#include "plugin/types.h"
#include "sample-host/core/sqlite_database.h"

namespace cd_test {

// The host migrations of sample-host/migrations (embedded by tests/hooks/CMakeLists.txt).
std::vector<crm::Migration> HostMigrations();

// HostServices over a real database in a fresh temporary folder (removed at the end).
class TestHost final : public crm::HostServices {
 public:
  TestHost();
  ~TestHost() override;

  crm::Database& Db() override { return *db_; }
  int64_t NowUnix() override { return now_; }
  std::filesystem::path DataDir() override { return dir_ / "plugin-data"; }
  crm::Status SendMail(const crm::MailMessage& message) override;
  crm::Status AddTimeline(const crm::TimelineEntry& entry) override;
  crm::Result<crm::ClientInfo> FindClient(int64_t client_id) override;
  std::string Translate(std::string_view language, std::string_view key) override;
  void Log(crm::LogLevel level, std::string_view message) override;
  std::string BaseUrl() override { return "http://127.0.0.1:8080"; }

  // Inserts a client row; returns its id.
  int64_t AddClient(const std::string& first_name, const std::string& last_name);

  std::vector<std::string> logs;
  std::vector<crm::MailMessage> mails;
  int64_t now_ = 1795000000;  // 2026-11-18

 private:
  std::filesystem::path dir_;
  std::unique_ptr<host::SqliteDatabase> db_;
};

// A request as the host hands it to a handler: path params, query, form and body given.
class FakeRequest final : public crm::Request {
 public:
  std::string method = "GET";
  std::string path = "/";
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> path_params;
  std::vector<std::pair<std::string, std::string>> form;
  std::string body;
  crm::Principal caller;

  std::string_view Method() const override { return method; }
  std::string_view Path() const override { return path; }
  std::string_view Target() const override { return path; }
  std::optional<std::string> Query(std::string_view name) const override;
  std::vector<std::pair<std::string, std::string>> QueryAll() const override;
  std::optional<std::string> Header(std::string_view name) const override;
  std::optional<std::string> PathParam(std::string_view name) const override;
  std::optional<uint64_t> ContentLength() const override { return body.size(); }
  crm::Result<size_t> ReadBody(char* buffer, size_t size) override;
  const std::vector<std::pair<std::string, std::string>>& Form() const override { return form; }
  const crm::Principal& Caller() const override { return caller; }

 private:
  size_t read_ = 0;
};

// Records what a handler sent.
class FakeResponse final : public crm::Response {
 public:
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string content_type;
  std::optional<crm::PageReply> page;
  std::optional<crm::FileReply> file;
  std::string redirect;
  std::optional<crm::Status> error;
  bool started = false;

  void SetStatus(int code) override { status = code; }
  void SetHeader(std::string_view name, std::string_view value) override {
    headers[std::string(name)] = std::string(value);
  }
  crm::Status Send(std::string_view b, std::string_view type) override;
  crm::Status SendError(const crm::Status& e) override;
  crm::Status SendPage(const crm::PageReply& p) override;
  crm::Status SendFile(const crm::FileReply& f) override;
  crm::Status Redirect(std::string_view location) override;
  crm::Status BeginStream(std::string_view type) override;
  crm::Status Write(std::string_view chunk) override;
  crm::Status End() override { return crm::Status::Ok(); }
  bool Started() const override { return started; }
};

// Principals as the host's authenticator would build them.
crm::Principal AdminPrincipal(std::vector<std::string> permissions);
crm::Principal ClientPrincipal(int64_t client_id, std::string language = "en");


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
