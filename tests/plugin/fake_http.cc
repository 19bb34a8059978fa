// tests/plugin/fake_http.cc — the fakes of fake_http.h: a router that binds {params}, checks
// the audience like the host, and answers a handler's error as the host would (SPEC §5 JSON).
#include "tests/plugin/fake_http.h"

#include <algorithm>
#include <cstring>

#include "plugin/type_json.h"

namespace cd_test {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}
}  // namespace

std::optional<std::string> FakeRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> FakeRequest::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> FakeRequest::PathParam(std::string_view name) const {
  auto it = path_params.find(std::string(name));
  if (it == path_params.end()) return std::nullopt;
  return it->second;
}

crm::Result<size_t> FakeRequest::ReadBody(char* buffer, size_t size) {
  if (body_read >= max_body && body_read < body.size()) return crm::TooLarge("body too large");
  // Small, odd-sized reads, to exercise the streaming code.
  size_t n = std::min({size, body.size() - body_read, size_t{7777}});
  std::memcpy(buffer, body.data() + body_read, n);
  body_read += n;
  return n;
}

crm::Status FakeResponse::Send(std::string_view b, std::string_view type) {
  started = true;
  body = std::string(b);
  content_type = std::string(type);
  return crm::Status::Ok();
}

crm::Status FakeResponse::SendError(const crm::Status& error) {
  status = error.http_status();
  return Send(cd::ErrorJson(error), "application/json; charset=utf-8");
}

crm::Status FakeResponse::SendPage(const crm::PageReply& page) {
  status = page.status;
  return Send(page.body_html, "text/html");
}

crm::Status FakeResponse::SendFile(const crm::FileReply& f) {
  started = true;
  file = f;
  content_type = f.mime;
  headers["X-Content-Type-Options"] = "nosniff";
  return crm::Status::Ok();
}

crm::Status FakeResponse::Redirect(std::string_view location) {
  status = 303;
  headers["Location"] = std::string(location);
  started = true;
  return crm::Status::Ok();
}

crm::Status FakeResponse::BeginStream(std::string_view type) {
  started = true;
  content_type = std::string(type);
  return crm::Status::Ok();
}

crm::Status FakeResponse::Write(std::string_view chunk) {
  body += chunk;
  return crm::Status::Ok();
}

crm::Status FakeRegistrar::AddRoute(crm::Route route) {
  for (const crm::Route& r : routes)
    if (r.method == route.method && r.pattern == route.pattern)
      return crm::Conflict("duplicate route " + route.pattern);
  if (!route.handler) return crm::InvalidArgument("empty handler");
  routes.push_back(std::move(route));
  return crm::Status::Ok();
}

void FakeRegistrar::Call(FakeRequest& request, FakeResponse& response) {
  std::vector<std::string> got = Split(request.path);
  for (const crm::Route& r : routes) {
    if (r.method != request.method) continue;
    std::vector<std::string> want = Split(r.pattern);
    if (want.size() != got.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < want.size() && match; ++i) {
      if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}')
        params[want[i].substr(1, want[i].size() - 2)] = got[i];
      else
        match = want[i] == got[i];
    }
    if (!match) continue;
    request.path_params = params;
    request.max_body = r.max_body;
    crm::Status s;
    const crm::Principal& who = request.caller;
    if (r.audience.kind == crm::Audience::Kind::kApiToken) {
      if (!who.IsToken()) s = crm::Unauthenticated("bearer token required");
      else if (!r.audience.scope.empty() && !who.HasScope(r.audience.scope))
        s = crm::PermissionDenied("scope " + r.audience.scope + " required");
    }
    if (s.ok()) s = r.handler(request, response);
    if (!s.ok() && !response.Started()) (void)response.SendError(s);
    return;
  }
  (void)response.SendError(crm::NotFound("no route"));
}

}  // namespace cd_test
