// tests/http/server_test.cc — HttpServer end to end on 127.0.0.1:0 with test routes, a fake
// Authenticator and PageRenderer, driven by the test HTTP client (routing, audiences, CSRF,
// streaming, Range, shutdown).
#include "sample-host/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "host-api/object_store.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/logger.h"
#include "tests/support/http_client.h"

namespace host {
namespace {

using crm_test::HttpClient;
using crm_test::HttpResponse;

constexpr const char* kCsrf = "csrf-secret-token";

// "X-Test-User: admin[:perm,...]" / "client:<id>" / "token:<scope>,..."; anonymous otherwise.
class FakeAuth final : public Authenticator {
 public:
  crm::Principal Authenticate(const RequestHead& head) override {
    crm::Principal p;
    auto user = head.Header("X-Test-User");
    if (!user) return p;
    std::string_view u = *user;
    auto list = [](std::string_view s) {
      std::vector<std::string> out;
      while (!s.empty()) {
        size_t c = s.find(',');
        out.emplace_back(s.substr(0, c));
        s = c == std::string_view::npos ? std::string_view() : s.substr(c + 1);
      }
      return out;
    };
    if (u.rfind("admin", 0) == 0) {
      p.kind = crm::Principal::Kind::kAdmin;
      p.user_id = 1;
      if (u.size() > 6) p.permissions = list(u.substr(6));
      p.csrf_token = kCsrf;
    } else if (u.rfind("client:", 0) == 0) {
      p.kind = crm::Principal::Kind::kClient;
      p.client_id = std::stoll(std::string(u.substr(7)));
      p.csrf_token = kCsrf;
    } else if (u.rfind("token:", 0) == 0) {
      p.kind = crm::Principal::Kind::kApiToken;
      p.scopes = list(u.substr(6));
    }
    return p;
  }
};

class FakePages final : public PageRenderer {
 public:
  std::string RenderPage(const crm::PageReply& page, const crm::Principal&,
                         std::string_view) override {
    return "<html><title>" + page.title + "</title>" + page.body_html + "</html>";
  }
  std::string RenderError(int status, std::string_view message, const crm::Principal&,
                          std::string_view) override {
    return "<html>error " + std::to_string(status) + ": " + std::string(message) + "</html>";
  }
};

std::string Sha256Hex(EVP_MD_CTX* ctx) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  std::string hex;
  char b[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(b, sizeof b, "%02x", md[i]);
    hex += b;
  }
  return hex;
}

long RssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

crm::Route MakeRoute(std::string method, std::string pattern, crm::RouteHandler h,
                     crm::Audience audience = {}, uint64_t max_body = 1 << 20) {
  crm::Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.handler = std::move(h);
  r.audience = std::move(audience);
  r.max_body = max_body;
  return r;
}

// An object store that is not on the local disk (readers have no LocalPath, like S3's), or
// one that does not answer while `down`.
class RemoteLikeStore final : public crm::ObjectStore {
 public:
  std::string bytes;
  std::atomic<bool> down{false};

  crm::Result<std::unique_ptr<crm::ObjectWriter>> Create(std::string_view) override {
    return crm::Internal("read-only");
  }
  crm::Result<std::unique_ptr<crm::ObjectReader>> Open(std::string_view key, uint64_t offset,
                                                       std::optional<uint64_t> length) override {
    CRM_RETURN_IF_ERROR(Check(key));
    uint64_t start = std::min<uint64_t>(offset, bytes.size());
    uint64_t len = std::min<uint64_t>(length.value_or(bytes.size()), bytes.size() - start);
    return std::unique_ptr<crm::ObjectReader>(new Reader(bytes.substr(start, len)));
  }
  crm::Result<crm::ObjectInfo> Stat(std::string_view key) override {
    CRM_RETURN_IF_ERROR(Check(key));
    return crm::ObjectInfo{"k", bytes.size(), 1700000000};
  }
  crm::Status Delete(std::string_view) override { return crm::Internal("read-only"); }
  crm::Status List(std::string_view, const std::function<bool(const crm::ObjectInfo&)>&) override {
    return crm::Status::Ok();
  }

 private:
  class Reader final : public crm::ObjectReader {
   public:
    explicit Reader(std::string data) : data_(std::move(data)) {}
    crm::Result<size_t> Read(char* buffer, size_t size) override {
      size_t n = std::min(size, std::min<size_t>(data_.size() - at_, 7));  // small reads
      std::copy_n(data_.data() + at_, n, buffer);
      at_ += n;
      return n;
    }
    uint64_t length() const override { return data_.size(); }

