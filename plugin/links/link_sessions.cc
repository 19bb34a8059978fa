// plugin/links/link_sessions.cc — a link's page read (GET) and opened (POST), the rate limit of
// those pages, and the link session of every later request (links.h).
#include "plugin/journal/journal.h"
#include "plugin/journal/sha256.h"
#include "plugin/links/link_store.h"
#include "plugin/links/links.h"

namespace cd {
namespace {

// A token is 43 base64url characters; anything much longer is not worth hashing.
constexpr size_t kMaxTokenChars = 128;

// One hit in `bucket`'s window; true while the bucket is within `limit`.
crm::Result<bool> Hit(crm::Database& db, const std::string& bucket, int64_t now, int64_t limit) {
  const int64_t stale = now - kLinkThrottleWindow;
  CRM_ASSIGN_OR_RETURN(
      auto row,
      db.QueryOne("INSERT INTO cd_link_throttle (bucket, window_start, hits) VALUES (?, ?, 1)"
                  " ON CONFLICT (bucket) DO UPDATE SET"
                  " hits = CASE WHEN cd_link_throttle.window_start <= ? THEN 1"
                  " ELSE cd_link_throttle.hits + 1 END,"
                  " window_start = CASE WHEN cd_link_throttle.window_start <= ? THEN ?"
                  " ELSE cd_link_throttle.window_start END"
                  " RETURNING hits",
                  {bucket, now, stale, stale, now}));
  return row && row->Int(0) <= limit;
}

// The rate limit of a link's page, per token and per address: false once either is past it.
crm::Result<bool> WithinRateLimit(Services& sv, const std::string& token_hash,
                                  std::string_view address) {
  crm::Database& db = sv.host().Db();
  const int64_t now = sv.host().NowUnix();
  CRM_RETURN_IF_ERROR(db.Exec("DELETE FROM cd_link_throttle WHERE window_start < ?",
                              {now - 2 * kLinkThrottleWindow})
                          .status());
  CRM_ASSIGN_OR_RETURN(bool by_address,
                       Hit(db, "a:" + std::string(address), now, kLinkThrottlePerAddress));
  CRM_ASSIGN_OR_RETURN(bool by_token, Hit(db, "t:" + token_hash, now, kLinkThrottlePerToken));
  return by_address && by_token;
}

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    pos = end + 1;
  }
  return "";
}

// The token's check before any change: throttled, gone (with the link when it is stored) or
// usable.
crm::Result<TokenCheck> Judge(Services& sv, std::string_view token, std::string_view address,
                              std::string* token_hash) {
  *token_hash = Sha256Hex(token.substr(0, kMaxTokenChars));
  CRM_ASSIGN_OR_RETURN(bool within, WithinRateLimit(sv, *token_hash, address));
  TokenCheck check;
  if (!within) {
    check.verdict = TokenCheck::Verdict::kThrottled;
    return check;
  }
  if (token.size() > kMaxTokenChars) return check;  // gone, like any unknown token
  CRM_ASSIGN_OR_RETURN(check.link, SelectLinkByHash(sv.host().Db(), *token_hash));
  if (check.link && check.link->UsableAt(sv.host().NowUnix()))
    check.verdict = TokenCheck::Verdict::kUsable;
  return check;
}

// Counts one use of the link if it is still usable (the WHERE makes it atomic); then the
// session row and the journal. nullopt when the link was used up or revoked meanwhile.
crm::Result<std::optional<OpenedSession>> CountUseAndOpen(Services& sv, crm::SqlExecutor& tx,
                                                          const std::string& token_hash,
                                                          std::string_view address) {
  const int64_t now = sv.host().NowUnix();
  CRM_ASSIGN_OR_RETURN(
      auto row, tx.QueryOne("UPDATE cd_links SET uses = uses + 1, last_used_at = ?, last_ip = ?"
                            " WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?"
                            " AND (max_uses IS NULL OR uses < max_uses) RETURNING id",
                            {now, std::string(address), token_hash, now}));
  if (!row) return std::optional<OpenedSession>();
  CRM_ASSIGN_OR_RETURN(std::optional<Link> link, SelectLink(tx, row->Int(0)));
  if (!link) return crm::Internal("link vanished while opening");
  OpenedSession s{std::move(*link), RandomToken(), 0};
  const std::string csrf = RandomToken();
  if (s.session_id.empty() || csrf.empty()) return crm::Internal("no random bytes for a session");
  s.expires_at = std::min(s.link.expires_at, now + kLinkSessionSeconds);
  CRM_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO cd_link_sessions (id_hash, link_id, csrf, created_at,"
              " expires_at) VALUES (?, ?, ?, ?, ?)",
              {Sha256Hex(s.session_id), s.link.grant.link_id, csrf, now, s.expires_at})
          .status());
  CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM cd_link_sessions WHERE expires_at < ?", {now}).status());
  CRM_RETURN_IF_ERROR(Journal::Append(
      tx, now, LinkPrincipal(s.link.grant, ""),
      {"link_opened", s.link.grant.client_id, LinkObject(s.link.grant.link_id), ""}));
  return std::optional<OpenedSession>(std::move(s));
}

}  // namespace

crm::Result<TokenCheck> PeekLink(Services& sv, std::string_view token, std::string_view address) {
  std::string token_hash;
  return Judge(sv, token, address, &token_hash);
}

crm::Result<OpenOutcome> OpenLink(Services& sv, std::string_view token, std::string_view address) {
  std::string token_hash;
  OpenOutcome out;
  CRM_ASSIGN_OR_RETURN(out.check, Judge(sv, token, address, &token_hash));
  if (out.check.verdict != TokenCheck::Verdict::kUsable) return out;
  CRM_RETURN_IF_ERROR(sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(out.opened, CountUseAndOpen(sv, tx, token_hash, address));
    return crm::Status::Ok();
  }));
  if (!out.opened) out.check.verdict = TokenCheck::Verdict::kGone;  // lost the race
  return out;
}

crm::Result<SessionCheck> ResolveLinkSession(Services& sv,
                                             std::optional<std::string> cookie_header) {
  SessionCheck out;
  const std::string id = CookieValue(cookie_header.value_or(""), kLinkCookie);
  if (id.empty() || id.size() > kMaxTokenChars) return out;
  crm::Database& db = sv.host().Db();
  CRM_ASSIGN_OR_RETURN(auto row, db.QueryOne("SELECT link_id, csrf, expires_at FROM"
                                             " cd_link_sessions WHERE id_hash = ?",
                                             {Sha256Hex(id)}));
  if (!row) return out;
  CRM_ASSIGN_OR_RETURN(std::optional<Link> link, SelectLink(db, row->Int(0)));
  if (!link) return out;
  out.language = link->grant.language;
  const int64_t now = sv.host().NowUnix();
  if (row->Int(2) <= now || !link->OpenAt(now)) return out;
  out.session = LinkSession{link->grant, LinkPrincipal(link->grant, row->Text(1))};
  return out;
}

}  // namespace cd
