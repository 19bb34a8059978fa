// tests/plugin/api_routes_test.cc — the HTTP API driven in-process through fake requests:
// status codes, scopes and the JSON shapes of SPEC §5, uploads streamed as multipart.
#include "plugin/api_routes.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include <boost/json.hpp>

#include "sample-host/core/hook_registry.h"
#include "tests/plugin/fake_http.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

namespace json = boost::json;
const std::string P = kApiPrefix;

class ApiRoutesTest : public cd_test::ModuleTest {
 protected:
  ApiRoutesTest() {
    EXPECT_OK(RegisterApiRoutes(registrar_, sv_));
    ann_ = host_.AddClient("Ann");
    bob_ = host_.AddClient("Bob");
  }

  cd_test::FakeResponse Call(const std::string& method, const std::string& path,
                             const std::vector<std::string>& scopes, const std::string& body = "",
                             const std::string& content_type = "application/json",
                             std::vector<std::pair<std::string, std::string>> query = {}) {
    cd_test::FakeRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.query = std::move(query);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
      req.headers["content-type"] = content_type;
    req.caller = cd_test::Token(scopes);
    cd_test::FakeResponse res;
    registrar_.Call(req, res);
    return res;
  }

  json::value Json(const cd_test::FakeResponse& res) {
    boost::system::error_code ec;
    json::value v = json::parse(res.body, ec);
    EXPECT_FALSE(ec) << res.body;
    return v;
  }

  void ExpectError(const cd_test::FakeResponse& res, int status, const std::string& code) {
    EXPECT_EQ(res.status, status) << res.body;
    json::value v = Json(res);
    ASSERT_TRUE(v.is_object()) << res.body;
    const json::object& err = v.at("error").as_object();
    EXPECT_EQ(err.at("code").as_string(), code) << res.body;
    EXPECT_TRUE(err.at("message").is_string());
    EXPECT_EQ(err.size(), 2u);
  }

  int64_t CreateType(const std::string& body) {
    auto res = Call("POST", P + "/types", {"settings:write"}, body);
    EXPECT_EQ(res.status, 201) << res.body;
    return Json(res).at("id").as_int64();
  }

  cd_test::FakeResponse Upload(int64_t client, int64_t type, cd_test::MultipartBody& b,
                               std::vector<std::string> scopes = {"documents:write"}) {
    std::string body = b.Finish();
    return Call("POST",
                P + "/clients/" + std::to_string(client) + "/documents/" + std::to_string(type),
                scopes, body, b.ContentType());
  }

  std::string DocPath(int64_t client, int64_t type) {
    return P + "/clients/" + std::to_string(client) + "/documents/" + std::to_string(type);
  }

  cd_test::FakeRegistrar registrar_;
  int64_t ann_ = 0, bob_ = 0;
};

TEST_F(ApiRoutesTest, RoutesLiveUnderThePrefixWithTokenAudience) {
  std::set<std::string> seen;
  for (const crm::Route& r : registrar_.routes) {
    EXPECT_EQ(r.pattern.rfind(P + "/", 0), 0u) << r.pattern;
    if (r.pattern == P + "/openapi.json")
      EXPECT_EQ(r.audience.kind, crm::Audience::Kind::kPublic);
    else
      EXPECT_EQ(r.audience.kind, crm::Audience::Kind::kApiToken) << r.pattern;
    seen.insert(r.method + " " + r.pattern.substr(P.size()));
  }
  for (const char* want :
       {"GET /types", "POST /types", "GET /types/{id}", "PATCH /types/{id}", "DELETE /types/{id}",
        "GET /settings", "PUT /settings", "GET /clients/{client_id}/documents",
        "GET /clients/{client_id}/documents/{type_id}",
        "POST /clients/{client_id}/documents/{type_id}",
        "DELETE /clients/{client_id}/documents/{type_id}",
        "GET /clients/{client_id}/documents/{type_id}/file", "GET /openapi.json"})
    EXPECT_TRUE(seen.count(want)) << want;
}

