// plugin/links/links.cc — minting, listing and revoking signed links (links.h).
#include "plugin/links/links.h"

#include <boost/json.hpp>

#include "plugin/access.h"
#include "plugin/api_json.h"
#include "plugin/journal/journal.h"
#include "plugin/journal/sha256.h"
#include "plugin/links/link_store.h"
#include "text/text.h"

namespace cd {
namespace json = boost::json;

namespace {

bool IsRight(std::string_view r) {
  for (const char* known : kLinkRights)
    if (r == known) return true;
  return false;
}

// The rights in kLinkRights order, each once.
std::vector<std::string> OrderedRights(const std::vector<std::string>& rights) {
  std::vector<std::string> out;
  for (const char* known : kLinkRights) {
    if (std::find(rights.begin(), rights.end(), known) != rights.end()) out.emplace_back(known);
  }
  return out;
}

crm::Result<std::string> JsonText(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return crm::Unprocessable(std::string(key) + ": must be a string");
  return std::string(v->as_string());
}

crm::Result<std::optional<int64_t>> JsonInt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX)
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  return crm::Unprocessable(std::string(key) + ": must be an integer");
}

crm::Status ParseRights(const json::object& o, LinkRequest& out) {
  const json::value* v = o.if_contains("rights");
  if (!v || !v->is_array()) return crm::Unprocessable("rights: a list of rights is required");
  for (const json::value& r : v->as_array()) {
    if (!r.is_string() || !IsRight(r.as_string()))
      return crm::Unprocessable("rights: each is one of view, download, upload, comment, decide");
    out.rights.emplace_back(r.as_string());
  }
  return crm::Status::Ok();
}

crm::Status ParseContact(const json::object& o, LinkRequest& out) {
  const json::value* v = o.if_contains("contact");
  if (!v || v->is_null()) return crm::Status::Ok();
  if (!v->is_object()) return crm::Unprocessable("contact: must be an object");
  CRM_ASSIGN_OR_RETURN(out.contact_name, JsonText(v->as_object(), "name"));
  CRM_ASSIGN_OR_RETURN(out.contact_email, JsonText(v->as_object(), "email"));
  CRM_ASSIGN_OR_RETURN(out.language, JsonText(v->as_object(), "language"));
  return crm::Status::Ok();
}

// Every rule of a request that needs no database.
crm::Status CheckRequest(const LinkRequest& r) {
  if (r.scope != "space" && r.scope != "document" && r.scope != "project")
    return crm::Unprocessable("scope: one of space, document, project");
  if (r.scope == "document" && r.type_id <= 0)
    return crm::Unprocessable("type_id: required for scope document");
  if (r.scope == "project" && r.project_id <= 0)
    return crm::Unprocessable("project_id: required for scope project");
  if (r.rights.empty()) return crm::Unprocessable("rights: at least one right");
  for (const std::string& right : r.rights)
    if (!IsRight(right)) return crm::Unprocessable("rights: unknown right " + right);
  if (r.expires_in_days < 1 || r.expires_in_days > kLinkMaxDays)
    return crm::Unprocessable("expires_in_days: from 1 to 365");
  if (r.max_uses && *r.max_uses < 1) return crm::Unprocessable("max_uses: at least 1");
  if (r.contact_name.size() > 200) return crm::Unprocessable("contact.name: at most 200 bytes");
  if (!r.contact_email.empty() &&
      (r.contact_email.find('@') == std::string::npos || r.contact_email.size() > 254 ||
       r.contact_email.find_first_of(" \r\n\t<>,;") != std::string::npos))
    return crm::Unprocessable("contact.email: not an email address");
  if (!r.language.empty() && !crm::IsLanguage(r.language))
    return crm::Unprocessable("contact.language: one of en, fr, nl");
  return crm::Status::Ok();
}

