// tests/hooks/test_host.cc — the hooks' test harness: TestHost over a real SQLite file in a
// temporary folder, with the host's migrations applied the way sample-host applies them.
#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

#include <gtest/gtest.h>
#include <stdexcept>

#include <unistd.h>

#include <random>

#include "hooks/context.h"
#include "sample-host/core/local_object_store.h"
#include "sample-host/core/migrator.h"

namespace cd_test {

crm::ObjectStore& TestHost::Files() {
  if (!files_) {
    auto store = host::LocalObjectStore::Open(DataDir());
    if (!store.ok()) throw std::runtime_error("no object store: " + store.status().ToString());
    files_ = std::move(*store);
  }
  return *files_;
}

TestHost::TestHost() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("cd-hooks-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_ / "plugin-data");
  db_ = std::make_unique<crm_test::ScratchDatabase>(dir_ / "crm.db");
  if (!db_->status().ok()) {
    ADD_FAILURE() << "open database: " << db_->status().ToString();
    return;
  }
  crm::Status applied = host::ApplyMigrations(db_->db(), "host", HostMigrations());
  EXPECT_OK(applied);
}

TestHost::~TestHost() {
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void ModuleTest::SetUp() {
  host::StagingRegistrar registrar("client-documents");
  crm::Status entry = cd::hooks::Entry(registrar, host_);
  ASSERT_OK(entry);
  ASSERT_OK(registrar.first_error());
  staged_ = registrar.Take();
  crm::Status migrated = host::ApplyMigrations(host_.Db(), "client-documents", staged_.migrations);
  ASSERT_OK(migrated);
  crm::Status committed = registry_.Commit(staged_);
  ASSERT_OK(committed);
  services_ = std::make_unique<cd::Services>(host_);
}

int64_t ModuleTest::AddType(const std::string& name_en, cd::UploadMode mode, bool active,
                            const std::string& fields) {
  cd::TypeDraft draft;
  cd::LocalizedText name;
  name.en = name_en;
  draft.name = name;
  draft.upload_mode = mode;
  draft.active = active;
  if (!fields.empty()) draft.fields = cd::FieldsFromLabels(fields);
  auto type = services_->types().Create(draft);
  EXPECT_OK(type);
  return type.ok() ? type->id : 0;
}

void ModuleTest::GiveDocument(int64_t client_id, int64_t type_id) {
  auto r = host_.Db().Exec(
      "INSERT INTO cd_documents (client_id, type_id, uploaded_at, uploaded_by) VALUES (?, ?, ?, "
      "'client')",
      {client_id, type_id, host_.now_});
  ASSERT_OK(r);
}

void ModuleTest::SetSettings(bool show_menu_entry, bool mandatory_gate, const std::string& intro) {
  cd::Settings s;
  s.show_menu_entry = show_menu_entry;
  s.mandatory_gate = mandatory_gate;
  s.intro_markdown.en = intro;
  crm::Status saved = services_->settings().Save(s);
  ASSERT_OK(saved);
}

crm::Status ModuleTest::Call(const std::string& method, const std::string& path,
                             FakeRequest& request, FakeResponse& response) {
  auto match = registry_.MatchRoute(method, path);
  if (!match) {
    ADD_FAILURE() << "no route for " << method << " " << path;
    return crm::NotFound("no route");
  }
  request.method = method;
  request.path = path;
  for (const auto& [k, v] : match->params) request.path_params[k] = v;
  return match->route->hook.handler(request, response);
}

}  // namespace cd_test