TEST_F(ApiRoutesTest, OpenApiDescribesEveryRoute) {
  cd_test::FakeRequest req;
  req.method = "GET";
  req.path = P + "/openapi.json";  // anonymous caller: public
  cd_test::FakeResponse res;
  registrar_.Call(req, res);
  ASSERT_EQ(res.status, 200);
  json::value doc = Json(res);
  EXPECT_EQ(std::string(doc.at("openapi").as_string()).substr(0, 2), "3.");
  const json::object& paths = doc.at("paths").as_object();
  for (const crm::Route& r : registrar_.routes) {
    ASSERT_TRUE(paths.contains(r.pattern)) << r.pattern;
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(paths.at(r.pattern).as_object().contains(method)) << r.method << " " << r.pattern;
  }
  for (const char* schema : {"Type", "Document", "File", "Settings", "Error"})
    EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains(schema)) << schema;
}

TEST_F(ApiRoutesTest, TypesCrudWithShapesAndErrors) {
  auto created = Call(
      "POST", P + "/types", {"settings:write"},
      R"({"name": "ID card", "upload_mode": "required", "fields": "Date of issue, Place of issue", "max_files": 2})");
  ASSERT_EQ(created.status, 201) << created.body;
  json::object t = Json(created).as_object();
  for (const char* key :
       {"id", "name", "help", "upload_mode", "fields", "accept", "max_size", "max_files", "active"})
    EXPECT_TRUE(t.contains(key)) << key;
  EXPECT_EQ(t.at("name").as_string(), "ID card");
  EXPECT_EQ(t.at("upload_mode").as_string(), "required");
  EXPECT_EQ(t.at("max_files").as_int64(), 2);
  EXPECT_EQ(t.at("active").as_bool(), true);
  const json::array& fields = t.at("fields").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].at("key").as_string(), "date_of_issue");
  EXPECT_EQ(fields[0].at("label").as_string(), "Date of issue");
  EXPECT_EQ(fields[0].at("type").as_string(), "text");
  EXPECT_EQ(fields[0].at("required").as_bool(), false);
  EXPECT_EQ(t.at("accept").as_array().size(), 5u);
  int64_t id = t.at("id").as_int64();

  auto list = Call("GET", P + "/types", {"documents:read"});
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json(list).at("items").as_array().size(), 1u);

  auto fr = Call("PATCH", P + "/types/" + std::to_string(id), {"settings:write"},
                 R"({"name": {"fr": "Carte d'identité"}})");
  ASSERT_EQ(fr.status, 200) << fr.body;
  auto got =
      Call("GET", P + "/types/" + std::to_string(id), {"documents:read"}, "", "", {{"lang", "fr"}});
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Json(got).at("name").as_string(), "Carte d'identité");

  ExpectError(Call("GET", P + "/types/999", {"documents:read"}), 404, "not_found");
  ExpectError(Call("GET", P + "/types/abc", {"documents:read"}), 404, "not_found");
  ExpectError(Call("POST", P + "/types", {"settings:write"}, R"({"name": "x", "max_files": 0})"),
              422, "unprocessable");
  ExpectError(Call("POST", P + "/types", {"settings:write"}, "{not json"), 400, "invalid_argument");
  ExpectError(Call("POST", P + "/types", {"settings:write"}, R"({"name": "x"})", "text/plain"), 415,
              "unsupported_type");
  ExpectError(Call("POST", P + "/types", {"documents:write"}, R"({"name": "x"})"), 403,
              "permission_denied");
  ExpectError(Call("GET", P + "/types", {"clients:read"}), 403, "permission_denied");

  // No token at all: 401.
  cd_test::FakeRequest anon;
  anon.method = "GET";
  anon.path = P + "/types";
  cd_test::FakeResponse res;
  registrar_.Call(anon, res);
  ExpectError(res, 401, "unauthenticated");

  auto unused = CreateType(R"({"name": "Unused"})");
  EXPECT_EQ(Call("DELETE", P + "/types/" + std::to_string(unused), {"settings:write"}).status, 204);
  ExpectError(Call("DELETE", P + "/types/" + std::to_string(unused), {"settings:write"}), 404,
              "not_found");
}

