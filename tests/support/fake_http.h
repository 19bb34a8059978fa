// tests/support/fake_http.h — the one in-process crm::Request / crm::Response pair of the tests
// (host pages and module alike), the principals, and a crm::HostServices over a real database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/http.h"
#include "host-api/services.h"

namespace crm_test {

// Query parameters in order (repeats allowed); `query["name"] = "v"` sets the first "name"
// or appends it, and a vector of pairs assigns the whole list.
class QueryParams : public std::vector<std::pair<std::string, std::string>> {
 public:
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  QueryParams() = default;
  QueryParams(Pairs pairs) : Pairs(std::move(pairs)) {}  // NOLINT: implicit by design
  QueryParams(std::initializer_list<std::pair<std::string, std::string>> pairs) : Pairs(pairs) {}

  std::string& operator[](std::string_view name);
};

// A request as the host hands it to a handler: query, headers, path params, form and a
// body the handler streams in small, odd-sized reads (up to the route's limit).
class FakeRequest final : public crm::Request {
 public:
  std::string method = "GET";
  std::string path = "/";
  QueryParams query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> path_params;
  std::vector<std::pair<std::string, std::string>> form;
  std::string body;
  size_t max_body = SIZE_MAX;  // the route's limit, as the host enforces it
  size_t body_read = 0;
  crm::Principal caller;
  std::string remote_address = "127.0.0.1";  // the TCP peer, as the server would give it

  std::string_view Method() const override { return method; }
  std::string_view Path() const override { return path; }
  std::string_view Target() const override { return path; }
  std::optional<std::string> Query(std::string_view name) const override;
  std::vector<std::pair<std::string, std::string>> QueryAll() const override { return query; }
  std::optional<std::string> Header(std::string_view name) const override;
  std::optional<std::string> PathParam(std::string_view name) const override;
  std::optional<uint64_t> ContentLength() const override { return body.size(); }
  crm::Result<size_t> ReadBody(char* buffer, size_t size) override;
  const std::vector<std::pair<std::string, std::string>>& Form() const override { return form; }
  const crm::Principal& Caller() const override { return caller; }
  std::string_view RemoteAddress() const override { return remote_address; }
};

// Records what a handler sent: status, headers and body as the host would write them, and
// the reply itself (page, file, redirect target, error).
class FakeResponse final : public crm::Response {
 public:
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string content_type;
  std::optional<crm::PageReply> page;
  std::optional<crm::FileReply> file;  // also set by SendObject (path: the object's local file)
  std::optional<crm::ObjectReply> object;
  std::string redirect;
  std::optional<crm::Status> error;
  bool started = false;

  void SetStatus(int code) override { status = code; }
  void SetHeader(std::string_view name, std::string_view value) override {
    headers[std::string(name)] = std::string(value);
  }
  crm::Status Send(std::string_view b, std::string_view type) override;
  // The SPEC §5 JSON error with the code's HTTP status, like the host.
  crm::Status SendError(const crm::Status& e) override;
  crm::Status SendPage(const crm::PageReply& p) override;
  crm::Status SendFile(const crm::FileReply& f) override;
  // Opens the object like the host (404/503 from the store come back before anything is sent).
  crm::Status SendObject(const crm::ObjectReply& o) override;
  crm::Status Redirect(std::string_view location) override;
  crm::Status BeginStream(std::string_view type) override;
  crm::Status Write(std::string_view chunk) override;
  crm::Status End() override { return crm::Status::Ok(); }
  bool Started() const override { return started; }

  // The value of header `name` as the handler set it, or nullopt.
  std::optional<std::string> HeaderValue(std::string_view name) const;
};

// Every <form ...method="post"...> ... </form> of `html` (lower-case method), for CSRF checks
// of rendered pages.
std::vector<std::string> PostForms(const std::string& html);

// Principals as the host's authenticator would build them.
crm::Principal AdminPrincipal(std::vector<std::string> permissions);
crm::Principal ClientPrincipal(int64_t client_id, std::string language = "en");
// A token holding `scopes`, whose owner holds `permissions` (host-api/http.h: a token's
// Principal carries its owner's current permissions).
crm::Principal TokenPrincipal(std::vector<std::string> scopes,
                              std::vector<std::string> permissions = {});

// crm::HostServices over the clients and timeline tables of a database the test sets up:
// records mails, timeline entries and log lines; translations return the key. A subclass
// gives the database, the data folder and the (fixed) clock.
class FakeHostServices : public crm::HostServices {
 public:
  crm::Status SendMail(const crm::MailMessage& message) override;
  crm::Status AddTimeline(const crm::TimelineEntry& entry) override;
  crm::Result<crm::ClientInfo> FindClient(int64_t client_id) override;
  crm::Status LockClient(crm::SqlExecutor& tx, int64_t client_id) override;
  crm::Result<std::vector<int64_t>> ClientIdsAfter(int64_t after_id, int limit) override;
  std::string Translate(std::string_view, std::string_view key) override {
    return std::string(key);
  }
  void Log(crm::LogLevel level, std::string_view message) override;
  std::string BaseUrl() override { return "http://127.0.0.1:8080"; }
  // Host API 1.5: a fixed zone and offset, set by the test (UTC by default).
  std::string TimeZoneName() override { return time_zone; }
  int32_t UtcOffsetSeconds(int64_t) override { return utc_offset_seconds; }

  // Inserts a client row; returns its id. Throws when the insert fails.
  int64_t AddClient(const std::string& first_name, const std::string& last_name = "");

  std::vector<std::string> logs;
  std::vector<crm::MailMessage> mails;
  std::vector<crm::TimelineEntry> timeline;
  std::string time_zone = "UTC";
  int32_t utc_offset_seconds = 0;

 private:
  std::mutex mutex_;  // handlers may log and add timeline entries from several threads
};

}  // namespace crm_test
