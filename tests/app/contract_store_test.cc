// tests/app/contract_store_test.cc — products, contracts, receipts, beneficiaries (SPEC §6
// "Attestations", host side), the contract API with its scopes and the task inbox (host API 1.3).
#include "sample-host/app/contract_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sample-host/app/client_store.h"
#include "sample-host/app/contract_api.h"
#include "sample-host/app/task_store.h"
#include "sample-host/core/hook_registry.h"
#include "tests/app/test_db.h"
#include "tests/support/fake_http.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

class ContractsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Client c;
    c.last_name = "Dupont";
    auto created = clients_.Create(c);
    ASSERT_OK(created);
    client_ = created->id;
    StagingRegistrar staging("host");
    ASSERT_OK(RegisterContractApi(staging, contracts_));
    ASSERT_OK(registry_.Commit(staging.Take()));
  }

  crm_test::FakeResponse Call(const std::string& method, const std::string& path,
                              const std::string& body, const crm::Principal& caller) {
    crm_test::FakeRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.caller = caller;
    crm_test::FakeResponse response;
    auto match = registry_.MatchRoute(method, path);
    EXPECT_TRUE(match.has_value()) << method << " " << path;
    if (!match) return response;
    for (const auto& [k, v] : match->params) request.path_params[k] = v;
    crm::Status s = match->route->hook.handler(request, response);
    if (!s.ok() && !response.Started()) (void)response.SendError(s);
    return response;
  }

  testing::TestDb tdb_;
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  ClientStore clients_{tdb_.db(), registry_, [this] { return now_; }};
  ContractStore contracts_{tdb_.db(), [this] { return now_; }};
  TaskStore tasks_{tdb_.db(), [this] { return now_; }};
  int64_t client_ = 0;
};

TEST(ContractValues, DatesAndAmounts) {
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-02-29"));
  EXPECT_FALSE(IsIsoDate("2024-13-01"));
  EXPECT_FALSE(IsIsoDate("2024-1-01"));
  EXPECT_EQ(ParseReceiptCents("120.00"), 12000);
  EXPECT_EQ(ParseReceiptCents("120.5"), 12050);
  EXPECT_EQ(ParseReceiptCents("7"), 700);
  EXPECT_FALSE(ParseReceiptCents("-1").has_value());
  EXPECT_FALSE(ParseReceiptCents("1.234").has_value());
  EXPECT_FALSE(ParseReceiptCents("1.").has_value());
  EXPECT_EQ(CentsToDecimal(12050), "120.50");
  EXPECT_EQ(CentsToDecimal(5), "0.05");
}

