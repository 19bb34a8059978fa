// tests/plugin/fake_http.cc — the registrar fake of fake_http.h: a router that binds {params},
// checks the audience like the host, and answers a handler's error as the host would (SPEC §5
// JSON).
#include "tests/plugin/fake_http.h"

#include <map>

namespace cd_test {

namespace {
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
      if (!who.IsToken())
        s = crm::Unauthenticated("bearer token required");
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
