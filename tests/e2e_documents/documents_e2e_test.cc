// tests/e2e_documents/documents_e2e_test.cc — the Client Documents module inside the real
// sample-host binary over HTTP: SPEC CD1, CD5-CD12 and §5 (types, uploads, downloads, reserved
// area, gate, list, cleanup).
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using crm_test::Bearer;
using crm_test::CsrfFrom;
using crm_test::ErrorCode;
using crm_test::FilesUnder;
using crm_test::Headers;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;
using crm_test::kPng;
using crm_test::MultipartBuilder;
using crm_test::Pdf;
using crm_test::ReadFile;
using crm_test::Sha256Hex;
using crm_test::UrlEncode;

constexpr char kBinary[] = CD_E2E_SAMPLE_HOST;
constexpr char kPluginDir[] = CD_E2E_PLUGIN_DIR;
constexpr char kOpenApiPath[] = CD_E2E_OPENAPI;
constexpr char kAdminEmail[] = "boss@docs-e2e.test";
constexpr char kAdminPassword[] = "docs-e2e-password-42";
constexpr char kClientPassword[] = "client-password-4242";
constexpr char kApi[] = "/api/v1/plugins/client-documents";

// The bucket of a site started with --store, and the module's objects in it (e2e_helpers.h).
using crm_test::BucketOf;
using crm_test::ObjectsIn;
constexpr const char* kObjectPrefix = crm_test::kModuleObjectPrefix;

// One host per test: its own data folder, an admin with every permission, tokens of several scopes.
class DocsE2e : public crm_test::E2eSiteTest {
 protected:
  DocsE2e() : E2eSiteTest({kBinary, kPluginDir, "cd-e2e", kAdminEmail, kAdminPassword}) {}

  void BeforeStart() override {
    read_ = Token("--scope clients:read --scope documents:read");
    // Everything but settings:write.
    no_settings_ = Token(
        "--scope clients:read --scope clients:write --scope documents:read --scope "
        "documents:write");
  }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eSiteTest::SetUp());
    // The module must really be loaded: its public route answers.
    HttpResponse probe = api_->Get(std::string(kApi) + "/openapi.json");
    ASSERT_EQ(probe.status, 200) << "client-documents is not loaded:\n" << host_->Output();
  }

  int64_t CreateClient(const std::string& first, const std::string& email,
                       const std::string& language = "en") {
    json::object body{
        {"first_name", first}, {"last_name", "E2e"}, {"email", email}, {"language", language}};
    HttpResponse r = api_->Post("/api/v1/clients", JsonHeaders(full_), json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return 0;
    return Json(r).at("id").as_int64();
  }

  // POST types; returns the created JSON (object) or null on a failed expectation.
  json::value CreateType(const json::object& body) {
    HttpResponse r =
        api_->Post(std::string(kApi) + "/types", JsonHeaders(full_), json::serialize(body));
    EXPECT_EQ(r.status, 201) << json::serialize(body) << " -> " << r.body;
    if (r.status != 201) return nullptr;
    return Json(r);
  }
  int64_t CreateTypeId(const json::object& body) {
    json::value v = CreateType(body);
    return v.is_object() ? v.at("id").as_int64() : 0;
  }

  std::string DocPath(int64_t client, int64_t type) {
    return std::string(kApi) + "/clients/" + std::to_string(client) + "/documents/" +
           std::to_string(type);
  }

  HttpResponse Upload(int64_t client, int64_t type, const std::string& filename,
                      const std::string& content_type, const std::string& bytes,
                      const std::map<std::string, std::string>& fields = {},
                      const std::string& token = "") {
    MultipartBuilder mb;
    for (const auto& [k, v] : fields) mb.AddField(k, v);
    mb.AddFile("file", filename, content_type, bytes);
    return api_->Post(DocPath(client, type),
                      Bearer(token.empty() ? full_ : token, {{"Content-Type", mb.ContentType()}}),
                      mb.Build());
  }

  // A browser-like admin session (cookie jar) logged in through the form; sets *csrf.
  std::unique_ptr<HttpClient> AdminSession(std::string* csrf) {
    auto b = std::make_unique<HttpClient>(host_->port(), HttpClient::Options{true, 60});
    HttpResponse login =
        b->Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                "email=" + UrlEncode(kAdminEmail) + "&password=" + kAdminPassword);
    EXPECT_EQ(login.status, 303) << login.body.substr(0, 300);
    HttpResponse list = b->Get("/admin/clients");
    EXPECT_EQ(list.status, 200);
    *csrf = CsrfFrom(list.body);
    EXPECT_EQ(csrf->size(), 64u) << "no CSRF token on /admin/clients";
    return b;
  }

  // Enables the reserved-area login of a client with kClientPassword, through the admin pages.
  void EnableLogin(int64_t client_id) {
    std::string csrf;
    auto admin = AdminSession(&csrf);
    std::string base = "/admin/clients/" + std::to_string(client_id);
    HttpResponse on =
        admin->Post(base + "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                    "enabled=1&_csrf=" + csrf);
    EXPECT_EQ(on.status, 303) << on.body.substr(0, 300);
    HttpResponse pw = admin->Post(
        base + "/password", {{"Content-Type", "application/x-www-form-urlencoded"}},
        std::string("mode=set&confirm_email=1&password=") + kClientPassword + "&_csrf=" + csrf);
    EXPECT_EQ(pw.status, 303) << pw.body.substr(0, 300);
  }

  // A logged-in client session; sets *csrf from the "My documents" page.
  std::unique_ptr<HttpClient> ClientSession(const std::string& email, std::string* csrf) {
    auto b = std::make_unique<HttpClient>(host_->port(), HttpClient::Options{true, 60});
    HttpResponse login =
        b->Post("/account/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                "email=" + UrlEncode(email) + "&password=" + kClientPassword);
    EXPECT_EQ(login.status, 303) << login.body.substr(0, 300);
    HttpResponse page = b->Get("/account/documents");
    EXPECT_EQ(page.status, 200) << page.body.substr(0, 300);
    *csrf = CsrfFrom(page.body);
    EXPECT_EQ(csrf->size(), 64u) << "no CSRF token on /account/documents";
    return b;
  }

  json::value GetDoc(int64_t client, int64_t type) {
    HttpResponse r = api_->Get(DocPath(client, type), Bearer(read_));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }

  fs::path PluginData() const { return site_.data() / "plugins" / "client-documents"; }

  // What the module stored, by relative name: the files of its folder (tmp/, and files/ on the
  // local store) and, with CRM_E2E_S3_URL, the objects of its prefix in the site's bucket.
  // The module's stored and temp files (not the PDF worker's profile, attestations-tmp/).
  std::set<std::string> Stored() const {
    std::set<std::string> out = FilesUnder(PluginData());
    std::erase_if(out, [](const std::string& p) { return p.rfind("attestations-tmp/", 0) == 0; });
    if (auto b = BucketOf(site_.store_url())) {
      for (const std::string& p : out)
        EXPECT_NE(p.rfind("files/", 0), 0u) << "a file on the local disk with --store: " << p;
      out.merge(ObjectsIn(*b));
    }
    return out;
  }
  // The content of one of Stored().
  std::string ReadStored(const std::string& p) const {
    auto b = BucketOf(site_.store_url());
    if (!b || p.rfind("files/", 0) != 0) return ReadFile(PluginData() / p);
    HttpClient c(b->port);
    HttpResponse r = c.Get("/" + b->name + "/" + kObjectPrefix + p);
    EXPECT_EQ(r.status, 200) << p;
    return r.body;
  }

  std::string read_, no_settings_;
};

// ---- CD1 / §5: document types ------------------------------------------------------------

TEST_F(DocsE2e, TypesCrudWithCommaSeparatedFieldsAndErrors) {
  json::value created = CreateType({{"name", "Identity card"},
                                    {"upload_mode", "required"},
                                    {"fields", "Date of issue, Place of issue"},
                                    {"accept", json::array{"application/pdf", "image/png"}},
                                    {"max_size", 1048576},
                                    {"max_files", 2}});
  ASSERT_TRUE(created.is_object());
  int64_t id = created.at("id").as_int64();
  EXPECT_EQ(created.at("name").as_string(), "Identity card");
  EXPECT_EQ(created.at("upload_mode").as_string(), "required");
  EXPECT_EQ(created.at("max_size").as_int64(), 1048576);
  EXPECT_EQ(created.at("max_files").as_int64(), 2);
  EXPECT_TRUE(created.at("active").as_bool());
  EXPECT_TRUE(created.at("help").is_string());
  const json::array& fields = created.at("fields").as_array();
  ASSERT_EQ(fields.size(), 2u) << json::serialize(created);
  EXPECT_EQ(fields[0].at("label").as_string(), "Date of issue");
  EXPECT_EQ(fields[1].at("label").as_string(), "Place of issue");
  for (const auto& f : fields) {
    std::string key(f.at("key").as_string());
    EXPECT_TRUE(std::regex_match(key, std::regex("[a-z0-9_]+"))) << "key not slugified: " << key;
    EXPECT_EQ(f.at("type").as_string(), "text");
    EXPECT_FALSE(f.at("required").as_bool());
  }
  EXPECT_EQ(fields[0].at("key").as_string(), "date_of_issue");
  EXPECT_EQ(fields[1].at("key").as_string(), "place_of_issue");

  // The default accept list (CD1) when none is given.
  json::value deflt = CreateType({{"name", "Proof of address"}, {"upload_mode", "optional"}});
  ASSERT_TRUE(deflt.is_object());
  std::set<std::string> accept;
  for (const auto& m : deflt.at("accept").as_array()) accept.insert(std::string(m.as_string()));
  for (const char* m : {"application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic"})
    EXPECT_TRUE(accept.count(m)) << m << " missing from the default accept list";

  std::string path = std::string(kApi) + "/types/" + std::to_string(id);
  HttpResponse got = api_->Get(path, Bearer(read_));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json(got).at("fields").as_array().size(), 2u);

  HttpResponse list = api_->Get(std::string(kApi) + "/types", Bearer(read_));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json(list).at("items").as_array().size(), 2u);

  HttpResponse patched =
      api_->Patch(path, JsonHeaders(full_), R"({"upload_mode":"admin_only","help":"Both sides"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("upload_mode").as_string(), "admin_only");
  EXPECT_EQ(Json(patched).at("help").as_string(), "Both sides");
  EXPECT_EQ(Json(patched).at("name").as_string(), "Identity card")
      << "PATCH must keep untouched members";
  EXPECT_EQ(Json(patched).at("fields").as_array().size(), 2u)
      << "PATCH must keep untouched members";

  // Invalid input: 422 (or 400 for a malformed body) with the JSON error shape.
  struct Bad {
    const char* body;
    int status;
  };
  for (const Bad& bad :
       {Bad{R"({"name":"X","upload_mode":"sometimes"})", 422},
        Bad{R"({"name":"","upload_mode":"optional"})", 422},
        Bad{R"({"upload_mode":"optional"})", 422}, Bad{R"({"name":"X","max_size":-5})", 422},
        Bad{R"({"name":"X","max_files":0})", 422},
        Bad{R"({"name":"X","accept":["not a mime type"]})", 422},
        Bad{R"({"name":"X","fields":[{"label":"A","type":"colour"}]})", 422}}) {
    HttpResponse r = api_->Post(std::string(kApi) + "/types", JsonHeaders(full_), bad.body);
    EXPECT_EQ(r.status, bad.status) << bad.body << " -> " << r.body;
    EXPECT_FALSE(ErrorCode(r).empty()) << bad.body;
  }
  HttpResponse not_json = api_->Post(std::string(kApi) + "/types", JsonHeaders(full_), "{nope");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_FALSE(ErrorCode(not_json).empty());
  HttpResponse bad_patch = api_->Patch(path, JsonHeaders(full_), R"({"upload_mode":"never"})");
  EXPECT_EQ(bad_patch.status, 422) << bad_patch.body;
  EXPECT_EQ(Json(api_->Get(path, Bearer(read_))).at("upload_mode").as_string(), "admin_only")
      << "a refused PATCH changed the type";

  // Auth: 401 without / with a bad token, 403 without settings:write.
  HttpResponse anon = api_->Post(std::string(kApi) + "/types",
                                 {{"Content-Type", "application/json"}}, R"({"name":"A"})");
  EXPECT_EQ(anon.status, 401);
  EXPECT_EQ(ErrorCode(anon), "unauthenticated");
  EXPECT_EQ(api_->Get(std::string(kApi) + "/types").status, 401);
  EXPECT_EQ(api_->Get(std::string(kApi) + "/types", Bearer("crm_" + std::string(64, '0'))).status,
            401);
  for (const std::string& token : {read_, no_settings_}) {
    HttpResponse f1 =
        api_->Post(std::string(kApi) + "/types", JsonHeaders(token), R"({"name":"A"})");
    EXPECT_EQ(f1.status, 403) << f1.body;
    EXPECT_FALSE(ErrorCode(f1).empty());
    EXPECT_EQ(api_->Patch(path, JsonHeaders(token), R"({"name":"B"})").status, 403);
    EXPECT_EQ(api_->Delete(path, Bearer(token)).status, 403);
    EXPECT_EQ(
        api_->Put(std::string(kApi) + "/settings", JsonHeaders(token), R"({"mandatory_gate":true})")
            .status,
        403);
  }
  EXPECT_EQ(Json(api_->Get(path, Bearer(read_))).at("name").as_string(), "Identity card");

  EXPECT_EQ(api_->Get(std::string(kApi) + "/types/999999", Bearer(read_)).status, 404);
  EXPECT_EQ(api_->Get(std::string(kApi) + "/types/abc", Bearer(read_)).status, 404);

  // DELETE: 204 then 404; 409 while a document of the type exists.
  HttpResponse del = api_->Delete(
      std::string(kApi) + "/types/" + std::to_string(deflt.at("id").as_int64()), Bearer(full_));
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(api_->Get(std::string(kApi) + "/types/" + std::to_string(deflt.at("id").as_int64()),
                      Bearer(read_))
                .status,
            404);
  int64_t client = CreateClient("Ann", "ann@docs-e2e.test");
  ASSERT_EQ(Upload(client, id, "id.pdf", "application/pdf", Pdf("a")).status, 201);
  HttpResponse busy = api_->Delete(path, Bearer(full_));
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_FALSE(ErrorCode(busy).empty());
  EXPECT_EQ(api_->Get(path, Bearer(read_)).status, 200);
}

