// tests/support/http_client.cc — the test HTTP client over Beast's synchronous API (the only
// Beast translation unit of the test support). Requests are written by hand so bodies can stream.
#include "tests/support/http_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cstring>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace crm_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

void SetTimeouts(tcp::socket& socket, int seconds) {
  timeval tv{};
  tv.tv_sec = seconds;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::HeaderAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) out.push_back(v);
  }
  return out;
}

void GenerateBytes(uint64_t seed, uint64_t offset, char* out, size_t size) {
  // splitmix64 of the 8-byte block index: random-looking, cheap, and seekable.
  size_t i = 0;
  while (i < size) {
    uint64_t pos = offset + i;
    uint64_t z = seed * 0x9E3779B97F4A7C15ULL + (pos >> 3) + 1;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    for (unsigned b = static_cast<unsigned>(pos & 7); b < 8 && i < size; ++b, ++i) {
      out[i] = static_cast<char>((z >> (b * 8)) & 0xff);
    }
  }
}

struct HttpClient::Conn {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  int exchanges = 0;
};

HttpClient::HttpClient(uint16_t port) : HttpClient(port, Options{}) {}
HttpClient::HttpClient(uint16_t port, Options options) : port_(port), options_(options) {}
HttpClient::~HttpClient() = default;

void HttpClient::Disconnect() { conn_.reset(); }

HttpResponse HttpClient::Get(std::string_view path, const Headers& headers) {
  return Request("GET", path, headers, {});
}
HttpResponse HttpClient::Head(std::string_view path, const Headers& headers) {
  return Request("HEAD", path, headers, {});
}
HttpResponse HttpClient::Post(std::string_view path, const Headers& headers,
                              std::string_view body) {
  return Request("POST", path, headers, body);
}
HttpResponse HttpClient::Put(std::string_view path, const Headers& headers, std::string_view body) {
  return Request("PUT", path, headers, body);
}
HttpResponse HttpClient::Patch(std::string_view path, const Headers& headers,
                               std::string_view body) {
  return Request("PATCH", path, headers, body);
}
HttpResponse HttpClient::Delete(std::string_view path, const Headers& headers,
                                std::string_view body) {
  return Request("DELETE", path, headers, body);
}

HttpResponse HttpClient::Request(std::string_view method, std::string_view path,
                                 const Headers& headers, std::string_view body) {
  bool send_length = !body.empty() || !(method == "GET" || method == "HEAD");
  auto source = [body](uint64_t offset, char* out, size_t size) {
    std::memcpy(out, body.data() + offset, size);
  };
  bool reused = conn_ != nullptr;
  HttpResponse r = Exchange(method, path, headers, {}, body.size(), source, false, send_length);
  if (r.status == 0 && reused) {
    // The server may have closed an idle kept-alive connection: retry once on a new one.
    conn_.reset();
    r = Exchange(method, path, headers, {}, body.size(), source, false, send_length);
  }
  return r;
}

HttpResponse HttpClient::StreamUpload(std::string_view method, std::string_view path,
                                      const Headers& headers, std::string_view content_type,
                                      uint64_t size, uint64_t seed, bool chunked) {
  auto source = [seed](uint64_t offset, char* out, size_t n) {
    GenerateBytes(seed, offset, out, n);
  };
  conn_.reset();  // a fresh connection: no stale keep-alive surprises in the middle of a big upload
  return Exchange(method, path, headers, content_type, size, source, chunked, true);
}

