// tests/hooks/openapi_test.cc — plugin/openapi.json against the API routes the module really
// registers: every registered API route is described (path + method) and every described operation
// is registered.
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "plugin/api_routes.h"
#include "tests/hooks/test_host.h"

namespace cd_test {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

using Operation = std::pair<std::string, std::string>;  // METHOD, path

constexpr char kOwner[] = "client-documents";
constexpr char kApiPrefix[] = "/api/v1/plugins/client-documents/";

// plugin/openapi.json of this source tree. The build gives the tree's root (not __FILE__:
// with ccache's base_dir, __FILE__ is relative to the build folder).
fs::path OpenApiPath() { return fs::path(CD_TEST_SOURCE_DIR) / "plugin" / "openapi.json"; }

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The path part of a server URL ("/", "https://x/api" -> "/api", "{scheme}://h/base/" -> "/base"),
// no trailing '/'.
std::string ServerBase(const json::value& doc) {
  std::string base;
  if (const json::value* servers = doc.as_object().if_contains("servers");
      servers && servers->is_array() && !servers->as_array().empty()) {
    std::string url(servers->as_array()[0].at("url").as_string());
    if (size_t scheme = url.find("://"); scheme != std::string::npos) {
      size_t slash = url.find('/', scheme + 3);
      url = slash == std::string::npos ? "" : url.substr(slash);
    }
    base = url;
  } else if (const json::value* bp = doc.as_object().if_contains("basePath");
             bp && bp->is_string()) {
    base = std::string(bp->as_string());  // Swagger 2
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class OpenApiTest : public ModuleTest {
 protected:
  void SetUp() override {
    ModuleTest::SetUp();
    if (HasFatalFailure()) return;
    text_ = ReadText(OpenApiPath());
    ASSERT_FALSE(text_.empty()) << "cannot read " << OpenApiPath();
    boost::system::error_code ec;
    doc_ = json::parse(text_, ec);
    ASSERT_FALSE(ec) << OpenApiPath() << " is not JSON: " << ec.message();
    ASSERT_TRUE(doc_.is_object());
    ASSERT_TRUE(doc_.as_object().contains("paths"));
  }

  // The module's API routes as registered in the host's registry.
  std::set<Operation> RegisteredApi() const {
    std::set<Operation> out;
    for (const auto& r : registry_.routes()) {
      if (r.owner != kOwner) continue;
      if (r.hook.pattern.rfind(kApiPrefix, 0) != 0) continue;
      out.emplace(Upper(r.hook.method), r.hook.pattern);
    }
    return out;
  }

  // The document's operations with their full paths (server base prepended).
  std::set<Operation> Described() const {
    static const std::set<std::string> kMethods = {"get",     "put",  "post",  "delete",
                                                   "options", "head", "patch", "trace"};
    std::set<Operation> out;
    std::string base = ServerBase(doc_);
    for (const auto& [path, item] : doc_.at("paths").as_object()) {
      for (const auto& [method, op] : item.as_object()) {
        if (kMethods.count(std::string(method)))
          out.emplace(Upper(std::string(method)), base + std::string(path));
      }
    }
    return out;
  }

  std::string text_;
  json::value doc_;
};

TEST_F(OpenApiTest, IsAnOpenApi3Document) {
  ASSERT_TRUE(doc_.as_object().contains("openapi"));
  EXPECT_EQ(std::string(doc_.at("openapi").as_string()).rfind("3.", 0), 0u);
  EXPECT_TRUE(doc_.at("info").as_object().contains("title"));
  EXPECT_TRUE(doc_.at("info").as_object().contains("version"));
}

TEST_F(OpenApiTest, TheModuleRegistersApiRoutes) {
  // Guards the two-way checks below against an empty registry (they would pass vacuously).
  std::set<Operation> registered = RegisteredApi();
  EXPECT_GE(registered.size(), 12u);
  EXPECT_TRUE(registered.count(
      {"POST", std::string(kApiPrefix) + "clients/{client_id}/documents/{type_id}"}));
  EXPECT_TRUE(registered.count({"GET", std::string(kApiPrefix) + "openapi.json"}));
}

TEST_F(OpenApiTest, EveryRegisteredApiRouteIsDescribed) {
  std::set<Operation> described = Described();
  for (const Operation& op : RegisteredApi()) {
    EXPECT_TRUE(described.count(op))
        << op.first << " " << op.second << " is registered but not in plugin/openapi.json";
  }
}

TEST_F(OpenApiTest, EveryDescribedOperationIsRegistered) {
  std::set<Operation> registered = RegisteredApi();
  std::set<Operation> described = Described();
  ASSERT_FALSE(described.empty());
  for (const Operation& op : described) {
    EXPECT_TRUE(registered.count(op))
        << op.first << " " << op.second
        << " is in plugin/openapi.json but the module registers no such route";
  }
}

TEST_F(OpenApiTest, PathParametersAreDeclared) {
  for (const auto& [path, item] : doc_.at("paths").as_object()) {
    std::set<std::string> in_path;
    std::string p(path);
    for (size_t open = p.find('{'); open != std::string::npos; open = p.find('{', open + 1)) {
      in_path.insert(p.substr(open + 1, p.find('}', open) - open - 1));
    }
    auto declared_in = [](const json::value* params, std::set<std::string>* names) {
      if (!params || !params->is_array()) return;
      for (const json::value& prm : params->as_array()) {
        const json::object& o = prm.as_object();
        if (o.contains("$ref")) continue;  // resolved below
        if (o.contains("in") && o.at("in").as_string() == "path")
          names->insert(std::string(o.at("name").as_string()));
      }
    };
    // Resolves "#/components/parameters/X" references once.
    auto resolve = [&](const json::value* params, std::set<std::string>* names) {
      if (!params || !params->is_array()) return;
      for (const json::value& prm : params->as_array()) {
        const json::object& o = prm.as_object();
        if (!o.contains("$ref")) continue;
        std::string ref(o.at("$ref").as_string());
        const std::string prefix = "#/components/parameters/";
        ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;
        const json::object& target =
            doc_.at("components").at("parameters").at(ref.substr(prefix.size())).as_object();
        if (target.at("in").as_string() == "path")
          names->insert(std::string(target.at("name").as_string()));
      }
    };
    std::set<std::string> common;
    declared_in(item.as_object().if_contains("parameters"), &common);
    resolve(item.as_object().if_contains("parameters"), &common);
    for (const auto& [method, op] : item.as_object()) {
      if (method == "parameters" || !op.is_object()) continue;
      std::set<std::string> names = common;
      declared_in(op.as_object().if_contains("parameters"), &names);
      resolve(op.as_object().if_contains("parameters"), &names);
      for (const std::string& n : in_path)
        EXPECT_TRUE(names.count(n))
            << std::string(method) << " " << p << ": path parameter {" << n << "} not declared";
      EXPECT_TRUE(op.as_object().contains("responses"))
          << std::string(method) << " " << p << " has no responses";
    }
  }
}

TEST_F(OpenApiTest, TheServedDocumentIsTheRepositoryFile) {
  EXPECT_EQ(cd::OpenApiJson(), text_) << "the embedded openapi.json differs from " << OpenApiPath();
}

}  // namespace
}  // namespace cd_test
