// sample-host/http/exchange.cc — crm::Request and crm::Response over a Transport: headers with
// safe defaults, whole/streamed/file bodies (Range, Content-Disposition), host error replies.
#include "sample-host/http/exchange.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "sample-host/http/http_text.h"
#include "text/text.h"

namespace host {
namespace {

using crm::text::EqualsIgnoreCaseAscii;

// Pages may load the host's own scripts and styles, nothing else, and never be framed.
constexpr std::string_view kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// A stored file shown inline must not run script or reach anything (it may be hostile HTML/SVG).
constexpr std::string_view kFileCsp =
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";

// A reply body up to this size goes out in the head's write: each write is a round trip from the
// handler's thread to the connection's strand and back (two thread wake-ups), which costs more
// than copying the body once. A 50-row client list is about 45 KiB (issue 10).
constexpr size_t kOneWriteMax = 256 * 1024;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};

// A strong ETag made of token characters only, so it can be quoted safely.
std::string QuoteEtag(std::string_view raw) {
  std::string out = "\"";
  for (char c : raw) {
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) > 0x20 &&
        static_cast<unsigned char>(c) < 0x7f) {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::optional<std::string> ParsedHead::Header(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : headers) {
    if (!EqualsIgnoreCaseAscii(k, name)) continue;
    if (!out) {
      out = v;
    } else {
      *out += EqualsIgnoreCaseAscii(name, "cookie") ? "; " : ", ";
      *out += v;
    }
  }
  return out;
}

std::string SimpleResponse(int status, std::string_view text) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                    std::string(http_text::ReasonPhrase(status)) + "\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "X-Content-Type-Options: nosniff\r\n";
  out += "Cache-Control: no-store\r\n";
  out += "Connection: close\r\n";
  out += "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n";
  out += text;
  return out;
}

// ---- Request -------------------------------------------------------------------------

RequestImpl::RequestImpl(ExchangeState& state, Transport& transport, std::string path,
                         std::vector<std::pair<std::string, std::string>> query,
                         std::map<std::string, std::string, std::less<>> params,
                         crm::Principal caller)
    : state_(state),
      transport_(transport),
      path_(std::move(path)),
      query_(std::move(query)),
      params_(std::move(params)),
      caller_(std::move(caller)) {}

std::string_view RequestImpl::Method() const { return state_.head->method; }

std::optional<std::string> RequestImpl::Query(std::string_view name) const {
  for (const auto& [k, v] : query_) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> RequestImpl::Header(std::string_view name) const {
  return state_.head->Header(name);
}

std::optional<std::string> RequestImpl::PathParam(std::string_view name) const {
  auto it = params_.find(name);
  if (it == params_.end()) return std::nullopt;
  return it->second;
}

crm::Result<size_t> RequestImpl::ReadBody(char* buffer, size_t size) {
  if (state_.form_consumed || size == 0) return size_t{0};
  if (state_.read_ahead_pos < state_.read_ahead.size()) {
    size_t n = std::min(size, state_.read_ahead.size() - state_.read_ahead_pos);
    std::memcpy(buffer, state_.read_ahead.data() + state_.read_ahead_pos, n);
    state_.read_ahead_pos += n;
    return n;
  }
  if (state_.body_error) return crm::Unavailable("request body unreadable after an earlier error");
  auto n = transport_.ReadBody(buffer, size);
  if (!n.ok()) {
    state_.body_error = true;
    state_.body_malformed = n.status().code() == crm::StatusCode::kInvalidArgument;
  }
  return n;
}

// ---- Response ------------------------------------------------------------------------

ResponseImpl::ResponseImpl(ExchangeState& state, Transport& transport, PageRenderer& pages,
                           std::function<void(crm::LogLevel, std::string_view)> log)
    : state_(state), transport_(transport), pages_(pages), log_(std::move(log)) {}

void ResponseImpl::SetStatus(int code) {
  if (code >= 100 && code <= 999) status_ = code;
}

bool ResponseImpl::HasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers_) {
    if (EqualsIgnoreCaseAscii(k, name)) return true;
  }
  return false;
}

void ResponseImpl::SetHeaderInternal(std::string_view name, std::string_view value) {
  for (auto& [k, v] : headers_) {
    if (EqualsIgnoreCaseAscii(k, name)) {
      v = std::string(value);
      return;
    }
  }
  headers_.emplace_back(std::string(name), std::string(value));
}

