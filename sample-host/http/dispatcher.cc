// sample-host/http/dispatcher.cc — the steps of server.h before a handler runs (authenticate, audience,
// gates, CSRF, forms) and after it (answer its error, catch its exception, drain the body). No Beast.
#include "sample-host/http/dispatcher.h"

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "sample-host/http/http_text.h"

namespace host {
namespace {

using http_text::EqualsIgnoreCase;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool IsSafeMethod(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

// A browser's request that another site started: `Sec-Fetch-Site: cross-site`, or an
// `Origin` whose host[:port] is not the request's Host. Requests without either header
// (API clients, curl, old browsers) are not judged here.
bool CrossSite(const ParsedHead& head) {
  if (auto site = head.Header("Sec-Fetch-Site"); site && http_text::EqualsIgnoreCase(*site, "cross-site")) return true;
  auto origin = head.Header("Origin");
  if (!origin) return false;
  if (*origin == "null") return true;  // sandboxed or privacy-stripped: not ours to trust
  size_t scheme = origin->find("://");
  auto host = head.Header("Host");
  if (scheme == std::string::npos || !host) return true;
  return !http_text::EqualsIgnoreCase(std::string_view(*origin).substr(scheme + 3), *host);
}

// The head the Authenticator sees.
class HeadView final : public RequestHead {
 public:
  HeadView(const ParsedHead& head, std::string_view path) : head_(head), path_(path) {}
  std::string_view Method() const override { return head_.method; }
  std::string_view Path() const override { return path_; }
  std::optional<std::string> Header(std::string_view name) const override { return head_.Header(name); }
  std::optional<std::string> Cookie(std::string_view name) const override {
    auto cookies = head_.Header("Cookie");
    if (!cookies) return std::nullopt;
    return http_text::FindCookie(*cookies, name);
  }

 private:
  const ParsedHead& head_;
  std::string_view path_;
};

bool AcceptsJson(const ParsedHead& head) {
  auto accept = head.Header("Accept");
  if (!accept) return false;
  return accept->find("application/json") != std::string::npos && accept->find("text/html") == std::string::npos;
}

bool IsFormBody(const ParsedHead& head) {
  auto ct = head.Header("Content-Type");
  if (!ct) return false;
  std::string_view v = *ct;
  size_t semi = v.find(';');
  std::string_view media = v.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return EqualsIgnoreCase(media, "application/x-www-form-urlencoded");
}

// Reads and discards the unread body so that the next request starts at a message boundary.
bool DrainBody(Transport& transport, ExchangeState& state) {
  if (transport.BodyDone()) return true;
  if (state.body_error) return false;
  auto remaining = transport.BodyRemaining();
  if (!remaining || *remaining > kDrainLimit) return false;
  std::vector<char> scratch(kChunkSize);
  uint64_t drained = 0;
  while (!transport.BodyDone()) {
    auto n = transport.ReadBody(scratch.data(), scratch.size());
    if (!n.ok()) return false;
    drained += *n;
    if (drained > kDrainLimit) return false;
    if (*n == 0) break;
  }
  return transport.BodyDone();
}

}  // namespace

bool Dispatch(const DispatchContext& ctx, const ParsedHead& head, Transport& transport) {
  ExchangeState state;
  state.head = &head;
  state.head_request = head.method == "HEAD";
  ResponseImpl response(state, transport, ctx.pages, ctx.log);
  auto log = [&](crm::LogLevel level, std::string_view msg) {
    if (ctx.log) ctx.log(level, msg);
  };

  // Finishes the exchange: keep the connection only when the reply is complete and the
  // body has been consumed to its end.
  auto finish = [&]() -> bool {
    if (response.Streaming()) return false;  // an unterminated stream cannot be reused
    if (state.write_error || state.close_after) return false;
    return DrainBody(transport, state);
  };

  std::string_view target = head.target;
  size_t qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  std::string_view raw_query = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  auto decoded_path = http_text::DecodeRequestPath(raw_path);
  const bool api_path = StartsWith(raw_path, "/api/");
  if (!decoded_path) {
    (void)response.SendHostError(400, "invalid_argument", "Bad request path", api_path || AcceptsJson(head));
    return finish();
  }
  const std::string& path = *decoded_path;

  // 1. Who is calling.
  crm::Principal caller;
  try {
    HeadView view(head, path);
    caller = ctx.auth.Authenticate(view);
  } catch (const std::exception& e) {
    log(crm::LogLevel::kError, std::string("authenticator threw: ") + e.what());
    (void)response.SendHostError(500, "internal", "Internal error", api_path || AcceptsJson(head));
    return finish();
  } catch (...) {
    log(crm::LogLevel::kError, "authenticator threw");
    (void)response.SendHostError(500, "internal", "Internal error", api_path || AcceptsJson(head));
    return finish();
  }
  response.SetViewer(&caller, path);

  // Route.
  bool other_method = false;
  auto match = ctx.registry.MatchRoute(head.method, path, &other_method);
  if (!match && head.method == "HEAD") match = ctx.registry.MatchRoute("GET", path, &other_method);
  // "/account/" typed by hand: send GET/HEAD to the same path without the trailing slash
  // when that one exists (patterns never end with "/").
  if (!match && !other_method && (head.method == "GET" || head.method == "HEAD") && path.size() > 1 &&
      path.back() == '/') {
    std::string stripped = path;
    while (stripped.size() > 1 && stripped.back() == '/') stripped.pop_back();
    if (ctx.registry.MatchRoute("GET", stripped)) {
      size_t q = head.target.find('?');
      if (q != std::string::npos) stripped += head.target.substr(q);
      (void)response.Redirect(stripped);
      return finish();
    }
  }
  if (!match) {
    bool json = api_path || AcceptsJson(head);
    if (other_method) {
      std::string allow;
      for (std::string_view m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        if (ctx.registry.MatchRoute(m, path)) allow += (allow.empty() ? "" : ", ") + std::string(m);
      }
      if (allow.find("GET") != std::string::npos) allow += ", HEAD";
      if (!allow.empty()) response.SetHeader("Allow", allow);
      (void)response.SendHostError(405, "method_not_allowed", "Method not allowed", json);
    } else {
      (void)response.SendHostError(404, "not_found", "Not found", json);
    }
    return finish();
  }
  const crm::Route& route = match->route->hook;
  const bool json = route.audience.kind == crm::Audience::Kind::kApiToken || api_path || AcceptsJson(head);
  const bool page_get = (head.method == "GET" || head.method == "HEAD") && !json;

  // 2. Audience.
  auto login_redirect = [&](std::string_view login) {
    std::string location = std::string(login) + "?next=" + http_text::PercentEncode(target);
    (void)response.Redirect(location);
  };
  switch (route.audience.kind) {
    case crm::Audience::Kind::kPublic:
      break;
    case crm::Audience::Kind::kApiToken:
      if (!caller.IsToken()) {
        response.SetHeader("WWW-Authenticate", "Bearer");
        (void)response.SendHostError(401, "unauthenticated", "A valid bearer token is required", true);
        return finish();
      }
      if (!route.audience.scope.empty() && !caller.HasScope(route.audience.scope)) {
        (void)response.SendHostError(403, "permission_denied", "The token lacks the scope " + route.audience.scope, true);
        return finish();
      }
      break;
    case crm::Audience::Kind::kAdmin:
      if (!caller.IsAdmin()) {
        if (page_get) {
          login_redirect("/admin/login");
        } else {
          (void)response.SendHostError(caller.kind == crm::Principal::Kind::kAnonymous ? 401 : 403,
                                       caller.kind == crm::Principal::Kind::kAnonymous ? "unauthenticated"
                                                                                       : "permission_denied",
                                       "Administrators only", json);
        }
        return finish();
      }
      if (!route.audience.permission.empty() && !caller.HasPermission(route.audience.permission)) {
        (void)response.SendHostError(403, "permission_denied", "You do not have the permission for this page", json);
        return finish();
      }
      break;
    case crm::Audience::Kind::kClient:
      if (!caller.IsClient()) {
        if (page_get) {
          login_redirect("/account/login");
        } else {
          (void)response.SendHostError(caller.kind == crm::Principal::Kind::kAnonymous ? 401 : 403,
                                       caller.kind == crm::Principal::Kind::kAnonymous ? "unauthenticated"
                                                                                       : "permission_denied",
                                       "Clients only", json);
        }
        return finish();
      }
      break;
  }

  // The body limit is known now: refuse a declared oversize before reading a byte of it.
  const uint64_t max_body = route.max_body > 0 ? route.max_body : ctx.default_max_body;
  if (head.content_length && *head.content_length > max_body) {
    (void)response.SendHostError(413, "too_large", "The request body is too large", json);
    return finish();
  }
  transport.SetBodyLimit(max_body);

  // 3. Access gates on reserved-area pages.
  if (route.audience.kind == crm::Audience::Kind::kClient && page_get) {
    crm::GateDecision decision;
    try {
      decision = ctx.registry.RunGates(caller, path);
    } catch (...) {
      log(crm::LogLevel::kError, "an access gate threw; refusing the page");
      (void)response.SendHostError(500, "internal", "Internal error", json);
      return finish();
    }
    if (!decision.allow && decision.redirect_to != path) {
      if (!response.Redirect(decision.redirect_to).ok()) {
        (void)response.SendHostError(500, "internal", "Internal error", json);
      }
      return finish();
    }
  }

  auto query = http_text::ParseUrlEncoded(raw_query);
  RequestImpl request(state, transport, path, query, match->params, caller);

  // 5 (before 4, since the CSRF token may be a form field). Urlencoded forms, up to 1 MiB.
  if (IsFormBody(head) && head.HasBody()) {
    if (head.content_length && *head.content_length > kMaxFormBytes) {
      (void)response.SendHostError(413, "too_large", "The form is too large", json);
      return finish();
    }
    transport.SetBodyLimit(std::min<uint64_t>(max_body, kMaxFormBytes));
    std::string body;
    std::vector<char> buf(kChunkSize);
    while (true) {
      auto n = transport.ReadBody(buf.data(), buf.size());
      if (!n.ok()) {
        state.body_error = true;
        int status = n.status().code() == crm::StatusCode::kTooLarge ? 413 : 400;
        (void)response.SendHostError(status, crm::ErrorCodeName(n.status().code()), n.status().message(), json);
        return finish();
      }
      if (*n == 0) break;
      body.append(buf.data(), *n);
    }
    state.form_consumed = true;
    request.SetForm(http_text::ParseUrlEncoded(body));
  }

  // 4. CSRF for session callers (and anonymous callers that hold a pre-session token).
  const bool session_caller = caller.IsAdmin() || caller.IsClient() ||
                              (caller.kind == crm::Principal::Kind::kAnonymous && !caller.csrf_token.empty());
  if (session_caller && !IsSafeMethod(head.method)) {
    std::optional<std::string> token = head.Header("X-CSRF-Token");
    if (!token) token = request.Query("_csrf");
    if (!token) token = request.FormValue("_csrf");
    if (caller.csrf_token.empty() || !token || !http_text::ConstantTimeEquals(*token, caller.csrf_token)) {
      (void)response.SendHostError(403, "permission_denied", "Invalid or missing CSRF token", json);
      return finish();
    }
  }

  // 4b. Anonymous forms (the login pages, "send the link again") have no session token
  // to check: refuse one another site submits, so that it cannot sign a visitor into an
  // account of its choosing (login CSRF).
  if (caller.kind == crm::Principal::Kind::kAnonymous && !session_caller && !IsSafeMethod(head.method) &&
      CrossSite(head)) {
    (void)response.SendHostError(403, "permission_denied", "Cross-site form submissions are refused", json);
    return finish();
  }

  // The handler.
  crm::Status status;
  try {
    status = route.handler(request, response);
  } catch (const std::exception& e) {
    log(crm::LogLevel::kError, "handler of " + route.method + " " + route.pattern + " threw: " + e.what());
    status = crm::Internal("internal error");
  } catch (...) {
    log(crm::LogLevel::kError, "handler of " + route.method + " " + route.pattern + " threw");
    status = crm::Internal("internal error");
  }
  if (state.body_malformed && !response.Started()) {
    // Whatever the handler made of it, a body that broke its framing is the client's error.
    (void)response.SendHostError(400, "invalid_argument", "Malformed request body", json);
  } else if (!status.ok()) {
    if (!response.Started()) {
      if (status.code() == crm::StatusCode::kInternal) {
        // The detail is for the log; the client learns only that it failed.
        log(crm::LogLevel::kError, route.method + " " + path + ": " + status.ToString());
        status = crm::Internal("Internal error");
      }
      if (json) {
        (void)response.SendError(status);
      } else {
        (void)response.SendHostError(status.http_status(), crm::ErrorCodeName(status.code()), status.message(), false);
      }
    } else if (response.Streaming()) {
      return false;  // a truncated stream must not look complete: drop the connection
    }
  } else if (!response.Started()) {
    log(crm::LogLevel::kError, "handler of " + route.method + " " + route.pattern + " sent no reply");
    (void)response.SendHostError(500, "internal", "Internal error", json);
  } else if (response.Streaming()) {
    (void)response.End();
  }
  return finish();
}

}  // namespace host
