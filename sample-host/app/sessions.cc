// sample-host/app/sessions.cc — logins (Argon2id, a dummy hash for unknown emails), sessions keyed
// by the SHA-256 of a 256-bit id, touched at most once a minute, swept at each login.
#include "sample-host/app/sessions.h"

#include <algorithm>

#include "host-api/services.h"
#include "sample-host/app/credentials.h"
#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"

namespace host {

std::string BuildSetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                           bool http_only, bool secure) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=/";
  if (http_only) out += "; HttpOnly";
  if (secure) out += "; Secure";
  out += "; SameSite=Lax; Max-Age=" + std::to_string(std::max<int64_t>(0, max_age_seconds));
  return out;
}

crm::Result<NewSession> Sessions::Open(std::string_view kind, int64_t user_id,
                                       std::optional<int64_t> impersonator) {
  NewSession s;
  s.id = RandomHex(32);  // 256 bits
  s.csrf_token = RandomHex(32);
  int64_t now = now_();
  s.expires_at = now + kSessionLifetimeSeconds;
  CRM_RETURN_IF_ERROR(
      db_.Exec("INSERT INTO sessions (id_hash, kind, user_id, csrf_token, created_at, expires_at, "
               "last_seen_at, impersonator_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               {Sha256Hex(s.id), std::string(kind), user_id, s.csrf_token, now, s.expires_at, now,
                impersonator ? crm::SqlValue{*impersonator} : crm::SqlValue{}})
          .status());
  // Expired sessions are swept on each login so the table stays small.
  (void)db_.Exec("DELETE FROM sessions WHERE expires_at < ?", {now});
  auto p = Principal(s.id);
  if (!p) return crm::Internal("session just created cannot be read back");
  s.principal = *p;
  return s;
}

crm::Status Sessions::CheckCredentials(const std::optional<crm::SqlRow>& row,
                                       std::string_view email, std::string_view ip,
                                       std::string_view password,
                                       std::string_view disabled_message) {
  bool ok;
  if (row && !row->IsNull(1)) {
    ok = VerifyPassword(row->Text(1), password);
  } else {
    (void)VerifyPassword(DummyPasswordHash(), password);
    ok = false;
  }
  rate_limit_.Record(email, ip, ok);
  if (!ok) return crm::Unauthenticated("wrong email or password");
  if (row->Int(2) == 0) return crm::PermissionDenied(std::string(disabled_message));
  return crm::Status::Ok();
}

crm::Result<NewSession> Sessions::LoginAdmin(std::string_view email_in, std::string_view password,
                                             std::string_view ip) {
  std::string email = NormalizeLoginEmail(email_in);
  CRM_RETURN_IF_ERROR(rate_limit_.Check(email, ip));
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne("SELECT id, password_hash, active FROM admin_users "
                                              "WHERE lower(email) = ?",
                                              {email}));
  CRM_RETURN_IF_ERROR(CheckCredentials(row, email, ip, password, "this account is disabled"));
  return Open("admin", row->Int(0));
}

crm::Result<NewSession> Sessions::LoginClient(std::string_view email_in, std::string_view password,
                                              std::string_view ip) {
  std::string email = NormalizeLoginEmail(email_in);
  CRM_RETURN_IF_ERROR(rate_limit_.Check(email, ip));
  CRM_ASSIGN_OR_RETURN(
      auto row,
      db_.QueryOne("SELECT id, password_hash, login_enabled, email_confirmed FROM clients "
                   "WHERE lower(email) = ? AND email <> '' ORDER BY id LIMIT 1",
                   {email}));
  CRM_RETURN_IF_ERROR(
      CheckCredentials(row, email, ip, password, "your access to the client area is disabled"));
  // Told only to someone who knows the password, after the disabled check.
  if (row->Int(3) == 0) {
    return crm::Conflict(
        "your email address is not confirmed yet; use the confirmation link sent by email");
  }
  return Open("client", row->Int(0));
}

crm::Result<NewSession> Sessions::OpenImpersonation(int64_t admin_id, int64_t client_id) {
  return Open("client", client_id, admin_id);
}

std::optional<int64_t> Sessions::ImpersonatorOf(std::string_view session_id) {
  if (session_id.size() != 64) return std::nullopt;
  auto row = db_.QueryOne(
      "SELECT impersonator_id FROM sessions WHERE id_hash = ? AND kind = 'client' AND "
      "expires_at > ?",
      {Sha256Hex(session_id), now_()});
  if (!row.ok() || !row->has_value() || (*row)->IsNull(0)) return std::nullopt;
  return (*row)->Int(0);
}

crm::Status Sessions::Logout(std::string_view session_id) {
  return db_.Exec("DELETE FROM sessions WHERE id_hash = ?", {Sha256Hex(session_id)}).status();
}

std::optional<crm::Principal> Sessions::Principal(std::string_view session_id) {
  if (session_id.size() != 64) return std::nullopt;
  std::string hash = Sha256Hex(session_id);
  auto row = db_.QueryOne(
      "SELECT kind, user_id, csrf_token, expires_at, last_seen_at, impersonator_id FROM sessions "
      "WHERE id_hash = ?",
      {hash});
  if (!row.ok() || !row->has_value()) return std::nullopt;
  const crm::SqlRow& s = **row;
  int64_t now = now_();
  if (s.Int(3) <= now) {
    (void)db_.Exec("DELETE FROM sessions WHERE id_hash = ?", {hash});
    return std::nullopt;
  }
  if (now - s.Int(4) >= 60) {  // a write per minute, not per request
    (void)db_.Exec("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", {now, hash});
  }
  auto p = s.Text(0) == "admin" ? AdminPrincipal(s.Int(1)) : ClientPrincipal(s.Int(1));
  if (p) p->csrf_token = s.Text(2);
  if (p && p->IsClient() && !s.IsNull(5)) p->permissions.emplace_back(kImpersonatedMarker);
  return p;
}

std::optional<crm::Principal> Sessions::AdminPrincipal(int64_t admin_id) {
  auto a = admins_.Find(admin_id);
  if (!a.ok() || !a->active) return std::nullopt;
  crm::Principal p;
  p.kind = crm::Principal::Kind::kAdmin;
  p.user_id = a->id;
  p.display_name = a->name.empty() ? a->email : a->name;
  p.email = a->email;
  p.language = a->language;
  p.permissions = a->permissions;
  return p;
}

std::optional<crm::Principal> Sessions::ClientPrincipal(int64_t client_id) {
  auto c = db_.QueryOne(
      "SELECT id, first_name, last_name, company, email, language, login_enabled FROM clients "
      "WHERE id = ?",
      {client_id});
  if (!c.ok() || !c->has_value() || (*c)->Int(6) == 0) return std::nullopt;
  const crm::SqlRow& r = **c;
  crm::Principal p;
  p.kind = crm::Principal::Kind::kClient;
  p.client_id = r.Int(0);
  crm::ClientInfo info;
  info.first_name = r.Text(1);
  info.last_name = r.Text(2);
  info.company = r.Text(3);
  p.display_name = info.DisplayName();
  p.email = r.Text(4);
  p.language = r.Text(5);
  return p;
}

}  // namespace host