void ResponseImpl::SetHeader(std::string_view name, std::string_view value) {
  // A CR/LF in a header would let a caller-controlled value split the response.
  if (!http_text::IsToken(name) || !http_text::IsSafeHeaderValue(value)) {
    if (log_)
      log_(crm::LogLevel::kWarning, "refused an unsafe response header: " + std::string(name));
    return;
  }
  // Framing is the server's job: a handler cannot desynchronise the connection.
  if (EqualsIgnoreCaseAscii(name, "content-length") ||
      EqualsIgnoreCaseAscii(name, "transfer-encoding") ||
      EqualsIgnoreCaseAscii(name, "connection")) {
    return;
  }
  if (EqualsIgnoreCaseAscii(name, "set-cookie")) {
    headers_.emplace_back(std::string(name), std::string(value));
  } else {
    SetHeaderInternal(name, value);
  }
}

bool ResponseImpl::WillClose() const {
  if (!state_.head->keep_alive || transport_.Stopping() || state_.body_error) return true;
  if (transport_.BodyDone()) return false;
  auto remaining = transport_.BodyRemaining();
  return !remaining || *remaining > kDrainLimit;
}

void ResponseImpl::AddPageSecurityHeaders() {
  if (!HasHeader("X-Frame-Options")) SetHeaderInternal("X-Frame-Options", "DENY");
  if (!HasHeader("Referrer-Policy")) SetHeaderInternal("Referrer-Policy", "same-origin");
  if (!HasHeader("Content-Security-Policy")) SetHeaderInternal("Content-Security-Policy", kPageCsp);
}

crm::Status ResponseImpl::WriteHead(std::optional<uint64_t> length, std::string_view extra_body) {
  state_.close_after = WillClose();
  bool no_body_status = status_ < 200 || status_ == 204 || status_ == 304;
  std::string head = "HTTP/1.1 " + std::to_string(status_) + " " +
                     std::string(http_text::ReasonPhrase(status_)) + "\r\n";
  head += "Date: " + http_text::HttpDate(std::time(nullptr)) + "\r\n";
  head += "X-Content-Type-Options: nosniff\r\n";
  if (!HasHeader("Cache-Control")) head += "Cache-Control: no-store\r\n";
  for (const auto& [k, v] : headers_) {
    if (EqualsIgnoreCaseAscii(k, "x-content-type-options")) continue;
    head += k + ": " + v + "\r\n";
  }
  if (length) {
    if (!no_body_status) head += "Content-Length: " + std::to_string(*length) + "\r\n";
  } else if (state_.head->version >= 11) {
    head += "Transfer-Encoding: chunked\r\n";
    chunked_ = true;
  } else {
    state_.close_after = true;  // HTTP/1.0: the end of the body is the end of the connection
  }
  if (state_.close_after) head += "Connection: close\r\n";
  head += "\r\n";
  if (!state_.head_request && !no_body_status && !extra_body.empty() &&
      extra_body.size() <= kOneWriteMax) {
    head.append(extra_body);  // one write
    extra_body = {};
  }
  crm::Status s = transport_.Write(head);
  if (s.ok() && !state_.head_request && !no_body_status && !extra_body.empty())
    s = transport_.Write(extra_body);
  if (!s.ok()) state_.write_error = true;
  return s;
}

crm::Status ResponseImpl::Send(std::string_view body, std::string_view content_type) {
  if (Started()) return crm::Internal("a reply was already sent");
  if (!content_type.empty() && http_text::IsSafeHeaderValue(content_type))
    SetHeaderInternal("Content-Type", content_type);
  if (StartsWith(content_type, "text/html")) AddPageSecurityHeaders();
  phase_ = Phase::kDone;
  return WriteHead(body.size(), body);
}

crm::Status ResponseImpl::SendError(const crm::Status& error) {
  crm::StatusCode code = error.ok() ? crm::StatusCode::kInternal : error.code();
  SetStatus(crm::HttpStatusFor(code));
  std::string json = "{\"error\":{\"code\":\"" + std::string(crm::ErrorCodeName(code)) +
                     "\",\"message\":\"" + http_text::JsonEscape(error.message()) + "\"}}";
  return Send(json, "application/json; charset=utf-8");
}

crm::Status ResponseImpl::SendHostError(int http_status, std::string_view code,
                                        std::string_view message, bool json) {
  if (Started()) return crm::Internal("a reply was already sent");
  SetStatus(http_status);
  if (json) {
    std::string body = "{\"error\":{\"code\":\"" + http_text::JsonEscape(code) +
                       "\",\"message\":\"" + http_text::JsonEscape(message) + "\"}}";
    return Send(body, "application/json; charset=utf-8");
  }
  std::string html;
  static const crm::Principal kAnonymous;
  try {
    html = pages_.RenderError(http_status, message, viewer_ ? *viewer_ : kAnonymous, path_);
  } catch (const std::exception& e) {
    if (log_) log_(crm::LogLevel::kError, std::string("error page renderer threw: ") + e.what());
    return Send(std::string(message), "text/plain; charset=utf-8");
  } catch (...) {
    return Send(std::string(message), "text/plain; charset=utf-8");
  }
  return Send(html, "text/html; charset=utf-8");
}

