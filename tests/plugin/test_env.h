// tests/plugin/test_env.h — the test fixture's world: a real SQLite database with the host's
// and the module's schemas, a HostServices fake over it, a temp data folder, sample files.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "host-api/http.h"
#include "host-api/services.h"
#include "plugin/services.h"
#include "tests/support/fake_http.h"
#include "tests/support/scratch_database.h"

namespace cd_test {

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// HostServices over a real database (SQLite, or PostgreSQL with CRM_UNIT_PG_URL) with both schemas
// (the shared fake records the timeline entries, mails and logs, and reads the host's clients
// table); the clock is fixed.
class FakeHost final : public crm_test::FakeHostServices {
 public:
  explicit FakeHost(const std::filesystem::path& root);
  crm::Database& Db() override { return db_->db(); }
  int64_t NowUnix() override { return now; }
  // The host's default: a LocalObjectStore over DataDir() (made on first use).
  crm::ObjectStore& Files() override;
  // Replaces the store Files() gives (before any Services is made over this host).
  void UseStore(std::unique_ptr<crm::ObjectStore> store) { files_ = std::move(store); }
  std::filesystem::path DataDir() override { return data_dir_; }

  int64_t now = 1'800'000'000;
  // While true, every call of Files() answers kUnavailable (an object store that is down).
  std::atomic<bool> store_down{false};
  // While true, LockClient (the first statement of every write of a client's documents) answers
  // kUnavailable: the database fails in the middle of a use case.
  std::atomic<bool> lock_fails{false};
  crm::Status LockClient(crm::SqlExecutor& tx, int64_t client_id) override {
    if (lock_fails) return crm::Unavailable("database unreachable (test)");
    return crm_test::FakeHostServices::LockClient(tx, client_id);
  }

 private:
  std::unique_ptr<crm_test::ScratchDatabase> db_;
  std::unique_ptr<crm::ObjectStore> files_;
  std::filesystem::path data_dir_;
};

// The one fixture of the plugin tests that need the module's world: a fresh temp folder, a
// database with both schemas over it (FakeHost), and the module's services built on it.
class ModuleTest : public ::testing::Test {
 protected:
  ModuleTest() : host_(dir_.path()), sv_(host_) {}

  TempDir dir_;
  FakeHost host_;
  cd::Services sv_;
};

// Principals (the shared ones of tests/support/fake_http.h, with this folder's defaults).
inline crm::Principal Admin(std::vector<std::string> permissions = {
                                "documents.read", "documents.write", "documents.settings"}) {
  return crm_test::AdminPrincipal(std::move(permissions));
}
crm::Principal Client(int64_t client_id);  // a French-speaking client, "A client"
// A token with `scopes` whose owner holds `owner_permissions` (by default every permission
// of the module, so that the scopes decide).
inline crm::Principal Token(std::vector<std::string> scopes,
                            std::vector<std::string> owner_permissions = {
                                "documents.read", "documents.write", "documents.settings"}) {
  crm::Principal p = crm_test::TokenPrincipal(std::move(scopes));
  p.permissions = std::move(owner_permissions);
  return p;
}

// Sample files, made at test time (no binaries in the repository).
std::string MakePng(int width = 64, int height = 48);
std::string MakeJpeg(int width = 640, int height = 480, bool with_gps = false);
// A real HEIC (HEVC) picture, as phones make them, encoded by libvips/libheif.
std::string MakeHeic(int width = 640, int height = 480);
std::string MakePdf();
std::string ElfBytes();  // a copy of /bin/true
std::string HtmlBytes();

std::string ReadFile(const std::filesystem::path& path);
// The host's default store over `root` (host::LocalObjectStore); throws when it cannot.
std::unique_ptr<crm::ObjectStore> LocalStore(const std::filesystem::path& root);
// The whole content of the object a download reply names ("" when it cannot be read).
std::string ReadObject(const crm::Result<crm::ObjectReply>& reply);
void WriteFile(const std::filesystem::path& path, const std::string& bytes);
std::string Sha256Hex(const std::string& bytes);
// Every regular file under `dir` (recursive), as paths relative to it.
std::vector<std::string> ListFiles(const std::filesystem::path& dir);

// A multipart/form-data body builder.
struct MultipartBody {
  std::string boundary = "----cdTestBoundary7MA4YWxkTrZu0gW";
  std::string body;
  MultipartBody& Field(const std::string& name, const std::string& value);
  MultipartBody& File(const std::string& name, const std::string& filename,
                      const std::string& content_type, const std::string& bytes);
  std::string Finish();  // appends the closing delimiter; returns body
  std::string ContentType() const { return "multipart/form-data; boundary=" + boundary; }
};

}  // namespace cd_test
