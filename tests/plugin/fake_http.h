// tests/plugin/fake_http.h — small in-process crm::Request / crm::Response / crm::Registrar
// fakes, so API handlers run as the host would call them, without a server.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host-api/http.h"
#include "host-api/registrar.h"

namespace cd_test {

class FakeRequest final : public crm::Request {
 public:
  std::string method = "GET";
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> path_params;
  std::string body;
  size_t max_body = SIZE_MAX;  // the route's limit, as the host enforces it
  crm::Principal caller;

  std::string_view Method() const override { return method; }
  std::string_view Path() const override { return path; }
  std::string_view Target() const override { return path; }
  std::optional<std::string> Query(std::string_view name) const override;
  std::vector<std::pair<std::string, std::string>> QueryAll() const override { return query; }
  std::optional<std::string> Header(std::string_view name) const override;
  std::optional<std::string> PathParam(std::string_view name) const override;
  std::optional<uint64_t> ContentLength() const override { return body.size(); }
  crm::Result<size_t> ReadBody(char* buffer, size_t size) override;
  const std::vector<std::pair<std::string, std::string>>& Form() const override { return form_; }
  const crm::Principal& Caller() const override { return caller; }

  size_t body_read = 0;

 private:
  std::vector<std::pair<std::string, std::string>> form_;
};

class FakeResponse final : public crm::Response {
 public:
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string content_type;
  std::optional<crm::FileReply> file;
  bool started = false;

  void SetStatus(int code) override { status = code; }
  void SetHeader(std::string_view name, std::string_view value) override {
    headers[std::string(name)] = std::string(value);
  }
  crm::Status Send(std::string_view b, std::string_view type) override;
  crm::Status SendError(const crm::Status& error) override;
  crm::Status SendPage(const crm::PageReply& page) override;
  crm::Status SendFile(const crm::FileReply& f) override;
  crm::Status Redirect(std::string_view location) override;
  crm::Status BeginStream(std::string_view type) override;
  crm::Status Write(std::string_view chunk) override;
  crm::Status End() override { return crm::Status::Ok(); }
  bool Started() const override { return started; }
};

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
  crm::Status SetSettingsPage(crm::SettingsPage) override { return crm::Status::Ok(); }
  crm::Status DeclarePermission(crm::PermissionDecl) override { return crm::Status::Ok(); }
  crm::Status DeclareScope(crm::ScopeDecl) override { return crm::Status::Ok(); }
  crm::Status AddMigration(crm::Migration) override { return crm::Status::Ok(); }
  crm::Status AddTranslations(std::string_view, std::vector<std::pair<std::string, std::string>>) override {
    return crm::Status::Ok();
  }
  crm::Status AddDemoSeeder(crm::DemoSeeder) override { return crm::Status::Ok(); }

  // Runs the request; fills `response` (status, body).
  void Call(FakeRequest& request, FakeResponse& response);

  std::vector<crm::Route> routes;
};

}  // namespace cd_test
