// plugin/links/grant.h — what a signed link (PT1, PT2, SPEC §6 "Links") lets its holder do,
// and how a link session reaches the module's use cases.
//
// A link session acts through a crm::Principal of kind kClient for the link's client, so every
// use case written for clients works for it unchanged; the principal also carries the marker
// permission "cd.link:<id>" (as the host marks impersonated sessions with "host.impersonated"),
// which ActorLabel turns into "link:<id>" and comments into author kind "contact". The route
// adapters of a link session check the grant's rights and scope BEFORE calling a use case:
// a missing right is 403, anything outside the scope is 404.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"

namespace cd {

inline constexpr char kLinkMarkerPrefix[] = "cd.link:";

// The rights a link may carry (SPEC §6), in this order everywhere.
inline constexpr const char* kLinkRights[] = {"view", "download", "upload", "comment", "decide"};

struct LinkGrant {
  int64_t link_id = 0;
  int64_t client_id = 0;
  std::string scope;       // "space" | "document" | "project"
  int64_t type_id = 0;     // scope "document": the requested document's type
  int64_t project_id = 0;  // scope "project"
  std::vector<std::string> rights;
  std::string contact_name;   // may be empty
  std::string contact_email;  // may be empty
  std::string language = "en";

  bool Has(std::string_view right) const {
    return std::find(rights.begin(), rights.end(), right) != rights.end();
  }
  // Scope checks: a requested document of `type_id`; a project; a shared document in
  // `project_id` (0: in no project), which only the space scope or its project's scope reach.
  bool CoversType(int64_t type) const {
    return scope == "space" || (scope == "document" && type == type_id);
  }
  bool CoversProject(int64_t project) const {
    return scope == "space" || (scope == "project" && project != 0 && project == project_id);
  }
};

// The link id a principal acts for, or 0 when it is not a link session.
inline int64_t LinkIdOf(const crm::Principal& p) {
  if (!p.IsClient()) return 0;
  for (const auto& perm : p.permissions) {
    std::string_view v(perm);
    if (v.substr(0, sizeof kLinkMarkerPrefix - 1) == kLinkMarkerPrefix) {
      int64_t id = 0;
      for (char c : v.substr(sizeof kLinkMarkerPrefix - 1)) {
        if (c < '0' || c > '9') return 0;
        id = id * 10 + (c - '0');
      }
      return id;
    }
  }
  return 0;
}

// The principal a link session acts as (see the top of this file).
inline crm::Principal LinkPrincipal(const LinkGrant& g, std::string csrf_token) {
  crm::Principal p;
  p.kind = crm::Principal::Kind::kClient;
  p.client_id = g.client_id;
  p.display_name = g.contact_name;
  p.email = g.contact_email;
  p.language = g.language;
  p.permissions = {kLinkMarkerPrefix + std::to_string(g.link_id)};
  p.csrf_token = std::move(csrf_token);
  return p;
}

}  // namespace cd
