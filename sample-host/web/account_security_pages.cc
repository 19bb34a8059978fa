// sample-host/web/account_security_pages.cc — "forgot password" and one's own password/email change
// (SPEC H17), for admins (/admin/…) and clients (/account/…) alike: short adapters over
// AccountSecurity. A GET on a mailed link only shows a form; the form's POST uses the token. An
// impersonated client session (kImpersonatedMarker) can change neither password nor email.
#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;

struct Area {
  AccountKind kind;
  const char* base;  // "/admin" or "/account"
};
constexpr Area kAreas[] = {{AccountKind::kAdmin, "/admin"}, {AccountKind::kClient, "/account"}};

std::string Field(const crm::Request& rq, std::string_view name) {
  return rq.FormValue(name).value_or("");
}

crm::Status Show(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area,
                 std::string_view name, TemplateData data, std::string_view title, int status,
                 Layout layout = Layout::kBare) {
  PageContext page(d->registry, rq);
  data.set("base", std::string(area.base));
  return page.Send(rs, name, std::move(data), page.texts().Get(title), layout, status);
}

std::string Text(const DepsPtr& d, crm::Request& rq, std::string_view key) {
  return PageContext(d->registry, rq).texts().Get(key);
}

// ---- Forgot password

crm::Status ForgotForm(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area) {
  return Show(d, rq, rs, area, "password_forgot", {}, "password.forgot_title", 200);
}

crm::Status ForgotPost(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area) {
  std::string email = Field(rq, "email");
  crm::Status s = d->auth.security().RequestPasswordReset(area.kind, email, rq.RemoteAddress());
  if (s.code() == crm::StatusCode::kUnavailable) {
    TemplateData data;
    data.set("email", email);
    data.set("error", Text(d, rq, "login.too_many"));
    return Show(d, rq, rs, area, "password_forgot", data, "password.forgot_title", 429);
  }
  // Any other failure (the mail could not be written) is for the log only: telling it would
  // tell that the email has a login.
  if (!s.ok()) d->logger.Warn("web", "password reset request: " + s.ToString());
  return rs.Redirect(std::string(area.base) + "/login?notice=reset_sent");
}

// The page a mailed link opens (GET: nothing is used up): the form carrying the token while the
// link is good, else why not (410).
crm::Status LinkPage(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area,
                     crm::Result<bool> valid, std::string_view name, std::string_view title) {
  if (!valid.ok()) return valid.status();
  TemplateData data;
  if (*valid) {
    data.set("form", true);
    data.set("token", rq.Query("token").value_or(""));
  } else {
    data.set("error", Text(d, rq, "password.link_invalid"));
  }
  return Show(d, rq, rs, area, name, data, title, *valid ? 200 : 410);
}

crm::Status ResetForm(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area) {
  return LinkPage(d, rq, rs, area,
                  d->auth.security().ResetTokenValid(area.kind, rq.Query("token").value_or("")),
                  "password_reset", "password.reset_title");
}

crm::Status ResetPost(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area) {
  std::string token = Field(rq, "token");
  std::string password = Field(rq, "password");
  TemplateData data;
  crm::Status s = Field(rq, "password_confirm") == password
                      ? d->auth.security().ResetPassword(area.kind, token, password).status()
                      : crm::Unprocessable("the two passwords differ");
  if (s.ok()) return rs.Redirect(std::string(area.base) + "/login?notice=password_reset");
  if (s.code() == crm::StatusCode::kNotFound) {
    data.set("error", Text(d, rq, "password.link_invalid"));
    return Show(d, rq, rs, area, "password_reset", data, "password.reset_title", 410);
  }
  if (s.code() != crm::StatusCode::kInvalidArgument && s.code() != crm::StatusCode::kUnprocessable)
    return s;
  data.set("form", true);
  data.set("token", token);
  data.set("error", Text(d, rq,
                         s.code() == crm::StatusCode::kInvalidArgument ? "password.too_short"
                                                                       : "password.differ"));
  return Show(d, rq, rs, area, "password_reset", data, "password.reset_title", 422);
}

// ---- One's own password and email

int64_t UserId(const crm::Principal& who, const Area& area) {
  return area.kind == AccountKind::kAdmin ? who.user_id : who.client_id;
}
bool Impersonated(const crm::Principal& who) { return who.HasPermission(kImpersonatedMarker); }

crm::Status SecurityPage(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area,
                         std::string error = "", int status = 200) {
  const crm::Principal& who = rq.Caller();
  TemplateData data;
  data.set("current_email", who.email);
  data.set("email", Field(rq, "email"));
  data.set("impersonated", Impersonated(who));
  PageContext page(d->registry, rq);
  std::string notice = rq.Query("notice").value_or("");
  if (notice == "email_change_sent") data.set("notice", page.texts().Get("security.email_sent"));
  if (notice == "email_changed") data.set("notice", page.texts().Get("security.email_changed"));
  if (!error.empty()) data.set("error", error);
  return Show(d, rq, rs, area, "account_security", data, "security.title", status,
              area.kind == AccountKind::kAdmin ? Layout::kAdmin : Layout::kAccount);
}

