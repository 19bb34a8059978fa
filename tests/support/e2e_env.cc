// tests/support/e2e_env.cc — the sample-host CLI through popen, fresh data folders, the host
// started with a plugin folder, and the small request helpers the end-to-end tests share.
#include "tests/support/e2e_env.h"

#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <random>
#include <utility>

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

CliResult CreateAdmin(const fs::path& binary, const fs::path& data, const std::string& email,
                      const std::string& password) {
  return RunCli(binary, "create-admin --data " + data.string() + " --email " + email, password);
}

CliResult CreateToken(const fs::path& binary, const fs::path& data, const std::string& email,
                      const std::string& scope_args) {
  std::string args = "create-token --data " + data.string() + " --email " + email;
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

crm::Result<std::unique_ptr<HostProcess>> StartHost(const fs::path& binary, const fs::path& data,
                                                    const fs::path& plugin_dir) {
  HostProcess::Options o;
  o.binary = binary;
  o.data_dir = data;
  o.extra_args = {"--plugins", plugin_dir.string()};
  return HostProcess::Start(o);
}

E2eSite::E2eSite(Options options)
    : options_(std::move(options)), data_(FreshDir(options_.data_stem)) {}

E2eSite::~E2eSite() {
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

crm::Result<std::unique_ptr<HostProcess>> E2eSite::Start() const {
  return StartHost(options_.binary, data_, options_.plugin_dir);
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
