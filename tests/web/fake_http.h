// tests/web/fake_http.h — in-memory crm::Request / crm::Response for page tests: a request built
// from a path, query, form and caller; a response that records what the handler sent.
#pragma once

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/http.h"

namespace host::web::testing {

class FakeRequest : public crm::Request {
 public:
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> form;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> headers;  // lower-case names
  crm::Principal caller;
  std::string remote_address = "127.0.0.1";  // the TCP peer, as the server would give it

  std::string_view Method() const override { return method; }
  std::string_view Path() const override { return path; }
  std::string_view Target() const override { return path; }
  std::optional<std::string> Query(std::string_view name) const override {
    for (const auto& [k, v] : query) if (k == name) return v;
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> QueryAll() const override { return query; }
  std::optional<std::string> Header(std::string_view name) const override {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = headers.find(lower);
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> PathParam(std::string_view name) const override {
    auto it = params.find(std::string(name));
    if (it == params.end()) return std::nullopt;
    return it->second;
  }
  std::optional<uint64_t> ContentLength() const override { return std::nullopt; }
  crm::Result<size_t> ReadBody(char*, size_t) override { return size_t{0}; }
  const std::vector<std::pair<std::string, std::string>>& Form() const override { return form; }
  const crm::Principal& Caller() const override { return caller; }
  std::string_view RemoteAddress() const override { return remote_address; }
};

class FakeResponse : public crm::Response {
 public:
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
  std::optional<crm::PageReply> page;
  std::optional<std::string> redirect;
  bool started = false;
  bool ended = false;

  void SetStatus(int code) override { status = code; }
  void SetHeader(std::string_view name, std::string_view value) override {
    headers.emplace_back(std::string(name), std::string(value));
  }
  std::optional<std::string> HeaderValue(std::string_view name) const {
    for (const auto& [k, v] : headers) if (k == name) return v;
    return std::nullopt;
  }
  crm::Status Send(std::string_view b, std::string_view type) override {
    body = std::string(b);
    content_type = std::string(type);
    started = true;
    return crm::Status::Ok();
  }
  crm::Status SendError(const crm::Status& error) override {
    status = error.http_status();
    body = error.ToString();
    started = true;
    return crm::Status::Ok();
  }
  crm::Status SendPage(const crm::PageReply& p) override {
    page = p;
    status = p.status;
    started = true;
    return crm::Status::Ok();
  }
  crm::Status SendFile(const crm::FileReply&) override {
    started = true;
    return crm::Status::Ok();
  }
  crm::Status Redirect(std::string_view location) override {
    redirect = std::string(location);
    status = 303;
    started = true;
    return crm::Status::Ok();
  }
  crm::Status BeginStream(std::string_view type) override {
    content_type = std::string(type);
    started = true;
    return crm::Status::Ok();
  }
  crm::Status Write(std::string_view chunk) override {
    body += chunk;
    return crm::Status::Ok();
  }
  crm::Status End() override {
    ended = true;
    return crm::Status::Ok();
  }
  bool Started() const override { return started; }
};

// Every <form ...method="post"...> ... </form> of `html` (lower-case method), for CSRF checks.
inline std::vector<std::string> PostForms(const std::string& html) {
  std::vector<std::string> forms;
  size_t at = 0;
  while ((at = html.find("<form", at)) != std::string::npos) {
    size_t end = html.find("</form>", at);
    if (end == std::string::npos) end = html.size();
    std::string form = html.substr(at, end - at);
    size_t tag_end = form.find('>');
    std::string tag = form.substr(0, tag_end);
    if (tag.find("method=\"post\"") != std::string::npos) forms.push_back(form);
    at = end;
  }
  return forms;
}

}  // namespace host::web::testing
