// tests/support/e2e_helpers.cc — see e2e_helpers.h.
#include "tests/support/e2e_helpers.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <vector>

#include "tests/support/e2e_env.h"

namespace crm_test {

namespace json = boost::json;

json::value Json(const HttpResponse& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON (status " << r.status << "): " << r.body.substr(0, 400);
  return ec ? json::value() : v;
}

std::string ErrorCode(const HttpResponse& r) {
  json::value v = Json(r);
  if (!v.is_object() || !v.as_object().contains("error") || !v.at("error").is_object()) {
    ADD_FAILURE() << "no error object: " << r.body.substr(0, 400);
    return "";
  }
  const json::object& e = v.at("error").as_object();
  EXPECT_TRUE(e.contains("message") && e.at("message").is_string() &&
              !e.at("message").as_string().empty())
      << r.body;
  if (!e.contains("code") || !e.at("code").is_string()) {
    ADD_FAILURE() << "no error.code: " << r.body;
    return "";
  }
  return std::string(e.at("code").as_string());
}

std::string CsrfFrom(const std::string& html) {
  std::smatch m;
  static const std::regex meta("name=\"csrf-token\" content=\"([0-9a-f]{64})\"");
  static const std::regex field("_csrf[=\"]+(?: value=\")?([0-9a-f]{64})");
  if (std::regex_search(html, m, meta)) return m[1];
  if (std::regex_search(html, m, field)) return m[1];
  return "";
}

std::string Pdf(const std::string& marker) {
  return "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages "
         "/Kids [] /Count 0 >>\nendobj\n% " +
         marker + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

std::string PagedPdf(int pages, const std::string& marker) {
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::string kids;
  for (int i = 0; i < pages; ++i) {
    kids += std::to_string(3 + i) + " 0 R ";
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>";
  std::string pdf = "%PDF-1.4\n% " + marker + "\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    std::string n = std::to_string(off);
    pdf += std::string(10 - n.size(), '0') + n + " 00000 n \n";
  }
  return pdf + "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
}

const std::string kPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00"
    "\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63\xfc\xcf"
    "\xc0\x50\x0f\x00\x04\x85\x01\x80\x84\xa9\x8c\x21\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60"
    "\x82",
    70);

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::set<std::string> FilesUnder(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) out.insert(fs::relative(it->path(), root).generic_string());
  }
  return out;
}

namespace {

std::string DecodeQuotedPrintable(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;  // a soft line break
    } else if (i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> OutboxMails(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().extension() == ".eml") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) {
    out.push_back(DecodeQuotedPrintable(ReadFile(f)));
  }
  return out;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

namespace {
std::string UtcFormat(int64_t seconds_from_now, const char* format) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(seconds_from_now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
}  // namespace

std::string Day(int days) { return UtcFormat(static_cast<int64_t>(days) * 86400, "%Y-%m-%d"); }
std::string IsoIn(int64_t seconds) { return UtcFormat(seconds, "%Y-%m-%dT%H:%M:%SZ"); }

std::string MailedToken(const std::string& mail, const std::string& path) {
  size_t at = mail.find(path);
  if (at == std::string::npos) return "";
  std::smatch m;
  static const std::regex re("token=([0-9a-f]{64})");
  std::string rest = mail.substr(at);
  return std::regex_search(rest, m, re) ? std::string(m[1]) : "";
}

int64_t CreateE2eClient(HttpClient& api, const std::string& token, const std::string& first_name,
                        const std::string& email, const std::string& language) {
  boost::json::object body{
      {"first_name", first_name}, {"last_name", "E2e"}, {"email", email}, {"language", language}};
  HttpResponse r =
      api.Post("/api/v1/clients", Bearer(token, {{"Content-Type", "application/json"}}),
               boost::json::serialize(body));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? Json(r).at("id").as_int64() : 0;
}

int64_t CreateDocumentType(HttpClient& api, const std::string& token,
                           const boost::json::object& body) {
  HttpResponse r =
      api.Post("/api/v1/plugins/client-documents/types",
               Bearer(token, {{"Content-Type", "application/json"}}), boost::json::serialize(body));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? Json(r).at("id").as_int64() : 0;
}

std::string DocumentPath(int64_t client_id, int64_t type_id) {
  return "/api/v1/plugins/client-documents/clients/" + std::to_string(client_id) + "/documents/" +
         std::to_string(type_id);
}

HttpResponse UploadPdf(HttpClient& api, const std::string& token, int64_t client_id,
                       int64_t type_id, const std::string& marker,
                       const std::map<std::string, std::string>& fields) {
  MultipartBuilder mb;
  for (const auto& [k, v] : fields) mb.AddField(k, v);
  mb.AddFile("file", "scan.pdf", "application/pdf", Pdf(marker));
  return api.Post(DocumentPath(client_id, type_id),
                  Bearer(token, {{"Content-Type", mb.ContentType()}}), mb.Build());
}

std::optional<Bucket> BucketOf(const std::string& store_url) {
  static const std::regex url("s3://([^?]+)\\?.*endpoint=http://[^:&]+:([0-9]+).*");
  std::smatch m;
  if (!std::regex_match(store_url, m, url)) return std::nullopt;
  return Bucket{static_cast<uint16_t>(std::stoi(m[2])), m[1]};
}

std::set<std::string> ObjectsIn(const Bucket& b, const std::string& prefix) {
  HttpClient c(b.port);
  HttpResponse r = c.Get("/" + b.name + "?list-type=2&max-keys=1000&prefix=" + UrlEncode(prefix));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("<IsTruncated>true"), std::string::npos);
  std::set<std::string> out;
  static const std::regex key("<Key>([^<]+)</Key>");
  for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), key);
       it != std::sregex_iterator(); ++it)
    out.insert((*it)[1].str().substr(prefix.size()));
  return out;
}

