// sample-host/web/auth_pages.cc — admin and client login/logout pages, the language switch and "/".
// Login errors are shown as fixed, translated texts: which of email or password was wrong is never
// told.
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
    case crm::StatusCode::kUnavailable:
      return texts.Get("login.too_many");
    case crm::StatusCode::kPermissionDenied:
      return texts.Get("login.disabled");
    case crm::StatusCode::kConflict:
      return texts.Get("login.unconfirmed");
    case crm::StatusCode::kUnauthenticated:
      return texts.Get("login.wrong");
    default:
      return texts.Get("login.failed");
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

// `offer_resend`: the client's email is not confirmed; the page offers to mail the link again.
crm::Status ShowLogin(const DepsPtr& deps, crm::Request& request, crm::Response& response,
                      LoginArea area, std::string email, std::string error, int status,
                      bool offer_resend = false) {
  PageContext page(deps->registry, request);
  bool admin = area == LoginArea::kAdmin;
  TemplateData data;
  data.set("action", std::string(admin ? "/admin/login" : "/account/login"));
  data.set("email", email);
  data.set("next", request.Query("next").value_or(request.FormValue("next").value_or("")));
  std::string notice = NoticeText(page.texts(), request.Query("notice").value_or(""));
  if (!admin) {
    // Where the confirmation link (GET /account/confirm) lands.
    std::string confirmed = request.Query("confirmed").value_or("");
    if (confirmed == "1") notice = page.texts().Get("login.email_confirmed");
    if (confirmed == "0" && error.empty()) error = page.texts().Get("login.confirm_link_invalid");
  }
  if (!error.empty()) data.set("error", error);
  if (!notice.empty()) data.set("notice", notice);
  if (offer_resend && !admin) data.set("resend", true);
  data.set("intro", page.texts().Get(admin ? "login.admin_intro" : "login.account_intro"));
  data.set("admin", admin);
  data.set("forgot", std::string(admin ? "/admin/password/forgot" : "/account/password/forgot"));
  return page.Send(response, "login", data,
                   page.texts().Get(admin ? "login.admin_title" : "login.account_title"),
                   crm::PageReply::Layout::kBare, status);
}

crm::Status HandleLoginPost(const DepsPtr& deps, crm::Request& request, crm::Response& response,
                            LoginArea area) {
  std::string email = request.FormValue("email").value_or("");
  std::string password = request.FormValue("password").value_or("");
  // The rate limit keys on the email and on the TCP peer (never on X-Forwarded-For).
  std::string_view ip = request.RemoteAddress();
  crm::Result<NewSession> session = area == LoginArea::kAdmin
                                        ? deps->auth.LoginAdmin(email, password, ip)
                                        : deps->auth.LoginClient(email, password, ip);
  if (!session.ok()) {
    const crm::Status& error = session.status();
    if (error.code() == crm::StatusCode::kInternal) return error;
    PageContext page(deps->registry, request);
    int status = 401;
    if (error.code() == crm::StatusCode::kUnavailable) status = 429;
    if (error.code() == crm::StatusCode::kPermissionDenied ||
        error.code() == crm::StatusCode::kConflict)
      status = 403;
    return ShowLogin(deps, request, response, area, email, LoginErrorText(page.texts(), error),
                     status, error.code() == crm::StatusCode::kConflict);
  }
  int64_t max_age = session->expires_at - deps->clock.NowUnix();
  if (max_age <= 0) max_age = kSessionLifetimeSeconds;
  response.SetHeader("Set-Cookie", deps->auth.SessionCookie(session->id, max_age));
  return response.Redirect(AfterLogin(request.FormValue("next").value_or(""), area));
}

crm::Status HandleLogout(const DepsPtr& deps, crm::Request& request, crm::Response& response,
                         LoginArea area) {
  if (std::optional<std::string> sid = CookieValue(request, "sid")) {
    crm::Status s = deps->auth.Logout(*sid);
    if (!s.ok()) deps->logger.Warn("web", "logout: " + s.ToString());
  }
  response.SetHeader("Set-Cookie", deps->auth.ClearSessionCookie());
  return response.Redirect(area == LoginArea::kAdmin ? "/admin/login?notice=logged_out"
                                                     : "/account/login?notice=logged_out");
}