// The page again with the reason of a refused change, in the reader's language.
crm::Status Refused(const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& area,
                    const crm::Status& s) {
  switch (s.code()) {
    case crm::StatusCode::kUnauthenticated:
      return SecurityPage(d, rq, rs, area, Text(d, rq, "security.wrong_current"), 403);
    case crm::StatusCode::kUnavailable:
      return SecurityPage(d, rq, rs, area, Text(d, rq, "login.too_many"), 429);
    case crm::StatusCode::kConflict:
      return SecurityPage(d, rq, rs, area, Text(d, rq, "security.email_taken"), 409);
    case crm::StatusCode::kInvalidArgument:
      return SecurityPage(d, rq, rs, area, Text(d, rq, "security.invalid"), 422);
    case crm::StatusCode::kUnprocessable:
      return SecurityPage(d, rq, rs, area, Text(d, rq, "password.differ"), 422);
    default:
      return s;
  }
}

crm::Status ChangePasswordPost(const DepsPtr& d, crm::Request& rq, crm::Response& rs,
                               const Area& area) {
  const crm::Principal& who = rq.Caller();
  if (Impersonated(who))
    return SecurityPage(d, rq, rs, area, Text(d, rq, "security.impersonated"), 403);
  std::string password = Field(rq, "password");
  crm::Status s = Field(rq, "password_confirm") != password
                      ? crm::Unprocessable("the two passwords differ")
                      : d->auth.security().ChangePassword(area.kind, UserId(who, area),
                                                          Field(rq, "current_password"), password,
                                                          rq.RemoteAddress());
  if (!s.ok()) return Refused(d, rq, rs, area, s);
  // Every session of this person has ended, this one included: sign in with the new password.
  rs.SetHeader("Set-Cookie", d->auth.ClearSessionCookie());
  return rs.Redirect(std::string(area.base) + "/login?notice=password_changed");
}

crm::Status ChangeEmailPost(const DepsPtr& d, crm::Request& rq, crm::Response& rs,
                            const Area& area) {
  const crm::Principal& who = rq.Caller();
  if (Impersonated(who))
    return SecurityPage(d, rq, rs, area, Text(d, rq, "security.impersonated"), 403);
  crm::Status s = d->auth.security().RequestEmailChange(area.kind, UserId(who, area),
                                                        Field(rq, "current_password"),
                                                        Field(rq, "email"), rq.RemoteAddress());
  if (!s.ok()) return Refused(d, rq, rs, area, s);
  return rs.Redirect(std::string(area.base) + "/security?notice=email_change_sent");
}

crm::Status EmailConfirmForm(const DepsPtr& d, crm::Request& rq, crm::Response& rs,
                             const Area& area) {
  return LinkPage(
      d, rq, rs, area,
      d->auth.security().EmailChangeTokenValid(area.kind, rq.Query("token").value_or("")),
      "email_confirm", "security.email_title");
}

crm::Status EmailConfirmPost(const DepsPtr& d, crm::Request& rq, crm::Response& rs,
                             const Area& area) {
  crm::Result<int64_t> user = d->auth.security().ConfirmEmailChange(area.kind, Field(rq, "token"));
  if (!user.ok() && user.status().code() != crm::StatusCode::kNotFound &&
      user.status().code() != crm::StatusCode::kConflict)
    return user.status();
  if (!user.ok()) {
    TemplateData data;
    data.set("error",
             Text(d, rq,
                  user.status().code() == crm::StatusCode::kConflict ? "security.email_taken"
                                                                     : "password.link_invalid"));
    int status = user.status().code() == crm::StatusCode::kConflict ? 409 : 410;
    return Show(d, rq, rs, area, "email_confirm", data, "security.email_title", status);
  }
  bool signed_in =
      UserId(rq.Caller(), area) == *user &&
      (area.kind == AccountKind::kAdmin ? rq.Caller().IsAdmin() : rq.Caller().IsClient());
  return rs.Redirect(std::string(area.base) + (signed_in ? "/security?notice=email_changed"
                                                         : "/login?notice=email_changed"));
}

using Handler = crm::Status (*)(const DepsPtr&, crm::Request&, crm::Response&, const Area&);
struct PageRoute {
  const char* method;
  const char* path;  // after the area's base
  bool signed_in;    // the area's own audience, else public
  Handler handler;
};
constexpr PageRoute kRoutes[] = {
    {"GET", "/password/forgot", false, ForgotForm},
    {"POST", "/password/forgot", false, ForgotPost},
    {"GET", "/password/reset", false, ResetForm},
    {"POST", "/password/reset", false, ResetPost},
    {"GET", "/security", true,
     [](const DepsPtr& d, crm::Request& rq, crm::Response& rs, const Area& a) {
       return SecurityPage(d, rq, rs, a);
     }},
    {"POST", "/security/password", true, ChangePasswordPost},
    {"POST", "/security/email", true, ChangeEmailPost},
    {"GET", "/email/confirm", false, EmailConfirmForm},
    {"POST", "/email/confirm", false, EmailConfirmPost},
};

}  // namespace

crm::Status RegisterAccountSecurityPages(crm::Registrar& registrar, DepsPtr deps) {
  for (const Area& area : kAreas) {
    for (const PageRoute& r : kRoutes) {
      crm::Route route;
      route.method = r.method;
      route.pattern = std::string(area.base) + r.path;
      if (r.signed_in)
        route.audience = area.kind == AccountKind::kAdmin ? AdminAudience("") : ClientAudience();
      route.handler = [deps, &area, &r](crm::Request& rq, crm::Response& rs) {
        return r.handler(deps, rq, rs, area);
      };
      CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
    }
  }
  return crm::Status::Ok();
}

}  // namespace host::web