std::set<std::string> ModuleBlobs(const std::filesystem::path& data, const std::string& store_url) {
  std::set<std::string> all;
  if (std::optional<Bucket> b = BucketOf(store_url)) {
    all = ObjectsIn(*b);
  } else {
    const std::filesystem::path root = data / "plugins" / "client-documents";
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root / "files", ec))
      if (e.is_regular_file()) all.insert(e.path().lexically_relative(root).generic_string());
  }
  std::set<std::string> blobs;
  for (const std::string& k : all)
    if (k.rfind("files/", 0) == 0 && k.size() > 4 && k.compare(k.size() - 4, 4, ".bin") == 0)
      blobs.insert(k);
  return blobs;
}

std::unique_ptr<HttpClient> AdminSession(int port, const std::string& email,
                                         const std::string& password, std::string* csrf) {
  auto b = std::make_unique<HttpClient>(port, HttpClient::Options{true, 60});
  HttpResponse login =
      b->Post("/admin/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
              "email=" + UrlEncode(email) + "&password=" + UrlEncode(password));
  EXPECT_EQ(login.status, 303) << login.body.substr(0, 300);
  *csrf = CsrfFrom(b->Get("/admin/clients").body);
  EXPECT_EQ(csrf->size(), 64u);
  return b;
}

std::unique_ptr<HttpClient> ClientSession(int port, const std::string& admin_email,
                                          const std::string& admin_password, int64_t client_id,
                                          const std::string& client_email,
                                          const std::string& password, std::string* csrf) {
  std::string admin_csrf;
  auto admin = AdminSession(port, admin_email, admin_password, &admin_csrf);
  const std::string base = "/admin/clients/" + std::to_string(client_id);
  const Headers form{{"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(admin->Post(base + "/login", form, "enabled=1&_csrf=" + admin_csrf).status, 303);
  EXPECT_EQ(admin
                ->Post(base + "/password", form,
                       "mode=set&confirm_email=1&password=" + UrlEncode(password) +
                           "&_csrf=" + admin_csrf)
                .status,
            303);
  auto b = std::make_unique<HttpClient>(port, HttpClient::Options{true, 60});
  HttpResponse login =
      b->Post("/account/login", form,
              "email=" + UrlEncode(client_email) + "&password=" + UrlEncode(password));
  EXPECT_EQ(login.status, 303) << login.body.substr(0, 300);
  *csrf = CsrfFrom(b->Get("/account/documents").body);
  return b;
}

std::set<std::string> ClientObjects(const E2eSite& site, int64_t client_id) {
  const std::string prefix = "files/" + std::to_string(client_id) + "/";
  std::set<std::string> out;
  static const std::regex url("s3://([^?]+)\\?.*endpoint=http://[^:&]+:([0-9]+).*");
  std::smatch m;
  const std::string& store = site.store_url();
  if (std::regex_match(store, m, url)) {
    const std::string bucket_prefix = "plugins/client-documents/" + prefix;
    HttpClient c(static_cast<uint16_t>(std::stoi(m[2])));
    HttpResponse r =
        c.Get("/" + m[1].str() + "?list-type=2&max-keys=1000&prefix=" + UrlEncode(bucket_prefix));
    EXPECT_EQ(r.status, 200) << r.body;
    static const std::regex key("<Key>([^<]+)</Key>");
    for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), key);
         it != std::sregex_iterator(); ++it)
      out.insert((*it)[1].str());
    return out;
  }
  namespace fs = std::filesystem;
  const fs::path root = site.data() / "plugins" / "client-documents" / prefix;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) out.insert(prefix + fs::relative(it->path(), root).generic_string());
  return out;
}

std::string SiteQuery(const E2eSite& site, const std::string& sql) {
  std::string url = SiteDatabaseUrl(site.data());
  std::string cmd = url.empty()
                        ? "sqlite3 '" + (site.data() / "host.db").string() + "' \"" + sql + "\""
                        : "psql '" + url + "' -tAc \"" + sql + "\"";
  std::string out;
  if (FILE* p = popen((cmd + " 2>&1").c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::set<std::string> HostObjects(const E2eSite& site, const std::string& folder) {
  if (std::optional<Bucket> b = BucketOf(site.store_url()))
    return ObjectsIn(*b, "host/" + folder + "/");
  return FilesUnder(site.data() / "host" / folder);
}

}  // namespace crm_test
