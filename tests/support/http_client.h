// tests/support/http_client.h — a small synchronous HTTP/1.1 client for tests (one connection,
// kept alive; optional cookie jar; streamed generated uploads; multipart bodies). Not for
// production.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm_test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;   // 0: the exchange failed at the transport level (see `error`)
  Headers headers;  // in order, repeated names kept (Set-Cookie)
  std::string body;
  std::string error;  // transport error text, empty on success

  // First header of that name (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // Every header of that name, in order.
  std::vector<std::string> HeaderAll(std::string_view name) const;
};

// The bytes of the deterministic stream StreamUpload sends: byte i of the stream for a seed.
// Tests hash the same bytes on both sides.
void GenerateBytes(uint64_t seed, uint64_t offset, char* out, size_t size);

class HttpClient {
 public:
  struct Options {
    bool cookie_jar = false;   // keep Set-Cookie values and send them back
    int timeout_seconds = 60;  // per operation
  };

  explicit HttpClient(uint16_t port);
  HttpClient(uint16_t port, Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse Get(std::string_view path, const Headers& headers = {});
  HttpResponse Head(std::string_view path, const Headers& headers = {});
  HttpResponse Post(std::string_view path, const Headers& headers = {}, std::string_view body = {});
  HttpResponse Put(std::string_view path, const Headers& headers = {}, std::string_view body = {});
  HttpResponse Patch(std::string_view path, const Headers& headers = {},
                     std::string_view body = {});
  HttpResponse Delete(std::string_view path, const Headers& headers = {},
                      std::string_view body = {});
  // Any method. A body is sent with Content-Length (also when empty, for unsafe methods).
  HttpResponse Request(std::string_view method, std::string_view path, const Headers& headers,
                       std::string_view body);

  // Sends `size` bytes made by GenerateBytes(seed, ...) as the body, 64 KiB at a time, never
  // holding them whole: with Content-Length, or chunked when `chunked`. If the server answers
  // early and closes, the answer is still returned.
  HttpResponse StreamUpload(std::string_view method, std::string_view path, const Headers& headers,
                            std::string_view content_type, uint64_t size, uint64_t seed = 1,
                            bool chunked = false);

  // Writes raw bytes on a fresh connection and returns everything read until the server
  // closes or `timeout_seconds` pass (for malformed-request tests).
  std::string RawExchange(std::string_view bytes, int timeout_seconds = 5);

  // Connections opened so far (1 after two requests on a kept-alive connection).
  int connections_opened() const { return connections_opened_; }
  // Cookies held by the jar (name -> value).
  const std::map<std::string, std::string>& cookies() const { return cookies_; }
  void SetCookie(std::string name, std::string value) {
    cookies_[std::move(name)] = std::move(value);
  }
  // Drops the current connection (the next request opens a new one).
  void Disconnect();

 private:
  struct Conn;
  HttpResponse Exchange(
      std::string_view method, std::string_view path, const Headers& headers,
      std::string_view content_type, uint64_t body_size,
      const std::function<void(uint64_t offset, char* out, size_t size)>& body_source, bool chunked,
      bool send_length);
  void AbsorbCookies(const HttpResponse& response);

  uint16_t port_;
  Options options_;
  std::unique_ptr<Conn> conn_;
  int connections_opened_ = 0;
  std::map<std::string, std::string> cookies_;
};

// Builds a multipart/form-data body (RFC 7578) in memory, for small test uploads.
class MultipartBuilder {
 public:
  MultipartBuilder();
  MultipartBuilder& AddField(std::string_view name, std::string_view value);
  MultipartBuilder& AddFile(std::string_view name, std::string_view filename,
                            std::string_view content_type, std::string_view data);
  // "multipart/form-data; boundary=..."
  std::string ContentType() const;
  // The whole body, closing boundary included.
  std::string Build() const;

 private:
  std::string boundary_;
  std::string body_;
};

}  // namespace crm_test