TEST_F(DocsE2e, SettingsGetAndPut) {
  HttpResponse got = api_->Get(std::string(kApi) + "/settings", Bearer(read_));
  ASSERT_EQ(got.status, 200) << got.body;
  HttpResponse put =
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(full_),
                R"({"mandatory_gate":true,"intro_markdown":"**Hello** <script>x</script>"})");
  ASSERT_EQ(put.status, 200) << put.body;
  HttpResponse again = api_->Get(std::string(kApi) + "/settings", Bearer(read_));
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(Json(again).at("mandatory_gate").as_bool()) << again.body;
  HttpResponse bad =
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(full_), R"({"mandatory_gate":"yes"})");
  EXPECT_TRUE(bad.status == 400 || bad.status == 422) << bad.status << " " << bad.body;
  EXPECT_FALSE(ErrorCode(bad).empty());
  EXPECT_EQ(api_->Put(std::string(kApi) + "/settings", {{"Content-Type", "application/json"}}, "{}")
                .status,
            401);
}

// ---- CD5 / CD10 / CD12: uploads over the API -------------------------------------------

TEST_F(DocsE2e, UploadShapeHashSniffingValidationAndReplace) {
  int64_t client = CreateClient("Bob", "bob@docs-e2e.test");
  int64_t type = CreateTypeId(
      {{"name", "Passport"},
       {"upload_mode", "required"},
       {"fields",
        json::array{json::object{{"label", "Expiry"}, {"type", "date"}, {"required", true}},
                    json::object{{"label", "Number"}, {"type", "number"}}}},
       {"accept", json::array{"application/pdf", "image/png"}},
       {"max_size", 65536}});
  ASSERT_GT(type, 0);

  // Missing before any upload.
  json::value missing = GetDoc(client, type);
  EXPECT_EQ(missing.at("status").as_string(), "missing");
  EXPECT_TRUE(missing.at("files").as_array().empty());

  std::string pdf = Pdf("first");
  HttpResponse up = Upload(client, type, "passport.pdf", "application/pdf", pdf,
                           {{"expiry", "2030-01-31"}, {"number", "42"}});
  ASSERT_EQ(up.status, 201) << up.body;
  json::value doc = Json(up);
  for (const char* k : {"type_id", "type_name", "upload_mode", "status", "uploaded_at",
                        "uploaded_by", "fields", "files"})
    EXPECT_TRUE(doc.as_object().contains(k)) << "missing " << k << " in " << up.body;
  EXPECT_EQ(doc.at("type_id").as_int64(), type);
  EXPECT_EQ(doc.at("type_name").as_string(), "Passport");
  EXPECT_EQ(doc.at("upload_mode").as_string(), "required");
  EXPECT_EQ(doc.at("status").as_string(), "uploaded");
  EXPECT_TRUE(std::regex_match(std::string(doc.at("uploaded_at").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << doc.at("uploaded_at");
  EXPECT_FALSE(doc.at("uploaded_by").as_string().empty());
  EXPECT_EQ(doc.at("fields").at("expiry").as_string(), "2030-01-31");
  EXPECT_EQ(doc.at("fields").at("number").as_string(), "42");
  ASSERT_EQ(doc.at("files").as_array().size(), 1u);
  const json::value& f = doc.at("files").as_array()[0];
  for (const char* k : {"id", "name", "size", "mime", "sha256", "url"})
    EXPECT_TRUE(f.as_object().contains(k)) << "missing files[0]." << k;
  EXPECT_EQ(f.at("name").as_string(), "passport.pdf");
  EXPECT_EQ(f.at("size").as_int64(), static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(f.at("mime").as_string(), "application/pdf");
  EXPECT_EQ(f.at("sha256").as_string(), Sha256Hex(pdf));
  std::string url(f.at("url").as_string());
  HttpResponse via_url = api_->Get(url, Bearer(read_));
  EXPECT_EQ(via_url.status, 200) << "files[0].url " << url << " does not download";
  EXPECT_EQ(via_url.body, pdf);

  // Listed among the client's documents.
  HttpResponse list = api_->Get(
      std::string(kApi) + "/clients/" + std::to_string(client) + "/documents", Bearer(read_));
  ASSERT_EQ(list.status, 200);
  bool listed = false;
  json::value listed_json =
      Json(list);  // named: a range-for over a temporary's member would dangle
  for (const auto& item : listed_json.at("items").as_array())
    if (item.at("type_id").as_int64() == type) listed = item.at("status").as_string() == "uploaded";
  EXPECT_TRUE(listed) << list.body;

  // The client's name and Content-Type are not trusted: libmagic decides.
  std::string elf = ReadFile("/bin/true");
  ASSERT_GT(elf.size(), 1000u);
  HttpResponse exe = Upload(client, type, "x.pdf", "application/pdf", elf.substr(0, 60000),
                            {{"expiry", "2030-01-31"}});
  EXPECT_EQ(exe.status, 415) << exe.body;
  EXPECT_FALSE(ErrorCode(exe).empty());
  HttpResponse html = Upload(client, type, "x.png", "image/png",
                             "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n",
                             {{"expiry", "2030-01-31"}});
  EXPECT_EQ(html.status, 415) << html.body;
  EXPECT_FALSE(ErrorCode(html).empty());

  // 422: required field missing, bad date, bad number, unknown field, no file.
  for (const auto& fields : std::vector<std::map<std::string, std::string>>{
           {},
           {{"expiry", "31/01/2030"}},
           {{"expiry", "2030-02-30"}},
           {{"expiry", "2030-01-31"}, {"number", "abc"}},
           {{"expiry", "2030-01-31"}, {"nope", "1"}}}) {
    HttpResponse r = Upload(client, type, "p.pdf", "application/pdf", Pdf("bad"), fields);
    EXPECT_EQ(r.status, 422) << json::serialize(json::value_from(fields)) << " -> " << r.body;
    EXPECT_FALSE(ErrorCode(r).empty());
  }
  MultipartBuilder only_fields;
  only_fields.AddField("expiry", "2030-01-31");
  HttpResponse no_file =
      api_->Post(DocPath(client, type),
                 Bearer(full_, {{"Content-Type", only_fields.ContentType()}}), only_fields.Build());
  EXPECT_EQ(no_file.status, 422) << no_file.body;
  HttpResponse not_multipart = api_->Post(DocPath(client, type), JsonHeaders(full_), "{}");
  EXPECT_EQ(not_multipart.status, 415) << not_multipart.body;
  // No refused upload leaves a temp file or a blob behind (only the first PDF's blob exists).
  std::set<std::string> stored = Stored();
  for (const std::string& p : stored)
    EXPECT_EQ(p.rfind("tmp/", 0), std::string::npos) << "temp file left: " << p;
  size_t blobs = 0;
  for (const std::string& p : stored) blobs += p.size() > 4 && p.substr(p.size() - 4) == ".bin";
  EXPECT_EQ(blobs, 1u) << "refused uploads left blobs";
  // Nothing above changed the document.
  EXPECT_EQ(GetDoc(client, type).at("files").as_array()[0].at("sha256").as_string(),
            Sha256Hex(pdf));

  // Auth on uploads.
  MultipartBuilder mb;
  mb.AddField("expiry", "2030-01-31").AddFile("file", "a.pdf", "application/pdf", Pdf("anon"));
  EXPECT_EQ(
      api_->Post(DocPath(client, type), {{"Content-Type", mb.ContentType()}}, mb.Build()).status,
      401);
  EXPECT_EQ(api_->Post(DocPath(client, type), Bearer(read_, {{"Content-Type", mb.ContentType()}}),
                       mb.Build())
                .status,
            403);
  EXPECT_EQ(api_->Get(DocPath(client, type)).status, 401);
  // Unknown client / type.
  EXPECT_EQ(
      Upload(999999, type, "a.pdf", "application/pdf", Pdf("x"), {{"expiry", "2030-01-31"}}).status,
      404);
  EXPECT_EQ(Upload(client, 999999, "a.pdf", "application/pdf", Pdf("x"), {{"expiry", "2030-01-31"}})
                .status,
            404);

  // Replace: 200, new file current, the old one in the archive.
  std::string png_bytes = kPng;
  HttpResponse rep = Upload(client, type, "scan.png", "application/octet-stream", png_bytes,
                            {{"expiry", "2031-06-30"}});
  ASSERT_EQ(rep.status, 200) << rep.body;
  json::value now = Json(rep);
  EXPECT_EQ(now.at("files").as_array()[0].at("sha256").as_string(), Sha256Hex(png_bytes));
  EXPECT_EQ(now.at("files").as_array()[0].at("mime").as_string(), "image/png");
  EXPECT_EQ(now.at("fields").at("expiry").as_string(), "2031-06-30");
  HttpResponse versions = api_->Get(DocPath(client, type) + "/versions", Bearer(read_));
  ASSERT_EQ(versions.status, 200) << versions.body;
  std::string archived = versions.body;
  EXPECT_NE(archived.find(Sha256Hex(pdf)), std::string::npos)
      << "the replaced PDF is not in the archive: " << archived;
  EXPECT_NE(archived.find("replaced"), std::string::npos) << archived;
  // Staff download the archived file itself, byte for byte (admin pages).
  int64_t old_file_id = f.at("id").as_int64();
  std::string csrf;
  auto admin = AdminSession(&csrf);
  HttpResponse old =
      admin->Get("/admin/plugins/client-documents/clients/" + std::to_string(client) +
                 "/archive/files/" + std::to_string(old_file_id));
  EXPECT_EQ(old.status, 200);
  EXPECT_EQ(old.body, pdf);
  EXPECT_EQ(old.Header("X-Content-Type-Options").value_or(""), "nosniff");
  // The current-file route does not serve archived files.
  EXPECT_EQ(api_->Get(DocPath(client, type) + "/file?file_id=" + std::to_string(old_file_id),
                      Bearer(read_))
                .status,
            404);

  // Delete over the API: 204, then missing; the deleted one is archived too.
  HttpResponse del = api_->Delete(DocPath(client, type), Bearer(full_));
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(GetDoc(client, type).at("status").as_string(), "missing");
  EXPECT_EQ(api_->Delete(DocPath(client, type), Bearer(full_)).status, 404);
  HttpResponse v2 = api_->Get(DocPath(client, type) + "/versions", Bearer(read_));
  EXPECT_NE(v2.body.find(Sha256Hex(png_bytes)), std::string::npos) << v2.body;
  EXPECT_NE(v2.body.find("deleted"), std::string::npos) << v2.body;
}

TEST_F(DocsE2e, BodiesOverTheTypeLimitAre413WithLengthAndChunked) {
  int64_t client = CreateClient("Cleo", "cleo@docs-e2e.test");
  int64_t type = CreateTypeId({{"name", "Small"},
                               {"upload_mode", "optional"},
                               {"max_size", 10000},
                               {"accept", json::array{"application/pdf"}}});
  ASSERT_GT(type, 0);
  // A PDF a bit over the limit (sniffs as PDF so the size rule is what refuses it).
  std::string big = Pdf("big") + std::string(20000, ' ');
  HttpResponse r1 = Upload(client, type, "big.pdf", "application/pdf", big);
  EXPECT_EQ(r1.status, 413) << r1.body;
  EXPECT_FALSE(ErrorCode(r1).empty());

  // A declared Content-Length far over the type's limit: refused before the body is read.
  MultipartBuilder head;
  std::string ct = head.ContentType();
  HttpClient c1(host_->port());
  HttpResponse r2 =
      c1.StreamUpload("POST", DocPath(client, type), Bearer(full_), ct, 50ull << 20, 7, false);
  EXPECT_EQ(r2.status, 413) << r2.error << " " << r2.body;

  // Chunked: no length to check, the pipeline must stop at the limit.
  MultipartBuilder mb;
  mb.AddFile("file", "big.pdf", "application/pdf", big);
  std::string body = mb.Build();
  HttpClient c2(host_->port());
  std::string raw = "POST " + DocPath(client, type) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + full_ +
                    "\r\nContent-Type: " + mb.ContentType() +
                    "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (size_t off = 0; off < body.size(); off += 4096) {
    std::string piece = body.substr(off, 4096);
    char len[32];
    std::snprintf(len, sizeof len, "%zx\r\n", piece.size());
    raw += len + piece + "\r\n";
  }
  raw += "0\r\n\r\n";
  std::string answer = c2.RawExchange(raw, 15);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 300);

  // A large chunked stream of random bytes (not a multipart) is refused too, and the host survives.
  HttpClient c3(host_->port());
  HttpResponse r3 =
      c3.StreamUpload("POST", DocPath(client, type), Bearer(full_), ct, 30ull << 20, 9, true);
  EXPECT_TRUE(r3.status == 413 || r3.status == 400)
      << r3.status << " " << r3.error << " " << r3.body;

  EXPECT_EQ(GetDoc(client, type).at("status").as_string(), "missing");
  // No temp file left behind.
  for (const std::string& p : Stored()) EXPECT_EQ(p.rfind("tmp/", 0), std::string::npos) << p;
  // Just under the limit is fine.
  std::string ok = Pdf("ok") + std::string(1000, ' ');
  EXPECT_EQ(Upload(client, type, "ok.pdf", "application/pdf", ok).status, 201);
}

// ---- Issue 16: the object store down ---------------------------------------------------------

// The host restarted on the same data with a store that does not answer: an upload fails with a
// 503 JSON error and stores nothing, a download answers 503; the old store serves again after.
TEST_F(DocsE2e, StoreDownUploadsFailCleanlyAndDownloadsAnswer503) {
  int64_t client = CreateClient("Dora", "dora@docs-e2e.test");
  int64_t type = CreateTypeId({{"name", "Down"}, {"accept", json::array{"application/pdf"}}});
  ASSERT_GT(type, 0);
  std::string pdf = Pdf("kept");
  ASSERT_EQ(Upload(client, type, "kept.pdf", "application/pdf", pdf).status, 201);
  std::set<std::string> stored = Stored();

  api_.reset();
  host_->Stop();
  ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 0);
  ::setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 0);
  crm_test::HostProcess::Options o;
  o.binary = kBinary;
  o.data_dir = site_.data();
  o.extra_args = {"--plugins", kPluginDir, "--store",
                  "s3://down?endpoint=http://127.0.0.1:1&region=us-east-1"};
  std::string database = crm_test::SiteDatabaseUrl(site_.data());  // the same database
  if (!database.empty()) o.extra_args.insert(o.extra_args.end(), {"--database", database});
  auto down = crm_test::HostProcess::Start(o);
  ASSERT_TRUE(down.ok()) << down.status().ToString();
  host_ = std::move(*down);
  api_ = std::make_unique<HttpClient>(host_->port());

  HttpResponse up = Upload(client, type, "new.pdf", "application/pdf", Pdf("new"));
  EXPECT_EQ(up.status, 503) << up.body;
  EXPECT_EQ(ErrorCode(up), "unavailable") << up.body;
  HttpResponse get = api_->Get(DocPath(client, type), Bearer(read_));
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(Json(get).at("files").at(0).at("sha256").as_string(), Sha256Hex(pdf));
  HttpResponse file = api_->Get(DocPath(client, type) + "/file", Bearer(read_));
  EXPECT_EQ(file.status, 503) << file.body;
  EXPECT_EQ(ErrorCode(file), "unavailable") << file.body;
  EXPECT_EQ(Stored(), stored) << "a refused upload left something behind";

  api_.reset();
  host_->Stop();
  ASSERT_NO_FATAL_FAILURE(StartHost());
  EXPECT_EQ(api_->Get(DocPath(client, type) + "/file", Bearer(read_)).body, pdf);
}

