// sample-host/web/impersonation_pages.cc — "log in as the client" (SPEC H14): an admin holding
// clients.impersonate opens the reserved area as the client (the admin's own session ends, the
// client's password is never involved), every reserved-area page shows a banner with "back to
// admin" (page_renderer.cc), and both steps go into the client's history.
#include <algorithm>

#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "sample-host/web/timeline_text.h"

namespace host::web {
namespace {

crm::Status SetSession(const DepsPtr& d, crm::Response& rs, const NewSession& session) {
  int64_t max_age = session.expires_at - d->clock.NowUnix();
  rs.SetHeader("Set-Cookie",
               d->auth.SessionCookie(session.id, max_age > 0 ? max_age : kSessionLifetimeSeconds));
  return crm::Status::Ok();
}

void Record(const DepsPtr& d, int64_t client_id, const std::string& type, const std::string& title,
            const std::string& admin) {
  auto added = d->timeline.Add({client_id, type, title, "", "admin:" + admin});
  if (!added.ok()) d->logger.Warn("web", "timeline: " + added.status().ToString());
}

crm::Status HandleStart(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  std::optional<int64_t> id = ParseId(rq.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  CRM_ASSIGN_OR_RETURN(Client client, d->clients.Get(*id));
  const crm::Principal& admin = rq.Caller();
  PageContext page(d->registry, rq);
  if (!client.login_enabled) {
    return crm::Conflict(page.texts().Get("impersonation.login_disabled"));
  }
  CRM_ASSIGN_OR_RETURN(NewSession session,
                       d->auth.sessions().OpenImpersonation(admin.user_id, client.id));
  if (std::optional<std::string> sid = CookieValue(rq, "sid")) (void)d->auth.Logout(*sid);
  std::string name = admin.display_name.empty() ? admin.email : admin.display_name;
  Record(d, client.id, "host.impersonation_start",
         TimelineMessage("web.impersonation.started", {{"admin", name}}), name);
  CRM_RETURN_IF_ERROR(SetSession(d, rs, session));
  return rs.Redirect("/account");
}

crm::Status HandleEnd(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  std::optional<std::string> sid = CookieValue(rq, "sid");
  std::optional<int64_t> admin_id = sid ? d->auth.sessions().ImpersonatorOf(*sid) : std::nullopt;
  if (!admin_id) return crm::PermissionDenied("this session was not opened by an administrator");
  int64_t client_id = rq.Caller().client_id;
  (void)d->auth.Logout(*sid);
  // The admin gets back in only while still active and allowed to do it.
  auto admin = d->auth.FindAdmin(*admin_id);
  bool allowed = admin.ok() && admin->active &&
                 std::find(admin->permissions.begin(), admin->permissions.end(),
                           "clients.impersonate") != admin->permissions.end();
  if (!allowed) {
    rs.SetHeader("Set-Cookie", d->auth.ClearSessionCookie());
    return rs.Redirect("/admin/login");
  }
  CRM_ASSIGN_OR_RETURN(NewSession session, d->auth.sessions().OpenAdmin(*admin_id));
  std::string name = admin->name.empty() ? admin->email : admin->name;
  Record(d, client_id, "host.impersonation_end",
         TimelineMessage("web.impersonation.ended", {{"admin", name}}), name);
  CRM_RETURN_IF_ERROR(SetSession(d, rs, session));
  return rs.Redirect("/admin/clients/" + std::to_string(client_id));
}

}  // namespace

crm::Status RegisterImpersonationPages(crm::Registrar& registrar, DepsPtr deps) {
  crm::Route start;
  start.method = "POST";
  start.pattern = "/admin/clients/{id}/impersonate";
  start.audience = AdminAudience("clients.impersonate");
  start.handler = [deps](crm::Request& rq, crm::Response& rs) { return HandleStart(deps, rq, rs); };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(start)));
  crm::Route end;
  end.method = "POST";
  end.pattern = "/account/impersonation/end";
  end.audience.kind = crm::Audience::Kind::kClient;
  end.handler = [deps](crm::Request& rq, crm::Response& rs) { return HandleEnd(deps, rq, rs); };
  return registrar.AddRoute(std::move(end));
}

}  // namespace host::web
