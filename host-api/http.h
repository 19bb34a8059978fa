// host-api/http.h — what a route handler sees: the caller, the request (with a streamed
// body) and the response (whole, streamed, a page in the host's layout, or a file the host streams
// with Range support).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "object_store.h"
#include "status.h"

namespace crm {

// Languages every user-facing text exists in.
inline constexpr std::string_view kLanguages[] = {"en", "fr", "nl"};
// True when `language` is one of kLanguages.
constexpr bool IsLanguage(std::string_view language) {
  for (std::string_view known : kLanguages)
    if (language == known) return true;
  return false;
}

// Who is calling. Set by the host before any plugin code sees the request.
struct Principal {
  enum class Kind { kAnonymous, kClient, kAdmin, kApiToken };
  Kind kind = Kind::kAnonymous;
  int64_t user_id = 0;    // admin user id (kAdmin, kApiToken: the token's owner)
  int64_t client_id = 0;  // kClient: the logged-in client
  std::string display_name;
  std::string email;
  std::string language = "en";  // the language pages are shown in
  // kAdmin: the admin's permissions, e.g. "clients.read". kApiToken: the token owner's
  // CURRENT permissions, so that a plugin can check both (a token never does more than
  // its admin may do on the pages: check the scope AND the permission the pages need).
  std::vector<std::string> permissions;
  std::vector<std::string> scopes;  // kApiToken: e.g. "documents:read"
  std::string csrf_token;           // session kinds: the token forms must echo

  bool IsAdmin() const { return kind == Kind::kAdmin; }
  bool IsClient() const { return kind == Kind::kClient; }
  bool IsToken() const { return kind == Kind::kApiToken; }
  bool HasPermission(std::string_view p) const {
    for (const auto& x : permissions)
      if (x == p) return true;
    return false;
  }
  bool HasScope(std::string_view s) const {
    for (const auto& x : scopes)
      if (x == s) return true;
    return false;
  }
};

// Who may call a route. The host checks it before the handler runs and answers
// 401/403 itself (JSON for kApiToken, a login redirect or an error page otherwise).
struct Audience {
  enum class Kind {
    kPublic,    // anyone (assets, signed links)
    kClient,    // a logged-in client of the reserved area; access gates run first on pages
    kAdmin,     // a logged-in admin holding `permission` (empty: any admin)
    kApiToken,  // a bearer token holding `scope` (empty: any valid token)
  };
  Kind kind = Kind::kPublic;
  std::string permission;  // kAdmin
  std::string scope;       // kApiToken
};

// An HTTP request as a handler sees it. The body is NOT read by the host (except
// urlencoded forms, see Form()): the handler streams it with ReadBody, so an upload is
// never held whole in memory. Not thread-safe; valid only during the handler call.
class Request {
 public:
  virtual ~Request() = default;

  virtual std::string_view Method() const = 0;  // "GET", "POST", ...
  virtual std::string_view Path() const = 0;    // decoded path, no query
  virtual std::string_view Target() const = 0;  // raw target, with query
  // A query parameter (first occurrence, percent-decoded), or nullopt.
  virtual std::optional<std::string> Query(std::string_view name) const = 0;
  // Every query parameter in order, decoded (for `filter[ID]=VALUE`).
  virtual std::vector<std::pair<std::string, std::string>> QueryAll() const = 0;
  // A header (case-insensitive name), or nullopt.
  virtual std::optional<std::string> Header(std::string_view name) const = 0;
  // A value bound by the route pattern, e.g. "{client_id}" -> PathParam("client_id").
  virtual std::optional<std::string> PathParam(std::string_view name) const = 0;
  // Declared body length, when the client sent Content-Length.
  virtual std::optional<uint64_t> ContentLength() const = 0;

  // Reads up to `size` bytes of body into `buffer`. Returns the count; 0 at the end of
  // the body. Blocks until data arrives or the host's idle timeout passes (then
  // kUnavailable). Fails with kTooLarge once the route's body limit is passed, and with
  // kInvalidArgument for a body that breaks its framing (a bad chunk), which the host
  // answers 400 whatever the handler returns. After a failure the connection is closed.
  virtual Result<size_t> ReadBody(char* buffer, size_t size) = 0;