// ---- CD12: downloads ---------------------------------------------------------------------

TEST_F(DocsE2e, DownloadsHaveSafeHeadersNamesAndRanges) {
  int64_t client = CreateClient("Dora", "dora@docs-e2e.test");
  int64_t type = CreateTypeId({{"name", "Contract"}, {"upload_mode", "optional"}});
  ASSERT_GT(type, 0);
  std::string pdf = Pdf("download") + std::string(3000, 'x');
  // A hostile name delivered with RFC 5987 (CR LF really reaches the server) and as a plain
  // filename.
  // "../../etc/passwd\r\n.pdf", percent-encoded in filename*.
  MultipartBuilder probe;
  std::string boundary = probe.ContentType().substr(probe.ContentType().find("boundary=") + 9);
  std::string body =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"passwd.pdf\"; "
      "filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%0D%0A.pdf\r\nContent-Type: application/pdf\r\n\r\n" +
      pdf + "\r\n--" + boundary + "--\r\n";
  HttpResponse up = api_->Post(DocPath(client, type),
                               Bearer(full_, {{"Content-Type", probe.ContentType()}}), body);
  ASSERT_EQ(up.status, 201) << up.body;
  std::string stored(Json(up).at("files").as_array()[0].at("name").as_string());
  EXPECT_EQ(stored.find('/'), std::string::npos) << stored;
  EXPECT_EQ(stored.find('\r'), std::string::npos) << stored;
  EXPECT_EQ(stored.find('\n'), std::string::npos) << stored;
  EXPECT_NE(stored.rfind("..", 0), 0u) << stored;

  auto check_disposition = [](const HttpResponse& r, const std::string& what) {
    std::string cd = r.Header("Content-Disposition").value_or("");
    EXPECT_FALSE(cd.empty()) << what;
    EXPECT_EQ(cd.rfind("attachment", 0), 0u) << what << ": " << cd;
    for (unsigned char c : cd)
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << what << ": non-ASCII or control byte in " << cd;
    std::smatch m;
    if (std::regex_search(cd, m, std::regex("filename=\"([^\"]*)\""))) {
      std::string n = m[1];
      EXPECT_EQ(n.find('/'), std::string::npos) << cd;
      EXPECT_EQ(n.find('\\'), std::string::npos) << cd;
      EXPECT_NE(n.rfind("..", 0), 0u) << cd;
    }
    EXPECT_EQ(r.Header("X-Content-Type-Options").value_or(""), "nosniff") << what;
  };
  HttpResponse dl = api_->Get(DocPath(client, type) + "/file", Bearer(read_));
  ASSERT_EQ(dl.status, 200) << dl.body.substr(0, 300);
  EXPECT_EQ(dl.body, pdf);
  EXPECT_EQ(Sha256Hex(dl.body), Sha256Hex(pdf));
  EXPECT_NE(dl.Header("Content-Type").value_or("").find("application/pdf"), std::string::npos);
  check_disposition(dl, "hostile name");

  // The plain filename="" form with path separators.
  HttpResponse up2 = Upload(client, type, "..\\..\\windows\\win.ini.pdf", "application/pdf", pdf);
  ASSERT_EQ(up2.status, 200) << up2.body;
  EXPECT_EQ(Json(up2).at("files").as_array()[0].at("name").as_string(), "win.ini.pdf");
  check_disposition(api_->Get(DocPath(client, type) + "/file", Bearer(read_)), "backslash name");

  // A UTF-8 name: an ASCII fallback plus filename*=UTF-8''...
  std::string utf8 = "Carte d\xE2\x80\x99identit\xC3\xA9 \xC3\xA9t\xC3\xA9.pdf";
  HttpResponse up3 = Upload(client, type, utf8, "application/pdf", pdf);
  ASSERT_EQ(up3.status, 200) << up3.body;
  EXPECT_EQ(Json(up3).at("files").as_array()[0].at("name").as_string(), utf8);
  HttpResponse dl3 = api_->Get(DocPath(client, type) + "/file", Bearer(read_));
  ASSERT_EQ(dl3.status, 200);
  check_disposition(dl3, "utf-8 name");
  std::string cd3 = dl3.Header("Content-Disposition").value_or("");
  EXPECT_NE(cd3.find("filename*=UTF-8''Carte%20d%E2%80%99identit%C3%A9%20%C3%A9t%C3%A9.pdf"),
            std::string::npos)
      << cd3;

  // Ranges.
  HttpResponse part =
      api_->Get(DocPath(client, type) + "/file", Bearer(read_, {{"Range", "bytes=0-9"}}));
  EXPECT_EQ(part.status, 206) << part.body.substr(0, 200);
  EXPECT_EQ(part.body, pdf.substr(0, 10));
  EXPECT_EQ(part.Header("Content-Range").value_or(""), "bytes 0-9/" + std::to_string(pdf.size()));
  HttpResponse tail =
      api_->Get(DocPath(client, type) + "/file", Bearer(read_, {{"Range", "bytes=-5"}}));
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, pdf.substr(pdf.size() - 5));
  HttpResponse beyond =
      api_->Get(DocPath(client, type) + "/file",
                Bearer(read_, {{"Range", "bytes=" + std::to_string(pdf.size() + 10) + "-"}}));
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.Header("Content-Range").value_or(""), "bytes */" + std::to_string(pdf.size()));

  // No document / no client / no token.
  int64_t other_type = CreateTypeId({{"name", "Other"}, {"upload_mode", "optional"}});
  EXPECT_EQ(api_->Get(DocPath(client, other_type) + "/file", Bearer(read_)).status, 404);
  EXPECT_EQ(api_->Get(DocPath(999999, type) + "/file", Bearer(read_)).status, 404);
  EXPECT_EQ(api_->Get(DocPath(client, type) + "/file").status, 401);
  EXPECT_EQ(
      api_->Get(DocPath(client, type) + "/file", Bearer(Token("--scope clients:read"))).status,
      403);
}

