// plugin/links/links.h — signed links (PT1, PT2, SPEC §6 "Links"): staff mint, list and revoke
// them; the holder of a link's URL opens a link session. One function per use case.
//
// A link's token is 32 random bytes in base64url, given once inside its URL and stored only as
// its SHA-256; a session id likewise. A link is usable while it is not revoked, not expired and
// (with max_uses) not used up; opening it (the POST of its page) counts one use atomically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "host-api/http.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "plugin/links/grant.h"
#include "plugin/services.h"

namespace cd {

inline constexpr int kLinkDefaultDays = 14;
inline constexpr int kLinkMaxDays = 365;
// A link session lasts until the link expires, at most this long after it was opened.
inline constexpr int64_t kLinkSessionSeconds = 12 * 3600;
// The public pages of links, and the link session's cookie (Path = kLinkPrefix).
inline constexpr char kLinkPrefix[] = "/p/client-documents";
inline constexpr char kLinkCookie[] = "cd_link";
// Requests to the page of a token, per token and per address, in kLinkThrottleWindow seconds.
inline constexpr int64_t kLinkThrottleWindow = 600;
inline constexpr int64_t kLinkThrottlePerToken = 20;
inline constexpr int64_t kLinkThrottlePerAddress = 60;

// What staff (or a job) asks for.
struct LinkRequest {
  std::string scope = "space";  // "space" | "document" | "project"
  int64_t type_id = 0;          // scope "document"
  int64_t project_id = 0;       // scope "project"
  std::vector<std::string> rights;
  int64_t expires_in_days = kLinkDefaultDays;
  std::optional<int64_t> max_uses;
  std::string contact_name;
  std::string contact_email;
  std::string language;  // of the link's pages; "" for the client's preferred language
};

// A stored link (never its token).
struct Link {
  LinkGrant grant;  // id, client, scope, rights, contact, language
  int64_t expires_at = 0;
  std::optional<int64_t> max_uses;
  int64_t uses = 0;
  std::string created_by;  // ActorLabel of who minted it
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
  std::optional<int64_t> last_used_at;

  // Not revoked, not expired at `now`, not used up: it may open a session.
  bool UsableAt(int64_t now) const;
  // Not revoked, not expired: its open sessions go on (a used-up link's too).
  bool OpenAt(int64_t now) const { return !revoked_at && now < expires_at; }
};

// A link just minted: the only moment its URL (with the token) exists.
struct MintedLink {
  Link link;
  std::string url;  // <BaseUrl>/p/client-documents/l/<token>
};

// The body of POST P/clients/{client_id}/links (SPEC §6) as a request. kUnprocessable for a
// member of the wrong type, a right outside kLinkRights, no right, days outside 1-365, a bad
// scope or a missing scope id, max_uses below 1, a contact email without "@".
crm::Result<LinkRequest> LinkRequestFromJson(const boost::json::value& body);
// The API's JSON of a link: {"id", "scope", "type_id", "project_id", "rights", "expires_at",
// "max_uses", "uses", "contact", "created_by", "created_at", "last_used_at", "revoked",
// "active"} (instants in ISO 8601 UTC), plus "url" when `url` is not empty.
boost::json::object LinkJson(const Link& link, int64_t now, std::string_view url = {});

// Mints a link for `client_id` inside the caller's transaction `tx`, without any access check:
// for jobs (reminders, comment mails) that mail a link in their own code. Checks the request
// (as LinkRequestFromJson), the client (kNotFound), a document type that exists and is active
// and a project of that client (kNotFound); journals "link_created" as `actor` (a job passes a
// default Principal: actor "system"). `created_by` is stored as who minted it.
crm::Result<MintedLink> MintLink(Services& services, crm::SqlExecutor& tx,
                                 const crm::Principal& actor, int64_t client_id,
                                 const LinkRequest& request, std::string_view created_by);

// Staff or a token (documents.write, documents:write) mint a link: MintLink in a transaction.
crm::Result<MintedLink> CreateLink(Services& services, const crm::Principal& actor,
                                   int64_t client_id, const LinkRequest& request);
// The client's links, newest first (CheckRead; kNotFound for an unknown client).
crm::Result<std::vector<Link>> ListLinks(Services& services, const crm::Principal& actor,
                                         int64_t client_id);
// Revokes at once: the link and its open sessions stop on their next request. Staff or token
// with documents.write; kNotFound for a link of another client. Revoking twice is OK (journaled
// once).
crm::Status RevokeLink(Services& services, const crm::Principal& actor, int64_t client_id,
                       int64_t link_id);

// The token presented on a link's page, judged. `link` is set whenever the token names a
// stored link (usable or not), for the language of the page.
struct TokenCheck {
  enum class Verdict { kUsable, kGone, kThrottled };
  Verdict verdict = Verdict::kGone;
  std::optional<Link> link;
};

// GET of a link's page: counts the request against the rate limit and reads the link;
// changes nothing of the link (no use, no session, no journal).
crm::Result<TokenCheck> PeekLink(Services& services, std::string_view token,
                                 std::string_view address);

// A link session just opened (the cookie's value exists only here).
struct OpenedSession {
  Link link;
  std::string session_id;
  int64_t expires_at = 0;
};

// POST of a link's page: the rate limit, then in one transaction one use counted (atomic: a
// link with max_uses N opens N times whatever the concurrency), last_used_at and the address,
// the session row and the journal's "link_opened". `opened` is set when verdict is kUsable.
struct OpenOutcome {
  TokenCheck check;
  std::optional<OpenedSession> opened;
};
crm::Result<OpenOutcome> OpenLink(Services& services, std::string_view token,
                                  std::string_view address);

// The link session of a request, read from its Cookie header on every request (so revocation
// and expiry take effect at once): the grant and the principal it acts as.
struct LinkSession {
  LinkGrant grant;
  crm::Principal principal;  // LinkPrincipal(grant, csrf)
};
struct SessionCheck {
  std::optional<LinkSession> session;  // set when the session and its link are usable
  std::string language;  // the link's language when known, else "" (the page then guesses)
};
crm::Result<SessionCheck> ResolveLinkSession(Services& services,
                                             std::optional<std::string> cookie_header);

// CD9: the client's links and link sessions, inside the host's deletion transaction.
crm::Status DeleteClientLinks(crm::SqlExecutor& tx, int64_t client_id);

}  // namespace cd
