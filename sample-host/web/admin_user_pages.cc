// sample-host/web/admin_user_pages.cc — the admin users page (SPEC H17, permission admins.manage):
// every admin with its permissions as checkboxes, create (with a password set by hand), disable
// or enable (never oneself). Adapters over Auth's AdminUsers.
#include <algorithm>

#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "sample-host/web/user_messages.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;

bool Holds(const AdminUser& a, const std::string& p) {
  return std::find(a.permissions.begin(), a.permissions.end(), p) != a.permissions.end();
}

crm::Status ShowUsers(const DepsPtr& d, crm::Request& rq, crm::Response& rs, std::string error,
                      int status) {
  PageContext page(d->registry, rq);
  CRM_ASSIGN_OR_RETURN(std::vector<AdminUser> admins, d->auth.ListAdmins());
  std::vector<std::string> all = d->auth.AllPermissions();
  TemplateData rows(TemplateData::type::list);
  for (const AdminUser& a : admins) {
    TemplateData row;
    row.set("id", std::to_string(a.id));
    row.set("email", a.email);
    row.set("name", a.name);
    row.set("active", a.active);
    row.set("self", a.id == rq.Caller().user_id);
    TemplateData perms(TemplateData::type::list);
    for (const std::string& p : all) {
      TemplateData item;
      item.set("name", p);
      item.set("checked", Holds(a, p));
      perms.push_back(item);
    }
    row.set("permissions", perms);
    rows.push_back(row);
  }
  TemplateData data;
  data.set("admins", rows);
  // Issue 15.9: the reason in the reader's language (the API keeps the English).
  if (!error.empty()) data.set("error", UserMessage(page.texts(), error));
  std::string notice = NoticeText(page.texts(), rq.Query("notice").value_or(""));
  if (!notice.empty()) data.set("notice", notice);
  return page.Send(rs, "admin_users", data, page.texts().Get("admins.title"), Layout::kAdmin,
                   status);
}

crm::Status Done(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const crm::Status& s) {
  if (s.ok()) return rs.Redirect("/admin/users?notice=saved");
  if (s.http_status() >= 500) return s;
  return ShowUsers(d, rq, rs, s.message(), s.code() == crm::StatusCode::kNotFound ? 404 : 422);
}

crm::Status HandleShow(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  return ShowUsers(d, rq, rs, "", 200);
}

crm::Status HandleCreate(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  auto get = [&](std::string_view n) { return rq.FormValue(n).value_or(""); };
  return Done(d, rq, rs,
              d->auth.CreateAdmin(get("email"), get("name"), get("password"), "en", {}).status());
}

crm::Status HandlePermissions(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  std::optional<int64_t> id = ParseId(rq.PathParam("id"));
  if (!id) return crm::NotFound("no such admin");
  std::vector<std::string> chosen;
  for (const std::string& p : d->auth.AllPermissions()) {
    if (rq.FormValue("perm_" + p).value_or("") == "1") chosen.push_back(p);
  }
  if (*id == rq.Caller().user_id &&
      std::find(chosen.begin(), chosen.end(), "admins.manage") == chosen.end()) {
    return Done(d, rq, rs, crm::Unprocessable("you cannot take admins.manage from yourself"));
  }
  return Done(d, rq, rs, d->auth.SetAdminPermissions(*id, chosen));
}

crm::Status HandleActive(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  std::optional<int64_t> id = ParseId(rq.PathParam("id"));
  if (!id) return crm::NotFound("no such admin");
  if (*id == rq.Caller().user_id) {
    return Done(d, rq, rs, crm::Unprocessable("you cannot disable your own account"));
  }
  return Done(d, rq, rs, d->auth.SetAdminActive(*id, rq.FormValue("active").value_or("") == "1"));
}

struct UserRoute {
  const char* method;
  const char* pattern;
  crm::Status (*handler)(const DepsPtr&, crm::Request&, crm::Response&);
};

constexpr UserRoute kRoutes[] = {
    {"GET", "/admin/users", HandleShow},
    {"POST", "/admin/users", HandleCreate},
    {"POST", "/admin/users/{id}/permissions", HandlePermissions},
    {"POST", "/admin/users/{id}/active", HandleActive},
};

}  // namespace

crm::Status RegisterAdminUserPages(crm::Registrar& registrar, DepsPtr deps) {
  for (const UserRoute& r : kRoutes) {
    crm::Route route;
    route.method = r.method;
    route.pattern = r.pattern;
    route.audience = AdminAudience("admins.manage");
    auto handler = r.handler;
    route.handler = [deps, handler](crm::Request& rq, crm::Response& rs) {
      return handler(deps, rq, rs);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace host::web