// ---- CD2 / CD5: the reserved area ------------------------------------------------------------

TEST_F(DocsE2e, ClientAreaUploadsWithCsrfAndIsolation) {
  int64_t alice = CreateClient("Alice", "alice@docs-e2e.test");
  int64_t eve = CreateClient("Eve", "eve@docs-e2e.test");
  int64_t id_type = CreateTypeId(
      {{"name", "ID card"}, {"upload_mode", "required"}, {"fields", "Place of issue"}});
  int64_t staff_type = CreateTypeId({{"name", "Staff notes"}, {"upload_mode", "admin_only"}});
  ASSERT_GT(id_type, 0);
  ASSERT_GT(staff_type, 0);
  EnableLogin(alice);
  EnableLogin(eve);
  std::string csrf;
  auto browser = ClientSession("alice@docs-e2e.test", &csrf);
  ASSERT_EQ(csrf.size(), 64u);
  std::string page = browser->Get("/account/documents").body;
  EXPECT_NE(page.find("ID card"), std::string::npos);
  EXPECT_NE(page.find("Staff notes"), std::string::npos)
      << "admin-only documents are shown read-only";

  std::string png = kPng;
  // The page's form: its CSRF token is the first part (`csrf_field`, none when empty), never in
  // the URL (issue 15.14); `query` is appended to the path.
  auto area_upload = [&](HttpClient& b, int64_t type, const std::string& csrf_field, Headers extra,
                         const std::string& bytes, const std::string& query = "") {
    MultipartBuilder mb;
    if (!csrf_field.empty()) mb.AddField("_csrf", csrf_field);
    mb.AddField("place_of_issue", "Li\xC3\xA8ge");
    mb.AddFile("file", "front.png", "image/png", bytes);
    extra.emplace_back("Content-Type", mb.ContentType());
    return b.Post("/account/documents/" + std::to_string(type) + query, extra, mb.Build());
  };
  // The page puts no token in any URL, and its upload form starts with the token field.
  const std::string area = browser->Get("/account/documents").body;
  EXPECT_EQ(area.find("_csrf="), std::string::npos) << "a token in a URL (issue 15.14)";
  const std::string action = "action=\"/account/documents/" + std::to_string(id_type) + "\"";
  ASSERT_NE(area.find(action), std::string::npos) << area;
  EXPECT_NE(area.find("<input type=\"hidden\" name=\"_csrf\" value=\"" + csrf + "\">",
                      area.find(">", area.find(action))),
            std::string::npos);
  // Without a CSRF token, with a wrong one, or with the right one only in the URL: 403, nothing
  // stored.
  HttpResponse forged = area_upload(*browser, id_type, "", {}, png);
  EXPECT_EQ(forged.status, 403) << forged.body.substr(0, 200);
  HttpResponse bad_token = area_upload(*browser, id_type, std::string(64, 'a'), {}, png);
  EXPECT_EQ(bad_token.status, 403);
  HttpResponse in_url = area_upload(*browser, id_type, "", {}, png, "?_csrf=" + csrf);
  EXPECT_EQ(in_url.status, 403);
  EXPECT_EQ(GetDoc(alice, id_type).at("status").as_string(), "missing");
  EXPECT_TRUE(GetDoc(alice, id_type).at("files").as_array().empty());

  // With the token as the form's first part: stored under the session's client.
  HttpResponse ok = area_upload(*browser, id_type, csrf, {}, png);
  EXPECT_TRUE(ok.status == 303 || ok.status == 200) << ok.status << " " << ok.body.substr(0, 300);
  json::value doc = GetDoc(alice, id_type);
  EXPECT_EQ(doc.at("status").as_string(), "uploaded");
  EXPECT_EQ(doc.at("fields").at("place_of_issue").as_string(), "Li\xC3\xA8ge");
  ASSERT_EQ(doc.at("files").as_array().size(), 1u);
  EXPECT_EQ(doc.at("files").as_array()[0].at("sha256").as_string(), Sha256Hex(png));
  int64_t alice_file = doc.at("files").as_array()[0].at("id").as_int64();
  // With X-CSRF-Token and the JSON answer of the page's script: a replace.
  std::string png2 = kPng + "trailing";
  HttpResponse js = area_upload(*browser, id_type, "",
                                {{"X-CSRF-Token", csrf}, {"Accept", "application/json"}}, png2);
  EXPECT_EQ(js.status, 200) << js.body.substr(0, 300);
  EXPECT_NE(js.body.find("\"ok\":true"), std::string::npos) << js.body.substr(0, 300);
  json::value replaced = GetDoc(alice, id_type);
  int64_t alice_file2 = replaced.at("files").as_array()[0].at("id").as_int64();
  EXPECT_NE(alice_file2, alice_file);
  // Disguised executables are refused in the area too.
  HttpResponse exe = area_upload(*browser, id_type, csrf, {{"Accept", "application/json"}},
                                 ReadFile("/bin/true").substr(0, 40000));
  EXPECT_EQ(exe.status, 415) << exe.body.substr(0, 300);

  // Her own file downloads (with nosniff); the page shows her thumbnail link.
  HttpResponse own = browser->Get("/account/documents/" + std::to_string(id_type) + "/files/" +
                                  std::to_string(alice_file2));
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.body, png2);
  EXPECT_EQ(own.Header("X-Content-Type-Options").value_or(""), "nosniff");

  // admin_only: refused, before and after staff uploaded one.
  HttpResponse staff =
      area_upload(*browser, staff_type, csrf, {{"Accept", "application/json"}}, png);
  EXPECT_EQ(staff.status, 403) << staff.body.substr(0, 300);
  ASSERT_EQ(Upload(alice, staff_type, "notes.pdf", "application/pdf", Pdf("staff")).status, 201);
  HttpResponse staff2 =
      area_upload(*browser, staff_type, csrf, {{"Accept", "application/json"}}, png);
  EXPECT_EQ(staff2.status, 403) << staff2.body.substr(0, 300);
  EXPECT_EQ(GetDoc(alice, staff_type).at("files").as_array()[0].at("mime").as_string(),
            "application/pdf");
  // No delete route for clients on admin-only (nor any other) documents.
  HttpResponse del =
      browser->Post("/account/documents/" + std::to_string(staff_type) + "/delete",
                    {{"Content-Type", "application/x-www-form-urlencoded"}}, "_csrf=" + csrf);
  EXPECT_TRUE(del.status == 403 || del.status == 404 || del.status == 405) << del.status;
  EXPECT_EQ(GetDoc(alice, staff_type).at("status").as_string(), "uploaded");
  // But she can read the admin-only file (shown read-only).
  int64_t staff_file = GetDoc(alice, staff_type).at("files").as_array()[0].at("id").as_int64();
  EXPECT_EQ(browser
                ->Get("/account/documents/" + std::to_string(staff_type) + "/files/" +
                      std::to_string(staff_file))
                .status,
            200);

  // Eve cannot read Alice's file, by any URL (404, no hint).
  std::string eve_csrf;
  auto eve_browser = ClientSession("eve@docs-e2e.test", &eve_csrf);
  for (const std::string& p :
       {"/account/documents/" + std::to_string(id_type) + "/files/" + std::to_string(alice_file2),
        "/account/documents/" + std::to_string(id_type) + "/files/" + std::to_string(alice_file),
        "/account/documents/thumbnails/" + std::to_string(alice_file2)}) {
    HttpResponse r = eve_browser->Get(p);
    EXPECT_EQ(r.status, 404) << p;
    EXPECT_NE(r.body, png2) << p;
  }
  // The admin/API routes are not for client sessions.
  EXPECT_EQ(eve_browser->Get(DocPath(alice, id_type) + "/file").status, 401);
  HttpResponse admin_tab =
      eve_browser->Get("/admin/clients/" + std::to_string(alice) + "/tabs/documents");
  EXPECT_NE(admin_tab.status, 200);
  EXPECT_EQ(admin_tab.body.find("front.png"), std::string::npos);
  // Eve's upload goes to Eve, never to Alice, whatever the URL says.
  HttpResponse eve_up = eve_browser->Post(
      "/account/documents/" + std::to_string(id_type) + "?client_id=" + std::to_string(alice),
      {{"Content-Type", "multipart/form-data; boundary=zz"}},
      "--zz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + eve_csrf +
          "\r\n--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.pdf\"\r\n"
          "Content-Type: application/pdf\r\n\r\n" +
          Pdf("eve") + "\r\n--zz--\r\n");
  EXPECT_TRUE(eve_up.status == 303 || eve_up.status == 200) << eve_up.status;
  EXPECT_EQ(GetDoc(eve, id_type).at("status").as_string(), "uploaded");
  EXPECT_EQ(GetDoc(alice, id_type).at("files").as_array()[0].at("id").as_int64(), alice_file2);

  // Anonymous: the area sends to the login.
  HttpClient anon(host_->port());
  HttpResponse a = anon.Get("/account/documents");
  EXPECT_EQ(a.status, 303);
  EXPECT_NE(a.Header("Location").value_or("").find("/account/login"), std::string::npos);
}