TEST_F(ApiRoutesTest, SettingsGetAndPut) {
  auto get = Call("GET", P + "/settings", {"documents:read"});
  ASSERT_EQ(get.status, 200);
  json::object s = Json(get).as_object();
  EXPECT_EQ(s.at("show_menu_entry").as_bool(), true);
  EXPECT_EQ(s.at("mandatory_gate").as_bool(), false);
  EXPECT_EQ(s.at("intro_markdown").as_string(), "");
  auto put = Call("PUT", P + "/settings", {"settings:write"},
                  R"({"mandatory_gate": true, "intro_markdown": "Hi"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("mandatory_gate").as_bool(), true);
  EXPECT_EQ(Json(Call("GET", P + "/settings", {"documents:read"})).at("intro_markdown").as_string(),
            "Hi");
  ExpectError(Call("PUT", P + "/settings", {"documents:write"}, R"({"mandatory_gate": true})"), 403,
              "permission_denied");
  ExpectError(Call("PUT", P + "/settings", {"settings:write"}, R"({"mandatory_gate": "yes"})"), 400,
              "invalid_argument");
}

// Issue 4: labels and the intro in the language of the request: ?lang=, then Accept-Language
// (a token's caller language is its admin's), with "labels"/"intro_markdowns" per language.
TEST_F(ApiRoutesTest, LabelsAndIntroFollowTheRequestLanguage) {
  int64_t id = CreateType(R"({"name": {"en": "ID card", "fr": "Carte d'identité"}, "fields": [
      {"key": "date_of_issue", "labels": {"en": "Date of issue", "fr": "Date de délivrance", "nl": "Datum van afgifte"}},
      {"key": "place", "label": "Place of issue"}]})");
  auto get = [&](std::map<std::string, std::string> headers,
                 std::vector<std::pair<std::string, std::string>> query) {
    cd_test::FakeRequest req;
    req.method = "GET";
    req.path = P + "/types/" + std::to_string(id);
    req.query = std::move(query);
    req.headers = std::move(headers);
    req.caller = cd_test::Token({"documents:read"});
    cd_test::FakeResponse res;
    registrar_.Call(req, res);
    EXPECT_EQ(res.status, 200) << res.body;
    return Json(res);
  };
  json::value fr = get({{"accept-language", "fr-BE,fr;q=0.9,en;q=0.5"}}, {});
  EXPECT_EQ(fr.at("name").as_string(), "Carte d'identité");
  EXPECT_EQ(fr.at("fields").as_array()[0].at("label").as_string(), "Date de délivrance");
  EXPECT_EQ(fr.at("fields").as_array()[1].at("label").as_string(), "Place of issue");  // fallback
  EXPECT_EQ(fr.at("fields").as_array()[0].at("labels").at("nl").as_string(), "Datum van afgifte");
  json::value nl = get({{"accept-language", "de, nl;q=0.8, fr;q=0.3"}}, {});
  EXPECT_EQ(nl.at("fields").as_array()[0].at("label").as_string(), "Datum van afgifte");
  json::value query_wins = get({{"accept-language", "fr"}}, {{"lang", "nl"}});
  EXPECT_EQ(query_wins.at("fields").as_array()[0].at("label").as_string(), "Datum van afgifte");
  json::value unknown = get({{"accept-language", "de-DE"}}, {});
  EXPECT_EQ(unknown.at("fields").as_array()[0].at("label").as_string(), "Date of issue");

  // The intro: PUT in French with ?lang=fr sets only French.
  ASSERT_EQ(
      Call("PUT", P + "/settings", {"settings:write"}, R"({"intro_markdown": "Hello"})").status,
      200);
  auto put = Call("PUT", P + "/settings", {"settings:write"}, R"({"intro_markdown": "Bonjour"})",
                  "application/json", {{"lang", "fr"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("intro_markdown").as_string(), "Bonjour");
  json::value s = Json(Call("GET", P + "/settings", {"documents:read"}, "", "", {{"lang", "nl"}}));
  EXPECT_EQ(s.at("intro_markdown").as_string(), "Hello");  // no Dutch: English
  EXPECT_EQ(s.at("intro_markdowns").at("fr").as_string(), "Bonjour");
  EXPECT_EQ(s.at("intro_markdowns").at("en").as_string(), "Hello");
}

TEST_F(ApiRoutesTest, UploadListDownloadReplaceDelete) {
  int64_t type = CreateType(R"({"name": "ID card", "upload_mode": "required",
      "fields": [{"label": "Expiry", "type": "date", "required": true}]})");
  CreateType(R"({"name": "Photo"})");

  cd_test::MultipartBody b;
  std::string pdf = cd_test::MakePdf();
  b.Field("expiry", "2030-12-31").File("file", "my id.pdf", "application/octet-stream", pdf);
  auto up = Upload(ann_, type, b);
  ASSERT_EQ(up.status, 201) << up.body;
  json::object doc = Json(up).as_object();
  for (const char* key : {"type_id", "type_name", "upload_mode", "status", "uploaded_at",
                          "uploaded_by", "fields", "files"})
    EXPECT_TRUE(doc.contains(key)) << key;
  EXPECT_EQ(doc.at("type_id").as_int64(), type);
  EXPECT_EQ(doc.at("type_name").as_string(), "ID card");
  EXPECT_EQ(doc.at("status").as_string(), "uploaded");
  EXPECT_EQ(doc.at("uploaded_at").as_string(), "2027-01-15T08:00:00Z");
  EXPECT_EQ(doc.at("fields").at("expiry").as_string(), "2030-12-31");
  const json::object& file = doc.at("files").as_array().at(0).as_object();
  for (const char* key : {"id", "name", "size", "mime", "sha256", "url"})
    EXPECT_TRUE(file.contains(key)) << key;
  EXPECT_EQ(file.at("name").as_string(), "my id.pdf");
  EXPECT_EQ(file.at("size").as_int64(), static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(file.at("mime").as_string(), "application/pdf");
  EXPECT_EQ(file.at("sha256").as_string(), cd_test::Sha256Hex(pdf));
  int64_t file_id = file.at("id").as_int64();
  EXPECT_EQ(file.at("url").as_string(),
            DocPath(ann_, type) + "/file?file_id=" + std::to_string(file_id));

  auto list =
      Call("GET", P + "/clients/" + std::to_string(ann_) + "/documents", {"documents:read"});
  ASSERT_EQ(list.status, 200);
  json::value list_json = Json(list);
  const json::array& items = list_json.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("status").as_string(), "uploaded");
  EXPECT_EQ(items[1].at("status").as_string(), "missing");
  EXPECT_TRUE(items[1].at("uploaded_at").is_null());
  EXPECT_TRUE(items[1].at("files").as_array().empty());

  auto dl = Call("GET", DocPath(ann_, type) + "/file", {"documents:read"});
  ASSERT_EQ(dl.status, 200) << dl.body;
  ASSERT_TRUE(dl.file.has_value());
  EXPECT_EQ(dl.file->mime, "application/pdf");
  EXPECT_EQ(dl.file->download_name, "my id.pdf");
  EXPECT_FALSE(dl.file->inline_view);
  EXPECT_EQ(cd_test::ReadFile(dl.file->path), pdf);
  // Another client's path with Ann's file id: 404 (no IDOR).
  ExpectError(Call("GET", DocPath(bob_, type) + "/file", {"documents:read"}, "", "",
                   {{"file_id", std::to_string(file_id)}}),
              404, "not_found");

  cd_test::MultipartBody again;
  again.Field("expiry", "2031-01-01").File("file", "new.png", "image/png", cd_test::MakePng());
  auto replaced = Upload(ann_, type, again);
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(Json(replaced).at("files").at(0).at("mime").as_string(), "image/png");
  auto versions = Call("GET", DocPath(ann_, type) + "/versions", {"documents:read"});
  ASSERT_EQ(versions.status, 200);
  EXPECT_EQ(Json(versions).at("items").as_array().size(), 1u);

  EXPECT_EQ(Call("DELETE", DocPath(ann_, type), {"documents:write"}).status, 204);
  auto after = Call("GET", DocPath(ann_, type), {"documents:read"});
  EXPECT_EQ(Json(after).at("status").as_string(), "missing");
  ExpectError(Call("DELETE", DocPath(ann_, type), {"documents:write"}), 404, "not_found");
  // Deleting a type with (archived) documents: 409.
  ExpectError(Call("DELETE", P + "/types/" + std::to_string(type), {"settings:write"}), 409,
              "conflict");
}

