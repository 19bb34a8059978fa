// sample-host/web/auth_pages.cc — admin and client login/logout pages, the language switch and "/".
// Login errors are shown as fixed, translated texts: which of email or password was wrong is never told.
#include "sample-host/app/auth.h"
#include "sample-host/app/client_store.h"
#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"

namespace host::web {
namespace {

enum class LoginArea { kAdmin, kAccount };

std::string LoginErrorText(const Texts& texts, const crm::Status& status) {
  switch (status.code()) {
    case crm::StatusCode::kUnavailable: return texts.Get("login.too_many");
    case crm::StatusCode::kPermissionDenied: return texts.Get("login.disabled");
    case crm::StatusCode::kUnauthenticated: return texts.Get("login.wrong");
    default: return texts.Get("login.failed");
  }
}

// Where to go after a login: `next` when it is a page of the same area, else the area's home.
std::string AfterLogin(std::string_view next, LoginArea area) {
  std::string_view prefix = area == LoginArea::kAdmin ? "/admin/" : "/account/";
  if (IsSafeLocalPath(next) && next.starts_with(prefix) && !next.starts_with("/admin/login") &&
      !next.starts_with("/account/login")) {
    return std::string(next);
  }
  return area == LoginArea::kAdmin ? "/admin/clients" : "/account";
}

crm::Status ShowLogin(const DepsPtr& deps, crm::Request& request, crm::Response& response, LoginArea area,
                      std::string email, std::string error, int status) {
  PageContext page(deps->registry, request);
  bool admin = area == LoginArea::kAdmin;
  TemplateData data;
  data.set("action", std::string(admin ? "/admin/login" : "/account/login"));
  data.set("email", email);
  data.set("next", request.Query("next").value_or(request.FormValue("next").value_or("")));
  if (!error.empty()) data.set("error", error);
  std::string notice = NoticeText(page.texts(), request.Query("notice").value_or(""));
  if (!notice.empty()) data.set("notice", notice);
  data.set("intro", page.texts().Get(admin ? "login.admin_intro" : "login.account_intro"));
  data.set("admin", admin);
  return page.Send(response, "login", data, page.texts().Get(admin ? "login.admin_title" : "login.account_title"),
                   crm::PageReply::Layout::kBare, status);
}

crm::Status HandleLoginPost(const DepsPtr& deps, crm::Request& request, crm::Response& response, LoginArea area) {
  std::string email = request.FormValue("email").value_or("");
  std::string password = request.FormValue("password").value_or("");
  // The server knows the peer address; the Request does not expose it, so the rate limit
  // keys on the email alone (TODO: pass the peer address once Request has it).
  crm::Result<NewSession> session = area == LoginArea::kAdmin ? deps->auth.LoginAdmin(email, password, "")
                                                                : deps->auth.LoginClient(email, password, "");
  if (!session.ok()) {
    PageContext page(deps->registry, request);
    int status = session.status().code() == crm::StatusCode::kUnavailable ? 429 : 401;
    return ShowLogin(deps, request, response, area, email, LoginErrorText(page.texts(), session.status()), status);
  }
  int64_t max_age = session->expires_at - deps->clock.NowUnix();
  if (max_age <= 0) max_age = kSessionLifetimeSeconds;
  response.SetHeader("Set-Cookie", SessionCookie(session->id, max_age));
  return response.Redirect(AfterLogin(request.FormValue("next").value_or(""), area));
}

crm::Status HandleLogout(const DepsPtr& deps, crm::Request& request, crm::Response& response, LoginArea area) {
  if (std::optional<std::string> sid = CookieValue(request, "sid")) {
    crm::Status s = deps->auth.Logout(*sid);
    if (!s.ok()) deps->logger.Warn("web", "logout: " + s.ToString());
  }
  response.SetHeader("Set-Cookie", ClearSessionCookie());
  return response.Redirect(area == LoginArea::kAdmin ? "/admin/login?notice=logged_out"
                                                      : "/account/login?notice=logged_out");
}

crm::Route MakeRoute(std::string method, std::string pattern, crm::Audience audience, crm::RouteHandler handler) {
  crm::Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.audience = std::move(audience);
  route.handler = std::move(handler);
  return route;
}

}  // namespace

crm::Status RegisterAuthPages(crm::Registrar& registrar, DepsPtr deps) {
  for (LoginArea area : {LoginArea::kAdmin, LoginArea::kAccount}) {
    std::string base = area == LoginArea::kAdmin ? "/admin" : "/account";
    CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
        "GET", base + "/login", PublicAudience(), [deps, area](crm::Request& request, crm::Response& response) {
          const crm::Principal& who = request.Caller();
          if (area == LoginArea::kAdmin && who.IsAdmin()) return response.Redirect("/admin/clients");
          if (area == LoginArea::kAccount && who.IsClient()) return response.Redirect("/account");
          return ShowLogin(deps, request, response, area, "", "", 200);
        })));
    CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
        "POST", base + "/login", PublicAudience(), [deps, area](crm::Request& request, crm::Response& response) {
          return HandleLoginPost(deps, request, response, area);
        })));
    // Public so that a stale session can still clear its cookie; the session's own CSRF
    // token is checked by the server whenever a session exists.
    CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
        "POST", base + "/logout", PublicAudience(), [deps, area](crm::Request& request, crm::Response& response) {
          return HandleLogout(deps, request, response, area);
        })));
  }

  // The language switch: a `lang` cookie for a year, then back to the page. A logged-in
  // client's pages follow their preferred language (AppAuthenticator), so for them the
  // choice is also saved as that preference. Admins have no such setter in Auth yet: for
  // them only the cookie is set, which counts once the authenticator prefers it.
  CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
      "GET", "/lang/{code}", PublicAudience(), [deps](crm::Request& request, crm::Response& response) {
        std::string code = request.PathParam("code").value_or("");
        if (code != "en" && code != "fr" && code != "nl") return crm::NotFound("unknown language");
        const crm::Principal& who = request.Caller();
        if (who.IsClient() && who.client_id > 0 && who.language != code) {
          crm::Result<Client> client = deps->clients.Get(who.client_id);
          crm::Status saved = client.status();
          if (client.ok()) {
            client->language = code;
            saved = deps->clients.Update(client.value()).status();
          }
          if (!saved.ok()) deps->logger.Warn("web", "language switch: " + saved.ToString());
        }
        response.SetHeader("Set-Cookie", "lang=" + code + "; Path=/; Max-Age=31536000; SameSite=Lax");
        std::string next = request.Query("next").value_or("/");
        return response.Redirect(IsSafeLocalPath(next) ? next : "/");
      })));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
      "GET", "/", PublicAudience(),
      [](crm::Request&, crm::Response& response) { return response.Redirect("/admin/clients"); })));
  CRM_RETURN_IF_ERROR(registrar.AddRoute(MakeRoute(
      "GET", "/admin", PublicAudience(),
      [](crm::Request&, crm::Response& response) { return response.Redirect("/admin/clients"); })));
  return crm::Status::Ok();
}

}  // namespace host::web
