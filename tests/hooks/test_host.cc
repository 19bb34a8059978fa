// tests/hooks/test_host.cc — the hooks' test harness: TestHost over a real SQLite file in a
// temporary folder, with the host's migrations applied the way sample-host applies them.
#include "tests/hooks/test_host.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <random>

#include "hooks/context.h"
#include "sample-host/core/migrator.h"

namespace cd_test {

TestHost::TestHost() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("cd-hooks-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_ / "plugin-data");
  auto db = host::SqliteDatabase::Open(dir_ / "crm.db");
  if (!db.ok()) {
    ADD_FAILURE() << "open database: " << db.status().ToString();
    return;
  }
  db_ = std::move(db).value();
  crm::Status applied = host::ApplyMigrations(*db_, "host", HostMigrations());
  EXPECT_TRUE(applied.ok()) << applied.ToString();
}

TestHost::~TestHost() {
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

crm::Status TestHost::SendMail(const crm::MailMessage& message) {
  mails.push_back(message);
  return crm::Status::Ok();
}

crm::Status TestHost::AddTimeline(const crm::TimelineEntry& entry) {
  auto r = db_->Exec(
      "INSERT INTO timeline (client_id, type, title, detail, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      {entry.client_id, entry.type, entry.title, entry.detail, entry.actor, now_});
  return r.status();
}

crm::Result<crm::ClientInfo> TestHost::FindClient(int64_t client_id) {
  auto row = db_->QueryOne(
      "SELECT id, first_name, last_name, email, company, language, login_enabled FROM clients WHERE id = ?",
      {client_id});
  if (!row.ok()) return row.status();
  if (!*row) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  const crm::SqlRow& r = **row;
  crm::ClientInfo info;
  info.id = r.Int(0);
  info.first_name = r.Text(1);
  info.last_name = r.Text(2);
  info.email = r.Text(3);
  info.company = r.Text(4);
  info.language = r.Text(5);
  info.login_enabled = r.Int(6) != 0;
  return info;
}

std::string TestHost::Translate(std::string_view, std::string_view key) { return std::string(key); }

void TestHost::Log(crm::LogLevel, std::string_view message) { logs.emplace_back(message); }

int64_t TestHost::AddClient(const std::string& first_name, const std::string& last_name) {
  auto r = db_->Exec(
      "INSERT INTO clients (first_name, last_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
      {first_name, last_name, now_, now_});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  auto row = db_->QueryOne("SELECT max(id) FROM clients");
  return row.ok() && *row ? (**row).Int(0) : 0;
}

std::optional<std::string> FakeRequest::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<std::string, std::string>> FakeRequest::QueryAll() const {
  return {query.begin(), query.end()};
}

std::optional<std::string> FakeRequest::Header(std::string_view name) const {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> FakeRequest::PathParam(std::string_view name) const {
  auto it = path_params.find(std::string(name));
  if (it == path_params.end()) return std::nullopt;
  return it->second;
}

crm::Result<size_t> FakeRequest::ReadBody(char* buffer, size_t size) {
  size_t n = std::min(size, body.size() - read_);
  std::copy_n(body.data() + read_, n, buffer);
  read_ += n;
  return n;
}

crm::Status FakeResponse::Send(std::string_view b, std::string_view type) {
  started = true;
  body = std::string(b);
  content_type = std::string(type);
  return crm::Status::Ok();
}

crm::Status FakeResponse::SendError(const crm::Status& e) {
  started = true;
  status = e.http_status();
  error = e;
  return crm::Status::Ok();
}

crm::Status FakeResponse::SendPage(const crm::PageReply& p) {
  started = true;
  status = p.status;
  page = p;
  return crm::Status::Ok();
}

crm::Status FakeResponse::SendFile(const crm::FileReply& f) {
  started = true;
  file = f;
  return crm::Status::Ok();
}

crm::Status FakeResponse::Redirect(std::string_view location) {
  started = true;
  status = 303;
  redirect = std::string(location);
  return crm::Status::Ok();
}

crm::Status FakeResponse::BeginStream(std::string_view type) {
  started = true;
  content_type = std::string(type);
  return crm::Status::Ok();
}

crm::Status FakeResponse::Write(std::string_view chunk) {
  body += chunk;
  return crm::Status::Ok();
}

crm::Principal AdminPrincipal(std::vector<std::string> permissions) {
  crm::Principal p;
  p.kind = crm::Principal::Kind::kAdmin;
  p.user_id = 1;
  p.display_name = "Marie Dupont";
  p.email = "marie@example.com";
  p.permissions = std::move(permissions);
  p.csrf_token = "csrf-admin";
  return p;
}

crm::Principal ClientPrincipal(int64_t client_id, std::string language) {
  crm::Principal p;
  p.kind = crm::Principal::Kind::kClient;
  p.client_id = client_id;
  p.language = std::move(language);
  p.csrf_token = "csrf-client";
  return p;
}

}  // namespace cd_test

namespace cd_test {

void ModuleTest::SetUp() {
  host::StagingRegistrar registrar("client-documents");
  crm::Status entry = cd::hooks::Entry(registrar, host_);
  ASSERT_TRUE(entry.ok()) << entry.ToString();
  ASSERT_TRUE(registrar.first_error().ok()) << registrar.first_error().ToString();
  staged_ = registrar.Take();
  crm::Status migrated = host::ApplyMigrations(host_.Db(), "client-documents", staged_.migrations);
  ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  crm::Status committed = registry_.Commit(staged_);
  ASSERT_TRUE(committed.ok()) << committed.ToString();
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
  EXPECT_TRUE(type.ok()) << type.status().ToString();
  return type.ok() ? type->id : 0;
}

void ModuleTest::GiveDocument(int64_t client_id, int64_t type_id) {
  auto r = host_.Db().Exec(
      "INSERT INTO cd_documents (client_id, type_id, uploaded_at, uploaded_by) VALUES (?, ?, ?, 'client')",
      {client_id, type_id, host_.now_});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

void ModuleTest::SetSettings(bool show_menu_entry, bool mandatory_gate, const std::string& intro) {
  cd::Settings s;
  s.show_menu_entry = show_menu_entry;
  s.mandatory_gate = mandatory_gate;
  s.intro_markdown = intro;
  crm::Status saved = services_->settings().Save(s);
  ASSERT_TRUE(saved.ok()) << saved.ToString();
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