// Issue 4: extra-field labels and the intro per language over the real HTTP API (Accept-Language
// or ?lang=; PATCH in one language keeps the others), and in the client's language on
// /account/documents.
TEST_F(DocsE2e, FieldLabelsAndIntroPerLanguage) {
  json::object created =
      CreateType({{"names",
                   {{"en", "Identity card"},
                    {"fr", "Carte d'identit\xC3\xA9"},
                    {"nl", "Identiteitskaart"}}},
                  {"upload_mode", "required"},
                  {"fields", json::array{json::object{{"key", "date_of_issue"},
                                                      {"labels",
                                                       {{"en", "Date of issue"},
                                                        {"fr", "Date de d\xC3\xA9livrance"},
                                                        {"nl", "Datum van afgifte"}}},
                                                      {"type", "date"}},
                                         json::object{{"key", "place_of_issue"},
                                                      {"label", "Place of issue"}}}}})
          .as_object();
  ASSERT_TRUE(created.contains("id"));
  const std::string path =
      std::string(kApi) + "/types/" + std::to_string(created.at("id").as_int64());
  EXPECT_EQ(created.at("fields").as_array()[0].at("labels").at("fr").as_string(),
            "Date de d\xC3\xA9livrance");

  // PATCH in French through Accept-Language: sets the French labels, keeps English and Dutch.
  Headers fr_json = JsonHeaders(full_);
  fr_json.emplace_back("Accept-Language", "fr-BE,fr;q=0.9,en;q=0.4");
  HttpResponse patched = api_->Patch(
      path, fr_json,
      R"({"fields":[{"key":"date_of_issue","label":"Date de d\u00e9livrance","type":"date"},)"
      R"({"key":"place_of_issue","label":"Lieu de d\u00e9livrance"}]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("fields").as_array()[1].at("label").as_string(),
            "Lieu de d\xC3\xA9livrance");

  HttpResponse nl = api_->Get(path, Bearer(read_, {{"Accept-Language", "nl"}}));
  ASSERT_EQ(nl.status, 200) << nl.body;
  const json::value nl_type = Json(nl);
  const json::array& nl_fields = nl_type.at("fields").as_array();
  EXPECT_EQ(nl_type.at("name").as_string(), "Identiteitskaart");
  EXPECT_EQ(nl_fields[0].at("label").as_string(), "Datum van afgifte");
  EXPECT_EQ(nl_fields[1].at("label").as_string(), "Place of issue") << "no Dutch label: English";
  EXPECT_EQ(nl_fields[1].at("labels").at("fr").as_string(), "Lieu de d\xC3\xA9livrance");
  EXPECT_EQ(nl_fields[1].at("labels").at("en").as_string(), "Place of issue");
  EXPECT_EQ(nl_fields[0].at("type").as_string(), "date");
  HttpResponse fr = api_->Get(path + "?lang=fr", Bearer(read_, {{"Accept-Language", "nl"}}));
  EXPECT_EQ(Json(fr).at("fields").as_array()[0].at("label").as_string(),
            "Date de d\xC3\xA9livrance")
      << "?lang= wins";
  HttpResponse en = api_->Get(path, Bearer(read_));
  EXPECT_EQ(Json(en).at("fields").as_array()[0].at("label").as_string(), "Date of issue");

  // The intro in English and French; Dutch falls back to English.
  HttpResponse put =
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(full_),
                R"({"intro_markdowns":{"en":"**Welcome** here","fr":"**Bienvenue** chez nous"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  HttpResponse settings =
      api_->Get(std::string(kApi) + "/settings", Bearer(read_, {{"Accept-Language", "fr"}}));
  ASSERT_EQ(settings.status, 200);
  EXPECT_EQ(Json(settings).at("intro_markdown").as_string(), "**Bienvenue** chez nous");
  EXPECT_EQ(Json(settings).at("intro_markdowns").at("nl").as_string(), "");

  // A French client sees the French labels and intro; a Dutch client Dutch, or English where
  // untranslated.
  int64_t francoise = CreateClient("Francoise", "francoise@docs-e2e.test", "fr");
  int64_t daan = CreateClient("Daan", "daan@docs-e2e.test", "nl");
  ASSERT_GT(francoise * daan, 0);
  EnableLogin(francoise);
  EnableLogin(daan);
  std::string csrf;
  auto f = ClientSession("francoise@docs-e2e.test", &csrf);
  HttpResponse fr_page = f->Get("/account/documents");
  ASSERT_EQ(fr_page.status, 200);
  EXPECT_NE(fr_page.body.find("Date de d\xC3\xA9livrance"), std::string::npos) << fr_page.body;
  EXPECT_NE(fr_page.body.find("Lieu de d\xC3\xA9livrance"), std::string::npos);
  EXPECT_EQ(fr_page.body.find("Date of issue"), std::string::npos);
  EXPECT_NE(fr_page.body.find("<strong>Bienvenue</strong> chez nous"), std::string::npos);
  EXPECT_EQ(fr_page.body.find("Welcome"), std::string::npos);
  auto d = ClientSession("daan@docs-e2e.test", &csrf);
  HttpResponse nl_page = d->Get("/account/documents");
  ASSERT_EQ(nl_page.status, 200);
  EXPECT_NE(nl_page.body.find("Datum van afgifte"), std::string::npos) << nl_page.body;
  EXPECT_NE(nl_page.body.find("Place of issue"), std::string::npos);
  EXPECT_NE(nl_page.body.find("<strong>Welcome</strong> here"), std::string::npos);
}

// CD4: the intro's Markdown reaches the area rendered, without raw HTML or script; CD1: names per
// language; archived types leave the area; several files per document; inline views only for safe
// kinds, sandboxed.
TEST_F(DocsE2e, IntroTranslationsArchivedTypesFilesAndInlineViews) {
  int64_t client = CreateClient("Ines", "ines@docs-e2e.test");
  ASSERT_EQ(
      api_->Put(
              std::string(kApi) + "/settings", JsonHeaders(full_),
              R"J({"intro_markdown":"**Bonjour** <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"})J")
          .status,
      200);
  int64_t two = CreateTypeId(
      {{"names",
        {{"en", "ID card"}, {"fr", "Carte d'identit\xC3\xA9"}, {"nl", "Identiteitskaart"}}},
       {"upload_mode", "optional"},
       {"max_files", 2}});
  int64_t old = CreateTypeId({{"name", "Old form"}, {"upload_mode", "optional"}});
  // Kinds a browser would run are refused as accepted kinds; plain text is allowed but,
  // like every kind other than PDF and raster images, never served inline.
  HttpResponse html_type =
      api_->Post(std::string(kApi) + "/types", JsonHeaders(full_),
                 R"({"name":"Web page","upload_mode":"optional","accept":["text/html"]})");
  EXPECT_EQ(html_type.status, 422) << html_type.body;
  HttpResponse svg_type =
      api_->Post(std::string(kApi) + "/types", JsonHeaders(full_),
                 R"({"name":"Drawing","upload_mode":"optional","accept":["image/svg+xml"]})");
  EXPECT_EQ(svg_type.status, 422) << svg_type.body;
  int64_t web = CreateTypeId(
      {{"name", "Notes"}, {"upload_mode", "optional"}, {"accept", json::array{"text/plain"}}});
  ASSERT_GT(two * old * web, 0);
  HttpResponse fr =
      api_->Get(std::string(kApi) + "/types/" + std::to_string(two) + "?lang=fr", Bearer(read_));
  EXPECT_EQ(Json(fr).at("name").as_string(), "Carte d'identit\xC3\xA9");
  HttpResponse nl =
      api_->Get(std::string(kApi) + "/types/" + std::to_string(two) + "?lang=nl", Bearer(read_));
  EXPECT_EQ(Json(nl).at("name").as_string(), "Identiteitskaart");

  // Two files in one document; a third is refused.
  MultipartBuilder mb;
  mb.AddFile("file", "front.png", "image/png", kPng)
      .AddFile("file", "back.pdf", "application/pdf", Pdf("back"));
  HttpResponse up = api_->Post(DocPath(client, two),
                               Bearer(full_, {{"Content-Type", mb.ContentType()}}), mb.Build());
  ASSERT_EQ(up.status, 201) << up.body;
  json::value doc = Json(up);
  ASSERT_EQ(doc.at("files").as_array().size(), 2u);
  EXPECT_EQ(doc.at("files").as_array()[1].at("sha256").as_string(), Sha256Hex(Pdf("back")));
  int64_t back_id = doc.at("files").as_array()[1].at("id").as_int64();
  HttpResponse back =
      api_->Get(DocPath(client, two) + "/file?file_id=" + std::to_string(back_id), Bearer(read_));
  EXPECT_EQ(back.body, Pdf("back"));
  MultipartBuilder three;
  three.AddFile("file", "1.png", "image/png", kPng)
      .AddFile("file", "2.png", "image/png", kPng)
      .AddFile("file", "3.png", "image/png", kPng);
  HttpResponse too_many = api_->Post(
      DocPath(client, two), Bearer(full_, {{"Content-Type", three.ContentType()}}), three.Build());
  EXPECT_EQ(too_many.status, 422) << too_many.body;
  EXPECT_EQ(GetDoc(client, two).at("files").as_array().size(), 2u);

  // Inline over the API: a PDF inline on request, sandboxed; a text file never inline.
  HttpResponse pdf_inline = api_->Get(
      DocPath(client, two) + "/file?inline=1&file_id=" + std::to_string(back_id), Bearer(read_));
  EXPECT_EQ(pdf_inline.Header("Content-Disposition").value_or("").rfind("inline", 0), 0u);
  std::string html =
      "Notes of the meeting.\nNothing to run here, but not for inline view either.\n";
  HttpResponse html_up = Upload(client, web, "notes.txt", "text/plain", html);
  ASSERT_EQ(html_up.status, 201) << html_up.body;
  HttpResponse html_inline = api_->Get(DocPath(client, web) + "/file?inline=1", Bearer(read_));
  EXPECT_EQ(html_inline.Header("Content-Disposition").value_or("").rfind("attachment", 0), 0u)
      << html_inline.Header("Content-Disposition").value_or("");
  EXPECT_EQ(html_inline.Header("X-Content-Type-Options").value_or(""), "nosniff");

  EnableLogin(client);
  std::string csrf;
  auto b = ClientSession("ines@docs-e2e.test", &csrf);
  HttpResponse page = b->Get("/account/documents");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<strong>Bonjour</strong>"), std::string::npos)
      << "the intro's Markdown is not rendered";
  size_t intro_at = page.body.find("<strong>Bonjour</strong>");
  std::string intro = intro_at == std::string::npos ? page.body : page.body.substr(intro_at, 400);
  EXPECT_EQ(intro.find("<script"), std::string::npos)
      << "raw <script> of the intro reached the page: " << intro;
  EXPECT_EQ(intro.find("<img"), std::string::npos)
      << "raw HTML of the intro reached the page: " << intro;
  EXPECT_EQ(page.body.find("javascript:alert"), std::string::npos)
      << "a javascript: link reached the page";
  EXPECT_NE(page.body.find("Old form"), std::string::npos);
  // The client's text file "viewed" in the area: served as an attachment.
  int64_t html_id = Json(html_up).at("files").as_array()[0].at("id").as_int64();
  HttpResponse area_html = b->Get("/account/documents/" + std::to_string(web) + "/files/" +
                                  std::to_string(html_id) + "?inline=1");
  ASSERT_EQ(area_html.status, 200);
  bool attachment =
      area_html.Header("Content-Disposition").value_or("").rfind("attachment", 0) == 0;
  bool sandboxed =
      area_html.Header("Content-Security-Policy").value_or("").find("sandbox") != std::string::npos;
  EXPECT_TRUE(attachment) << "the area serves a client-uploaded text file inline (CSP: "
                          << area_html.Header("Content-Security-Policy").value_or("none") << ")";
  EXPECT_TRUE(attachment || sandboxed);
  EXPECT_EQ(area_html.Header("X-Content-Type-Options").value_or(""), "nosniff");
  // The same file opened by staff from the Documents tab ("View").
  std::string admin_csrf;
  auto admin = AdminSession(&admin_csrf);
  HttpResponse tab_html = admin->Get("/admin/plugins/client-documents/clients/" +
                                     std::to_string(client) + "/documents/" + std::to_string(web) +
                                     "/files/" + std::to_string(html_id) + "?inline=1");
  ASSERT_EQ(tab_html.status, 200);
  EXPECT_EQ(tab_html.Header("Content-Disposition").value_or("").rfind("attachment", 0), 0u)
      << "the Documents tab serves a client-uploaded text file inline to staff (CSP: "
      << tab_html.Header("Content-Security-Policy").value_or("none") << ")";

  // Archived type: gone from the area, uploads refused.
  ASSERT_EQ(api_->Patch(std::string(kApi) + "/types/" + std::to_string(old), JsonHeaders(full_),
                        R"({"active":false})")
                .status,
            200);
  EXPECT_EQ(b->Get("/account/documents").body.find("Old form"), std::string::npos);
  MultipartBuilder one;
  one.AddFile("file", "o.pdf", "application/pdf", Pdf("old"));
  HttpResponse refused = b->Post(
      "/account/documents/" + std::to_string(old),
      {{"Content-Type", one.ContentType()}, {"Accept", "application/json"}, {"X-CSRF-Token", csrf}},
      one.Build());
  EXPECT_EQ(refused.status, 403) << refused.body.substr(0, 200);
  EXPECT_EQ(GetDoc(client, old).at("status").as_string(), "missing");
  // The archive pages are staff-only.
  HttpResponse archive = b->Get("/admin/plugins/client-documents/clients/" +
                                std::to_string(client) + "/archive/files/1");
  EXPECT_NE(archive.status, 200);
  // The menu entry follows the setting.
  EXPECT_NE(b->Get("/account").body.find("/account/documents"), std::string::npos);
  ASSERT_EQ(
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(full_), R"({"show_menu_entry":false})")
          .status,
      200);
  EXPECT_EQ(b->Get("/account").body.find("href=\"/account/documents\""), std::string::npos)
      << "menu entry still shown";
}

