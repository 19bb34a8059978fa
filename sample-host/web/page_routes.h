// sample-host/web/page_routes.h — the registration function of each page file, called by
// RegisterPages; internal to sample-host/web (tests may call them one by one).
#pragma once

#include <memory>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/web/pages.h"

namespace host::web {

using DepsPtr = std::shared_ptr<const WebDeps>;

// /admin/login, /admin/logout, /account/login, /account/logout, /account/confirm/resend,
// /lang/{code}, "/".
crm::Status RegisterAuthPages(crm::Registrar& registrar, DepsPtr deps);
// /admin/clients (list, CSV export and import).
crm::Status RegisterClientListPages(crm::Registrar& registrar, DepsPtr deps);
// /admin/clients/new, /admin/clients/{id} and its actions, tabs and timeline.
crm::Status RegisterClientProfilePages(crm::Registrar& registrar, DepsPtr deps);
// /admin/plugins and /admin/plugins/{id}/settings.
crm::Status RegisterPluginPages(crm::Registrar& registrar, DepsPtr deps);
// /account/ and /account/profile.
crm::Status RegisterAccountPages(crm::Registrar& registrar, DepsPtr deps);
// SPEC H14: POST /admin/clients/{id}/impersonate, POST /account/impersonation/end.
crm::Status RegisterImpersonationPages(crm::Registrar& registrar, DepsPtr deps);
// SPEC H17: forgot password and one's own password/email, under /admin and /account:
// password/forgot, password/reset, security, security/password, security/email, email/confirm.
crm::Status RegisterAccountSecurityPages(crm::Registrar& registrar, DepsPtr deps);
// SPEC H17: /admin/users (permission admins.manage).
crm::Status RegisterAdminUserPages(crm::Registrar& registrar, DepsPtr deps);
// /assets/app.css and /assets/app.js.
crm::Status RegisterAssetRoutes(crm::Registrar& registrar);

// Helpers for audiences.
inline crm::Audience PublicAudience() { return {}; }
inline crm::Audience AdminAudience(std::string permission) {
  crm::Audience a;
  a.kind = crm::Audience::Kind::kAdmin;
  a.permission = std::move(permission);
  return a;
}
inline crm::Audience ClientAudience() {
  crm::Audience a;
  a.kind = crm::Audience::Kind::kClient;
  return a;
}

}  // namespace host::web
