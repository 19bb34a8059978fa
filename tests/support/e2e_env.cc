// tests/support/e2e_env.cc — the sample-host CLI through popen, fresh data folders, the host
// started with a plugin folder, and the small request helpers the end-to-end tests share.
#include "tests/support/e2e_env.h"

#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <utility>

#include "sample-host/core/pg_database.h"

namespace crm_test {

namespace fs = std::filesystem;

CliResult RunCli(const fs::path& binary, const std::string& args, const std::string& stdin_line) {
  std::string cmd = stdin_line.empty()
                        ? binary.string() + " " + args
                        : "printf '%s\\n' '" + stdin_line + "' | " + binary.string() + " " + args;
  CliResult result;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) result.output.append(buf, n);
  int status = ::pclose(p);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string E2ePgServerUrl() {
  const char* url = std::getenv("CRM_E2E_PG_URL");
  return url == nullptr ? "" : url;
}

namespace {

// The databases made for data folders, dropped by DropSiteDatabase or at exit.
struct SiteDatabases {
  std::mutex mu;
  std::map<fs::path, std::string> names;  // data folder -> database name

  ~SiteDatabases() {
    for (const auto& [data, name] : names) Drop(name);
  }
  static std::string UrlOf(const std::string& name) {
    std::string server = E2ePgServerUrl();
    size_t slash = server.find('/', server.find("://") + 3);
    return server.substr(0, slash) + "/" + name;
  }
  static void Drop(const std::string& name) {
    auto admin = host::PgDatabase::Open(E2ePgServerUrl());
    if (!admin.ok()) return;
    // FORCE: a host that was killed may still hold a connection for a moment.
    (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
};

SiteDatabases& Databases() {
  static SiteDatabases databases;
  return databases;
}

}  // namespace

std::string SiteDatabaseUrl(const fs::path& data) {
  if (E2ePgServerUrl().empty()) return "";
  SiteDatabases& dbs = Databases();
  std::lock_guard<std::mutex> lock(dbs.mu);
  auto it = dbs.names.find(data);
  if (it != dbs.names.end()) return SiteDatabases::UrlOf(it->second);
  std::random_device rd;
  std::string name = "crm_e2e_" + std::to_string(rd()) + std::to_string(rd());
  auto admin = host::PgDatabase::Open(E2ePgServerUrl());
  crm::Status made =
      admin.ok() ? (*admin)->Exec("CREATE DATABASE " + name).status() : admin.status();
  if (!made.ok()) {
    // The CLI then fails against a missing database, and the test with it.
    std::cerr << "e2e: cannot create database " << name << ": " << made.ToString() << "\n";
  }
  dbs.names.emplace(data, name);
  return SiteDatabases::UrlOf(name);
}

std::string DatabaseArgs(const fs::path& data) {
  std::string url = SiteDatabaseUrl(data);
  return url.empty() ? "" : " --database " + url;
}

void DropSiteDatabase(const fs::path& data) {
  SiteDatabases& dbs = Databases();
  std::lock_guard<std::mutex> lock(dbs.mu);
  auto it = dbs.names.find(data);
  if (it == dbs.names.end()) return;
  SiteDatabases::Drop(it->second);
  dbs.names.erase(it);
}

CliResult CreateAdmin(const fs::path& binary, const fs::path& data, const std::string& email,
                      const std::string& password) {
  return RunCli(binary,
                "create-admin --data " + data.string() + DatabaseArgs(data) + " --email " + email,
                password);
}

CliResult CreateToken(const fs::path& binary, const fs::path& data, const std::string& email,
                      const std::string& scope_args) {
  std::string args =
      "create-token --data " + data.string() + DatabaseArgs(data) + " --email " + email;
  if (!scope_args.empty()) args += " " + scope_args;
  CliResult result = RunCli(binary, args, "");
  std::string& out = result.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return result;
}

fs::path FreshDir(const std::string& stem) {
  std::random_device rd;
  fs::path dir =
      fs::temp_directory_path() / (stem + "-" + std::to_string(rd()) + std::to_string(rd()));
  fs::remove_all(dir);
  return dir;
}

namespace {

// `serve --data DATA --plugins PLUGIN_DIR`, with the site's database when there is one.
HostProcess::Options ServeOptions(const fs::path& binary, const fs::path& data,
                                  const fs::path& plugin_dir) {
  HostProcess::Options o;
  o.binary = binary;
  o.data_dir = data;
  o.extra_args = {"--plugins", plugin_dir.string()};
  std::string url = SiteDatabaseUrl(data);
  if (!url.empty()) o.extra_args.insert(o.extra_args.end(), {"--database", url});
  return o;
}

}  // namespace

crm::Result<std::unique_ptr<HostProcess>> StartHost(const fs::path& binary, const fs::path& data,
                                                    const fs::path& plugin_dir) {
  return HostProcess::Start(ServeOptions(binary, data, plugin_dir));
}

namespace {

// CRM_E2E_S3_URL with a fresh bucket of that server in place of its bucket ("" without it).
// s3rver accepts an unsigned PUT of a bucket; throws when the bucket cannot be made.
std::string FreshBucketUrl() {
  const char* base = std::getenv("CRM_E2E_S3_URL");
  if (base == nullptr || *base == '\0') return "";
  std::string url = base;
  size_t query = url.find('?');
  size_t endpoint = url.find("endpoint=http://");
  if (url.rfind("s3://", 0) != 0 || query == std::string::npos || endpoint == std::string::npos)
    throw std::runtime_error("CRM_E2E_S3_URL: s3://BUCKET?endpoint=http://HOST:PORT&... expected");
  std::string host_port = url.substr(endpoint + 16, url.find('&', endpoint) - endpoint - 16);
  uint16_t port = static_cast<uint16_t>(std::stoi(host_port.substr(host_port.rfind(':') + 1)));
  // s3rver's keys (tests/s3server) unless the environment names others.
  ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 0);
  ::setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 0);
  std::random_device rd;
  std::string bucket = "e2e-" + std::to_string(rd()) + "-" + std::to_string(rd());
  HttpResponse made = HttpClient(port).Put("/" + bucket);
  if (made.status != 200)
    throw std::runtime_error("CRM_E2E_S3_URL: cannot make bucket " + bucket + ": " +
                             std::to_string(made.status) + " " + made.error);
  return "s3://" + bucket + url.substr(query);
}

}  // namespace

E2eSite::E2eSite(Options options)
    : options_(std::move(options)),
      data_(FreshDir(options_.data_stem)),
      store_url_(FreshBucketUrl()) {}

E2eSite::~E2eSite() {
  DropSiteDatabase(data_);
  std::error_code ec;
  fs::remove_all(data_, ec);
}

CliResult E2eSite::CreateAdmin() const {
  return crm_test::CreateAdmin(options_.binary, data_, options_.admin_email,
                               options_.admin_password);
}

CliResult E2eSite::CreateToken(const std::string& scope_args) const {
  return crm_test::CreateToken(options_.binary, data_, options_.admin_email, scope_args);
}

CliResult E2eSite::RunJobs(const std::string& args) const {
  std::string command = "run-jobs --data '" + data_.string() + "' --plugins '" +
                        options_.plugin_dir.string() + "'" + DatabaseArgs(data_);
  if (!store_url_.empty()) command += " --store '" + store_url_ + "'";
  return RunCli(options_.binary, command + " " + args, "");
}

crm::Result<std::unique_ptr<HostProcess>> E2eSite::Start(std::vector<std::string> serve_args,
                                                         std::chrono::seconds start_timeout) const {
  HostProcess::Options o = ServeOptions(options_.binary, data_, options_.plugin_dir);
  o.start_timeout = start_timeout;
  if (!store_url_.empty()) o.extra_args.insert(o.extra_args.end(), {"--store", store_url_});
  o.extra_args.insert(o.extra_args.end(), serve_args.begin(), serve_args.end());
  return HostProcess::Start(o);
}

Headers Bearer(const std::string& token, Headers more) {
  more.emplace_back("Authorization", "Bearer " + token);
  return more;
}

std::string UrlEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace crm_test