// ---- CD3: the mandatory gate ---------------------------------------------------------------

TEST_F(DocsE2e, MandatoryGateRedirectsUntilEveryRequiredDocumentIsThere) {
  int64_t client = CreateClient("Gina", "gina@docs-e2e.test");
  int64_t req1 = CreateTypeId({{"name", "ID card"}, {"upload_mode", "required"}});
  int64_t req2 = CreateTypeId({{"name", "Bank details"}, {"upload_mode", "required"}});
  int64_t opt = CreateTypeId({{"name", "Photo"}, {"upload_mode", "optional"}});
  ASSERT_GT(req1 * req2 * opt, 0);
  EnableLogin(client);
  std::string csrf;
  auto b = ClientSession("gina@docs-e2e.test", &csrf);

  // Gate off: the area is open.
  EXPECT_EQ(b->Get("/account/profile").status, 200);
  ASSERT_EQ(
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(full_), R"({"mandatory_gate":true})")
          .status,
      200);

  auto expect_gated = [&](bool gated, const std::string& when) {
    for (const char* p : {"/account", "/account/profile"}) {
      HttpResponse r = b->Get(p);
      if (gated) {
        EXPECT_TRUE(r.status == 302 || r.status == 303 || r.status == 307)
            << when << " " << p << " -> " << r.status;
        EXPECT_EQ(r.Header("Location").value_or("").rfind("/account/documents", 0), 0u)
            << when << " " << p << " -> " << r.Header("Location").value_or("(none)");
      } else {
        EXPECT_EQ(r.status, 200) << when << " " << p << " -> " << r.Header("Location").value_or("");
      }
    }
    EXPECT_EQ(b->Get("/account/documents").status, 200) << when;
  };
  expect_gated(true, "nothing uploaded");
  ASSERT_EQ(Upload(client, req1, "id.pdf", "application/pdf", Pdf("1")).status, 201);
  ASSERT_EQ(Upload(client, opt, "p.png", "image/png", kPng).status, 201);
  expect_gated(true, "one required of two");
  // Uploading through the area itself stays possible under the gate.
  MultipartBuilder mb;
  mb.AddField("_csrf", csrf);
  mb.AddFile("file", "bank.pdf", "application/pdf", Pdf("2"));
  HttpResponse up = b->Post("/account/documents/" + std::to_string(req2),
                            {{"Content-Type", mb.ContentType()}}, mb.Build());
  EXPECT_TRUE(up.status == 303 || up.status == 200) << up.status << " " << up.body.substr(0, 200);
  expect_gated(false, "all required uploaded");
  // Deleting one puts the gate back; archiving that type lifts it (archived types do not count).
  ASSERT_EQ(api_->Delete(DocPath(client, req2), Bearer(full_)).status, 204);
  expect_gated(true, "one required deleted");
  ASSERT_EQ(api_->Patch(std::string(kApi) + "/types/" + std::to_string(req2), JsonHeaders(full_),
                        R"({"active":false})")
                .status,
            200);
  expect_gated(false, "the missing type archived");
  ASSERT_EQ(api_->Patch(std::string(kApi) + "/types/" + std::to_string(req2), JsonHeaders(full_),
                        R"({"active":true})")
                .status,
            200);
  expect_gated(true, "the type active again");

  // Logout stays reachable under the gate.
  HttpResponse out = b->Post(
      "/account/logout", {{"Content-Type", "application/x-www-form-urlencoded"}}, "_csrf=" + csrf);
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(out.Header("Location").value_or("").find("/account/login"), std::string::npos);
  HttpResponse after = b->Get("/account/documents");
  EXPECT_EQ(after.status, 303);
  EXPECT_NE(after.Header("Location").value_or("").find("/account/login"), std::string::npos);
  // Turning the gate off opens everything again (for a new session).
  ASSERT_EQ(
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(full_), R"({"mandatory_gate":false})")
          .status,
      200);
  auto b2 = ClientSession("gina@docs-e2e.test", &csrf);
  EXPECT_EQ(b2->Get("/account/profile").status, 200);
}

// "/account/" (trailing slash) is the reserved area's home too: never a 404, and gated like
// "/account".
TEST_F(DocsE2e, AccountHomeWithTrailingSlashIsGatedNot404) {
  int64_t client = CreateClient("Sly", "sly@docs-e2e.test");
  ASSERT_GT(CreateTypeId({{"name", "ID card"}, {"upload_mode", "required"}}), 0);
  EnableLogin(client);
  std::string csrf;
  auto b = ClientSession("sly@docs-e2e.test", &csrf);
  HttpResponse open = b->Get("/account/");
  EXPECT_NE(open.status, 404) << "GET /account/ of a logged-in client";
  ASSERT_EQ(
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(full_), R"({"mandatory_gate":true})")
          .status,
      200);
  HttpResponse gated = b->Get("/account/");
  EXPECT_TRUE(gated.status == 302 || gated.status == 303) << gated.status;
  std::string location = gated.Header("Location").value_or("");
  EXPECT_TRUE(location.rfind("/account/documents", 0) == 0 || location == "/account") << location;
}

// ---- CD6 / CD7 / CD8 / CD5: list column, filters, summary box, tab -----------------------------