   private:
    std::string data_;
    size_t at_ = 0;
  };
  crm::Status Check(std::string_view key) const {
    if (down) return crm::Unavailable("object store unreachable");
    return key == "k" ? crm::Status::Ok() : crm::NotFound("no such object");
  }
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_path_ = std::filesystem::temp_directory_path() /
                 ("crm_http_test_" + std::to_string(::getpid()) + ".bin");
    {
      std::ofstream out(file_path_, std::ios::binary);
      for (int i = 0; i < 1000; ++i) out.put(static_cast<char>('a' + i % 26));
    }
    StagingRegistrar reg("host");
    auto add = [&](crm::Route r) { ASSERT_TRUE(reg.AddRoute(std::move(r)).ok()); };
    add(MakeRoute("GET", "/hello", [](crm::Request&, crm::Response& res) {
      return res.Send("hello", "text/plain");
    }));
    add(MakeRoute("GET", "/items/{id}", [](crm::Request& req, crm::Response& res) {
      return res.Send(
          "item " + req.PathParam("id").value_or("?") + " q=" + req.Query("q").value_or("-"),
          "text/plain");
    }));
    add(MakeRoute("GET", "/peer", [](crm::Request& req, crm::Response& res) {
      return res.Send("peer=" + std::string(req.RemoteAddress()), "text/plain");
    }));
    add(MakeRoute("GET", "/items/special", [](crm::Request&, crm::Response& res) {
      return res.Send("special", "text/plain");
    }));
    crm::Audience token{crm::Audience::Kind::kApiToken, "", "things:read"};
    add(MakeRoute(
        "GET", "/api/v1/things",
        [](crm::Request&, crm::Response& res) { return res.SendJson("{\"items\":[]}"); }, token));
    crm::Audience admin{crm::Audience::Kind::kAdmin, "clients.read", ""};
    add(MakeRoute(
        "GET", "/admin/page",
        [](crm::Request&, crm::Response& res) {
          crm::PageReply page;
          page.title = "Admin";
          page.body_html = "<p>ok</p>";
          return res.SendPage(page);
        },
        admin));
    crm::Audience any_admin{crm::Audience::Kind::kAdmin, "", ""};
    add(MakeRoute(
        "POST", "/admin/action",
        [](crm::Request&, crm::Response& res) { return res.Send("done", "text/plain"); },
        any_admin));
    add(MakeRoute("POST", "/public/login", [](crm::Request&, crm::Response& res) {
      return res.Send("signed in", "text/plain");
    }));
    // A plugin's public page (/p/<id>/, signed links): it checks its own sessions' tokens.
    add(MakeRoute("POST", "/p/plug/l/{token}", [](crm::Request&, crm::Response& res) {
      return res.Send("opened", "text/plain");
    }));
    // An admin's multipart form: echoes the whole body as the handler reads it.
    add(MakeRoute(
        "POST", "/admin/multipart",
        [](crm::Request& req, crm::Response& res) {
          std::string body;
          std::vector<char> buf(7);  // small reads: the read-ahead is given back across several
          while (true) {
            auto n = req.ReadBody(buf.data(), buf.size());
            if (!n.ok()) return n.status();
            if (*n == 0) break;
            body.append(buf.data(), *n);
          }
          return res.Send(body, "text/plain");
        },
        any_admin, 10 << 20));
    add(MakeRoute(
        "POST", "/admin/form",
        [](crm::Request& req, crm::Response& res) {
          return res.Send("name=" + req.FormValue("name").value_or("-"), "text/plain");
        },
        any_admin));
    crm::Audience client{crm::Audience::Kind::kClient, "", ""};
    add(MakeRoute(
        "GET", "/account/home",
        [](crm::Request&, crm::Response& res) { return res.Send("home", "text/plain"); }, client));
    add(MakeRoute(
        "GET", "/account/documents",
        [](crm::Request&, crm::Response& res) { return res.Send("docs", "text/plain"); }, client));
    crm::AccessGate gate;
    gate.id = "docs";
    gate.check = [](const crm::Principal& p, std::string_view) {
      return p.client_id == 2 ? crm::GateDecision::RedirectTo("/account/documents")
                              : crm::GateDecision::Allow();
    };
    ASSERT_TRUE(reg.AddAccessGate(gate).ok());
    crm::AccessGate broken;
    broken.id = "broken";
    broken.check = [](const crm::Principal& p, std::string_view) -> crm::GateDecision {
      if (p.client_id == 3) throw std::runtime_error("gate bug");
      return crm::GateDecision::Allow();
    };
    ASSERT_TRUE(reg.AddAccessGate(broken).ok());
    add(MakeRoute(
        "POST", "/upload",
        [this](crm::Request& req, crm::Response& res) {
          EVP_MD_CTX* ctx = EVP_MD_CTX_new();
          EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
          std::vector<char> buf(64 * 1024);
          uint64_t total = 0;
          long base = RssKib();
          long peak = base;
          while (true) {
            auto n = req.ReadBody(buf.data(), buf.size());
            if (!n.ok()) {
              EVP_MD_CTX_free(ctx);
              return n.status();
            }
            if (*n == 0) break;
            EVP_DigestUpdate(ctx, buf.data(), *n);
            total += *n;
            if ((total & ((1 << 22) - 1)) < *n) peak = std::max(peak, RssKib());
          }
          peak = std::max(peak, RssKib());
          upload_rss_growth_kib_ = peak - base;
          std::string hex = Sha256Hex(ctx);
          EVP_MD_CTX_free(ctx);
          return res.Send(hex + " " + std::to_string(total), "text/plain");
        },
        {}, 64ull << 20));
    add(MakeRoute(
        "POST", "/until-cut",
        [this](crm::Request& req, crm::Response& res) {
          // Counts the bytes handed over before the body failed (a client cut mid-body).
          std::vector<char> buf(256 * 1024);
          uint64_t total = 0;
          while (true) {
            auto n = req.ReadBody(buf.data(), buf.size());
            if (!n.ok()) {
              bytes_before_cut_ = static_cast<int64_t>(total);
              return n.status();
            }
            if (*n == 0) break;
            total += *n;
          }
          return res.Send(std::to_string(total), "text/plain");
        },
        {}, 1 << 20));
    add(MakeRoute(
        "POST", "/small",
        [](crm::Request& req, crm::Response& res) {
          std::vector<char> buf(64 * 1024);
          uint64_t total = 0;
          while (true) {
            auto n = req.ReadBody(buf.data(), buf.size());
            if (!n.ok()) return n.status();
            if (*n == 0) break;
            total += *n;
          }
          return res.Send(std::to_string(total), "text/plain");
        },
        {}, 1 << 20));
    add(MakeRoute("GET", "/file", [this](crm::Request&, crm::Response& res) {
      crm::FileReply f;
      f.path = file_path_;
      f.mime = "application/pdf";
      f.download_name = "../\xC3\xA9vil\"\r\n.pdf";
      f.etag = "abc123";
      return res.SendFile(f);
    }));
    AddTransferRoutes(add);
    remote_.bytes = std::string(1000, '\0');
    for (int i = 0; i < 1000; ++i) remote_.bytes[i] = static_cast<char>('a' + i % 26);
    for (const char* path : {"/object", "/api/v1/object"}) {
      add(MakeRoute("GET", path, [this](crm::Request&, crm::Response& res) {
        crm::ObjectReply o{&remote_, "k",     "application/pdf", "../\xC3\xA9vil\"\r\n.pdf",
                           false,    "abc123"};
        return res.SendObject(o);
      }));
    }
    add(MakeRoute("GET", "/file-inline", [this](crm::Request&, crm::Response& res) {
      crm::FileReply f;
      f.path = file_path_;
      f.mime = "image/png";
      f.download_name = "photo.png";
      f.inline_view = true;
      return res.SendFile(f);
    }));
    add(MakeRoute("GET", "/slow", [this](crm::Request&, crm::Response& res) {
      slow_started_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return res.Send("slow done", "text/plain");
    }));
    add(MakeRoute("GET", "/throws", [](crm::Request&, crm::Response&) -> crm::Status {
      throw std::runtime_error("boom secret");
    }));
    add(MakeRoute("GET", "/fail",
                  [](crm::Request&, crm::Response&) { return crm::NotFound("nothing <here>"); }));
    add(MakeRoute("GET", "/api/v1/internal", [](crm::Request&, crm::Response&) {
      return crm::Internal("disk /secret/path full");
    }));
    add(MakeRoute("GET", "/api/v1/fail",
                  [](crm::Request&, crm::Response&) { return crm::Conflict("in use"); }));
    add(MakeRoute("GET", "/silent",
                  [](crm::Request&, crm::Response&) { return crm::Status::Ok(); }));
    // The target of the smuggling tests: a request hidden in another's body must never reach it.
    add(MakeRoute("GET", "/smuggled", [this](crm::Request&, crm::Response& res) {
      smuggled_calls_.fetch_add(1);
      return res.Send("smuggled", "text/plain");
    }));
    add(MakeRoute("GET", "/stream", [](crm::Request&, crm::Response& res) {
      CRM_RETURN_IF_ERROR(res.BeginStream("text/csv"));
      for (int i = 0; i < 3; ++i) CRM_RETURN_IF_ERROR(res.Write("row" + std::to_string(i) + "\n"));
      return res.End();
    }));
    // 32 MiB through Write (a CSV export's path), far more than both socket buffers hold.
    add(MakeRoute("GET", "/bigstream", [this](crm::Request&, crm::Response& res) {
      const std::string block(1 << 20, 'x');
      crm::Status s = res.BeginStream("text/csv");
      for (int i = 0; i < 32 && s.ok(); ++i) s = res.Write(block);
      if (s.ok()) s = res.End();
      big_stream_status_.store(s.ok() ? 1 : 2);
      return s;
    }));
    add(MakeRoute("GET", "/evil-redirect", [](crm::Request&, crm::Response& res) {
      return res.Redirect("//evil.example/");
    }));
    add(MakeRoute("GET", "/cookies", [](crm::Request& req, crm::Response& res) {
      res.SetHeader("Set-Cookie", "a=1; HttpOnly");
      res.SetHeader("Set-Cookie", "b=2; HttpOnly");
      res.SetHeader("X-Injected", "x\r\nSet-Cookie: evil=1");
      return res.Send("seen:" + req.Header("Cookie").value_or(""), "text/plain");
    }));
    ASSERT_TRUE(reg.first_error().ok()) << reg.first_error().ToString();
    ASSERT_TRUE(registry_.Commit(reg.Take()).ok());
    registry_.SetLogger(&registry_log_);

