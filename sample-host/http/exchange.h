// sample-host/http/exchange.h — one request/response exchange as handlers see it (crm::Request,
// crm::Response) over a Transport the Beast side implements. No Beast here, so this is testable and
// cheap to build.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "sample-host/http/server.h"

namespace host {

// The request line and headers as parsed by the connection, copied out of Beast.
struct ParsedHead {
  std::string method;
  std::string target;  // raw, with query
  std::vector<std::pair<std::string, std::string>> headers;
  unsigned version = 11;  // 10 or 11
  bool keep_alive = true;
  std::optional<uint64_t> content_length;
  bool chunked = false;
  // The TCP peer's IP address, no port: the connection's, read once at accept. Never taken
  // from a header (X-Forwarded-For and the like are not trusted).
  std::string remote_address;

  // First header of that name (case-insensitive); repeated headers joined with ", ".
  std::optional<std::string> Header(std::string_view name) const;
  bool HasBody() const { return chunked || (content_length && *content_length > 0); }
};

// The byte pipe of one connection, for the worker thread that runs the handler. Every call
// blocks until done or until the server's idle timeout passes. Implemented in server.cc.
class Transport {
 public:
  virtual ~Transport() = default;
  // Up to `size` body bytes; 0 at the end of the body. kTooLarge past the body limit,
  // kUnavailable on timeout or a closed peer, kInvalidArgument on a malformed body.
  virtual crm::Result<size_t> ReadBody(char* buffer, size_t size) = 0;
  virtual bool BodyDone() const = 0;
  // Body bytes still expected when the length is known and the peer is sending (no
  // pending `Expect: 100-continue`); nullopt otherwise (chunked, or waiting for our 100).
  virtual std::optional<uint64_t> BodyRemaining() const = 0;
  virtual void SetBodyLimit(uint64_t limit) = 0;
  // Writes all of `bytes`; the caller's buffer must live until the call returns.
  virtual crm::Status Write(std::string_view bytes) = 0;
  // Sends `count` bytes of the open regular file `fd` from `offset` (the file position is not
  // used), straight from the kernel's page cache. kUnavailable when the peer goes away or reads
  // nothing for the idle timeout, kInternal when the file ends before `count` bytes.
  virtual crm::Status SendFile(int fd, uint64_t offset, uint64_t count) = 0;
  // True once the server is shutting down: replies then close the connection.
  virtual bool Stopping() const = 0;
};

// Largest unread body remainder the server reads and discards to keep a connection alive.
inline constexpr uint64_t kDrainLimit = 1 << 20;
// Size of the host's own body reads (forms, draining, lingering).
inline constexpr size_t kChunkSize = 64 * 1024;

// State shared by the Request and the Response of one exchange.
struct ExchangeState {
  const ParsedHead* head = nullptr;
  bool head_request = false;    // HEAD: headers only
  bool body_error = false;      // a body read failed: the parser cannot continue
  bool body_malformed = false;  // ... because the body broke its framing (bad chunk): 400
  bool write_error = false;     // the peer is gone
  bool close_after = false;     // decided when the response head is written
  bool form_consumed = false;   // the host read the body as a form
  // Body bytes the host read ahead to find a multipart form's `_csrf` part (dispatcher.cc),
  // given back to the handler's first ReadBody calls before the rest of the body.
  std::string read_ahead;
  size_t read_ahead_pos = 0;
};

// A complete response the server writes itself (431, 400 before routing): text body, closes.
std::string SimpleResponse(int status, std::string_view text);

class RequestImpl final : public crm::Request {
 public:
  RequestImpl(ExchangeState& state, Transport& transport, std::string path,
              std::vector<std::pair<std::string, std::string>> query,
              std::map<std::string, std::string, std::less<>> params, crm::Principal caller);