TEST_F(DocsE2e, ListColumnFiltersSummaryBoxAndTab) {
  int64_t full = CreateClient("Full", "full@docs-e2e.test");
  int64_t half = CreateClient("Half", "half@docs-e2e.test");
  int64_t none = CreateClient("None", "none@docs-e2e.test");
  int64_t a = CreateTypeId({{"name", "Alpha doc"}, {"upload_mode", "required"}});
  int64_t b = CreateTypeId({{"name", "Beta doc"}, {"upload_mode", "required"}});
  int64_t o = CreateTypeId({{"name", "Omega doc"}, {"upload_mode", "optional"}});
  ASSERT_GT(a * b * o, 0);
  ASSERT_EQ(Upload(full, a, "a.pdf", "application/pdf", Pdf("fa")).status, 201);
  ASSERT_EQ(Upload(full, b, "b.pdf", "application/pdf", Pdf("fb")).status, 201);
  ASSERT_EQ(Upload(half, a, "a.pdf", "application/pdf", Pdf("ha")).status, 201);
  ASSERT_EQ(Upload(half, o, "o.pdf", "application/pdf", Pdf("ho")).status, 201);

  auto ids = [&](const std::string& query) {
    HttpResponse r = api_->Get("/api/v1/clients?per_page=50&" + query, Bearer(read_));
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::map<int64_t, std::string> out;
    if (r.status != 200) return out;
    json::value v = Json(r);
    for (const auto& item : v.at("items").as_array()) {
      const json::object& cols = item.at("columns").as_object();
      EXPECT_TRUE(cols.contains("client-documents.status")) << json::serialize(item);
      out[item.at("id").as_int64()] =
          cols.contains("client-documents.status") && cols.at("client-documents.status").is_string()
              ? std::string(cols.at("client-documents.status").as_string())
              : "?";
    }
    return out;
  };
  std::map<int64_t, std::string> all = ids("");
  EXPECT_EQ(all[full], "yes");
  EXPECT_EQ(all[half], "no");
  EXPECT_EQ(all[none], "no");

  auto keys = [](const std::map<int64_t, std::string>& m) {
    std::set<int64_t> s;
    for (const auto& [k, v] : m) s.insert(k);
    return s;
  };
  std::string fa = "filter[doc." + std::to_string(a) + "]=";
  std::string fb = "filter[doc." + std::to_string(b) + "]=";
  std::string fo = "filter[doc." + std::to_string(o) + "]=";
  EXPECT_EQ(keys(ids(fa + "uploaded")), (std::set<int64_t>{full, half}));
  EXPECT_EQ(keys(ids(fa + "missing")), (std::set<int64_t>{none}));
  EXPECT_EQ(keys(ids(fb + "uploaded")), (std::set<int64_t>{full}));
  EXPECT_EQ(keys(ids(fb + "missing")), (std::set<int64_t>{half, none}));
  EXPECT_EQ(keys(ids(fo + "uploaded")), (std::set<int64_t>{half}));
  EXPECT_EQ(keys(ids(fa + "uploaded&" + fb + "missing")), (std::set<int64_t>{half}));
  int64_t total = -1;
  {
    HttpResponse r = api_->Get("/api/v1/clients?" + fb + "missing", Bearer(read_));
    total = Json(r).at("total").as_int64();
  }
  EXPECT_EQ(total, 2) << "total must count the filtered rows";
  for (const std::string& bad : std::vector<std::string>{fa + "maybe", "filter[doc.abc]=missing"}) {
    HttpResponse r = api_->Get("/api/v1/clients?" + bad, Bearer(read_));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  // An optional type does not count for the column; a new required type makes everybody "no".
  int64_t c = CreateTypeId({{"name", "Gamma doc"}, {"upload_mode", "required"}});
  EXPECT_EQ(ids("")[full], "no");
  ASSERT_EQ(api_->Patch(std::string(kApi) + "/types/" + std::to_string(c), JsonHeaders(full_),
                        R"({"active":false})")
                .status,
            200);
  EXPECT_EQ(ids("")[full], "yes") << "an archived required type must not count";

  // The profile of a logged-in admin: summary box and the Documents tab.
  std::string csrf;
  auto admin = AdminSession(&csrf);
  HttpResponse profile = admin->Get("/admin/clients/" + std::to_string(half));
  ASSERT_EQ(profile.status, 200);
  EXPECT_NE(profile.body.find("1 of 2"), std::string::npos)
      << "summary box without '1 of 2 required'";
  EXPECT_NE(profile.body.find("Not uploaded"), std::string::npos);
  EXPECT_NE(profile.body.find("/tabs/documents"), std::string::npos) << "no Documents tab link";
  HttpResponse full_profile = admin->Get("/admin/clients/" + std::to_string(full));
  EXPECT_NE(full_profile.body.find("2 of 2"), std::string::npos);
  HttpResponse tab = admin->Get("/admin/clients/" + std::to_string(half) + "/tabs/documents");
  ASSERT_EQ(tab.status, 200);
  EXPECT_NE(tab.body.find("Alpha doc"), std::string::npos);
  EXPECT_NE(tab.body.find("Beta doc"), std::string::npos);
  EXPECT_NE(tab.body.find("o.pdf"), std::string::npos);
  // Staff upload on the client's behalf from the tab: CSRF required.
  std::string tab_upload = "/admin/plugins/client-documents/clients/" + std::to_string(none) +
                           "/documents/" + std::to_string(o);
  MultipartBuilder staff;
  staff.AddFile("file", "staff.pdf", "application/pdf", Pdf("staff"));
  HttpResponse no_csrf =
      admin->Post(tab_upload, {{"Content-Type", staff.ContentType()}}, staff.Build());
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(GetDoc(none, o).at("status").as_string(), "missing");
  EXPECT_EQ(admin
                ->Post(tab_upload + "?_csrf=" + csrf, {{"Content-Type", staff.ContentType()}},
                       staff.Build())
                .status,
            403)
      << "never from the URL (issue 15.14)";
  EXPECT_EQ(GetDoc(none, o).at("status").as_string(), "missing");
  EXPECT_EQ(tab.body.find("_csrf="), std::string::npos) << "a token in a URL (issue 15.14)";
  MultipartBuilder staff_form;
  staff_form.AddField("_csrf", csrf);
  staff_form.AddFile("file", "staff.pdf", "application/pdf", Pdf("staff"));
  HttpResponse with_csrf =
      admin->Post(tab_upload, {{"Content-Type", staff_form.ContentType()}}, staff_form.Build());
  EXPECT_TRUE(with_csrf.status == 303 || with_csrf.status == 200)
      << with_csrf.status << " " << with_csrf.body.substr(0, 200);
  EXPECT_EQ(GetDoc(none, o).at("status").as_string(), "uploaded");
  // The admin list page shows the column.
  HttpResponse list = admin->Get("/admin/clients");
  EXPECT_NE(list.body.find("Documents"), std::string::npos);
  // The admin list page filter works too.
  HttpResponse filtered = admin->Get("/admin/clients?" + fb + "uploaded");
  ASSERT_EQ(filtered.status, 200);
  EXPECT_NE(filtered.body.find("full@docs-e2e.test"), std::string::npos);
  EXPECT_EQ(filtered.body.find("half@docs-e2e.test"), std::string::npos);
}

// Issue 15.7: the Documents column and the doc.* filters need what reading documents needs. A token
// with clients:read alone lists clients without the column and is refused the filter (403, JSON);
// the same owner's token with documents:read gets both.
TEST_F(DocsE2e, ColumnAndFiltersNeedDocumentsRead) {
  int64_t ann = CreateClient("Ann", "ann-perm@docs-e2e.test");
  int64_t type = CreateTypeId({{"name", "Permit"}, {"upload_mode", "required"}});
  ASSERT_GT(ann * type, 0);
  ASSERT_EQ(Upload(ann, type, "p.pdf", "application/pdf", Pdf("perm")).status, 201);
  const std::string clients_only = Token("--scope clients:read");
  HttpResponse list = api_->Get("/api/v1/clients", Bearer(clients_only));
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value listed = Json(list);  // kept: the loop must not read a destroyed value
  for (const auto& item : listed.at("items").as_array())
    EXPECT_FALSE(item.at("columns").as_object().contains("client-documents.status")) << list.body;
  const std::string filter = "/api/v1/clients?filter[doc." + std::to_string(type) + "]=";
  for (const char* value : {"uploaded", "missing", "nonsense"}) {
    HttpResponse refused = api_->Get(filter + value, Bearer(clients_only));
    EXPECT_EQ(refused.status, 403) << value << ": " << refused.body;
    EXPECT_EQ(ErrorCode(refused), "permission_denied");
  }
  HttpResponse allowed = api_->Get(filter + "uploaded", Bearer(read_));
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  ASSERT_EQ(Json(allowed).at("items").as_array().size(), 1u);
  EXPECT_EQ(Json(allowed).at("items").as_array().at(0).at("columns").at("client-documents.status"),
            "yes");
}

// A filter on a document type that does not exist is refused like any unknown filter (400).
TEST_F(DocsE2e, FilterOnAnUnknownDocumentTypeIs400) {
  CreateClient("Una", "una@docs-e2e.test");
  HttpResponse r = api_->Get("/api/v1/clients?filter[doc.999999]=uploaded", Bearer(read_));
  EXPECT_EQ(r.status, 400) << r.body;
  HttpResponse host_unknown = api_->Get("/api/v1/clients?filter[nope]=1", Bearer(read_));
  EXPECT_EQ(host_unknown.status, 400) << "the host's own rule for unknown filters";
}

// The archive over the API: unknown client or type answer 404 like the other document routes, and
// archived files can be downloaded with a token (README: staff and tokens may read archives).
TEST_F(DocsE2e, ArchiveOverTheApi) {
  int64_t client = CreateClient("Arc", "arc@docs-e2e.test");
  int64_t type = CreateTypeId({{"name", "Deed"}, {"upload_mode", "optional"}});
  ASSERT_GT(type, 0);
  EXPECT_EQ(api_->Get(DocPath(999999, type) + "/versions", Bearer(read_)).status, 404);
  EXPECT_EQ(api_->Get(DocPath(client, 999999) + "/versions", Bearer(read_)).status, 404);
  std::string first = Pdf("deed-1");
  ASSERT_EQ(Upload(client, type, "deed.pdf", "application/pdf", first).status, 201);
  ASSERT_EQ(Upload(client, type, "deed2.pdf", "application/pdf", Pdf("deed-2")).status, 200);
  HttpResponse v = api_->Get(DocPath(client, type) + "/versions", Bearer(read_));
  ASSERT_EQ(v.status, 200);
  json::value body = Json(v);
  ASSERT_EQ(body.at("items").as_array().size(), 1u);
  const json::object& file = body.at("items").as_array()[0].at("files").as_array()[0].as_object();
  ASSERT_TRUE(file.contains("url")) << "archived files carry no download url: " << v.body;
  HttpResponse dl = api_->Get(std::string(file.at("url").as_string()), Bearer(read_));
  EXPECT_EQ(dl.status, 200);
  EXPECT_EQ(dl.body, first);
}

// Issue 15.13: the missing second file of a two-file document is added later through the API
// (POST …/documents/{type_id}/files) and from the admin tab, the same use case as the client's
// /add: the first file kept, nothing archived, max_files counted with the files already there.
TEST_F(DocsE2e, MissingSecondFileIsAddedThroughTheApiAndTheAdminTab) {
  int64_t client = CreateClient("Two", "two@docs-e2e.test");
  int64_t type =
      CreateTypeId({{"name", "Identity card"}, {"upload_mode", "required"}, {"max_files", 2}});
  ASSERT_GT(type, 0);
  auto add = [&](int64_t c, int count, const std::string& token) {
    MultipartBuilder mb;
    for (int i = 0; i < count; ++i)
      mb.AddFile("file", "back" + std::to_string(i) + ".pdf", "application/pdf",
                 Pdf("back-" + std::to_string(i)));
    return api_->Post(DocPath(c, type) + "/files",
                      Bearer(token, {{"Content-Type", mb.ContentType()}}), mb.Build());
  };
  EXPECT_EQ(add(client, 1, full_).status, 404) << "nothing to complete yet";
  ASSERT_EQ(Upload(client, type, "front.pdf", "application/pdf", Pdf("front")).status, 201);
  const json::value front = GetDoc(client, type).at("files").as_array()[0];
  EXPECT_EQ(add(client, 1, read_).status, 403) << "documents:write";
  EXPECT_EQ(add(client, 2, full_).status, 422) << "1 + 2 files > max_files";
  EXPECT_EQ(add(999999, 1, full_).status, 404);
  ASSERT_EQ(GetDoc(client, type).at("files").as_array().size(), 1u) << "nothing stored on refusal";

  HttpResponse added = add(client, 1, full_);
  ASSERT_EQ(added.status, 200) << added.body;
  const json::value added_doc = Json(added);
  const json::array& files = added_doc.at("files").as_array();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].at("id"), front.at("id")) << "the front is kept";
  EXPECT_EQ(files[1].at("sha256").as_string(), Sha256Hex(Pdf("back-0")));
  EXPECT_EQ(GetDoc(client, type).at("files").as_array().size(), 2u);
  EXPECT_EQ(Json(api_->Get(DocPath(client, type) + "/versions", Bearer(read_)))
                .at("items")
                .as_array()
                .size(),
            0u)
      << "nothing archived";
  EXPECT_EQ(add(client, 1, full_).status, 422) << "the document is complete";

  // The admin tab offers the form on an incomplete document only, and it stores the file.
  int64_t other = CreateClient("Tab", "tab@docs-e2e.test");
  ASSERT_EQ(Upload(other, type, "front.pdf", "application/pdf", Pdf("front-2")).status, 201);
  std::string csrf;
  auto admin = AdminSession(&csrf);
  const std::string action = "/admin/plugins/client-documents/clients/" + std::to_string(other) +
                             "/documents/" + std::to_string(type) + "/add";
  HttpResponse tab = admin->Get("/admin/clients/" + std::to_string(other) + "/tabs/documents");
  ASSERT_EQ(tab.status, 200);
  EXPECT_NE(tab.body.find("action=\"" + action + "\""), std::string::npos) << tab.body;
  EXPECT_EQ(admin->Get("/admin/clients/" + std::to_string(client) + "/tabs/documents")
                .body.find("/add\""),
            std::string::npos)
      << "no form on a complete document";
  MultipartBuilder mb;
  mb.AddField("_csrf", csrf);
  mb.AddFile("file", "back.pdf", "application/pdf", Pdf("back-tab"));
  HttpResponse posted = admin->Post(action, {{"Content-Type", mb.ContentType()}}, mb.Build());
  EXPECT_EQ(posted.status, 303) << posted.body.substr(0, 300);
  EXPECT_NE(posted.Header("Location").value_or("").find("flash=files_added"), std::string::npos);
  const json::value completed = GetDoc(other, type);
  const json::array& now = completed.at("files").as_array();
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[1].at("sha256").as_string(), Sha256Hex(Pdf("back-tab")));
}

// ---- CD9: deleting a client removes every row and file ------------------------------------------