HttpResponse HttpClient::Exchange(std::string_view method, std::string_view path,
                                  const Headers& headers, std::string_view content_type,
                                  uint64_t body_size,
                                  const std::function<void(uint64_t, char*, size_t)>& body_source,
                                  bool chunked, bool send_length) {
  HttpResponse out;
  beast::error_code ec;
  if (!conn_) {
    conn_ = std::make_unique<Conn>();
    conn_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    if (ec) {
      out.error = "connect: " + ec.message();
      conn_.reset();
      return out;
    }
    SetTimeouts(conn_->socket, options_.timeout_seconds);
    ++connections_opened_;
  }
  Conn& c = *conn_;

  std::string head = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\n";
  head += "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  bool has_content_type = false;
  for (const auto& [k, v] : headers) {
    head += k + ": " + v + "\r\n";
    if (IEquals(k, "content-type")) has_content_type = true;
  }
  if (!content_type.empty() && !has_content_type)
    head += "Content-Type: " + std::string(content_type) + "\r\n";
  if (options_.cookie_jar && !cookies_.empty()) {
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    head += "Cookie: " + cookie + "\r\n";
  }
  if (chunked) {
    head += "Transfer-Encoding: chunked\r\n";
  } else if (send_length) {
    head += "Content-Length: " + std::to_string(body_size) + "\r\n";
  }
  head += "\r\n";

  asio::write(c.socket, asio::buffer(head), ec);
  bool write_failed = static_cast<bool>(ec);
  std::vector<char> chunk(64 * 1024);
  uint64_t sent = 0;
  while (!write_failed && sent < body_size) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), body_size - sent));
    body_source(sent, chunk.data(), n);
    if (chunked) {
      char line[32];
      std::snprintf(line, sizeof line, "%zx\r\n", n);
      asio::write(c.socket, asio::buffer(line, std::strlen(line)), ec);
      if (!ec) asio::write(c.socket, asio::buffer(chunk.data(), n), ec);
      if (!ec) asio::write(c.socket, asio::buffer("\r\n", 2), ec);
    } else {
      asio::write(c.socket, asio::buffer(chunk.data(), n), ec);
    }
    if (ec) write_failed = true;
    sent += n;
  }
  if (!write_failed && chunked) {
    asio::write(c.socket, asio::buffer("0\r\n\r\n", 5), ec);
    write_failed = static_cast<bool>(ec);
  }

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(1 << 20);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(c.socket, c.buffer, parser, ec);
  if (ec) {
    out.error = std::string(write_failed ? "write failed, then " : "") + "read: " + ec.message();
    conn_.reset();
    return out;
  }
  auto& msg = parser.get();
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  ++c.exchanges;
  if (!msg.keep_alive() || write_failed || (sent < body_size)) conn_.reset();
  AbsorbCookies(out);
  return out;
}

void HttpClient::AbsorbCookies(const HttpResponse& response) {
  if (!options_.cookie_jar) return;
  for (const std::string& sc : response.HeaderAll("Set-Cookie")) {
    std::string_view v = sc;
    std::string_view pair = v.substr(0, v.find(';'));
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(pair.substr(0, eq));
    std::string value(pair.substr(eq + 1));
    std::string lower(v);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    bool expired = value.empty() || lower.find("max-age=0") != std::string::npos ||
                   lower.find("expires=thu, 01 jan 1970") != std::string::npos;
    if (expired) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
}

std::string HttpClient::RawExchange(std::string_view bytes, int timeout_seconds) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  if (ec) return {};
  ++connections_opened_;
  SetTimeouts(socket, timeout_seconds);
  asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);
  std::string out;
  char buf[16384];
  while (true) {
    size_t n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

MultipartBuilder::MultipartBuilder() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  char buf[40];
  std::snprintf(buf, sizeof buf, "crmtest%016llx", static_cast<unsigned long long>(gen()));
  boundary_ = buf;
}

MultipartBuilder& MultipartBuilder::AddField(std::string_view name, std::string_view value) {
  body_ += "--" + boundary_ + "\r\n";
  body_ += "Content-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n";
  body_ += value;
  body_ += "\r\n";
  return *this;
}

MultipartBuilder& MultipartBuilder::AddFile(std::string_view name, std::string_view filename,
                                            std::string_view content_type, std::string_view data) {
  body_ += "--" + boundary_ + "\r\n";
  body_ += "Content-Disposition: form-data; name=\"" + std::string(name) + "\"; filename=\"" +
           std::string(filename) + "\"\r\n";
  body_ += "Content-Type: " + std::string(content_type) + "\r\n\r\n";
  body_ += data;
  body_ += "\r\n";
  return *this;
}

std::string MultipartBuilder::ContentType() const {
  return "multipart/form-data; boundary=" + boundary_;
}

std::string MultipartBuilder::Build() const { return body_ + "--" + boundary_ + "--\r\n"; }

}  // namespace crm_test
