// tests/app/api_routes_test.cc — the host's client API routes through the registry with a fake
// request: a token acts only within its scope AND its owner's current permission (issue 15.2).
#include "sample-host/app/api_routes.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sample-host/core/hook_registry.h"
#include "tests/app/test_db.h"
#include "tests/support/fake_http.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

class ApiRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StagingRegistrar staging("host");
    ASSERT_OK(RegisterClientApi(staging, clients_, auth_));
    ASSERT_OK(registry_.Commit(staging.Take()));
  }

  // Runs the route `method path` as the host would after its audience check passed.
  crm_test::FakeResponse Call(const std::string& method, const std::string& path,
                              const crm::Principal& caller,
                              std::vector<std::pair<std::string, std::string>> query = {}) {
    crm_test::FakeRequest request;
    request.method = method;
    request.path = path;
    request.caller = caller;
    request.query = std::move(query);
    crm_test::FakeResponse response;
    auto match = registry_.MatchRoute(method, path);
    EXPECT_TRUE(match.has_value()) << method << " " << path;
    if (!match) return response;
    for (const auto& [k, v] : match->params) request.path_params[k] = v;
    crm::Status s = match->route->hook.handler(request, response);
    if (!s.ok() && !response.Started()) (void)response.SendError(s);
    return response;
  }

  int64_t AddClient() {
    Client c;
    c.first_name = "Marie";
    c.last_name = "Dupont";
    auto created = clients_.Create(c);
    EXPECT_OK(created);
    return created.ok() ? created->id : 0;
  }

  testing::TestDb tdb_;
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  ClientStore clients_{tdb_.db(), registry_, [this] { return now_; }};
  Auth auth_{tdb_.db(), registry_, [this] { return now_; }, nullptr, "http://crm.test"};
};

// The admin pages delete a client with clients.delete; the API's scope is clients:write. A
// token of an admin who may write but not delete clients must not delete them either.
TEST_F(ApiRoutesTest, DeletingNeedsTheOwnersDeletePermission) {
  int64_t id = AddClient();
  std::string path = "/api/v1/clients/" + std::to_string(id);
  auto writer = crm_test::TokenPrincipal({"clients:read", "clients:write"},
                                         {"clients.read", "clients.write"});
  EXPECT_EQ(Call("DELETE", path, writer).status, 403);
  EXPECT_OK(clients_.Get(id).status());

  auto deleter = crm_test::TokenPrincipal({"clients:write"}, {"clients.write", "clients.delete"});
  EXPECT_EQ(Call("DELETE", path, deleter).status, 204);
  EXPECT_EQ(clients_.Get(id).status().code(), crm::StatusCode::kNotFound);
}

// CSV export and import are clients.import_export on the pages.
TEST_F(ApiRoutesTest, CsvNeedsTheOwnersImportExportPermission) {
  AddClient();
  auto reader = crm_test::TokenPrincipal({"clients:read", "clients:write"},
                                         {"clients.read", "clients.write"});
  EXPECT_EQ(Call("GET", "/api/v1/clients/export.csv", reader).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/clients/import", reader).status, 403);
  auto csv = crm_test::TokenPrincipal({"clients:read"}, {"clients.read", "clients.import_export"});
  auto exported = Call("GET", "/api/v1/clients/export.csv", csv);
  EXPECT_EQ(exported.status, 200);
  EXPECT_NE(exported.body.find("Marie"), std::string::npos);
}

// Reading and writing need the matching permission too, whatever the scope says.
TEST_F(ApiRoutesTest, EveryRouteChecksThePermissionOfItsPage) {
  int64_t id = AddClient();
  std::string path = "/api/v1/clients/" + std::to_string(id);
  auto no_permission = crm_test::TokenPrincipal({"clients:read", "clients:write"}, {});
  EXPECT_EQ(Call("GET", "/api/v1/clients", no_permission).status, 403);
  EXPECT_EQ(Call("GET", path, no_permission).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/clients", no_permission).status, 403);
  EXPECT_EQ(Call("PATCH", path, no_permission).status, 403);
  auto reader = crm_test::TokenPrincipal({"clients:read"}, {"clients.read"});
  EXPECT_EQ(Call("GET", "/api/v1/clients", reader).status, 200);
  EXPECT_EQ(Call("GET", path, reader).status, 200);
}

}  // namespace
}  // namespace host

namespace host {
namespace {

// Issue 10: the list answer carries "next" (and "prev" past page 1); a cursor that is not one
// is 400 with SPEC §5's JSON error, never a 500.
TEST_F(ApiRoutesTest, TheListGivesCursorsAndRefusesForgedOnes) {
  for (int i = 0; i < 3; ++i) AddClient();
  auto reader = crm_test::TokenPrincipal({"clients:read"}, {"clients.read"});
  auto list = [&](std::vector<std::pair<std::string, std::string>> query) {
    return Call("GET", "/api/v1/clients", reader, std::move(query));
  };
  auto first = list({{"per_page", "2"}});
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string marker = "\"next\":\"";
  size_t at = first.body.find(marker);
  ASSERT_NE(at, std::string::npos) << first.body;
  EXPECT_EQ(first.body.find("\"prev\""), std::string::npos) << first.body;
  std::string next = first.body.substr(at + marker.size());
  next.resize(next.find('"'));
  auto second = list({{"per_page", "2"}, {"after", next}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_NE(second.body.find("\"page\":2"), std::string::npos) << second.body;
  EXPECT_NE(second.body.find("\"prev\""), std::string::npos) << second.body;
  EXPECT_EQ(second.body.find("\"next\""), std::string::npos) << second.body;
  for (const auto& bad : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"after", "%%%"}}, {{"before", "e30"}}, {{"after", next}, {"sort", "-last_name"}}}) {
    auto refused = list(bad);
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(refused.body.find("\"error\""), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("invalid_argument"), std::string::npos) << refused.body;
  }
}

}  // namespace
}  // namespace host
