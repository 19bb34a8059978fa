// tests/support/fake_http.cc — the fakes of fake_http.h: case-insensitive headers, a body streamed
// in small reads with the route's limit, replies recorded as the host sends them, the host
// services.
#include "tests/support/fake_http.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

#include <boost/json.hpp>

namespace crm_test {

namespace {
// Reads of at most this many bytes, an odd size, to exercise the handlers' streaming code.
constexpr size_t kReadChunk = 7777;
}  // namespace

std::string& QueryParams::operator[](std::string_view name) {
  for (auto& [k, v] : *this)
    if (k == name) return v;
  return emplace_back(std::string(name), std::string()).second;
}

std::optional<std::string> FakeRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> FakeRequest::Header(std::string_view name) const {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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
  if (body_read >= max_body && body_read < body.size()) return crm::TooLarge("body too large");
  size_t n = std::min({size, body.size() - body_read, kReadChunk});
  std::memcpy(buffer, body.data() + body_read, n);
  body_read += n;
  return n;
}

std::optional<std::string> FakeResponse::HeaderValue(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> PostForms(const std::string& html) {
  std::vector<std::string> forms;
  size_t at = 0;
  while ((at = html.find("<form", at)) != std::string::npos) {
    size_t end = html.find("</form>", at);
    if (end == std::string::npos) end = html.size();
    std::string form = html.substr(at, end - at);
    std::string tag = form.substr(0, form.find('>'));
    if (tag.find("method=\"post\"") != std::string::npos) forms.push_back(form);
    at = end;
  }
  return forms;
}

crm::Status FakeResponse::Send(std::string_view b, std::string_view type) {
  started = true;
  body = std::string(b);
  content_type = std::string(type);
  return crm::Status::Ok();
}

crm::Status FakeResponse::SendError(const crm::Status& e) {
  crm::StatusCode code = e.ok() ? crm::StatusCode::kInternal : e.code();
  status = crm::HttpStatusFor(code);
  error = e;
  boost::json::object detail{{"code", crm::ErrorCodeName(code)}, {"message", e.message()}};
  return Send(boost::json::serialize(boost::json::object{{"error", std::move(detail)}}),
              "application/json; charset=utf-8");
}

crm::Status FakeResponse::SendPage(const crm::PageReply& p) {
  status = p.status;
  page = p;
  return Send(p.body_html, "text/html; charset=utf-8");
}

crm::Status FakeResponse::SendFile(const crm::FileReply& f) {
  started = true;
  file = f;
  content_type = f.mime;
  headers["X-Content-Type-Options"] = "nosniff";
  return crm::Status::Ok();
}

crm::Status FakeResponse::SendObject(const crm::ObjectReply& o) {
  if (o.store == nullptr) return crm::Internal("an object reply without its store");
  CRM_ASSIGN_OR_RETURN(auto reader, o.store->Open(o.key));
  object = o;
  crm::FileReply f;
  f.path = reader->LocalPath().value_or("");
  f.mime = o.mime;
  f.download_name = o.download_name;
  f.inline_view = o.inline_view;
  f.etag = o.etag;
  return SendFile(f);
}

crm::Status FakeResponse::Redirect(std::string_view location) {
  started = true;
  status = 303;
  redirect = std::string(location);
  headers["Location"] = redirect;
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
  p.email = "marie@example.test";
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

crm::Principal TokenPrincipal(std::vector<std::string> scopes,
                              std::vector<std::string> permissions) {
  crm::Principal p;
  p.kind = crm::Principal::Kind::kApiToken;
  p.user_id = 1;
  p.email = "marie@example.test";
  p.scopes = std::move(scopes);
  p.permissions = std::move(permissions);
  return p;
}

crm::Status FakeHostServices::SendMail(const crm::MailMessage& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  mails.push_back(message);
  return crm::Status::Ok();
}

crm::Status FakeHostServices::AddTimeline(const crm::TimelineEntry& entry) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    timeline.push_back(entry);
  }
  auto r = Db().Exec(
      "INSERT INTO timeline (client_id, type, title, detail, actor, created_at) VALUES (?, ?, ?, "
      "?, ?, ?)",
      {entry.client_id, entry.type, entry.title, entry.detail, entry.actor, NowUnix()});
  return r.status();
}

crm::Status FakeHostServices::LockClient(crm::SqlExecutor& tx, int64_t client_id) {
  auto row = tx.QueryOne("SELECT 1 FROM clients WHERE id = ?", {client_id});
  if (!row.ok()) return row.status();
  if (!*row) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  return crm::Status::Ok();
}

crm::Result<std::vector<int64_t>> FakeHostServices::ClientIdsAfter(int64_t after_id, int limit) {
  auto rows = Db().QueryAll("SELECT id FROM clients WHERE id > ? ORDER BY id LIMIT ?",
                            {after_id, static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  std::vector<int64_t> ids;
  for (const crm::SqlRow& r : *rows) ids.push_back(r.Int(0));
  return ids;
}

crm::Result<crm::ClientInfo> FakeHostServices::FindClient(int64_t client_id) {
  auto row = Db().QueryOne(
      "SELECT id, first_name, last_name, email, company, language, login_enabled, street, "
      "postal_code, city, country FROM clients WHERE id = ?",
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
  info.address = crm::FormatPostalAddress(r.Text(7), r.Text(8), r.Text(9), r.Text(10));
  return info;
}

void FakeHostServices::Log(crm::LogLevel, std::string_view message) {
  std::lock_guard<std::mutex> lock(mutex_);
  logs.emplace_back(message);
}

int64_t FakeHostServices::AddClient(const std::string& first_name, const std::string& last_name) {
  int64_t now = NowUnix();
  auto r = Db().Exec(
      "INSERT INTO clients (first_name, last_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
      {first_name, last_name, now, now});
  if (!r.ok()) throw std::runtime_error("insert client: " + r.status().ToString());
  auto row = Db().QueryOne("SELECT max(id) FROM clients");
  if (!row.ok() || !*row) throw std::runtime_error("read the new client's id");
  return (**row).Int(0);
}

}  // namespace crm_test
