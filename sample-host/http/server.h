// sample-host/http/server.h — the HTTP server (Boost.Beast, asynchronous I/O on a few threads,
// handlers on a worker pool with streamed bodies) and the two seams the CRM app fills: who is
// calling, and how a page looks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "host-api/http.h"
#include "host-api/status.h"
#include "sample-host/core/hook_registry.h"

namespace host {

// Thrown by an Authenticator that cannot tell who is calling because the database that holds the
// sessions and tokens cannot be reached: the caller is not anonymous, the answer is 503.
struct AuthenticatorUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Read access to the request line and headers, before the body is read.
class RequestHead {
 public:
  virtual ~RequestHead() = default;
  virtual std::string_view Method() const = 0;
  virtual std::string_view Path() const = 0;
  virtual std::optional<std::string> Header(std::string_view name) const = 0;
  // The value of one cookie, or nullopt.
  virtual std::optional<std::string> Cookie(std::string_view name) const = 0;
};

// Who is calling: the app looks up the session cookie or the bearer token. Called on
// a worker thread for every routable request, concurrently: must be thread-safe. A
// missing or invalid credential gives Kind::kAnonymous (public routes still serve; the
// route's Audience answers 401 or a login redirect), with a language from the `lang`
// cookie or Accept-Language. AuthenticatorUnavailable (the credential store is down) is
// answered 503; any other exception is logged and answered 500.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual crm::Principal Authenticate(const RequestHead& head) = 0;
};

// How pages look: the app wraps fragments in its layout (menus, language, CSS).
class PageRenderer {
 public:
  virtual ~PageRenderer() = default;
  // A full HTML document for `page`, for `viewer` at `path`.
  virtual std::string RenderPage(const crm::PageReply& page, const crm::Principal& viewer,
                                 std::string_view path) = 0;
  // A full HTML error page (404, 403, 500...) in the viewer's language.
  virtual std::string RenderError(int http_status, std::string_view message,
                                  const crm::Principal& viewer, std::string_view path) = 0;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;                     // 0: any free port (tests)
  int io_threads = 2;                       // Asio threads (accept, read, write)
  int worker_threads = 16;                  // handler threads (blocking plugin code)
  size_t max_header_bytes = 16 * 1024;      // 431 past it
  uint64_t default_max_body = 1 << 20;      // routes may raise it (crm::Route::max_body)
  std::chrono::seconds header_timeout{30};  // whole request head must arrive in it
  std::chrono::seconds idle_timeout{60};    // keep-alive idle, and any stalled body read/write
  std::chrono::seconds shutdown_grace{30};  // requests in flight may finish in it
};

// Serves the routes of `registry`. A request head with ambiguous framing (Transfer-Encoding
// other than "chunked", with Content-Length, or a repeated Content-Length; RFC 9112 §6.3)
// is answered 400 and the connection closed; a head over max_header_bytes 431. Then, before
// a handler runs, the server (sample-host/http/dispatcher.cc, one function per stage):
//  1. authenticates (Authenticator), 2. checks the route's Audience (kApiToken: 401
//  JSON without a valid token, 403 JSON without the scope; kAdmin and kClient: redirect
//  to /admin/login or /account/login for GET/HEAD pages, else 401 anonymous, 403 others),
//  refuses a declared body over the route's limit (413),
//  3. for kClient runs the access gates (registry.RunGates) on GET/HEAD pages; a gate
//  that throws is skipped and logged,
//  5. reads urlencoded forms up to 1 MiB into Request::Form() (before 4: the token may
//  be a form field), and of a multipart body only its first part when it is `_csrf`
//  (read ahead, then given back to the handler's ReadBody),
//  4. for session callers on unsafe methods, checks CSRF (X-CSRF-Token header or `_csrf`
//  field of the form; never the query, where it would leak; 403 on mismatch); refuses anonymous
//  unsafe requests another site started (403).
// A handler's error Status with nothing sent becomes a JSON error (API routes and
// requests that Accept JSON) or an error page; a kInternal's detail is logged, not sent.
// A handler that throws is logged once and answered 500. A body that breaks its framing
// is answered 400. Handlers run concurrently on the worker threads.
class HttpServer {
 public:
  HttpServer(ServerOptions options, const HookRegistry& registry, Authenticator& auth,
             PageRenderer& pages, std::function<void(crm::LogLevel, std::string_view)> log);
  ~HttpServer();

  // Binds and starts accepting. Returns the bound port (useful with port 0).
  crm::Result<uint16_t> Start();
  // Blocks until SIGINT/SIGTERM or Stop(), then stops accepting, lets requests in
  // flight finish (up to shutdown_grace) and returns.
  void Wait();
  // Thread-safe; may be called from a handler or a signal watcher.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace host
