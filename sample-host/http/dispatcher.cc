// sample-host/http/dispatcher.cc — the steps of server.h before a handler runs (authenticate,
// audience, gates, CSRF, forms) and after it (answer its error or exception, drain the body). No
// Beast.
#include "sample-host/http/dispatcher.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "sample-host/core/plugin_call.h"
#include "sample-host/http/http_text.h"
#include "text/text.h"

namespace host {
namespace {

using crm::text::EqualsIgnoreCaseAscii;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool IsSafeMethod(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

// How far the server reads a multipart body ahead for its first part, `_csrf` (its headers and a
// 64-character token take about 150 bytes); a first part that does not end within this is no
// token.
constexpr size_t kCsrfReadAhead = 4096;

// A browser's request that another site started: `Sec-Fetch-Site: cross-site`, or an
// `Origin` whose host[:port] is not the request's Host. Requests without either header
// (API clients, curl, old browsers) are not judged here.
bool CrossSite(const ParsedHead& head) {
  if (auto site = head.Header("Sec-Fetch-Site"); site && EqualsIgnoreCaseAscii(*site, "cross-site"))
    return true;
  auto origin = head.Header("Origin");
  if (!origin) return false;
  if (*origin == "null") return true;  // sandboxed or privacy-stripped: not ours to trust
  size_t scheme = origin->find("://");
  auto host = head.Header("Host");
  if (scheme == std::string::npos || !host) return true;
  return !EqualsIgnoreCaseAscii(std::string_view(*origin).substr(scheme + 3), *host);
}

// The head the Authenticator sees.
class HeadView final : public RequestHead {
 public:
  HeadView(const ParsedHead& head, std::string_view path) : head_(head), path_(path) {}
  std::string_view Method() const override { return head_.method; }
  std::string_view Path() const override { return path_; }
  std::optional<std::string> Header(std::string_view name) const override {
    return head_.Header(name);
  }
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
  return accept->find("application/json") != std::string::npos &&
         accept->find("text/html") == std::string::npos;
}

bool IsFormBody(const ParsedHead& head) {
  auto ct = head.Header("Content-Type");
  if (!ct) return false;
  std::string_view v = *ct;
  size_t semi = v.find(';');
  std::string_view media = v.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return EqualsIgnoreCaseAscii(media, "application/x-www-form-urlencoded");
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

// One exchange through the stages of server.h, one method per stage, in order. A stage
// returns true to let the exchange go on, false once it has answered it; Finish() then
// decides whether the connection may be reused.
class Exchange {
 public:
  Exchange(const DispatchContext& ctx, const ParsedHead& head, Transport& transport)
      : ctx_(ctx),
        head_(head),
        transport_(transport),
        response_(state_, transport, ctx.pages, ctx.log) {
    state_.head = &head;
    state_.head_request = head.method == "HEAD";
  }

  bool Run() {
    if (!DecodeTarget() || !Authenticate() || !FindRoute() || !CheckAudience() || !LimitBody() ||
        !RunGates()) {
      return Finish();
    }
    RequestImpl request(state_, transport_, path_, http_text::ParseUrlEncoded(raw_query_),
                        match_->params, caller_);
    if (!ReadForm(request) || !ReadCsrfPart(request) || !CheckCsrf(request) ||
        !RefuseCrossSiteForm()) {
      return Finish();
    }
    return RunHandler(request);
  }

 private:
  void Log(crm::LogLevel level, std::string_view message) const {
    if (ctx_.log) ctx_.log(level, message);
  }
  // Answers with the host's own error (JSON or page, as json_ says) and stops the exchange.
  bool Refuse(int status, std::string_view code, std::string_view message) {
    (void)response_.SendHostError(status, code, message, json_);
    return false;
  }

  bool DecodeTarget();
  bool Authenticate();
  bool FindRoute();
  bool RedirectWithoutTrailingSlash();
  bool AnswerNoRoute(bool other_method);
  bool CheckAudience();
  bool RefuseOutsider(std::string_view login, std::string_view who);
  bool LimitBody();
  bool RunGates();
  bool ReadForm(RequestImpl& request);
  bool ReadCsrfPart(RequestImpl& request);
  bool CheckCsrf(const RequestImpl& request);
  bool RefuseCrossSiteForm();
  bool RunHandler(RequestImpl& request);
  void AnswerHandlerError(crm::Status status, bool logged);
  bool Finish();

  const DispatchContext& ctx_;
  const ParsedHead& head_;
  Transport& transport_;
  ExchangeState state_;
  ResponseImpl response_;
  std::string_view raw_query_;
  std::string path_;       // decoded
  bool json_ = false;      // errors as JSON: API paths and routes, callers that Accept JSON
  bool page_get_ = false;  // a GET/HEAD of a page (login redirects, gates)
  crm::Principal caller_;
  std::optional<RouteMatch> match_;
  const crm::Route* route_ = nullptr;
  uint64_t max_body_ = 0;
};

// 0. The target: a path that does not decode is refused before anyone is asked anything.
bool Exchange::DecodeTarget() {
  std::string_view target = head_.target;
  size_t qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  raw_query_ = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  json_ = StartsWith(raw_path, "/api/") || AcceptsJson(head_);
  auto decoded_path = http_text::DecodeRequestPath(raw_path);
  if (!decoded_path) return Refuse(400, "invalid_argument", "Bad request path");
  path_ = std::move(*decoded_path);
  return true;
}

// 1. Who is calling. The Authenticator is the host app's code: a throw is a 500.
bool Exchange::Authenticate() {
  try {
    HeadView view(head_, path_);
    caller_ = ctx_.auth.Authenticate(view);
  } catch (const AuthenticatorUnavailable& e) {
    Log(crm::LogLevel::kWarning, std::string("cannot authenticate: ") + e.what());
    return Refuse(503, "unavailable", "Service temporarily unavailable, try again in a moment");
  } catch (const std::exception& e) {
    Log(crm::LogLevel::kError, std::string("authenticator threw: ") + e.what());
    return Refuse(500, "internal", "Internal error");
  } catch (...) {
    Log(crm::LogLevel::kError, "authenticator threw");
    return Refuse(500, "internal", "Internal error");
  }
  response_.SetViewer(&caller_, path_);
  return true;
}

// Route: the match, or a redirect without the trailing slash, 405 or 404.
bool Exchange::FindRoute() {
  bool other_method = false;
  match_ = ctx_.registry.MatchRoute(head_.method, path_, &other_method);
  if (!match_ && head_.method == "HEAD")
    match_ = ctx_.registry.MatchRoute("GET", path_, &other_method);
  if (!match_) return AnswerNoRoute(other_method);
  route_ = &match_->route->hook;
  json_ = json_ || route_->audience.kind == crm::Audience::Kind::kApiToken;
  page_get_ = (head_.method == "GET" || head_.method == "HEAD") && !json_;
  return true;
}

// "/account/" typed by hand: send GET/HEAD to the same path without the trailing slash
// when that one exists (patterns never end with "/"). False when there is no such route.
bool Exchange::RedirectWithoutTrailingSlash() {
  if ((head_.method != "GET" && head_.method != "HEAD") || path_.size() <= 1 ||
      path_.back() != '/') {
    return false;
  }
  std::string stripped = path_;
  while (stripped.size() > 1 && stripped.back() == '/') stripped.pop_back();
  if (!ctx_.registry.MatchRoute("GET", stripped)) return false;
  size_t q = head_.target.find('?');
  if (q != std::string::npos) stripped += head_.target.substr(q);
  (void)response_.Redirect(stripped);
  return true;
}

bool Exchange::AnswerNoRoute(bool other_method) {
  if (!other_method && RedirectWithoutTrailingSlash()) return false;
  if (!other_method) return Refuse(404, "not_found", "Not found");
  std::string allow;
  for (std::string_view m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    if (ctx_.registry.MatchRoute(m, path_)) allow += (allow.empty() ? "" : ", ") + std::string(m);
  }
  if (allow.find("GET") != std::string::npos) allow += ", HEAD";
  if (!allow.empty()) response_.SetHeader("Allow", allow);
  return Refuse(405, "method_not_allowed", "Method not allowed");
}

// 2. Audience.
bool Exchange::CheckAudience() {
  const crm::Audience& audience = route_->audience;
  switch (audience.kind) {
    case crm::Audience::Kind::kPublic:
      return true;
    case crm::Audience::Kind::kApiToken:
      if (!caller_.IsToken()) {
        response_.SetHeader("WWW-Authenticate", "Bearer");
        return Refuse(401, "unauthenticated", "A valid bearer token is required");
      }
      if (!audience.scope.empty() && !caller_.HasScope(audience.scope)) {
        return Refuse(403, "permission_denied", "The token lacks the scope " + audience.scope);
      }
      return true;
    case crm::Audience::Kind::kAdmin:
      if (!caller_.IsAdmin()) return RefuseOutsider("/admin/login", "Administrators only");
      if (!audience.permission.empty() && !caller_.HasPermission(audience.permission)) {
        return Refuse(403, "permission_denied", "You do not have the permission for this page");
      }
      return true;
    case crm::Audience::Kind::kClient:
      if (!caller_.IsClient()) return RefuseOutsider("/account/login", "Clients only");
      return true;
  }
  return true;
}

// A caller outside an admin or client route: pages go to the login with `next=`, the
// rest get 401 (anonymous) or 403.
bool Exchange::RefuseOutsider(std::string_view login, std::string_view who) {
  if (page_get_) {
    (void)response_.Redirect(std::string(login) +
                             "?next=" + crm::text::PercentEncode(head_.target));
    return false;
  }
  const bool anonymous = caller_.kind == crm::Principal::Kind::kAnonymous;
  return Refuse(anonymous ? 401 : 403, anonymous ? "unauthenticated" : "permission_denied", who);
}

// The body limit is known now: refuse a declared oversize before reading a byte of it.
bool Exchange::LimitBody() {
  max_body_ = route_->max_body > 0 ? route_->max_body : ctx_.default_max_body;
  if (head_.content_length && *head_.content_length > max_body_) {
    return Refuse(413, "too_large", "The request body is too large");
  }
  transport_.SetBodyLimit(max_body_);
  return true;
}

// 3. Access gates on reserved-area pages. A gate that throws is skipped and logged by
// HookRegistry::RunGates (fail open: gates steer, the Audience above authorises).
bool Exchange::RunGates() {
  if (route_->audience.kind != crm::Audience::Kind::kClient || !page_get_) return true;
  crm::GateDecision decision = ctx_.registry.RunGates(caller_, path_);
  if (decision.allow || decision.redirect_to == path_) return true;
  if (!response_.Redirect(decision.redirect_to).ok())
    return Refuse(500, "internal", "Internal error");
  return false;
}

// 5 (before 4, since the CSRF token may be a form field). Urlencoded forms, up to 1 MiB.
bool Exchange::ReadForm(RequestImpl& request) {
  if (!IsFormBody(head_) || !head_.HasBody()) return true;
  if (head_.content_length && *head_.content_length > kMaxFormBytes) {
    return Refuse(413, "too_large", "The form is too large");
  }
  transport_.SetBodyLimit(std::min<uint64_t>(max_body_, kMaxFormBytes));
  std::string body;
  std::vector<char> buf(kChunkSize);
  while (true) {
    auto n = transport_.ReadBody(buf.data(), buf.size());
    if (!n.ok()) {
      state_.body_error = true;
      int status = n.status().code() == crm::StatusCode::kTooLarge ? 413 : 400;
      return Refuse(status, crm::ErrorCodeName(n.status().code()), n.status().message());
    }
    if (*n == 0) break;
    body.append(buf.data(), *n);
  }
  state_.form_consumed = true;
  request.SetForm(http_text::ParseUrlEncoded(body));
  return true;
}

// 5b. A multipart form of a page carries its CSRF token as its first part, `_csrf` (a token in
// the form's URL would leak through logs, history and Referer: issue 15.14). Read just that far
// ahead, before the handler reads (so stores) a byte, and give the bytes back to the handler
// (ExchangeState::read_ahead); the field becomes Form()'s `_csrf` for step 4 and for plugins'
// public pages that check their own sessions' tokens. Scripts send X-CSRF-Token instead.
bool Exchange::ReadCsrfPart(RequestImpl& request) {
  if (IsSafeMethod(head_.method) || !head_.HasBody() || caller_.IsToken() ||
      head_.Header("X-CSRF-Token")) {
    return true;
  }
  const std::string content_type = head_.Header("Content-Type").value_or("");
  if (http_text::MultipartBoundary(content_type).empty()) return true;
  std::string& ahead = state_.read_ahead;
  std::optional<std::string> token;
  while (ahead.size() < kCsrfReadAhead && !transport_.BodyDone()) {
    std::vector<char> buf(kCsrfReadAhead - ahead.size());
    auto n = transport_.ReadBody(buf.data(), buf.size());
    if (!n.ok()) {
      state_.body_error = true;
      state_.body_malformed = n.status().code() == crm::StatusCode::kInvalidArgument;
      int status = n.status().code() == crm::StatusCode::kTooLarge ? 413 : 400;
      return Refuse(status, crm::ErrorCodeName(n.status().code()), n.status().message());
    }
    if (*n == 0) break;
    ahead.append(buf.data(), *n);
    token = http_text::FirstMultipartField(content_type, ahead, "_csrf");
    if (token) break;
  }
  if (token) request.SetForm({{"_csrf", *token}});
  return true;
}

// 4. CSRF for session callers (and anonymous callers that hold a pre-session token).
bool Exchange::CheckCsrf(const RequestImpl& request) {
  const bool session_caller =
      caller_.IsAdmin() || caller_.IsClient() ||
      (caller_.kind == crm::Principal::Kind::kAnonymous && !caller_.csrf_token.empty());
  if (!session_caller || IsSafeMethod(head_.method)) return true;
  // A plugin's public pages (/p/<id>/, signed links) hold sessions of their own and check
  // their own CSRF tokens: a visitor also signed in here must not be refused there.
  if (route_->audience.kind == crm::Audience::Kind::kPublic && StartsWith(route_->pattern, "/p/"))
    return true;
  // Never the query: a token in a URL leaks (issue 15.14).
  std::optional<std::string> token = head_.Header("X-CSRF-Token");
  if (!token) token = request.FormValue("_csrf");
  if (caller_.csrf_token.empty() || !token ||
      !http_text::ConstantTimeEquals(*token, caller_.csrf_token)) {
    return Refuse(403, "permission_denied", "Invalid or missing CSRF token");
  }
  return true;
}

// 4b. Anonymous forms (the login pages, "send the link again") have no session token
// to check: refuse one another site submits, so that it cannot sign a visitor into an
// account of its choosing (login CSRF).
bool Exchange::RefuseCrossSiteForm() {
  const bool anonymous =
      caller_.kind == crm::Principal::Kind::kAnonymous && caller_.csrf_token.empty();
  if (!anonymous || IsSafeMethod(head_.method) || !CrossSite(head_)) return true;
  return Refuse(403, "permission_denied", "Cross-site form submissions are refused");
}

// The handler, then its outcome: an error it did not answer, a stream it left open.
bool Exchange::RunHandler(RequestImpl& request) {
  // Policy: a handler that throws is answered 500 (JSON or page, the detail never sent)
  // and logged once, by CallPlugin; `returned` tells it from a handler's own kInternal.
  bool returned = false;
  crm::Status status =
      CallPlugin(ctx_.log, "handler of " + route_->method + " " + route_->pattern, [&] {
        crm::Status s = route_->handler(request, response_);
        returned = true;
        return s;
      });
  if (state_.body_malformed && !response_.Started()) {
    // Whatever the handler made of it, a body that broke its framing is the client's error.
    (void)response_.SendHostError(400, "invalid_argument", "Malformed request body", json_);
  } else if (!status.ok()) {
    if (response_.Streaming()) return false;  // a truncated stream must not look complete
    if (!response_.Started()) AnswerHandlerError(std::move(status), /*logged=*/!returned);
  } else if (!response_.Started()) {
    Log(crm::LogLevel::kError,
        "handler of " + route_->method + " " + route_->pattern + " sent no reply");
    (void)Refuse(500, "internal", "Internal error");
  } else if (response_.Streaming()) {
    (void)response_.End();
  }
  return Finish();
}

void Exchange::AnswerHandlerError(crm::Status status, bool logged) {
  if (status.code() == crm::StatusCode::kInternal) {
    // The detail is for the log; the client learns only that it failed.
    if (!logged)
      Log(crm::LogLevel::kError, route_->method + " " + path_ + ": " + status.ToString());
    status = crm::Internal("Internal error");
  }
  if (json_) {
    (void)response_.SendError(status);
  } else {
    (void)response_.SendHostError(status.http_status(), crm::ErrorCodeName(status.code()),
                                  status.message(), false);
  }
}

// Keep the connection only when the reply is complete and the body has been consumed to
// its end.
bool Exchange::Finish() {
  if (response_.Streaming()) return false;  // an unterminated stream cannot be reused
  if (state_.write_error || state_.close_after) return false;
  return DrainBody(transport_, state_);
}

}  // namespace

bool Dispatch(const DispatchContext& ctx, const ParsedHead& head, Transport& transport) {
  Exchange exchange(ctx, head, transport);
  return exchange.Run();
}

}  // namespace host