  std::string_view Method() const override;
  std::string_view Path() const override { return path_; }
  std::string_view Target() const override { return state_.head->target; }
  std::optional<std::string> Query(std::string_view name) const override;
  std::vector<std::pair<std::string, std::string>> QueryAll() const override { return query_; }
  std::optional<std::string> Header(std::string_view name) const override;
  std::optional<std::string> PathParam(std::string_view name) const override;
  std::optional<uint64_t> ContentLength() const override { return state_.head->content_length; }
  crm::Result<size_t> ReadBody(char* buffer, size_t size) override;
  const std::vector<std::pair<std::string, std::string>>& Form() const override { return form_; }
  const crm::Principal& Caller() const override { return caller_; }
  std::string_view RemoteAddress() const override { return state_.head->remote_address; }

  void SetForm(std::vector<std::pair<std::string, std::string>> form) { form_ = std::move(form); }

 private:
  ExchangeState& state_;
  Transport& transport_;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> query_;
  std::map<std::string, std::string, std::less<>> params_;
  crm::Principal caller_;
  std::vector<std::pair<std::string, std::string>> form_;
};

class ResponseImpl final : public crm::Response {
 public:
  ResponseImpl(ExchangeState& state, Transport& transport, PageRenderer& pages,
               std::function<void(crm::LogLevel, std::string_view)> log);

  // The viewer and path pages are rendered for; set once the caller is known.
  void SetViewer(const crm::Principal* viewer, std::string path) {
    viewer_ = viewer;
    path_ = std::move(path);
  }

  void SetStatus(int code) override;
  void SetHeader(std::string_view name, std::string_view value) override;
  crm::Status Send(std::string_view body, std::string_view content_type) override;
  crm::Status SendError(const crm::Status& error) override;
  crm::Status SendPage(const crm::PageReply& page) override;
  crm::Status SendFile(const crm::FileReply& file) override;
  crm::Status SendObject(const crm::ObjectReply& object) override;
  crm::Status Redirect(std::string_view location) override;
  crm::Status BeginStream(std::string_view content_type) override;
  crm::Status Write(std::string_view chunk) override;
  crm::Status End() override;
  bool Started() const override { return phase_ != Phase::kIdle; }

  // An error the host itself answers: JSON `{"error":{...}}` or the app's error page.
  crm::Status SendHostError(int http_status, std::string_view code, std::string_view message,
                            bool json);
  // True while a chunked stream is open (the handler did not call End).
  bool Streaming() const { return phase_ == Phase::kStreaming; }

 private:
  enum class Phase { kIdle, kStreaming, kDone };
  // Writes status line and headers (plus defaults); `length` nullopt means chunked.
  crm::Status WriteHead(std::optional<uint64_t> length, std::string_view extra_body = {});
  // What the headers of a file reply are made of.
  struct FileHead {
    uint64_t size;
    time_t modified_at;
    const std::string& etag;
    const std::string& mime;
    const std::string& download_name;
    bool inline_view;
  };
  bool SetFileHeaders(const FileHead& file, uint64_t* first, uint64_t* count);
  crm::Status WriteObjectBody(crm::ObjectReader& reader, uint64_t count, const std::string& key);
  bool ApplyRange(uint64_t size, const std::string& etag, const std::string& last_modified,
                  uint64_t* first, uint64_t* count);
  crm::Status WriteFileBody(int fd, uint64_t first, uint64_t count,
                            const std::filesystem::path& path);
  void AddPageSecurityHeaders();
  bool HasHeader(std::string_view name) const;
  void SetHeaderInternal(std::string_view name, std::string_view value);
  bool WillClose() const;

  ExchangeState& state_;
  Transport& transport_;
  PageRenderer& pages_;
  std::function<void(crm::LogLevel, std::string_view)> log_;
  const crm::Principal* viewer_ = nullptr;
  std::string path_;
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> headers_;
  Phase phase_ = Phase::kIdle;
  bool chunked_ = false;  // false while streaming to an HTTP/1.0 peer: close-delimited
};

}  // namespace host
