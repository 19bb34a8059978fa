// plugin/links/link_store.cc — cd_links rows (link_store.h).
#include "plugin/links/link_store.h"

#include <openssl/rand.h>

namespace cd {
namespace {

constexpr char kColumns[] =
    "SELECT id, client_id, scope, type_id, project_id, rights, expires_at, max_uses, uses,"
    " contact_name, contact_email, language, created_by, created_at, revoked_at, last_used_at"
    " FROM cd_links";

std::optional<int64_t> OptionalInt(const crm::SqlRow& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return r.Int(i);
}

std::vector<std::string> SplitRights(const std::string& stored) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= stored.size()) {
    size_t comma = stored.find(',', start);
    if (comma == std::string::npos) comma = stored.size();
    if (comma > start) out.push_back(stored.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Link LinkFromRow(const crm::SqlRow& r) {
  Link link;
  LinkGrant& g = link.grant;
  g.link_id = r.Int(0);
  g.client_id = r.Int(1);
  g.scope = r.Text(2);
  g.type_id = r.Int(3);
  g.project_id = r.Int(4);
  g.rights = SplitRights(r.Text(5));
  link.expires_at = r.Int(6);
  link.max_uses = OptionalInt(r, 7);
  link.uses = r.Int(8);
  g.contact_name = r.Text(9);
  g.contact_email = r.Text(10);
  g.language = r.Text(11);
  link.created_by = r.Text(12);
  link.created_at = r.Int(13);
  link.revoked_at = OptionalInt(r, 14);
  link.last_used_at = OptionalInt(r, 15);
  return link;
}

crm::SqlValue IdOrNull(int64_t id) { return id > 0 ? crm::SqlValue(id) : crm::SqlValue(); }

}  // namespace

std::string RandomToken() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return "";
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;
}

std::string JoinRights(const std::vector<std::string>& rights) {
  std::string out;
  for (const std::string& r : rights) out += (out.empty() ? "" : ",") + r;
  return out;
}

crm::Result<int64_t> InsertLink(crm::SqlExecutor& tx, const Link& link,
                                const std::string& token_hash) {
  const LinkGrant& g = link.grant;
  CRM_ASSIGN_OR_RETURN(
      auto row,
      tx.QueryOne("INSERT INTO cd_links (client_id, token_hash, scope, type_id, project_id,"
                  " rights, expires_at, max_uses, uses, contact_name, contact_email, language,"
                  " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)"
                  " RETURNING id",
                  {g.client_id, token_hash, g.scope, IdOrNull(g.type_id), IdOrNull(g.project_id),
                   JoinRights(g.rights), link.expires_at,
                   link.max_uses ? crm::SqlValue(*link.max_uses) : crm::SqlValue(), g.contact_name,
                   g.contact_email, g.language, link.created_by, link.created_at}));
  if (!row) return crm::Internal("link not stored");
  return row->Int(0);
}

crm::Result<std::vector<Link>> SelectLinks(crm::SqlExecutor& db, int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(
      auto rows,
      db.QueryAll(std::string(kColumns) + " WHERE client_id = ? ORDER BY id DESC", {client_id}));
  std::vector<Link> out;
  for (const crm::SqlRow& r : rows) out.push_back(LinkFromRow(r));
  return out;
}

crm::Result<std::optional<Link>> SelectLinkByHash(crm::SqlExecutor& db,
                                                  const std::string& token_hash) {
  CRM_ASSIGN_OR_RETURN(auto row,
                       db.QueryOne(std::string(kColumns) + " WHERE token_hash = ?", {token_hash}));
  if (!row) return std::optional<Link>();
  return std::optional<Link>(LinkFromRow(*row));
}

crm::Result<std::optional<Link>> SelectLink(crm::SqlExecutor& db, int64_t link_id) {
  CRM_ASSIGN_OR_RETURN(auto row, db.QueryOne(std::string(kColumns) + " WHERE id = ?", {link_id}));
  if (!row) return std::optional<Link>();
  return std::optional<Link>(LinkFromRow(*row));
}

}  // namespace cd