// "Send the confirmation link again", offered when an unconfirmed client signs in. The
// answer is the same whether or not the email exists (a notice on the login page).
crm::Status HandleResendConfirmation(const DepsPtr& deps, crm::Request& request,
                                     crm::Response& response) {
  std::string email = request.FormValue("email").value_or("");
  crm::Status s = deps->auth.ResendEmailConfirmation(email, request.RemoteAddress());
  if (s.code() == crm::StatusCode::kUnavailable) {
    PageContext page(deps->registry, request);
    return ShowLogin(deps, request, response, LoginArea::kAccount, email,
                     page.texts().Get("login.too_many"), 429);
  }
  // Any other failure (the mail could not be written) is for the log: telling it would
  // tell that the email belongs to an unconfirmed client.
  if (!s.ok()) deps->logger.Warn("web", "resending an email confirmation: " + s.ToString());
  return response.Redirect("/account/login?notice=confirmation_resent");
}

// Stores `code` as the caller's preferred language: a client's on their client row, an
// admin's on their admin row. Anonymous callers have only the cookie.
crm::Status SaveLanguage(const DepsPtr& deps, const crm::Principal& who, const std::string& code) {
  if (who.language == code) return crm::Status::Ok();
  if (who.IsClient() && who.client_id > 0) {
    crm::Result<Client> client = deps->clients.Get(who.client_id);
    if (!client.ok()) return client.status();
    client->language = code;
    return deps->clients.Update(client.value()).status();
  }
  if (who.IsAdmin() && who.user_id > 0) return deps->auth.SetAdminLanguage(who.user_id, code);
  return crm::Status::Ok();
}

// Sets the `lang` cookie for a year (and the stored language when `save`), then goes back to
// `next` (the form's field, or the query of an old link) when it is a local path.
crm::Status HandleLanguageSwitch(const DepsPtr& deps, crm::Request& request,
                                 crm::Response& response, bool save) {
  std::string code = request.PathParam("code").value_or("");
  if (!crm::IsLanguage(code)) return crm::NotFound("unknown language");
  if (save) {
    crm::Status saved = SaveLanguage(deps, request.Caller(), code);
    if (!saved.ok()) deps->logger.Warn("web", "language switch: " + saved.ToString());
  }
  response.SetHeader("Set-Cookie", deps->auth.SetCookie("lang", code, 365 * 24 * 3600));
  std::string next = request.FormValue("next").value_or(request.Query("next").value_or("/"));
  return response.Redirect(IsSafeLocalPath(next) ? next : "/");
}

crm::Route MakeRoute(std::string method, std::string pattern, crm::Audience audience,
                     crm::RouteHandler handler) {
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
    CRM_RETURN_IF_ERROR(
        registrar.AddRoute(MakeRoute("GET", base + "/login", PublicAudience(),
                                     [deps, area](crm::Request& request, crm::Response& response) {
                                       const crm::Principal& who = request.Caller();
                                       if (area == LoginArea::kAdmin && who.IsAdmin())
                                         return response.Redirect("/admin/clients");
                                       if (area == LoginArea::kAccount && who.IsClient())
                                         return response.Redirect("/account");
                                       return ShowLogin(deps, request, response, area, "", "", 200);
                                     })));
    CRM_RETURN_IF_ERROR(
        registrar.AddRoute(MakeRoute("POST", base + "/login", PublicAudience(),
                                     [deps, area](crm::Request& request, crm::Response& response) {
                                       return HandleLoginPost(deps, request, response, area);
                                     })));
    // Public so that a stale session can still clear its cookie; the session's own CSRF
    // token is checked by the server whenever a session exists.
    CRM_RETURN_IF_ERROR(
        registrar.AddRoute(MakeRoute("POST", base + "/logout", PublicAudience(),
                                     [deps, area](crm::Request& request, crm::Response& response) {
                                       return HandleLogout(deps, request, response, area);
                                     })));
  }

  CRM_RETURN_IF_ERROR(
      registrar.AddRoute(MakeRoute("POST", "/account/confirm/resend", PublicAudience(),
                                   [deps](crm::Request& request, crm::Response& response) {
                                     return HandleResendConfirmation(deps, request, response);
                                   })));

  // The language switch (issue 15.7). POST /lang/{code}, the switcher's form: the `lang`
  // cookie, and for a logged-in user the stored language too. GET /lang/{code} stays for old
  // links and bookmarks but only sets the cookie: a GET never changes stored state.
  CRM_RETURN_IF_ERROR(registrar.AddRoute(
      MakeRoute("POST", "/lang/{code}", PublicAudience(),
                [deps](crm::Request& request, crm::Response& response) {
                  return HandleLanguageSwitch(deps, request, response, /*save=*/true);
                })));
  CRM_RETURN_IF_ERROR(registrar.AddRoute(
      MakeRoute("GET", "/lang/{code}", PublicAudience(),
                [deps](crm::Request& request, crm::Response& response) {
                  return HandleLanguageSwitch(deps, request, response, /*save=*/false);
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
