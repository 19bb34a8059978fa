// plugin/links/link_store.h — the rows of cd_links read and written (links.h has the rules).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "plugin/links/links.h"

namespace cd {

// The journal's object of a link: "link:<id>".
inline std::string LinkObject(int64_t link_id) { return "link:" + std::to_string(link_id); }
// 32 random bytes in base64url without padding (43 characters): a link token or a session
// id; "" when the random generator fails.
std::string RandomToken();
// "view,download" (the stored form of rights).
std::string JoinRights(const std::vector<std::string>& rights);

// Inserts `link` (its id is ignored) with the token's hash; returns the new id.
crm::Result<int64_t> InsertLink(crm::SqlExecutor& tx, const Link& link,
                                const std::string& token_hash);
// The client's links, newest first.
crm::Result<std::vector<Link>> SelectLinks(crm::SqlExecutor& db, int64_t client_id);
// The link whose token hashes to `token_hash`, or nullopt.
crm::Result<std::optional<Link>> SelectLinkByHash(crm::SqlExecutor& db,
                                                  const std::string& token_hash);
// The link `link_id`, or nullopt.
crm::Result<std::optional<Link>> SelectLink(crm::SqlExecutor& db, int64_t link_id);

}  // namespace cd