  // Fields of an application/x-www-form-urlencoded body, which the host reads (up to
  // 1 MiB) and checks for CSRF before calling the handler. For a multipart/form-data body
  // whose first part is the text field `_csrf`, that one field (the body is still read
  // whole through ReadBody, that part included). Empty for other bodies.
  virtual const std::vector<std::pair<std::string, std::string>>& Form() const = 0;
  std::optional<std::string> FormValue(std::string_view name) const {
    for (const auto& [k, v] : Form())
      if (k == name) return v;
    return std::nullopt;
  }

  virtual const Principal& Caller() const = 0;

  // The TCP peer's IP address as text, no port, e.g. "127.0.0.1" or "::1" (an IPv4 peer
  // of an IPv6 socket is given as IPv4). Headers such as X-Forwarded-For are not used.
  // Added in host API 1.2.
  virtual std::string_view RemoteAddress() const = 0;
};

// A file the host streams to the client. The host answers Range / If-Range requests
// (206, 416), sets Content-Length, ETag, Last-Modified, `X-Content-Type-Options: nosniff`
// and a Content-Disposition with a safe RFC 6266 / 5987 name made from download_name.
struct FileReply {
  std::filesystem::path path;  // must exist and be readable
  std::string mime;            // trusted MIME (sniffed at upload), never the client's
  std::string download_name;   // shown to the user; the host sanitises it
  bool inline_view = false;    // Content-Disposition: inline (with a sandboxing CSP)
  std::string etag;            // optional, e.g. the SHA-256
};

// Added in host API 1.3: a file kept in an ObjectStore (HostServices::Files), sent like a
// FileReply (same headers, Range, HEAD). A local object goes out with sendfile(2); a remote
// one is streamed through ObjectStore::Open with the requested range (memory stays flat).
// An object the store cannot reach is kUnavailable (503) as long as nothing was sent.
struct ObjectReply {
  ObjectStore* store = nullptr;  // outlives the call
  std::string key;
  std::string mime;
  std::string download_name;
  bool inline_view = false;
  std::string etag;
};

// A page fragment the host wraps in its own layout (menu, header, language, CSS).
struct PageReply {
  enum class Layout { kAdmin, kAccount, kBare };
  Layout layout = Layout::kAdmin;
  std::string title;      // plain text; the host escapes it
  std::string body_html;  // trusted HTML the plugin built with escaping
  int status = 200;
};

// The response of a handler. Send exactly one of: Send, SendJson, SendPage, SendFile,
// Redirect, or the Begin/Write/End stream. Not thread-safe; valid only during the call.
class Response {
 public:
  virtual ~Response() = default;

  virtual void SetStatus(int code) = 0;
  virtual void SetHeader(std::string_view name, std::string_view value) = 0;

  // A whole body (Content-Length set).
  virtual Status Send(std::string_view body, std::string_view content_type) = 0;
  // A JSON body (already serialised) with `application/json; charset=utf-8`.
  virtual Status SendJson(std::string_view json) {
    return Send(json, "application/json; charset=utf-8");
  }
  // The error shape of SPEC §5: {"error": {"code", "message"}} with the status's HTTP code.
  virtual Status SendError(const Status& error) = 0;
  virtual Status SendPage(const PageReply& page) = 0;
  virtual Status SendFile(const FileReply& file) = 0;
  // 303 See Other to a local path (the host refuses absolute URLs to other hosts).
  virtual Status Redirect(std::string_view location) = 0;

  // A body of unknown length, sent chunked (e.g. a CSV export).
  virtual Status BeginStream(std::string_view content_type) = 0;
  virtual Status Write(std::string_view chunk) = 0;
  virtual Status End() = 0;

  // True once a reply has started; the host answers a failing handler's Status only
  // when nothing has been sent.
  virtual bool Started() const = 0;

  // Added in host API 1.3 (see ObjectReply).
  virtual Status SendObject(const ObjectReply& object) = 0;
};

}  // namespace crm