TEST_F(ApiRoutesTest, UploadErrors) {
  int64_t type = CreateType(R"({"name": "ID", "max_size": 2048,
      "fields": [{"label": "Expiry", "type": "date", "required": true}]})");
  {
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01").File("file", "x.pdf", "application/pdf", cd_test::ElfBytes());
    ExpectError(Upload(ann_, type, b), 415, "unsupported_type");
  }
  {
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01").File("file", "x.png", "image/png", cd_test::HtmlBytes());
    ExpectError(Upload(ann_, type, b), 415, "unsupported_type");
  }
  {
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01")
        .File("file", "x.pdf", "application/pdf", cd_test::MakePdf() + std::string(4096, ' '));
    ExpectError(Upload(ann_, type, b), 413, "too_large");
  }
  {
    cd_test::MultipartBody b;
    b.File("file", "x.pdf", "application/pdf", cd_test::MakePdf());
    ExpectError(Upload(ann_, type, b), 422, "unprocessable");  // required field missing
  }
  {
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01");
    ExpectError(Upload(ann_, type, b), 422, "unprocessable");  // no file
  }
  {
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01").File("file", "x.pdf", "application/pdf", cd_test::MakePdf());
    ExpectError(Upload(ann_, type, b, {"documents:read"}), 403, "permission_denied");
  }
  {
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01").File("file", "x.pdf", "application/pdf", cd_test::MakePdf());
    ExpectError(Upload(9999, type, b), 404, "not_found");
  }
  {
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01").File("file", "x.pdf", "application/pdf", cd_test::MakePdf());
    ExpectError(Upload(ann_, 9999, b), 404, "not_found");
  }
  ExpectError(Call("POST", DocPath(ann_, type), {"documents:write"}, "{}", "application/json"), 415,
              "unsupported_type");
  {
    // Body cut before the final boundary.
    cd_test::MultipartBody b;
    b.Field("expiry", "2030-01-01").File("file", "x.pdf", "application/pdf", cd_test::MakePdf());
    ExpectError(Call("POST", DocPath(ann_, type), {"documents:write"}, b.body, b.ContentType()),
                400, "invalid_argument");
  }
  // Nothing at all was kept by any of these.
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir() / "tmp").empty());
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir() / "files").empty());
  auto n = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_files");
  EXPECT_EQ((*n)->Int(0), 0);
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// The host's own registrar accepts every route (namespaces, patterns, no duplicates).
TEST(ApiRoutesHostTest, HostStagingRegistrarAcceptsTheRoutes) {
  cd_test::TempDir dir;
  cd_test::FakeHost host(dir.path());
  Services sv(host);
  host::StagingRegistrar registrar("client-documents");
  ASSERT_OK(RegisterApiRoutes(registrar, sv));
  EXPECT_OK(registrar.first_error());
  host::StagedRegistrations staged = registrar.Take();
  // SPEC §5 routes, versions, archived files, openapi.json; review, journal and its verify (§6)
  // and comments (GET, POST); links (GET, POST, DELETE); a client's reminders (GET, PUT); the
  // missing files of a document (POST …/files, issue 15.13)
  EXPECT_EQ(staged.routes.size(), 26u);
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

// Issue 15.4: the stored name carries the sniffed type's extension, so the JSON `name` and
// the download's name agree; issue 15.3: a bidi override never reaches either.
TEST_F(ApiRoutesTest, NamesFollowTheSniffedTypeInJsonAndDownload) {
  int64_t type = CreateType(R"({"name": "Report"})");
  cd_test::MultipartBody b;
  b.File("file", "report\u202Efdp.html", "text/html", cd_test::MakePdf());
  auto res = Upload(ann_, type, b);
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Json(res).at("files").at(0).at("name").as_string(), "reportfdp.pdf");
  auto file = Call("GET", DocPath(ann_, type) + "/file", {"documents:read"});
  ASSERT_TRUE(file.file.has_value()) << file.body;
  EXPECT_EQ(file.file->download_name, "reportfdp.pdf");
}

// Issue 15.2: a token needs its scope AND its owner's permission.
TEST_F(ApiRoutesTest, ATokenWhoseOwnerLostThePermissionIsRefused) {
  int64_t type = CreateType(R"({"name": "Report"})");
  cd_test::FakeRequest req;
  req.method = "GET";
  req.path = DocPath(ann_, type);
  req.caller = cd_test::Token({"documents:read"}, {"documents.write"});
  cd_test::FakeResponse res;
  registrar_.Call(req, res);
  ExpectError(res, 403, "permission_denied");
}

}  // namespace
}  // namespace cd