TEST_F(DocsE2e, DeletingAClientRemovesEveryRowAndFile) {
  int64_t gone = CreateClient("Gone", "gone@docs-e2e.test");
  int64_t kept = CreateClient("Kept", "kept@docs-e2e.test");
  int64_t img = CreateTypeId({{"name", "Picture"}, {"upload_mode", "optional"}, {"max_files", 2}});
  int64_t pdf = CreateTypeId({{"name", "Paper"}, {"upload_mode", "required"}});
  ASSERT_GT(img * pdf, 0);
  for (int64_t who : {gone, kept}) {
    ASSERT_EQ(Upload(who, img, "a.png", "image/png", kPng).status, 201);
    ASSERT_EQ(Upload(who, img, "b.png", "image/png", kPng + "v2").status, 200);  // archived version
    ASSERT_EQ(Upload(who, pdf, "p.pdf", "application/pdf", Pdf(std::to_string(who))).status, 201);
    ASSERT_EQ(api_->Delete(DocPath(who, pdf), Bearer(full_)).status, 204);  // archived by deletion
    ASSERT_EQ(
        Upload(who, pdf, "p2.pdf", "application/pdf", Pdf("again" + std::to_string(who))).status,
        201);
  }
  std::set<std::string> before = Stored();
  std::string gone_prefix = "files/" + std::to_string(gone) + "/";
  std::string kept_prefix = "files/" + std::to_string(kept) + "/";
  size_t gone_files = 0, kept_files = 0, thumbs = 0;
  std::map<std::string, std::string> kept_content;
  for (const std::string& p : before) {
    if (p.rfind(gone_prefix, 0) == 0) ++gone_files;
    if (p.rfind(kept_prefix, 0) == 0) {
      ++kept_files;
      kept_content[p] = ReadStored(p);
    }
    if (p.find("thumb") != std::string::npos) ++thumbs;
  }
  // Current PNG + archived PNG + archived PDF + current PDF, and thumbnails of the images.
  EXPECT_GE(gone_files, 4u) << "files are not where the README says (files/<client_id>/)";
  EXPECT_GE(thumbs, 2u) << "no thumbnails were made";
  // The sha256 of the gone client's files, to find them wherever they might be.
  std::set<std::string> gone_hashes;
  for (const std::string& p : before)
    if (p.rfind(gone_prefix, 0) == 0) gone_hashes.insert(Sha256Hex(ReadStored(p)));

  HttpResponse del = api_->Delete("/api/v1/clients/" + std::to_string(gone), Bearer(full_));
  ASSERT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(api_->Get("/api/v1/clients/" + std::to_string(gone), Bearer(read_)).status, 404);

  std::set<std::string> after = Stored();
  for (const std::string& p : after) {
    EXPECT_NE(p.rfind(gone_prefix, 0), 0u) << "left behind: " << p;
    EXPECT_FALSE(gone_hashes.count(Sha256Hex(ReadStored(p))) && p.rfind(kept_prefix, 0) != 0)
        << "a file of the deleted client is still there: " << p;
  }
  EXPECT_FALSE(fs::exists(PluginData() / "files" / std::to_string(gone)))
      << "the client's folder remains";
  // The other client's files are untouched.
  for (const auto& [p, content] : kept_content) {
    ASSERT_TRUE(after.count(p)) << "removed a file of another client: " << p;
    EXPECT_EQ(ReadStored(p), content) << p;
  }
  EXPECT_EQ(GetDoc(kept, img).at("status").as_string(), "uploaded");
  EXPECT_EQ(api_->Get(DocPath(kept, img) + "/file", Bearer(read_)).body, kPng + "v2");
  HttpResponse kv = api_->Get(DocPath(kept, pdf) + "/versions", Bearer(read_));
  EXPECT_EQ(Json(kv).at("items").as_array().size(), 1u) << kv.body;

  // The rows are gone: the API says 404 for the client's documents and versions.
  EXPECT_EQ(api_->Get(std::string(kApi) + "/clients/" + std::to_string(gone) + "/documents",
                      Bearer(read_))
                .status,
            404);
  // A restart (whatever cleanup runs at start) keeps the other client's data.
  host_->Stop();
  ASSERT_NO_FATAL_FAILURE(StartHost());
  EXPECT_EQ(api_->Get(DocPath(kept, img) + "/file", Bearer(read_)).body, kPng + "v2");
  // The type with only the deleted client's documents left can now be deleted? No: kept has some.
  EXPECT_EQ(api_->Delete(std::string(kApi) + "/types/" + std::to_string(img), Bearer(full_)).status,
            409);
}

// ---- CD11: the timeline -------------------------------------------------------------------------

TEST_F(DocsE2e, TimelineShowsUploadReplaceAndDelete) {
  int64_t client = CreateClient("Tim", "tim@docs-e2e.test");
  int64_t type =
      CreateTypeId({{"names", {{"en", "Lease"}, {"fr", "Bail"}}}, {"upload_mode", "optional"}});
  ASSERT_GT(type, 0);
  std::string csrf;
  auto admin = AdminSession(&csrf);
  std::string profile_path = "/admin/clients/" + std::to_string(client);
  std::string before = admin->Get(profile_path).body;
  EXPECT_EQ(before.find("Document uploaded: Lease"), std::string::npos);
  ASSERT_EQ(Upload(client, type, "lease.pdf", "application/pdf", Pdf("l1")).status, 201);
  ASSERT_EQ(Upload(client, type, "lease2.pdf", "application/pdf", Pdf("l2")).status, 200);
  ASSERT_EQ(api_->Delete(DocPath(client, type), Bearer(full_)).status, 204);
  HttpResponse profile = admin->Get(profile_path);
  ASSERT_EQ(profile.status, 200);
  EXPECT_NE(profile.body.find("Document uploaded: Lease"), std::string::npos);
  EXPECT_NE(profile.body.find("Document replaced: Lease"), std::string::npos);
  EXPECT_NE(profile.body.find("Document deleted: Lease"), std::string::npos);
  EXPECT_NE(profile.body.find("lease2.pdf"), std::string::npos)
      << "the replace entry names the file";
  EXPECT_NE(profile.body.find("The files were moved to the archive."), std::string::npos);
  // The timeline type filter knows the module's entries.
  HttpResponse only = admin->Get(profile_path + "?timeline_type=client-documents.delete");
  EXPECT_EQ(only.status, 200);

  // Issue 15.10: the same entries in the reader's language, type names included, and the type
  // filter shows names, not ids (kept as the options' values).
  HttpResponse fr = admin->Post("/lang/fr", {{"Content-Type", "application/x-www-form-urlencoded"}},
                                "_csrf=" + csrf);
  ASSERT_EQ(fr.status / 100, 3) << fr.body.substr(0, 300);
  profile = admin->Get(profile_path);
  ASSERT_EQ(profile.status, 200);
  for (const char* text :
       {"Document envoyé : Bail", "Document remplacé : Bail", "Document supprimé : Bail",
        "déplacés dans les archives", ">Document supprimé</option>"})
    EXPECT_NE(profile.body.find(text), std::string::npos) << text;
  for (const char* text : {"Document uploaded", "Lease", ">client-documents.upload<",
                           "moved to the archive", "@client-documents"})
    EXPECT_EQ(profile.body.find(text), std::string::npos) << text;
}

// ---- CD10: the OpenAPI document -----------------------------------------------------------------

TEST_F(DocsE2e, OpenApiIsServedAsInTheRepository) {
  HttpResponse r = api_->Get(std::string(kApi) + "/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.Header("Content-Type").value_or("").find("application/json"), std::string::npos);
  std::string repo = ReadFile(kOpenApiPath);
  ASSERT_FALSE(repo.empty()) << kOpenApiPath;
  EXPECT_EQ(json::parse(r.body), json::parse(repo));
  EXPECT_EQ(r.body, repo);
  json::value v = json::parse(r.body);
  EXPECT_EQ(std::string(v.at("openapi").as_string()).rfind("3.", 0), 0u);
}

// ---- X4, SPEC §6 Jobs: `sample-host scrub`
// --------------------------------------------------------

// Issue 15.6: the scrub command re-hashes every stored file, removes an orphan object and a stale
// temp file, and prints exactly its JSON report; exit 0 when all is well, 4 when a file is missing
// or altered. Local files on SQLite; PostgreSQL + S3 in the .pg run.
TEST_F(DocsE2e, ScrubCommandPrintsItsReportAndExitsFourOnMissingOrAlteredFiles) {
  int64_t ann = CreateClient("Scrub", "scrub@docs-e2e.test");
  int64_t type = CreateTypeId({{"name", "Scan"}, {"upload_mode", "optional"}, {"max_files", 3}});
  ASSERT_GT(ann * type, 0);
  std::set<std::string> before = Stored();
  MultipartBuilder mb;
  for (const char* m : {"one", "two", "three"})
    mb.AddFile("file", std::string(m) + ".pdf", "application/pdf", Pdf(m));
  HttpResponse up = api_->Post(DocPath(ann, type),
                               Bearer(full_, {{"Content-Type", mb.ContentType()}}), mb.Build());
  ASSERT_EQ(up.status, 201) << up.body;
  std::vector<std::string> keys;
  for (const std::string& p : Stored())
    if (!before.count(p) && p.rfind("files/", 0) == 0) keys.push_back(p);
  ASSERT_EQ(keys.size(), 3u);
  host_->Stop();

  // stdout alone (the log lines go to stderr).
  const std::string scrub =
      "-c '" + std::string(kBinary) + " scrub --data " + site_.data().string() + " --plugins " +
      kPluginDir + " " + crm_test::DatabaseArgs(site_.data()) +
      (site_.store_url().empty() ? "" : " --store \"" + site_.store_url() + "\"") + " 2>/dev/null'";
  crm_test::CliResult clean = crm_test::RunCli("/bin/sh", scrub, "");
  EXPECT_EQ(clean.code, 0) << clean.output;
  EXPECT_EQ(
      clean.output,
      "{\"checked\":3,\"missing\":0,\"altered\":0,\"orphans_removed\":0,\"temp_removed\":0}\n");

  // One file removed, one altered, an orphan object (of a client that does not exist) and a temp
  // file a crashed upload left two hours ago.
  const std::string orphan = "files/999999/0123456789abcdef0123456789abcdef.bin";
  if (auto b = BucketOf(site_.store_url())) {
    HttpClient s3(b->port);
    const std::string base = "/" + b->name + "/" + kObjectPrefix;
    ASSERT_EQ(s3.Delete(base + keys[0]).status / 100, 2);
    ASSERT_EQ(s3.Put(base + keys[1], {}, Pdf("tampered")).status, 200);
    ASSERT_EQ(s3.Put(base + orphan, {}, "x").status, 200);
  } else {
    fs::remove(PluginData() / keys[0]);
    std::ofstream(PluginData() / keys[1], std::ios::binary | std::ios::trunc) << Pdf("tampered");
    fs::create_directories(PluginData() / "files" / "999999");
    std::ofstream(PluginData() / orphan) << "x";
  }
  fs::create_directories(PluginData() / "tmp");
  std::ofstream(PluginData() / "tmp" / "crashed.part") << "half an upload";
  fs::last_write_time(PluginData() / "tmp" / "crashed.part",
                      fs::file_time_type::clock::now() - std::chrono::hours(2));

  crm_test::CliResult found = crm_test::RunCli("/bin/sh", scrub, "");
  EXPECT_EQ(found.code, 4) << found.output;
  EXPECT_EQ(
      found.output,
      "{\"checked\":3,\"missing\":1,\"altered\":1,\"orphans_removed\":1,\"temp_removed\":1}\n");
  std::set<std::string> after = Stored();
  EXPECT_FALSE(after.count(orphan));
  EXPECT_FALSE(after.count("tmp/crashed.part"));
  EXPECT_TRUE(after.count(keys[1])) << "an altered file is reported, never removed";
  EXPECT_TRUE(after.count(keys[2]));
  // The findings stay until a person acts; what was removed is not counted again.
  crm_test::CliResult again = crm_test::RunCli("/bin/sh", scrub, "");
  EXPECT_EQ(again.code, 4);
  EXPECT_EQ(
      again.output,
      "{\"checked\":3,\"missing\":1,\"altered\":1,\"orphans_removed\":0,\"temp_removed\":0}\n");
}

}  // namespace