// The scope's object belongs to the client: an active type; a project of that client.
crm::Status CheckScopeObject(Services& sv, crm::SqlExecutor& tx, int64_t client_id,
                             const LinkRequest& r) {
  if (r.scope == "document") {
    crm::Result<DocumentType> type = sv.types().Get(r.type_id);
    if (!type.ok() || !type->active) return crm::NotFound("no such document type");
  }
  if (r.scope == "project") {
    CRM_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT 1 FROM cd_projects WHERE id = ? AND"
                                               " client_id = ?",
                                               {r.project_id, client_id}));
    if (!row) return crm::NotFound("no such project");
  }
  return crm::Status::Ok();
}

// Minting and revoking: staff with documents.write, a token with documents:write too (as
// CheckWrite for documents); a client (or a link session) never: 404.
crm::Status CheckStaffWrite(const crm::Principal& actor) {
  if (actor.IsClient()) return crm::NotFound("no such client");
  if (actor.kind == crm::Principal::Kind::kAnonymous) return crm::Unauthenticated("login required");
  if (!actor.HasPermission(kPermWrite) || (actor.IsToken() && !actor.HasScope(kScopeWrite)))
    return crm::PermissionDenied("links need documents.write");
  return crm::Status::Ok();
}

}  // namespace

bool Link::UsableAt(int64_t now) const {
  return !revoked_at && now < expires_at && (!max_uses || uses < *max_uses);
}

crm::Result<LinkRequest> LinkRequestFromJson(const json::value& body) {
  if (!body.is_object()) return crm::Unprocessable("body: a JSON object is required");
  const json::object& o = body.as_object();
  LinkRequest r;
  CRM_ASSIGN_OR_RETURN(std::string scope, JsonText(o, "scope"));
  if (!scope.empty()) r.scope = scope;
  CRM_ASSIGN_OR_RETURN(auto type_id, JsonInt(o, "type_id"));
  CRM_ASSIGN_OR_RETURN(auto project_id, JsonInt(o, "project_id"));
  CRM_ASSIGN_OR_RETURN(auto days, JsonInt(o, "expires_in_days"));
  CRM_ASSIGN_OR_RETURN(r.max_uses, JsonInt(o, "max_uses"));
  r.type_id = type_id.value_or(0);
  r.project_id = project_id.value_or(0);
  r.expires_in_days = days.value_or(kLinkDefaultDays);
  CRM_RETURN_IF_ERROR(ParseRights(o, r));
  CRM_RETURN_IF_ERROR(ParseContact(o, r));
  CRM_RETURN_IF_ERROR(CheckRequest(r));
  return r;
}

json::object LinkJson(const Link& link, int64_t now, std::string_view url) {
  const LinkGrant& g = link.grant;
  json::object o;
  o["id"] = g.link_id;
  if (!url.empty()) o["url"] = url;
  o["scope"] = g.scope;
  o["type_id"] = g.scope == "document" ? json::value(g.type_id) : json::value(nullptr);
  o["project_id"] = g.scope == "project" ? json::value(g.project_id) : json::value(nullptr);
  json::array rights;
  for (const std::string& r : g.rights) rights.emplace_back(r);
  o["rights"] = std::move(rights);
  o["expires_at"] = IsoTimeUtc(link.expires_at);
  o["max_uses"] = link.max_uses ? json::value(*link.max_uses) : json::value(nullptr);
  o["uses"] = link.uses;
  if (g.contact_name.empty() && g.contact_email.empty()) {
    o["contact"] = nullptr;
  } else {
    o["contact"] = json::object{{"name", g.contact_name}, {"email", g.contact_email}};
  }
  o["language"] = g.language;
  o["created_by"] = link.created_by;
  o["created_at"] = IsoTimeUtc(link.created_at);
  o["last_used_at"] =
      link.last_used_at ? json::value(IsoTimeUtc(*link.last_used_at)) : json::value(nullptr);
  o["revoked"] = link.revoked_at.has_value();
  o["active"] = link.UsableAt(now);
  return o;
}