TEST_F(ContractsTest, StoresContractsWithReceiptsAndBeneficiaries) {
  ASSERT_OK(contracts_.CreateProduct("AUTO", "Car"));
  EXPECT_EQ(contracts_.CreateProduct("AUTO", "Again").status().code(), crm::StatusCode::kConflict);
  auto c = contracts_.CreateContract(client_, {"AUTO", "A-1", "active", "2026-01-01", ""});
  ASSERT_OK(c);
  EXPECT_EQ(contracts_.CreateContract(client_, {"AUTO", "A-1", "active", "2026-01-01", ""})
                .status()
                .code(),
            crm::StatusCode::kConflict);
  EXPECT_EQ(contracts_.CreateContract(client_, {"NOPE", "A-2", "active", "2026-01-01", ""})
                .status()
                .code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      contracts_.CreateContract(client_, {"AUTO", "A-3", "active", "2026-01-01", "2025-01-01"})
          .status()
          .code(),
      crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(contracts_.CreateContract(client_ + 99, {"AUTO", "A-4", "active", "2026-01-01", ""})
                .status()
                .code(),
            crm::StatusCode::kNotFound);
  ASSERT_OK(contracts_.AddReceipt(c->id, {0, "2026-01-01", "2026-06-30", 12000, true}));
  ASSERT_OK(contracts_.AddBeneficiary(c->id, {0, "vehicle", "AB-123-CD"}));
  EXPECT_FALSE(contracts_.AddBeneficiary(c->id, {0, "boat", "x"}).ok());
  auto d = contracts_.FindContract(c->id);
  ASSERT_OK(d);
  EXPECT_EQ(d->contract.product_name, "Car");
  ASSERT_EQ(d->receipts.size(), 1u);
  EXPECT_TRUE(d->receipts[0].paid);
  ASSERT_EQ(d->beneficiaries.size(), 1u);
  EXPECT_EQ(d->beneficiaries[0].label, "AB-123-CD");
  auto list = contracts_.ClientContracts(client_);
  ASSERT_OK(list);
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(ContractsTest, ApiNeedsScopeAndPermissionAndAnswersSpecShapes) {
  auto writer = crm_test::TokenPrincipal({"clients:write"}, {"clients.read", "clients.write"});
  auto reader_only = crm_test::TokenPrincipal({"clients:write"}, {"clients.read"});
  EXPECT_EQ(
      Call("POST", "/api/v1/products", R"({"code":"HOME","name":"Home"})", reader_only).status,
      403);
  EXPECT_EQ(Call("POST", "/api/v1/products", R"({"code":"HOME","name":"Home"})", writer).status,
            201);
  std::string base = "/api/v1/clients/" + std::to_string(client_) + "/contracts";
  auto created = Call(
      "POST", base,
      R"({"product":"HOME","number":"H-1","status":"active","start_on":"2026-01-01"})", writer);
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = boost::json::parse(created.body).as_object();
  EXPECT_EQ(o["status"].as_string(), "active");
  EXPECT_TRUE(o["end_on"].is_null());
  std::string id = std::to_string(o["id"].as_int64());
  EXPECT_EQ(
      Call("POST", base,
           R"({"product":"HOME","number":"H-2","status":"old","start_on":"2026-01-01"})", writer)
          .status,
      400);
  auto receipt = Call(
      "POST", "/api/v1/contracts/" + id + "/receipts",
      R"({"period_start":"2026-01-01","period_end":"2026-12-31","amount":"310.50","paid":true})",
      writer);
  ASSERT_EQ(receipt.status, 201) << receipt.body;
  EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id + "/beneficiaries",
                 R"({"kind":"building","label":"12 rue des Lilas"})", writer)
                .status,
            201);
  auto reader = crm_test::TokenPrincipal({"clients:read"}, {"clients.read"});
  auto got = Call("GET", "/api/v1/contracts/" + id, "", reader);
  ASSERT_EQ(got.status, 200);
  auto g = boost::json::parse(got.body).as_object();
  EXPECT_EQ(g["receipts"].as_array().at(0).as_object()["amount"].as_string(), "310.50");
  EXPECT_EQ(g["beneficiaries"].as_array().at(0).as_object()["kind"].as_string(), "building");
  EXPECT_EQ(Call("GET", "/api/v1/contracts/999999", "", reader).status, 404);
  auto list = Call("GET", base, "", reader);
  EXPECT_EQ(boost::json::parse(list.body).as_object()["items"].as_array().size(), 1u);
}

TEST_F(ContractsTest, TaskInboxCreatesListsAndClosesPerOwner) {
  auto inbox = tasks_.InboxFor("client-documents");
  EXPECT_FALSE(inbox->CreateTask({"documents.write", "", "/x", 0}).ok());
  EXPECT_FALSE(inbox->CreateTask({"documents.write", "T", "https://evil.test/", 0}).ok());
  EXPECT_FALSE(inbox->CreateTask({"documents.write", "T", "//evil.test/", 0}).ok());
  auto id = inbox->CreateTask({"documents.write", "Validate attestation", "/admin/x", client_});
  ASSERT_OK(id);
  auto open = tasks_.List(false);
  ASSERT_OK(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].owner, "client-documents");
  EXPECT_EQ((*open)[0].client_id, client_);
  // Another plugin cannot close it.
  EXPECT_EQ(tasks_.InboxFor("other")->CloseTask(*id, "x").code(), crm::StatusCode::kNotFound);
  ASSERT_OK(inbox->CloseTask(*id, "admin:Boss"));
  EXPECT_TRUE(tasks_.List(false)->empty());
  auto all = tasks_.List(true);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].state, "closed");
  EXPECT_EQ((*all)[0].closed_by, "admin:Boss");
}

}  // namespace
}  // namespace host