crm::Status ResponseImpl::SendPage(const crm::PageReply& page) {
  if (Started()) return crm::Internal("a reply was already sent");
  static const crm::Principal kAnonymous;
  std::string html = pages_.RenderPage(page, viewer_ ? *viewer_ : kAnonymous, path_);
  SetStatus(page.status);
  return Send(html, "text/html; charset=utf-8");
}

crm::Status ResponseImpl::SendFile(const crm::FileReply& file) {
  if (Started()) return crm::Internal("a reply was already sent");
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.path.c_str(), "rb"));
  if (!f) return crm::NotFound("file not available");
  struct stat st {};
  if (fstat(fileno(f.get()), &st) != 0 || !S_ISREG(st.st_mode))
    return crm::NotFound("file not available");
  FileHead head{static_cast<uint64_t>(st.st_size),
                st.st_mtime,
                file.etag,
                file.mime,
                file.download_name,
                file.inline_view};
  uint64_t first = 0;
  uint64_t count = 0;
  if (!SetFileHeaders(head, &first, &count)) return WriteHead(0);  // 416
  CRM_RETURN_IF_ERROR(WriteHead(count));
  if (state_.head_request || count == 0) return crm::Status::Ok();
  return WriteFileBody(fileno(f.get()), first, count, file.path);
}

crm::Status ResponseImpl::SendObject(const crm::ObjectReply& object) {
  if (Started()) return crm::Internal("a reply was already sent");
  if (object.store == nullptr) return crm::Internal("an object reply without its store");
  // Any failure before the head is written is answered by the host (404, 503): the file's
  // headers are set only once the object is open.
  CRM_ASSIGN_OR_RETURN(crm::ObjectInfo info, object.store->Stat(object.key));
  FileHead head{info.size,
                static_cast<time_t>(info.modified_at),
                object.etag,
                object.mime,
                object.download_name,
                object.inline_view};
  const auto headers_before = headers_;
  const int status_before = status_;
  uint64_t first = 0;
  uint64_t count = 0;
  if (!SetFileHeaders(head, &first, &count)) return WriteHead(0);  // 416
  std::unique_ptr<crm::ObjectReader> reader;
  if (!state_.head_request && count > 0) {
    crm::Result<std::unique_ptr<crm::ObjectReader>> opened =
        object.store->Open(object.key, first, count);
    if (!opened.ok() || (*opened)->length() != count) {
      headers_ = headers_before;
      status_ = status_before;
      phase_ = Phase::kIdle;
      return opened.ok() ? crm::Unavailable("the object changed while being sent")
                         : opened.status();
    }
    reader = std::move(*opened);
  }
  CRM_RETURN_IF_ERROR(WriteHead(count));
  if (!reader) return crm::Status::Ok();
  if (std::optional<std::filesystem::path> path = reader->LocalPath()) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path->c_str(), "rb"));
    if (f) return WriteFileBody(fileno(f.get()), first, count, *path);
  }
  return WriteObjectBody(*reader, count, object.key);
}

// The headers of a file reply (type, disposition, sandbox, validators, range): sets the status
// and the range to send; false for an unsatisfiable range (416, the caller writes the head).
bool ResponseImpl::SetFileHeaders(const FileHead& file, uint64_t* first, uint64_t* count) {
  const std::string last_modified = http_text::HttpDate(file.modified_at);
  std::string etag = !file.etag.empty() ? QuoteEtag(file.etag)
                                        : "W/\"" + std::to_string(file.size) + "-" +
                                              std::to_string(file.modified_at) + "\"";
  std::string mime = file.mime.empty() || !http_text::IsSafeHeaderValue(file.mime)
                         ? "application/octet-stream"
                         : file.mime;
  SetHeaderInternal("Content-Type", mime);
  SetHeaderInternal("Content-Disposition",
                    http_text::ContentDisposition(file.download_name, file.inline_view));
  SetHeaderInternal("Content-Security-Policy", kFileCsp);
  SetHeaderInternal("X-Frame-Options", "DENY");
  SetHeaderInternal("Referrer-Policy", "same-origin");
  SetHeaderInternal("Accept-Ranges", "bytes");
  SetHeaderInternal("ETag", etag);
  SetHeaderInternal("Last-Modified", last_modified);
  if (!HasHeader("Cache-Control")) SetHeaderInternal("Cache-Control", "private, no-cache");
  *first = 0;
  *count = file.size;
  phase_ = Phase::kDone;
  return ApplyRange(file.size, etag, last_modified, first, count);
}