crm::Result<MintedLink> MintLink(Services& sv, crm::SqlExecutor& tx, const crm::Principal& actor,
                                 int64_t client_id, const LinkRequest& request,
                                 std::string_view created_by) {
  CRM_RETURN_IF_ERROR(CheckRequest(request));
  CRM_RETURN_IF_ERROR(sv.host().LockClient(tx, client_id));
  CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, sv.host().FindClient(client_id));
  CRM_RETURN_IF_ERROR(CheckScopeObject(sv, tx, client_id, request));
  const std::string token = RandomToken();
  if (token.empty()) return crm::Internal("no random bytes for a link token");
  const int64_t now = sv.host().NowUnix();
  Link link;
  LinkGrant& g = link.grant;
  g.client_id = client_id;
  g.scope = request.scope;
  g.type_id = request.scope == "document" ? request.type_id : 0;
  g.project_id = request.scope == "project" ? request.project_id : 0;
  g.rights = OrderedRights(request.rights);
  g.contact_name = std::string(crm::text::Trim(request.contact_name));
  g.contact_email = std::string(crm::text::Trim(request.contact_email));
  g.language = !request.language.empty()          ? request.language
               : crm::IsLanguage(client.language) ? client.language
                                                  : "en";
  link.expires_at = now + request.expires_in_days * 86400;
  link.max_uses = request.max_uses;
  link.created_by = std::string(created_by);
  link.created_at = now;
  CRM_ASSIGN_OR_RETURN(g.link_id, InsertLink(tx, link, Sha256Hex(token)));
  CRM_RETURN_IF_ERROR(Journal::Append(tx, now, actor,
                                      {"link_created", client_id, LinkObject(g.link_id),
                                       "scope:" + g.scope + ";rights:" + JoinRights(g.rights)}));
  return MintedLink{std::move(link), sv.host().BaseUrl() + kLinkPrefix + "/l/" + token};
}

crm::Result<MintedLink> CreateLink(Services& sv, const crm::Principal& actor, int64_t client_id,
                                   const LinkRequest& request) {
  CRM_RETURN_IF_ERROR(CheckStaffWrite(actor));
  CRM_RETURN_IF_ERROR(CheckRequest(request));
  std::optional<MintedLink> minted;
  CRM_RETURN_IF_ERROR(sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(MintedLink m,
                         MintLink(sv, tx, actor, client_id, request, ActorLabel(actor)));
    minted = std::move(m);
    return crm::Status::Ok();
  }));
  return std::move(*minted);
}

crm::Result<std::vector<Link>> ListLinks(Services& sv, const crm::Principal& actor,
                                         int64_t client_id) {
  if (actor.IsClient()) return crm::NotFound("no such client");
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  return SelectLinks(sv.host().Db(), client_id);
}

crm::Status RevokeLink(Services& sv, const crm::Principal& actor, int64_t client_id,
                       int64_t link_id) {
  CRM_RETURN_IF_ERROR(CheckStaffWrite(actor));
  const int64_t now = sv.host().NowUnix();
  return sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT revoked_at FROM cd_links WHERE id = ? AND"
                                               " client_id = ?",
                                               {link_id, client_id}));
    if (!row) return crm::NotFound("no such link");
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM cd_link_sessions WHERE link_id = ?", {link_id}).status());
    if (!row->IsNull(0)) return crm::Status::Ok();  // already revoked
    CRM_RETURN_IF_ERROR(
        tx.Exec("UPDATE cd_links SET revoked_at = ? WHERE id = ?", {now, link_id}).status());
    return Journal::Append(tx, now, actor, {"link_revoked", client_id, LinkObject(link_id), ""});
  });
}

crm::Status DeleteClientLinks(crm::SqlExecutor& tx, int64_t client_id) {
  CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM cd_link_sessions WHERE link_id IN"
                              " (SELECT id FROM cd_links WHERE client_id = ?)",
                              {client_id})
                          .status());
  return tx.Exec("DELETE FROM cd_links WHERE client_id = ?", {client_id}).status();
}

}  // namespace cd
