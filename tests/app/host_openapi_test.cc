// tests/app/host_openapi_test.cc — sample-host/app/openapi/openapi.json against the API routes the
// host really registers (RegisterClientApi, RegisterProfileApi, RegisterContractApi,
// RegisterAvatarApi, RegisterCustomActionApi, RegisterSettingsApi), both ways, as
// tests/hooks/openapi_test.cc does for the module; and the served document is that file.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <string>
#include <utility>

#include "sample-host/app/api_routes.h"
#include "sample-host/app/avatar_api.h"
#include "sample-host/app/contract_api.h"
#include "sample-host/app/custom_action_api.h"
#include "sample-host/app/device_store.h"
#include "sample-host/app/newsletter.h"
#include "sample-host/app/profile_api.h"
#include "sample-host/app/settings_api.h"
#include "sample-host/app/timeline_store.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/scoped_object_store.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

namespace json = boost::json;
using Operation = std::pair<std::string, std::string>;  // METHOD, path

// "/api/v1/clients/{client_id}" and "/api/v1/clients/{id}" are the same route.
std::string Shape(std::string path) {
  std::string out;
  bool in_param = false;
  for (char ch : path) {
    if (ch == '{') {
      in_param = true;
      out += "{}";
    } else if (ch == '}') {
      in_param = false;
    } else if (!in_param) {
      out += ch;
    }
  }
  return out;
}

class HostOpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StagingRegistrar staging("host");
    ASSERT_OK(RegisterClientApi(staging, clients_, auth_));
    ASSERT_OK(RegisterProfileApi(staging, {clients_, timeline_, newsletter_, devices_}));
    ASSERT_OK(RegisterContractApi(staging, contracts_));
    ASSERT_OK(RegisterAvatarApi(staging, avatars_));
    ASSERT_OK(RegisterCustomActionApi(staging, actions_));
    ASSERT_OK(RegisterSettingsApi(staging, settings_));  // issue 15.14
    for (const crm::Route& r : staging.Take().routes) {
      if (r.pattern.rfind("/api/v1/", 0) == 0) registered_.insert({r.method, Shape(r.pattern)});
    }
    boost::system::error_code ec;
    doc_ = json::parse(HostOpenApiJson(), ec);
    ASSERT_FALSE(ec) << "the embedded document is not JSON";
    for (const auto& [path, item] : doc_.at("paths").as_object()) {
      for (const auto& [method, operation] : item.as_object()) {
        if (method == "parameters") continue;
        std::string upper(method);
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        described_.insert({upper, Shape(std::string(path))});
        (void)operation;
      }
    }
  }

  testing::TestDb tdb_;
  HookRegistry registry_;
  std::function<int64_t()> now_ = [] { return int64_t{1700000000}; };
  ClientStore clients_{tdb_.db(), registry_, now_};
  TimelineStore timeline_{tdb_.db(), now_};
  NewsletterStore newsletter_{tdb_.db(), now_};
  DeviceStore devices_{tdb_.db(), now_};
  ContractStore contracts_{tdb_.db(), now_};
  FailedObjectStore no_files_{crm::Internal("routes only")};
  AvatarStore avatars_{tdb_.db(), no_files_};
  CustomActions actions_{tdb_.db(), no_files_, now_};
  Auth auth_{tdb_.db(), registry_, now_, [](const crm::MailMessage&) { return crm::Status::Ok(); },
             "http://localhost"};
  HostTimeZone zone_;
  HostSettings settings_{tdb_.db(), zone_, now_};
  std::set<Operation> registered_, described_;
  json::value doc_;
};

TEST_F(HostOpenApiTest, IsAnOpenApi3Document) {
  EXPECT_EQ(std::string(doc_.at("openapi").as_string()).rfind("3.", 0), 0u);
  EXPECT_TRUE(doc_.at("info").at("title").is_string());
  EXPECT_GE(registered_.size(), 22u);
  EXPECT_TRUE(registered_.count({"POST", "/api/v1/contracts/{}/receipts"}));
}

TEST_F(HostOpenApiTest, EveryRegisteredApiRouteIsDescribed) {
  for (const Operation& op : registered_) {
    EXPECT_TRUE(described_.count(op)) << op.first << " " << op.second << " is not in openapi.json";
  }
}

TEST_F(HostOpenApiTest, EveryDescribedOperationIsRegistered) {
  for (const Operation& op : described_) {
    EXPECT_TRUE(registered_.count(op)) << op.first << " " << op.second << " is not a route";
  }
}

}  // namespace
}  // namespace host