// The `count` bytes of a remote object after a head that promised them, in 64 KiB reads (the
// store's reader holds one chunk): any failure marks the connection for closing.
crm::Status ResponseImpl::WriteObjectBody(crm::ObjectReader& reader, uint64_t count,
                                          const std::string& key) {
  std::string buffer(kChunkSize, '\0');
  uint64_t sent = 0;
  crm::Status s = crm::Status::Ok();
  while (s.ok() && sent < count) {
    crm::Result<size_t> n = reader.Read(buffer.data(), buffer.size());
    if (!n.ok() || *n == 0) {
      s = n.ok() ? crm::Internal("object shorter than announced") : n.status();
      if (log_) log_(crm::LogLevel::kError, "object " + key + " not sent whole: " + s.message());
      break;
    }
    s = transport_.Write(std::string_view(buffer.data(), *n));
    sent += *n;
  }
  if (!s.ok()) state_.write_error = true;  // the head promised bytes we did not give
  return s;
}

// Range and If-Range on GET/HEAD: narrows [*first, *first + *count) and sets 206 with
// Content-Range. Returns false for an unsatisfiable range, with 416 and its headers set.
bool ResponseImpl::ApplyRange(uint64_t size, const std::string& etag,
                              const std::string& last_modified, uint64_t* first, uint64_t* count) {
  auto range_header = state_.head->Header("Range");
  if (!range_header || (state_.head->method != "GET" && state_.head->method != "HEAD")) return true;
  if (auto if_range = state_.head->Header("If-Range")) {
    // Strong comparison only: a weak or changed validator means "send it all".
    bool is_etag = StartsWith(*if_range, "\"") || StartsWith(*if_range, "W/");
    bool fresh =
        is_etag ? (*if_range == etag && !StartsWith(etag, "W/")) : (*if_range == last_modified);
    if (!fresh) return true;
  }
  http_text::ByteRange range;
  switch (http_text::ParseRange(*range_header, size, &range)) {
    case http_text::RangeKind::kNone:
      return true;
    case http_text::RangeKind::kUnsatisfiable:
      status_ = 416;
      SetHeaderInternal("Content-Range", "bytes */" + std::to_string(size));
      SetHeaderInternal("Content-Type", "text/plain; charset=utf-8");
      return false;
    case http_text::RangeKind::kSatisfiable:
      status_ = 206;
      *first = range.first;
      *count = range.last - range.first + 1;
      SetHeaderInternal("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                             std::to_string(range.last) + "/" +
                                             std::to_string(size));
      return true;
  }
  return true;
}

// The `count` bytes of `fd` from `first`, after a head that promised them: any failure
// marks the connection for closing.
crm::Status ResponseImpl::WriteFileBody(int fd, uint64_t first, uint64_t count,
                                        const std::filesystem::path& path) {
  crm::Status s = transport_.SendFile(fd, first, count);
  if (!s.ok()) {
    state_.write_error = true;  // the head promised bytes we did not give: the connection must go
    if (s.code() == crm::StatusCode::kInternal && log_)
      log_(crm::LogLevel::kError, "file shrank while being sent: " + path.string());
  }
  return s;
}

crm::Status ResponseImpl::Redirect(std::string_view location) {
  if (Started()) return crm::Internal("a reply was already sent");
  if (!http_text::IsLocalRedirect(location)) {
    if (log_) log_(crm::LogLevel::kWarning, "refused a redirect to a non-local location");
    return crm::InvalidArgument("redirects go to local paths only");
  }
  status_ = 303;
  SetHeaderInternal("Location", location);
  phase_ = Phase::kDone;
  return WriteHead(0);
}

crm::Status ResponseImpl::BeginStream(std::string_view content_type) {
  if (Started()) return crm::Internal("a reply was already sent");
  if (!content_type.empty() && http_text::IsSafeHeaderValue(content_type))
    SetHeaderInternal("Content-Type", content_type);
  if (StartsWith(content_type, "text/html")) AddPageSecurityHeaders();
  phase_ = Phase::kStreaming;
  return WriteHead(std::nullopt);
}

crm::Status ResponseImpl::Write(std::string_view chunk) {
  if (phase_ != Phase::kStreaming) return crm::Internal("Write without BeginStream");
  if (state_.write_error) return crm::Unavailable("the client went away");
  if (state_.head_request || chunk.empty()) return crm::Status::Ok();
  crm::Status s;
  if (chunked_) {
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    s = transport_.Write(size_line);
    if (s.ok()) s = transport_.Write(chunk);
    if (s.ok()) s = transport_.Write("\r\n");
  } else {
    s = transport_.Write(chunk);
  }
  if (!s.ok()) state_.write_error = true;
  return s;
}

crm::Status ResponseImpl::End() {
  if (phase_ != Phase::kStreaming) return crm::Internal("End without BeginStream");
  phase_ = Phase::kDone;
  if (state_.write_error) return crm::Unavailable("the client went away");
  if (state_.head_request || !chunked_) return crm::Status::Ok();
  crm::Status s = transport_.Write("0\r\n\r\n");
  if (!s.ok()) state_.write_error = true;
  return s;
}

}  // namespace host