    ServerOptions options;
    options.port = 0;
    options.io_threads = 2;
    options.worker_threads = 4;
    options.header_timeout = std::chrono::seconds(5);
    options.idle_timeout = std::chrono::seconds(10);
    options.shutdown_grace = std::chrono::seconds(10);
    server_ = std::make_unique<HttpServer>(options, registry_, auth_, pages_,
                                           [this](crm::LogLevel, std::string_view m) {
                                             std::lock_guard<std::mutex> lock(log_mu_);
                                             log_ += std::string(m) + "\n";
                                           });
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    waiter_ = std::thread([this] { server_->Wait(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (waiter_.joinable()) waiter_.join();
    server_.reset();
    std::filesystem::remove(file_path_);
    if (!big_file_path_.empty()) std::filesystem::remove(big_file_path_);
  }

  // The routes of the large-transfer tests (issue 9).
  void AddTransferRoutes(const std::function<void(crm::Route)>& add) {
    // Reads with buffers of changing sizes (larger and smaller than the server's read chunk),
    // so the body crosses from staged to direct reads and back: "<sha256> <bytes> <reads>".
    add(MakeRoute(
        "POST", "/upload-varied",
        [](crm::Request& req, crm::Response& res) {
          const size_t sizes[] = {1 << 20, 1000, 300 << 10, 64 << 10, 1, 256 << 10, 777777};
          std::vector<char> buf(1 << 20);
          EVP_MD_CTX* ctx = EVP_MD_CTX_new();
          EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
          uint64_t total = 0;
          int reads = 0;
          while (true) {
            auto n = req.ReadBody(buf.data(), sizes[reads++ % 7]);
            if (!n.ok()) {
              EVP_MD_CTX_free(ctx);
              return n.status();
            }
            if (*n == 0) break;
            EVP_DigestUpdate(ctx, buf.data(), *n);
            total += *n;
          }
          std::string hex = Sha256Hex(ctx);
          EVP_MD_CTX_free(ctx);
          return res.Send(hex + " " + std::to_string(total) + " " + std::to_string(reads),
                          "text/plain");
        },
        {}, 64ull << 20));
    add(MakeRoute("GET", "/bigfile", [this](crm::Request&, crm::Response& res) {
      crm::FileReply f;
      {
        std::lock_guard<std::mutex> lock(log_mu_);
        f.path = big_file_path_;
      }
      f.mime = "application/octet-stream";
      f.download_name = "big.bin";
      f.etag = "big1";
      crm::Status s = res.SendFile(f);
      big_sends_done_.fetch_add(1);
      return s;
    }));
  }

  // Writes `size` bytes of GenerateBytes(seed) to a file that /bigfile sends; returns them.
  std::string MakeBigFile(uint64_t size, uint64_t seed) {
    std::string bytes(size, '\0');
    crm_test::GenerateBytes(seed, 0, bytes.data(), bytes.size());
    std::lock_guard<std::mutex> lock(log_mu_);
    big_file_path_ = std::filesystem::temp_directory_path() /
                     ("crm_http_big_" + std::to_string(::getpid()) + ".bin");
    std::ofstream(big_file_path_, std::ios::binary).write(bytes.data(), std::streamsize(size));
    return bytes;
  }

  std::atomic<int> big_stream_status_{0};  // /bigstream: 0 running, 1 sent, 2 failed

  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  Logger registry_log_{nullptr, /*to_stderr=*/false};
  HookRegistry registry_;
  FakeAuth auth_;
  FakePages pages_;
  std::unique_ptr<HttpServer> server_;
  std::thread waiter_;
  uint16_t port_ = 0;
  std::filesystem::path file_path_;
  RemoteLikeStore remote_;
  std::atomic<bool> slow_started_{false};
  std::atomic<long> upload_rss_growth_kib_{-1};
  std::atomic<int> smuggled_calls_{0};
  std::atomic<int64_t> bytes_before_cut_{-1};
  std::filesystem::path big_file_path_;  // guarded by log_mu_
  std::atomic<int> big_sends_done_{0};
  std::mutex log_mu_;
  std::string log_;
};

// A plain TCP connection to the server on loopback (the tests that need raw bytes or a cut);
// -1 when it cannot connect.
int ConnectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST_F(ServerTest, RoutesWithPathParamsAndDecodedQuery) {
  HttpClient c(port_);
  auto r = c.Get("/items/42?q=a%20b+c");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "item 42 q=a b c");
  EXPECT_EQ(c.Get("/items/special").body, "special");  // literal segment beats {id}
  EXPECT_EQ(c.Get("/hello").body, "hello");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowed) {
  HttpClient c(port_);
  auto api = c.Get("/api/v1/nothing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.body, "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found\"}}");
  auto page = c.Get("/nothing");
  EXPECT_EQ(page.status, 404);
  EXPECT_NE(page.body.find("error 404"), std::string::npos);
  EXPECT_EQ(page.Header("X-Frame-Options").value_or(""), "DENY");
  auto m = c.Delete("/hello");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.Header("Allow").value_or(""), "GET, HEAD");
  EXPECT_EQ(c.Get("/items/..%2Fx").status, 400);
}

TEST_F(ServerTest, TrailingSlashRedirectsToTheRouteWithoutIt) {
  HttpClient c(port_);
  auto r = c.Get("/hello/?x=1");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("Location").value_or(""), "/hello?x=1");
  EXPECT_EQ(c.Get("/nothing/").status, 404);  // no route without the slash either
  EXPECT_EQ(c.Post("/hello/").status, 404);   // only GET and HEAD are redirected
}

TEST_F(ServerTest, ApiTokenAudience) {
  HttpClient c(port_);
  auto none = c.Get("/api/v1/things");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("\"code\":\"unauthenticated\""), std::string::npos);
  EXPECT_EQ(none.Header("Content-Type").value_or(""), "application/json; charset=utf-8");
  auto wrong = c.Get("/api/v1/things", {{"X-Test-User", "token:other:read"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_NE(wrong.body.find("\"code\":\"permission_denied\""), std::string::npos);
  // A session admin is not a token.
  EXPECT_EQ(c.Get("/api/v1/things", {{"X-Test-User", "admin"}}).status, 401);
  auto ok = c.Get("/api/v1/things", {{"X-Test-User", "token:things:read"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{\"items\":[]}");
}

TEST_F(ServerTest, AdminAudienceRedirectsPagesAndChecksPermission) {
  HttpClient c(port_);
  auto anon = c.Get("/admin/page?x=1");
  EXPECT_EQ(anon.status, 303);
  EXPECT_EQ(anon.Header("Location").value_or(""), "/admin/login?next=%2Fadmin%2Fpage%3Fx%3D1");
  EXPECT_EQ(c.Post("/admin/action").status, 401);
  EXPECT_EQ(c.Get("/admin/page", {{"X-Test-User", "admin:other"}}).status, 403);
  auto ok = c.Get("/admin/page", {{"X-Test-User", "admin:clients.read"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "<html><title>Admin</title><p>ok</p></html>");
  EXPECT_EQ(ok.Header("X-Frame-Options").value_or(""), "DENY");
  EXPECT_EQ(ok.Header("Referrer-Policy").value_or(""), "same-origin");
  EXPECT_NE(ok.Header("Content-Security-Policy").value_or("").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(ok.Header("X-Content-Type-Options").value_or(""), "nosniff");
}

TEST_F(ServerTest, ClientAudienceAndAccessGates) {
  HttpClient c(port_);
  auto anon = c.Get("/account/home");
  EXPECT_EQ(anon.status, 303);
  EXPECT_EQ(anon.Header("Location").value_or("").rfind("/account/login?next=", 0), 0u);
  EXPECT_EQ(c.Get("/account/home", {{"X-Test-User", "admin"}}).status, 303);
  EXPECT_EQ(c.Get("/account/home", {{"X-Test-User", "client:1"}}).body, "home");
  auto gated = c.Get("/account/home", {{"X-Test-User", "client:2"}});
  EXPECT_EQ(gated.status, 303);
  EXPECT_EQ(gated.Header("Location").value_or(""), "/account/documents");
  // The gate's own target stays reachable (no loop).
  EXPECT_EQ(c.Get("/account/documents", {{"X-Test-User", "client:2"}}).body, "docs");
}

// One rule for gates: a throwing gate is skipped (fail open) and logged once, never a 500.
TEST_F(ServerTest, ThrowingGateLetsThePageThroughAndIsLoggedOnce) {
  HttpClient c(port_);
  auto r = c.Get("/account/home", {{"X-Test-User", "client:3"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "home");
  auto lines = registry_log_.Recent();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("ERROR plugin: access gate host.broken threw: gate bug"),
            std::string::npos)
      << lines[0];
}

TEST_F(ServerTest, ThrowingHandlerIsOne500AndOneLogLine) {
  HttpClient c(port_);
  EXPECT_EQ(c.Get("/throws").status, 500);
  auto api = c.Get("/throws", {{"Accept", "application/json"}});
  EXPECT_EQ(api.status, 500);
  EXPECT_EQ(api.body, "{\"error\":{\"code\":\"internal\",\"message\":\"Internal error\"}}");
  std::string log = Log();
  size_t lines = 0;
  for (size_t at = log.find("GET /throws"); at != std::string::npos;
       at = log.find("GET /throws", at + 1))
    ++lines;
  EXPECT_EQ(lines, 2u) << log;  // one per request: the exception, not a second line for the 500
  EXPECT_NE(log.find("handler of GET /throws threw: boom secret"), std::string::npos) << log;
}

TEST_F(ServerTest, CsrfRejectedAndAccepted) {
  HttpClient c(port_);
  crm_test::Headers admin{{"X-Test-User", "admin"}};
  auto missing = c.Post("/admin/action", admin);
  EXPECT_EQ(missing.status, 403);
  auto wrong_headers = admin;
  wrong_headers.emplace_back("X-CSRF-Token", "csrf-secret-tokeX");
  EXPECT_EQ(c.Post("/admin/action", wrong_headers).status, 403);
  auto good_headers = admin;
  good_headers.emplace_back("X-CSRF-Token", kCsrf);
  auto ok = c.Post("/admin/action", good_headers);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "done");
  // Never from the query: a token in a URL leaks (logs, history, Referer; issue 15.14).
  EXPECT_EQ(c.Post(std::string("/admin/action?_csrf=") + kCsrf, admin).status, 403);

  auto form_headers = admin;
  form_headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  auto form =
      c.Post("/admin/form", form_headers, std::string("name=J%C3%A9r%C3%B4me+D&_csrf=") + kCsrf);
  EXPECT_EQ(form.status, 200);
  EXPECT_EQ(form.body, "name=J\xC3\xA9r\xC3\xB4me D");
  EXPECT_EQ(c.Post("/admin/form", form_headers, "name=x&_csrf=nope").status, 403);
  // A public page of a plugin under /p/ is not refused for the visitor's host session: the
  // plugin checks its own token there. Other public routes keep the host's check.
  EXPECT_EQ(c.Post("/p/plug/l/abc", admin).body, "opened");
  EXPECT_EQ(c.Post("/public/login", admin).status, 403);
}

// Issue 15.14: a page's multipart form carries its token as its first part, `_csrf`. The server
// reads that far before the handler runs and hands the handler the whole body, that part
// included; without it, with a wrong one, or with it elsewhere than first, 403 and the handler
// never runs.
TEST_F(ServerTest, MultipartCsrfIsTheFirstPartAndTheHandlerStillReadsTheWholeBody) {
  HttpClient c(port_);
  const std::string file(200000, 'x');  // bigger than the read-ahead
  auto post = [&](const std::optional<std::string>& first, bool token_last = false) {
    crm_test::MultipartBuilder mb;
    if (first) mb.AddField("_csrf", *first);
    mb.AddField("name", "J\xC3\xA9r\xC3\xB4me");
    mb.AddFile("file", "a.bin", "application/octet-stream", file);
    if (token_last) mb.AddField("_csrf", kCsrf);
    return std::make_pair(
        c.Post("/admin/multipart", {{"X-Test-User", "admin"}, {"Content-Type", mb.ContentType()}},
               mb.Build()),
        mb.Build());
  };
  auto [ok, sent] = post(std::string(kCsrf));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, sent) << "the handler reads every byte, the read-ahead included";
  EXPECT_EQ(post(std::nullopt).first.status, 403);
  EXPECT_EQ(post(std::string("csrf-secret-tokeX")).first.status, 403);
  EXPECT_EQ(post(std::nullopt, true).first.status, 403) << "only the first part counts";
  // Scripts keep the header.
  crm_test::MultipartBuilder mb;
  mb.AddFile("file", "a.bin", "application/octet-stream", file);
  auto js = c.Post(
      "/admin/multipart",
      {{"X-Test-User", "admin"}, {"X-CSRF-Token", kCsrf}, {"Content-Type", mb.ContentType()}},
      mb.Build());
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, mb.Build());
}

// Anonymous forms have no CSRF token: a cross-site submission is refused by its Origin or
// Sec-Fetch-Site; the site's own pages and non-browser clients (no such header) get through.
TEST_F(ServerTest, AnonymousPostsFromAnotherSiteAreRefused) {
  HttpClient c(port_);
  const std::string self = "http://127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(c.Post("/public/login", {}).body, "signed in");
  EXPECT_EQ(c.Post("/public/login", {{"Origin", self}}).status, 200);
  EXPECT_EQ(c.Post("/public/login", {{"Origin", self}, {"Sec-Fetch-Site", "same-origin"}}).status,
            200);
  auto evil = c.Post("/public/login", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(evil.status, 403);
  EXPECT_NE(evil.body.find("Cross-site"), std::string::npos);
  EXPECT_EQ(c.Post("/public/login", {{"Origin", "http://127.0.0.1:1"}}).status,
            403);  // another port
  EXPECT_EQ(c.Post("/public/login", {{"Origin", "null"}}).status, 403);
  EXPECT_EQ(c.Post("/public/login", {{"Sec-Fetch-Site", "cross-site"}}).status, 403);
  // A GET from anywhere is still served (links to the login page).
  EXPECT_EQ(c.Get("/hello", {{"Origin", "https://evil.example"}}).status, 200);
}

TEST_F(ServerTest, StreamedUploadKeepsMemoryFlat) {
  constexpr uint64_t kSize = 50ull << 20;
  HttpClient c(port_);
  auto r = c.StreamUpload("POST", "/upload", {}, "application/octet-stream", kSize, 7);
  ASSERT_EQ(r.status, 200) << r.error << r.body;

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  for (uint64_t off = 0; off < kSize; off += buf.size()) {
    crm_test::GenerateBytes(7, off, buf.data(), buf.size());
    EVP_DigestUpdate(ctx, buf.data(), buf.size());
  }
  std::string expected = Sha256Hex(ctx);
  EVP_MD_CTX_free(ctx);
  EXPECT_EQ(r.body, expected + " " + std::to_string(kSize));
  long growth = upload_rss_growth_kib_.load();
  EXPECT_GE(growth, 0);
  EXPECT_LT(growth, 32 * 1024) << "RSS grew by " << growth << " KiB during a 50 MiB upload";
  RecordProperty("rss_growth_kib", static_cast<int>(growth));

  // The same through chunked transfer coding.
  auto chunked =
      c.StreamUpload("POST", "/upload", {}, "application/octet-stream", 3 << 20, 7, true);
  ASSERT_EQ(chunked.status, 200) << chunked.error;
  EXPECT_EQ(chunked.body.substr(chunked.body.find(' ') + 1), std::to_string(3 << 20));
}

TEST_F(ServerTest, OversizedBodiesGet413) {
  HttpClient c(port_);
  // Declared too large: refused before the handler reads.
  auto declared = c.StreamUpload("POST", "/small", {}, "application/octet-stream", 2 << 20);
  EXPECT_EQ(declared.status, 413) << declared.error;
  EXPECT_NE(declared.body.find("error 413"), std::string::npos);
  // Chunked: refused as soon as the limit passes.
  auto chunked = c.StreamUpload("POST", "/small", {}, "application/octet-stream", 3 << 20, 1, true);
  EXPECT_EQ(chunked.status, 413) << chunked.error;
  // A 10 GiB declaration is answered without a byte of body being sent.
  std::string raw =
      c.RawExchange("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 413 ", 0), 0u) << raw;
  // Within the limit still works.
  auto small = c.StreamUpload("POST", "/small", {}, "application/octet-stream", 1 << 20);
  EXPECT_EQ(small.status, 200);
  EXPECT_EQ(small.body, std::to_string(1 << 20));
}

TEST_F(ServerTest, HugeHeadersGet431) {
  HttpClient c(port_);
  auto r = c.Get("/hello", {{"X-Big", std::string(20 * 1024, 'x')}});
  EXPECT_EQ(r.status, 431) << r.error;
  EXPECT_EQ(c.Get("/hello").status, 200);  // the server is fine afterwards
}

TEST_F(ServerTest, RangeRequests) {
  HttpClient c(port_);
  auto full = c.Get("/file");
  ASSERT_EQ(full.status, 200);
  ASSERT_EQ(full.body.size(), 1000u);
  EXPECT_EQ(full.Header("Accept-Ranges").value_or(""), "bytes");
  EXPECT_EQ(full.Header("ETag").value_or(""), "\"abc123\"");

  auto part = c.Get("/file", {{"Range", "bytes=10-19"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, full.body.substr(10, 10));
  EXPECT_EQ(part.Header("Content-Range").value_or(""), "bytes 10-19/1000");
  EXPECT_EQ(part.Header("Content-Length").value_or(""), "10");

  auto suffix = c.Get("/file", {{"Range", "bytes=-5"}});
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, full.body.substr(995));
  EXPECT_EQ(suffix.Header("Content-Range").value_or(""), "bytes 995-999/1000");

  auto open = c.Get("/file", {{"Range", "bytes=990-"}});
  EXPECT_EQ(open.status, 206);
  EXPECT_EQ(open.body, full.body.substr(990));

  auto bad = c.Get("/file", {{"Range", "bytes=1000-"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.Header("Content-Range").value_or(""), "bytes */1000");

  auto if_range_ok = c.Get("/file", {{"Range", "bytes=0-3"}, {"If-Range", "\"abc123\""}});
  EXPECT_EQ(if_range_ok.status, 206);
  auto if_range_stale = c.Get("/file", {{"Range", "bytes=0-3"}, {"If-Range", "\"old\""}});
  EXPECT_EQ(if_range_stale.status, 200);
  EXPECT_EQ(if_range_stale.body.size(), 1000u);

  auto head = c.Head("/file", {{"Range", "bytes=0-3"}});
  EXPECT_EQ(head.status, 206);
  EXPECT_TRUE(head.body.empty());
}

// Host API 1.3: an object of a remote store goes out like a file (same headers, Range,
// If-Range, HEAD); a store that does not answer is a 503 before anything is sent.
TEST_F(ServerTest, ObjectRepliesAnswerLikeFiles) {
  HttpClient c(port_);
  auto file = c.Get("/file");
  auto full = c.Get("/object");
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.body, file.body);
  for (const char* h :
       {"Content-Type", "Content-Disposition", "Content-Security-Policy", "X-Frame-Options",
        "Accept-Ranges", "ETag", "Cache-Control", "X-Content-Type-Options", "Content-Length"})
    EXPECT_EQ(full.Header(h), file.Header(h)) << h;
  EXPECT_EQ(full.Header("Last-Modified").value_or(""), "Tue, 14 Nov 2023 22:13:20 GMT");

  auto part = c.Get("/object", {{"Range", "bytes=10-19"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, full.body.substr(10, 10));
  EXPECT_EQ(part.Header("Content-Range").value_or(""), "bytes 10-19/1000");
  auto suffix = c.Get("/object", {{"Range", "bytes=-5"}});
  EXPECT_EQ(suffix.body, full.body.substr(995));
  auto bad = c.Get("/object", {{"Range", "bytes=1000-"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.Header("Content-Range").value_or(""), "bytes */1000");
  auto stale = c.Get("/object", {{"Range", "bytes=0-3"}, {"If-Range", "\"old\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body.size(), 1000u);
  auto head = c.Head("/object");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length").value_or(""), "1000");
  EXPECT_TRUE(head.body.empty());

  remote_.down = true;
  auto down = c.Get("/api/v1/object");
  EXPECT_EQ(down.status, 503);
  EXPECT_NE(down.body.find("\"code\":\"unavailable\""), std::string::npos) << down.body;
  EXPECT_FALSE(down.Header("Content-Disposition").has_value());
  EXPECT_EQ(down.Header("Content-Type").value_or("").rfind("application/json", 0), 0u);
  remote_.down = false;
  EXPECT_EQ(c.Get("/object").body, file.body);  // the connection is still good
}

TEST_F(ServerTest, ContentDispositionOfHostileNameAndFileHeaders) {
  HttpClient c(port_);
  auto r = c.Get("/file");
  ASSERT_EQ(r.status, 200);
  std::string cd = r.Header("Content-Disposition").value_or("");
  EXPECT_EQ(cd, "attachment; filename=\"_vil.pdf\"; filename*=UTF-8''%C3%A9vil%22.pdf");
  EXPECT_EQ(r.Header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(r.Header("Content-Type").value_or(""), "application/pdf");

  auto in = c.Get("/file-inline");
  ASSERT_EQ(in.status, 200);
  EXPECT_EQ(
      in.Header("Content-Disposition").value_or("").rfind("inline; filename=\"photo.png\"", 0), 0u);
  EXPECT_EQ(in.Header("Content-Security-Policy").value_or(""),
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
}

TEST_F(ServerTest, NosniffOnEveryResponse) {
  HttpClient c(port_);
  for (const char* path : {"/hello", "/nothing", "/api/v1/things", "/stream", "/admin/page"}) {
    auto r = c.Get(path);
    EXPECT_EQ(r.Header("X-Content-Type-Options").value_or(""), "nosniff") << path;
  }
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  HttpClient c(port_);
  EXPECT_EQ(c.Get("/hello").status, 200);
  EXPECT_EQ(c.Get("/items/1").status, 200);
  EXPECT_EQ(c.Post("/small", {}, "abc").body, "3");
  EXPECT_EQ(c.connections_opened(), 1);
  // A small unread body is drained and the connection reused.
  EXPECT_EQ(c.Post("/admin/action", {}, std::string(1000, 'z')).status, 401);
  EXPECT_EQ(c.Get("/hello").status, 200);
  EXPECT_EQ(c.connections_opened(), 1);
}

TEST_F(ServerTest, RemoteAddressIsTheTcpPeerNotAHeader) {
  HttpClient c(port_);
  EXPECT_EQ(c.Get("/peer").body, "peer=127.0.0.1");
  EXPECT_EQ(c.Get("/peer", {{"X-Forwarded-For", "203.0.113.9"},
                            {"X-Real-IP", "203.0.113.9"},
                            {"Forwarded", "for=203.0.113.9"}})
                .body,
            "peer=127.0.0.1");
  EXPECT_EQ(c.connections_opened(), 1);  // the second request reused the connection
}

// On a dual-stack listener an IPv4 peer arrives as ::ffff:127.0.0.1; handlers see the IPv4 form.
TEST(ServerPeer, IpV4PeerOfAnIpV6ListenerIsGivenAsIpV4) {
  HookRegistry registry;
  StagingRegistrar reg("host");
  ASSERT_TRUE(reg.AddRoute(MakeRoute("GET", "/peer",
                                     [](crm::Request& req, crm::Response& res) {
                                       return res.Send(std::string(req.RemoteAddress()),
                                                       "text/plain");
                                     }))
                  .ok());
  ASSERT_TRUE(registry.Commit(reg.Take()).ok());
  FakeAuth auth;
  FakePages pages;
  ServerOptions options;
  options.address = "::";
  options.port = 0;
  options.worker_threads = 2;
  HttpServer server(options, registry, auth, pages, nullptr);
  auto port = server.Start();
  if (!port.ok()) GTEST_SKIP() << "no IPv6 listener on this machine: " << port.status().ToString();
  std::thread waiter([&] { server.Wait(); });
  HttpClient c(*port);
  EXPECT_EQ(c.Get("/peer").body, "127.0.0.1");
  server.Stop();
  waiter.join();
}

TEST_F(ServerTest, HeadAnswersWithoutBody) {
  HttpClient c(port_);
  auto r = c.Head("/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.Header("Content-Length").value_or(""), "5");
  EXPECT_EQ(c.Get("/hello").body, "hello");  // the connection is still in sync
}

TEST_F(ServerTest, HandlerErrorsAndExceptions) {
  HttpClient c(port_);
  auto thrown = c.Get("/throws");
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.body.find("boom secret"), std::string::npos);  // never leaked to the client
  EXPECT_NE(Log().find("boom secret"), std::string::npos);        // but logged
  auto page = c.Get("/fail");
  EXPECT_EQ(page.status, 404);
  EXPECT_NE(page.body.find("error 404"), std::string::npos);
  auto api = c.Get("/api/v1/fail");
  EXPECT_EQ(api.status, 409);
  EXPECT_EQ(api.body, "{\"error\":{\"code\":\"conflict\",\"message\":\"in use\"}}");
  auto json_accept = c.Get("/fail", {{"Accept", "application/json"}});
  EXPECT_EQ(json_accept.body,
            "{\"error\":{\"code\":\"not_found\",\"message\":\"nothing \\u003chere\\u003e\"}}");
  EXPECT_EQ(c.Get("/silent").status, 500);
  auto internal = c.Get("/api/v1/internal");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body, "{\"error\":{\"code\":\"internal\",\"message\":\"Internal error\"}}");
  EXPECT_NE(Log().find("/secret/path"), std::string::npos);
}

TEST_F(ServerTest, StreamingRedirectsAndCookies) {
  HttpClient c(port_);
  auto s = c.Get("/stream");
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.body, "row0\nrow1\nrow2\n");
  EXPECT_EQ(s.Header("Transfer-Encoding").value_or(""), "chunked");
  auto evil = c.Get("/evil-redirect");
  EXPECT_EQ(evil.status, 400);
  EXPECT_FALSE(evil.Header("Location").has_value());

  HttpClient jar(port_, {.cookie_jar = true});
  auto ck = jar.Get("/cookies");
  EXPECT_EQ(ck.HeaderAll("Set-Cookie").size(), 2u);
  EXPECT_FALSE(ck.Header("X-Injected").has_value());
  EXPECT_EQ(jar.Get("/cookies").body, "seen:a=1; b=2");
}

TEST_F(ServerTest, GracefulShutdownLetsSlowRequestFinish) {
  HttpResponse slow;
  std::thread t([&] {
    HttpClient c(port_);
    slow = c.Get("/slow");
  });
  for (int i = 0; i < 200 && !slow_started_; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(slow_started_);
  auto stop_at = std::chrono::steady_clock::now();
  server_->Stop();
  waiter_.join();  // Wait() returns only after the slow request
  auto waited = std::chrono::steady_clock::now() - stop_at;
  t.join();
  EXPECT_EQ(slow.status, 200) << slow.error;
  EXPECT_EQ(slow.body, "slow done");
  EXPECT_EQ(slow.Header("Connection").value_or(""), "close");
  EXPECT_GT(waited, std::chrono::milliseconds(500));
  HttpClient after(port_);
  EXPECT_EQ(after.Get("/hello").status, 0);  // no longer accepting
}

TEST_F(ServerTest, StalledHeadAndBodyTimeOut) {
  ServerOptions o;
  o.port = 0;
  o.io_threads = 1;
  o.worker_threads = 2;
  o.header_timeout = std::chrono::seconds(1);
  o.idle_timeout = std::chrono::seconds(1);
  HttpServer quick(o, registry_, auth_, pages_, nullptr);
  auto port = quick.Start();
  ASSERT_TRUE(port.ok());
  HttpClient c(*port);
  auto t0 = std::chrono::steady_clock::now();
  std::string head = c.RawExchange("GET /hello HTTP/1.1\r\nHost: x\r\n", 10);  // never finished
  EXPECT_TRUE(head.empty()) << head;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  // A body that stops arriving: ReadBody fails with kUnavailable once the idle timeout
  // passes, and Beast's timeout has closed the socket, so the client sees a close, not a hang.
  t0 = std::chrono::steady_clock::now();
  std::string body =
      c.RawExchange("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab", 10);
  EXPECT_TRUE(body.empty()) << body;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  // The same once the body is read straight into a large handler buffer on the worker's own
  // thread (no watchdog there: poll's timeout): what arrived is handed over, then the read
  // fails and the client sees the connection shut down, not a hang.
  bytes_before_cut_ = -1;
  t0 = std::chrono::steady_clock::now();
  std::string direct =
      c.RawExchange("POST /until-cut HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n" +
                        std::string(400000, 'b'),
                    10);
  EXPECT_TRUE(direct.empty()) << direct;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  for (int i = 0; i < 100 && bytes_before_cut_ < 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(bytes_before_cut_, 400000);
  EXPECT_EQ(c.Get("/hello").status, 200);  // and the server is still serving
  quick.Stop();
  quick.Wait();
}

// A resumable upload keeps what arrived before a cut (SPEC X2): ReadBody hands those bytes
// over first, whether they were staged with the head or read straight into the handler's
// buffer, and only the next call fails.
TEST_F(ServerTest, BytesBeforeACutAreHandedOverThenTheReadFails) {
  for (size_t sent : {size_t{300}, size_t{30000}, size_t{400000}}) {
    bytes_before_cut_ = -1;
    int fd = ConnectLoopback(port_);
    ASSERT_GE(fd, 0);
    std::string raw = "POST /until-cut HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n" +
                      std::string(sent, 'b');
    ASSERT_EQ(::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL), static_cast<ssize_t>(raw.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::close(fd);
    for (int i = 0; i < 100 && bytes_before_cut_ < 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(bytes_before_cut_, static_cast<int64_t>(sent)) << "sent " << sent;
  }
  HttpClient c(port_);
  EXPECT_EQ(c.Get("/hello").status, 200);
}

TEST_F(ServerTest, StartFailsCleanlyWhenThePortIsTaken) {
  ServerOptions o;
  o.port = port_;
  HttpServer second(o, registry_, auth_, pages_, nullptr);
  auto r = second.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), crm::StatusCode::kUnavailable);
  HttpClient c(port_);
  EXPECT_EQ(c.Get("/hello").status, 200);  // the first server is unaffected
}

TEST_F(ServerTest, SigtermStopsTheServer) {
  HttpClient c(port_);
  ASSERT_EQ(c.Get("/hello").status, 200);
  // Process-directed, as a supervisor sends it; caught by the server's signal_set.
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  waiter_.join();  // Wait() returns
  HttpClient after(port_);
  EXPECT_EQ(after.Get("/hello").status, 0);
}

TEST_F(ServerTest, ExpectContinueIsAnsweredWhenTheHandlerReads) {
  int fd = ConnectLoopback(port_);
  ASSERT_GE(fd, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string head =
      "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
  auto read_until = [&](std::string_view marker) {
    std::string got;
    char buf[4096];
    while (got.find(marker) == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  };
  std::string interim = read_until("\r\n\r\n");
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_EQ(::send(fd, "hello", 5, 0), 5);
  std::string final_reply = read_until("\r\n\r\n5");
  EXPECT_EQ(final_reply.rfind("HTTP/1.1 200 OK", 0), 0u) << final_reply;
  ::close(fd);
}

// ---- Request smuggling (issue 15.1, RFC 9112 §6.3) -----------------------------------

// The number of HTTP responses in what the server wrote back.
int CountResponses(std::string_view raw) {
  int n = 0;
  for (size_t at = raw.find("HTTP/1."); at != std::string_view::npos;
       at = raw.find("HTTP/1.", at + 1))
    ++n;
  return n;
}

constexpr std::string_view kSmuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

// Sends `head` + `body` + a second request on one connection and checks the server answers
// 400, closes the connection (the client sees the end well before its 10 s timeout) and
// never runs the second request.
void ExpectRefusedAndClosed(uint16_t port, const std::atomic<int>& smuggled_calls,
                            std::string_view head, std::string_view body,
                            std::string_view expected_status = "400") {
  HttpClient c(port);
  std::string bytes = std::string(head) + std::string(body) + std::string(kSmuggled);
  auto t0 = std::chrono::steady_clock::now();
  std::string raw = c.RawExchange(bytes, 10);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5))
      << "connection left open\n"
      << head;
  EXPECT_EQ(raw.rfind("HTTP/1.1 " + std::string(expected_status) + " ", 0), 0u) << head << "\n--\n"
                                                                                << raw;
  EXPECT_EQ(CountResponses(raw), 1) << head << "\n--\n" << raw;
  EXPECT_EQ(raw.find("smuggled"), std::string::npos) << raw;
  EXPECT_EQ(smuggled_calls.load(), 0) << head;
}

TEST_F(ServerTest, TransferEncodingNotEndingInChunkedIsRefused) {
  // With no Content-Length the body would be read as empty and run as the next request.
  for (const char* te : {"xchunked", "gzip", "identity", "chunked, identity", "chunked, chunked"}) {
    std::string head =
        std::string("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + te + "\r\n\r\n";
    ExpectRefusedAndClosed(port_, smuggled_calls_, head, "0\r\n\r\n");
  }
  // With a Content-Length after it, the Content-Length framing would be used.
  for (const char* te : {"xchunked", "gzip", "identity", "chunked, identity"}) {
    std::string head = std::string("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + te +
                       "\r\nContent-Length: 5\r\n\r\n";
    ExpectRefusedAndClosed(port_, smuggled_calls_, head, "0\r\n\r\n");
  }
  // Split over two fields, the last coding is what counts.
  ExpectRefusedAndClosed(port_, smuggled_calls_,
                         "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         "Transfer-Encoding: identity\r\n\r\n",
                         "0\r\n\r\n");
  // On a route that does not read its body, too.
  ExpectRefusedAndClosed(
      port_, smuggled_calls_,
      "POST /public/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "");
}

TEST_F(ServerTest, TransferEncodingWithContentLengthIsRefused) {
  ExpectRefusedAndClosed(port_, smuggled_calls_,
                         "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         "Content-Length: 5\r\n\r\n",
                         "0\r\n\r\n");
  ExpectRefusedAndClosed(port_, smuggled_calls_,
                         "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n",
                         "0\r\n\r\n");
}

TEST_F(ServerTest, DuplicateOrConflictingContentLengthIsRefused) {
  for (const char* lengths :
       {"Content-Length: 5\r\nContent-Length: 5\r\n", "Content-Length: 5, 5\r\n",
        "Content-Length: 5\r\nContent-Length: 42\r\n", "Content-Length: 5, 42\r\n",
        "Content-Length: +5\r\n", "Content-Length: 0x5\r\n"}) {
    std::string head = std::string("POST /small HTTP/1.1\r\nHost: x\r\n") + lengths + "\r\n";
    ExpectRefusedAndClosed(port_, smuggled_calls_, head, "hello");
  }
}

TEST_F(ServerTest, BadChunkSizeIsRefused) {
  for (const char* body :
       {"zz\r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n", " 5\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n", "5 5\r\nhello\r\n0\r\n\r\n",
        "fffffffffffffffff5\r\nhello\r\n0\r\n\r\n", "\r\nhello\r\n0\r\n\r\n"}) {
    // A handler that reads the body itself, and forms the server reads before the handler.
    for (auto [route, type] : {std::pair{"/small", "application/octet-stream"},
                               std::pair{"/admin/form", "application/x-www-form-urlencoded"},
                               std::pair{"/public/login", "application/x-www-form-urlencoded"}}) {
      std::string head = std::string("POST ") + route +
                         " HTTP/1.1\r\nHost: x\r\nX-Test-User: admin\r\nX-CSRF-Token: " + kCsrf +
                         "\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n\r\n";
      ExpectRefusedAndClosed(port_, smuggled_calls_, head, body);
    }
  }
}

TEST_F(ServerTest, WellFramedBodiesStillKeepTheConnection) {
  HttpClient c(port_);
  std::string raw = c.RawExchange(
      "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n0\r\n\r\n"
      "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(CountResponses(raw), 3) << raw;
  EXPECT_NE(raw.find("\r\n\r\n5HTTP/1.1 200"), std::string::npos) << raw;
  EXPECT_NE(raw.find("\r\n\r\n3HTTP/1.1 200"), std::string::npos) << raw;
}

// ---- Large transfers (issue 9): body reads in large chunks, files by sendfile ----

std::string ExpectedSha(uint64_t seed, uint64_t size) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  for (uint64_t off = 0; off < size; off += buf.size()) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - off));
    crm_test::GenerateBytes(seed, off, buf.data(), n);
    EVP_DigestUpdate(ctx, buf.data(), n);
  }
  std::string hex = Sha256Hex(ctx);
  EVP_MD_CTX_free(ctx);
  return hex;
}

TEST_F(ServerTest, BodyLargerThanOneReadChunkArrivesIntactInPieces) {
  constexpr uint64_t kSize = (3 << 20) + 12345;  // > 256 KiB read chunk, not a multiple of it
  const std::string expected = ExpectedSha(11, kSize) + " " + std::to_string(kSize);
  HttpClient c(port_);
  auto varied = c.StreamUpload("POST", "/upload-varied", {}, "application/octet-stream", kSize, 11);
  ASSERT_EQ(varied.status, 200) << varied.error;
  size_t last_space = varied.body.rfind(' ');
  EXPECT_EQ(varied.body.substr(0, last_space), expected);
  EXPECT_GT(std::stoi(varied.body.substr(last_space + 1)), 8);  // it came in pieces
  auto small_reads = c.StreamUpload("POST", "/upload", {}, "application/octet-stream", kSize, 11);
  ASSERT_EQ(small_reads.status, 200) << small_reads.error;
  EXPECT_EQ(small_reads.body, expected);
  // Each upload opens its own connection; the second is kept and still in sync: no byte was
  // read past the body.
  EXPECT_EQ(c.Get("/hello").body, "hello");
  EXPECT_EQ(c.connections_opened(), 2);

  // A request right behind a large body, in the same packets, is still a request of its own.
  std::string body(600000, 'x');
  std::string raw =
      c.RawExchange("POST /upload-varied HTTP/1.1\r\nHost: x\r\nContent-Length: 600000\r\n\r\n" +
                        body + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    20);
  EXPECT_EQ(CountResponses(raw), 2) << raw.substr(0, 400);
  EXPECT_NE(raw.find(" 600000 "), std::string::npos) << raw.substr(0, 400);
  EXPECT_NE(raw.find("\r\n\r\nhello"), std::string::npos) << raw.substr(0, 400);
}

TEST_F(ServerTest, ChunkedBodyAcrossReadChunkBoundaries) {
  // Chunk sizes around the 256 KiB read chunk, so chunk headers and data straddle reads.
  const size_t sizes[] = {1, 262143, 262145, 100000, 70000, 300000};
  uint64_t total = 0;
  for (size_t n : sizes) total += n;
  std::string data(total, '\0');
  crm_test::GenerateBytes(13, 0, data.data(), data.size());
  std::string chunked;
  size_t off = 0;
  for (size_t n : sizes) {
    char line[40];
    std::snprintf(line, sizeof line, "%zx;ext=%zu\r\n", n, n % 7);
    chunked += line;
    chunked.append(data, off, n);
    chunked += "\r\n";
    off += n;
  }
  chunked += "0\r\n\r\n";
  const std::string expected = ExpectedSha(13, total) + " " + std::to_string(total);
  HttpClient c(port_);
  for (const char* route : {"/upload-varied", "/upload"}) {
    std::string raw =
        c.RawExchange(std::string("POST ") + route +
                          " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked +
                          "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                      20);
    EXPECT_EQ(CountResponses(raw), 2) << route << "\n" << raw.substr(0, 400);
    EXPECT_NE(raw.find("\r\n\r\n" + expected), std::string::npos) << route << "\n" << raw;
    EXPECT_NE(raw.find("\r\n\r\nhello"), std::string::npos) << route;
  }
}

TEST_F(ServerTest, RangesAndHeadOnTheSendfilePath) {
  const std::string bytes = MakeBigFile((3 << 20) + 17, 21);  // larger than a socket buffer
  const std::string n = std::to_string(bytes.size());
  HttpClient c(port_);
  auto full = c.Get("/bigfile");
  ASSERT_EQ(full.status, 200) << full.error;
  EXPECT_TRUE(full.body == bytes) << full.body.size();
  EXPECT_EQ(full.Header("Content-Length").value_or(""), n);
  EXPECT_EQ(full.Header("Accept-Ranges").value_or(""), "bytes");
  EXPECT_EQ(full.Header("ETag").value_or(""), "\"big1\"");

  auto first = c.Get("/bigfile", {{"Range", "bytes=0-0"}});
  EXPECT_EQ(first.status, 206);
  EXPECT_EQ(first.body, bytes.substr(0, 1));
  EXPECT_EQ(first.Header("Content-Range").value_or(""), "bytes 0-0/" + n);
  auto middle = c.Get("/bigfile", {{"Range", "bytes=1048570-2097160"}});
  EXPECT_EQ(middle.status, 206);
  EXPECT_TRUE(middle.body == bytes.substr(1048570, 2097160 - 1048570 + 1)) << middle.body.size();
  EXPECT_EQ(middle.Header("Content-Length").value_or(""), "1048591");
  auto suffix = c.Get("/bigfile", {{"Range", "bytes=-70000"}});
  EXPECT_EQ(suffix.status, 206);
  EXPECT_TRUE(suffix.body == bytes.substr(bytes.size() - 70000)) << suffix.body.size();
  auto unsatisfiable = c.Get("/bigfile", {{"Range", "bytes=" + n + "-"}});
  EXPECT_EQ(unsatisfiable.status, 416);
  EXPECT_EQ(unsatisfiable.Header("Content-Range").value_or(""), "bytes */" + n);

  auto head = c.Head("/bigfile");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Length").value_or(""), n);
  auto head_range = c.Head("/bigfile", {{"Range", "bytes=-10"}});
  EXPECT_EQ(head_range.status, 206);
  EXPECT_TRUE(head_range.body.empty());
  EXPECT_EQ(c.Get("/hello").body, "hello");  // HEAD sent no body: the connection is in sync
  EXPECT_EQ(c.connections_opened(), 1);
}

// A client that stops reading a reply far larger than both socket buffers, sent by sendfile
// (/bigfile) or through Write (/bigstream): the send waits for room at most idle_timeout, then
// fails and frees the worker; the server still serves, and a client that reads gets it all.
TEST_F(ServerTest, ClientThatStopsReadingADownloadDoesNotHoldAWorker) {
  MakeBigFile(32 << 20, 5);
  ServerOptions o;
  o.port = 0;
  o.io_threads = 1;
  o.worker_threads = 2;
  o.idle_timeout = std::chrono::seconds(1);
  HttpServer quick(o, registry_, auth_, pages_, nullptr);
  auto port = quick.Start();
  ASSERT_TRUE(port.ok());
  for (std::string path : {"/bigfile", "/bigstream"}) {
    int fd = ConnectLoopback(*port);
    ASSERT_GE(fd, 0);
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    char buf[4096];
    ASSERT_GT(::recv(fd, buf, sizeof buf, 0), 0);  // the reply started; now read no more
    auto ended = [&] { return path == "/bigfile" ? big_sends_done_ > 0 : big_stream_status_ > 0; };
    auto t0 = std::chrono::steady_clock::now();
    while (!ended() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(ended()) << path << ": the worker is still sending to a client that stopped";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(6)) << path;
    ::close(fd);
  }
  EXPECT_EQ(big_stream_status_.load(), 2) << "the write to a client that stopped did not fail";
  EXPECT_EQ(HttpClient(*port).Get("/hello").status, 200);  // and the server still serves
  auto whole = HttpClient(*port).Get("/bigstream");
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body.size(), size_t{32} << 20);
  quick.Stop();
  quick.Wait();
}

// A browser that leaves a page while its images are still coming resets the connection: the
// next sendfile(2) fails with EPIPE, which also raises SIGPIPE, and SIGPIPE's default action
// ends the process (the demo host died of it in a browser test). The server ignores SIGPIPE,
// so the send fails, the worker moves on, and the next request is served.
TEST_F(ServerTest, ClientThatResetsADownloadDoesNotKillTheServer) {
  MakeBigFile(8 << 20, 6);
  ServerOptions o;
  o.port = 0;
  o.worker_threads = 2;
  HttpServer quick(o, registry_, auth_, pages_, nullptr);
  auto port = quick.Start();
  ASSERT_TRUE(port.ok());
  for (int round = 0; round < 20; ++round) {
    int fd = ConnectLoopback(*port);
    ASSERT_GE(fd, 0);
    std::string req = "GET /bigfile HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    char buf[4096];
    ASSERT_GT(::recv(fd, buf, sizeof buf, 0), 0);  // the download started
    linger reset{1, 0};                            // close with a reset, as a tab that goes away
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
  }
  auto t0 = std::chrono::steady_clock::now();
  while (big_sends_done_.load() < 20 &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(big_sends_done_.load(), 20) << "a send to a reset connection did not end";
  EXPECT_EQ(HttpClient(*port).Get("/hello").status, 200);  // and the server still serves
  struct sigaction now {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_IGN);
  quick.Stop();
  quick.Wait();
}

}  // namespace
}  // namespace host
