// sample-host/http/server.cc — the Boost.Beast side of HttpServer: accept and header reads on the
// io threads, handlers on a worker pool, and blocking body/write calls bridged to the connection's
// strand.
#include "sample-host/http/server.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "sample-host/http/dispatcher.h"
#include "sample-host/http/exchange.h"
#include "sample-host/http/http_text.h"
#include "text/text.h"

namespace host {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

class Session;

// Body bytes are read from the socket up to this much at a time: Beast's own reads went 512
// bytes at a time, each a full Asio operation (issue 9). A handler buffer at least this large
// is filled straight from the socket.
constexpr size_t kBodyReadChunk = 256 * 1024;
// The most one read into a handler's buffer asks for.
constexpr size_t kMaxBodyRead = 1 << 20;

// The server's shared state; HttpServer::Impl is this (the nested name is private).
struct ServerState {
  ServerState(ServerOptions o, const HookRegistry& r, Authenticator& a, PageRenderer& p,
              std::function<void(crm::LogLevel, std::string_view)> l)
      : options(std::move(o)),
        registry(r),
        auth(a),
        pages(p),
        log(std::move(l)),
        ioc(options.io_threads > 0 ? options.io_threads : 1) {}

  void Log(crm::LogLevel level, std::string_view msg) {
    if (log) log(level, msg);
  }
  void DoAccept();
  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s);
  void RequestBegan() { active_requests.fetch_add(1); }
  void RequestEnded() {
    std::lock_guard<std::mutex> lock(mu);
    active_requests.fetch_sub(1);
    cv.notify_all();
  }
  void CloseSessions(bool idle_only);

  ServerOptions options;
  const HookRegistry& registry;
  Authenticator& auth;
  PageRenderer& pages;
  std::function<void(crm::LogLevel, std::string_view)> log;

  // Declared before the io_context: its destructor destroys pending handlers, and with
  // them sessions that unregister themselves here.
  std::mutex sessions_mu;
  std::map<Session*, std::weak_ptr<Session>> sessions;

  std::atomic<bool> stopping{false};
  std::atomic<int> active_requests{0};
  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;  // guarded by mu
  bool started = false;
  bool waited = false;

  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;  // on its own strand
  std::optional<asio::signal_set> signals;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  std::unique_ptr<asio::thread_pool> workers;
};

// One TCP connection. Its stream's executor is a strand: every Beast call on it runs there,
// either from the io threads (header phase) or posted by the worker that runs the handler.
class Session final : public std::enable_shared_from_this<Session>, public Transport {
 public:
  Session(ServerState& server, tcp::socket socket, std::string remote_address)
      : server_(server),
        stream_(std::move(socket)),
        remote_address_(std::move(remote_address)),
        watchdog_(stream_.get_executor()) {}
  ~Session() override { server_.Unregister(this); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Strand only. Closes an idle connection now; a busy one closes after its reply, or, forced,
  // is shut down now (its handler's reads and writes fail) and closed once the handler is done:
  // the handler's thread may be reading the descriptor itself (ReadHere).
  void CloseIfIdle(bool force) {
    if (busy_ && !force) return;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    if (!busy_) stream_.socket().close(ec);
  }
  auto executor() { return stream_.get_executor(); }

  // ---- Transport (worker thread) ----

  crm::Result<size_t> ReadBody(char* buffer, size_t size) override {
    if (size == 0 || BodyDone()) return size_t{0};
    if (expect_continue_) {
      expect_continue_ = false;
      CRM_RETURN_IF_ERROR(Write("HTTP/1.1 100 Continue\r\n\r\n"));
    }
    if (direct_left_) return ReadDirect(buffer, size);
    while (true) {
      if (buffer_.size() > 0) {
        CRM_ASSIGN_OR_RETURN(size_t n, DecodeStaged(buffer, size));
        if (n > 0 || parser_->is_done()) return n;
      }
      if (!parser_->chunked() && buffer_.size() == 0 && size >= kBodyReadChunk) {
        return ReadDirect(buffer, size);
      }
      CRM_RETURN_IF_ERROR(FillStaging());
    }
  }

  bool BodyDone() const override { return direct_left_ ? *direct_left_ == 0 : parser_->is_done(); }

  std::optional<uint64_t> BodyRemaining() const override {
    if (BodyDone()) return uint64_t{0};
    if (expect_continue_ || parser_->chunked()) return std::nullopt;
    if (direct_left_) return *direct_left_;
    auto len = parser_->content_length_remaining();
    if (!len) return std::nullopt;
    return *len;
  }

  void SetBodyLimit(uint64_t limit) override {
    // Beast counts the limit down as it reads; give it what is left of ours.
    parser_->body_limit(limit > body_read_ ? limit - body_read_ : 0);
  }

  crm::Status Write(std::string_view bytes) override {
    auto done = std::make_shared<std::promise<beast::error_code>>();
    auto fut = done->get_future();
    asio::post(stream_.get_executor(), [this, bytes, done] {
      stream_.expires_after(server_.options.idle_timeout);
      asio::async_write(stream_, asio::const_buffer(bytes.data(), bytes.size()),
                        [done](beast::error_code ec, size_t) { done->set_value(ec); });
    });
    beast::error_code ec = fut.get();
    if (ec) return crm::Unavailable("the client went away");
    return crm::Status::Ok();
  }

  // sendfile(2) on the strand: the kernel copies from the page cache to the socket, and a
  // full socket waits for writability without blocking an io thread. The connection is plain
  // TCP (this server has no TLS), so the bytes need no user-space pass.
  crm::Status SendFile(int fd, uint64_t offset, uint64_t count) override {
    auto job = std::make_shared<FileSend>();
    job->fd = fd;
    job->offset = static_cast<off_t>(offset);
    job->left = count;
    auto fut = job->done.get_future();
    asio::post(stream_.get_executor(), [self = shared_from_this(), job] {
      self->StartWatchdog();
      self->SendFileStep(job);
    });
    return fut.get();
  }

  bool Stopping() const override { return server_.stopping.load(); }

 private:
  // ---- Body reads (worker thread; the strand only runs the socket operation) ----

  // Decodes the bytes staged in buffer_ (Content-Length or chunked framing, Beast's checks)
  // into `buffer`; 0 when they hold no body byte yet (a split chunk header).
  crm::Result<size_t> DecodeStaged(char* buffer, size_t size) {
    auto& body = parser_->get().body();
    body.data = buffer;
    body.size = size;
    body.more = true;
    parser_->eager(true);
    beast::error_code ec;
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (ec == bhttp::error::need_more || ec == bhttp::error::need_buffer) ec = {};
    const size_t n = size - body.size;
    body_read_ += n;
    if (ec) return BodyError(ec);
    return n;
  }

  // A Content-Length body once nothing is staged: read straight into the handler's buffer,
  // never past the body's end (what follows belongs to the next request).
  crm::Result<size_t> ReadDirect(char* buffer, size_t size) {
    if (!direct_left_) direct_left_ = parser_->content_length_remaining().value_or(0);
    const size_t want = static_cast<size_t>(
        std::min<uint64_t>({static_cast<uint64_t>(size), uint64_t{kMaxBodyRead}, *direct_left_}));
    if (want == 0) return size_t{0};
    if (read_error_) return *read_error_;
    auto [ec, n] = ReadHere(buffer, want);
    *direct_left_ -= n;
    body_read_ += n;
    if (ec) {
      read_error_ = BodyError(ec);
      if (n == 0) return *read_error_;
    }
    return n;
  }

  // `want` bytes straight from the socket on the calling (worker) thread, no strand hop: recv
  // what has arrived, then poll for more. The idle timeout is poll's, so it runs again after
  // every byte, as the watchdog does; a stalled peer gets a shutdown (a close here could let the
  // descriptor's number be reused under a later read; the strand closes it once the request
  // ends, and a forced close while busy is a shutdown too). Poll waits for what is left of the
  // read (SO_RCVLOWAT, at most kMaxBodyRead), so a fast sender wakes it (and the io thread's
  // epoll, where the socket stays registered) once per read, not per segment; at the timeout, a
  // peer that sent anything meanwhile (below that mark) is not idle.
  std::pair<beast::error_code, size_t> ReadHere(char* buffer, size_t want) {
    const int timeout_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(server_.options.idle_timeout)
            .count());
    size_t got = 0;
    while (got < want) {
      ssize_t n = ::recv(body_fd_, buffer + got, want - got, MSG_DONTWAIT);
      if (n > 0) {
        got += static_cast<size_t>(n);
        continue;
      }
      if (n == 0) return {asio::error::eof, got};
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        return {beast::error_code(errno, beast::system_category()), got};
      SetLowWater(want - got);
      pollfd p{};
      p.fd = body_fd_;
      p.events = POLLIN;
      int r = ::poll(&p, 1, timeout_ms);
      // Quiet for idle_timeout, or only below the low-water mark: bytes that came go on.
      if (r == 0 && ::recv(body_fd_, buffer + got, 1, MSG_DONTWAIT | MSG_PEEK) <= 0) {
        ::shutdown(body_fd_, SHUT_RDWR);  // the client sees the close, as with the watchdog
        return {beast::error::timeout, got};
      }
      if (r < 0 && errno != EINTR) return {beast::error_code(errno, beast::system_category()), got};
    }
    return {beast::error_code(), got};
  }

  // SO_RCVLOWAT of the body's socket (worker only, while busy; 1 again at the next head).
  void SetLowWater(size_t bytes) {
    const int value = static_cast<int>(std::max<size_t>(bytes, 1));
    if (value == low_water_) return;
    low_water_ = value;
    (void)::setsockopt(body_fd_, SOL_SOCKET, SO_RCVLOWAT, &value, sizeof value);
  }

  // Reads the next kBodyReadChunk of raw body into buffer_: at least what is left of a
  // Content-Length body up to that size, whatever has arrived for a chunked one.
  crm::Status FillStaging() {
    size_t at_least = 1;
    if (!parser_->chunked()) {
      at_least = static_cast<size_t>(
          std::clamp<uint64_t>(parser_->content_length_remaining().value_or(1), 1, kBodyReadChunk));
    }
    if (read_error_) return *read_error_;
    auto [ec, n] = ReadSocket(buffer_.prepare(kBodyReadChunk), at_least);
    buffer_.commit(n);
    if (ec) {
      read_error_ = BodyError(ec);
      if (n == 0) return *read_error_;
    }
    return crm::Status::Ok();
  }

  // One socket read of at least `at_least` bytes into `buf`, run on the strand. The idle
  // timeout is a watchdog armed once per call: it fires only after idle_timeout without a
  // byte, then closes the socket (as Beast's own timeout does), so no recv re-arms a timer.
  std::pair<beast::error_code, size_t> ReadSocket(asio::mutable_buffer buf, size_t at_least) {
    auto done = std::make_shared<std::promise<std::pair<beast::error_code, size_t>>>();
    auto fut = done->get_future();
    asio::post(stream_.get_executor(), [self = shared_from_this(), buf, at_least, done] {
      self->StartWatchdog();
      asio::async_read(
          self->stream_.socket(), buf,
          [self, at_least](const beast::error_code& ec, size_t total) -> size_t {
            self->read_progress_ = total;
            if (ec || total >= at_least) return 0;
            return kMaxBodyRead;
          },
          [self, done](beast::error_code ec, size_t n) {
            self->StopWatchdog();
            if (self->timed_out_) ec = beast::error::timeout;
            done->set_value({ec, n});
          });
    });
    return fut.get();
  }

  // Strand only. Starts the watchdog of one read or file send: it re-arms while bytes keep
  // coming and closes the socket after a silent idle_timeout.
  void StartWatchdog() {
    read_progress_ = 0;
    timed_out_ = false;
    ArmWatchdog(++watch_generation_, 0);
  }
  void ArmWatchdog(uint64_t generation, uint64_t seen) {
    watchdog_.expires_after(server_.options.idle_timeout);
    watchdog_.async_wait([self = shared_from_this(), generation, seen](beast::error_code ec) {
      // A wait that expired as its operation finished must not outlive it.
      if (ec || generation != self->watch_generation_) return;
      if (self->read_progress_ != seen) return self->ArmWatchdog(generation, self->read_progress_);
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    });
  }
  void StopWatchdog() {
    ++watch_generation_;
    watchdog_.cancel();
  }

  struct FileSend {
    int fd = -1;
    off_t offset = 0;
    uint64_t left = 0;
    std::promise<crm::Status> done;
  };

  // Strand only. Sends until the socket is full, then waits for it to drain; the watchdog
  // closes a connection whose peer stops reading, which ends the wait.
  void SendFileStep(const std::shared_ptr<FileSend>& job) {
    auto& socket = stream_.socket();
    beast::error_code ec;
    if (socket.is_open() && !socket.native_non_blocking()) socket.native_non_blocking(true, ec);
    while (job->left > 0 && !ec) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(job->left, 1u << 30));
      ssize_t n = ::sendfile(socket.native_handle(), job->fd, &job->offset, want);
      if (n > 0) {
        job->left -= static_cast<uint64_t>(n);
        read_progress_ += static_cast<uint64_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        socket.async_wait(
            tcp::socket::wait_write, [self = shared_from_this(), job](beast::error_code e) {
              if (e || self->timed_out_) {
                return self->FinishSend(job, crm::Unavailable("the client went away"));
              }
              self->SendFileStep(job);
            });
        return;
      } else {
        return FinishSend(job, n == 0 ? crm::Internal("the file shrank while being sent")
                                      : crm::Unavailable("the client went away"));
      }
    }
    FinishSend(job, ec ? crm::Unavailable("the client went away") : crm::Status::Ok());
  }

  void FinishSend(const std::shared_ptr<FileSend>& job, crm::Status status) {
    StopWatchdog();
    job->done.set_value(std::move(status));
  }

  static crm::Status BodyError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return crm::TooLarge("the request body is too large");
    if (ec == beast::error::timeout) return crm::Unavailable("the request body stalled");
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == bhttp::error::partial_message || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::bad_descriptor) {
      return crm::Unavailable("the connection closed during the request body");
    }
    return crm::InvalidArgument("malformed request body");
  }

  void ReadHeader() {
    if (server_.stopping.load()) return Linger();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(boost::none);  // the route's limit is applied once the route is known
    body_read_ = 0;
    direct_left_.reset();
    ResetLowWater();
    read_error_.reset();
    // A body read grew the buffer to kBodyReadChunk: an idle connection gives it back.
    if (buffer_.capacity() > kBodyReadChunk / 2 && buffer_.size() < 4096) buffer_.shrink_to_fit();
    stream_.expires_after(server_.options.header_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      if (ec == bhttp::error::header_limit) return Reject(431, "Request header fields too large\n");
      if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted || ec == asio::error::eof ||
          ec == asio::error::connection_reset) {
        return Close();
      }
      return Reject(400, "Bad request\n");
    }
    auto& msg = parser_->get();
    auto head = std::make_shared<ParsedHead>();
    head->method = std::string(msg.method_string());
    head->target = std::string(msg.target());
    head->version = msg.version();
    head->keep_alive = msg.keep_alive();
    head->chunked = parser_->chunked();
    head->remote_address = remote_address_;
    if (auto len = parser_->content_length()) head->content_length = *len;
    for (const auto& field : msg) {
      head->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    // Beast frames some of these by Content-Length or as bodiless: refuse them before a
    // byte of body is read, and close, so that no part of the body runs as a request.
    if (http_text::CheckRequestFraming(head->headers) != http_text::Framing::kOk) {
      return Reject(400, "Bad request: ambiguous message framing\n");
    }
    auto expect = msg[bhttp::field::expect];
    expect_continue_ = crm::text::EqualsIgnoreCaseAscii(expect, "100-continue") &&
                       head->HasBody() && head->version >= 11;

    busy_ = true;
    body_fd_ = stream_.socket().native_handle();
    server_.RequestBegan();
    asio::post(*server_.workers, [self = shared_from_this(), head] {
      DispatchContext ctx{self->server_.registry, self->server_.auth, self->server_.pages,
                          self->server_.log, self->server_.options.default_max_body};
      bool keep = false;
      try {
        keep = Dispatch(ctx, *head, *self);
      } catch (const std::exception& e) {
        self->server_.Log(crm::LogLevel::kError,
                          std::string("request dispatch failed: ") + e.what());
      } catch (...) {
        self->server_.Log(crm::LogLevel::kError, "request dispatch failed");
      }
      asio::post(self->stream_.get_executor(), [self, keep] {
        self->busy_ = false;
        self->server_.RequestEnded();
        if (keep && !self->server_.stopping.load()) {
          self->ReadHeader();
        } else {
          self->Linger();
        }
      });
    });
  }

  // Answers a request we cannot route, then closes.
  void Reject(int status, std::string_view text) {
    auto bytes = std::make_shared<std::string>(SimpleResponse(status, text));
    stream_.expires_after(server_.options.idle_timeout);
    asio::async_write(
        stream_, asio::buffer(*bytes),
        [self = shared_from_this(), bytes](beast::error_code, size_t) { self->Linger(); });
  }

  // Strand only, not busy. Asio reads the head, a staged body and the linger: wake on any byte.
  void ResetLowWater() {
    if (low_water_ == 1) return;
    low_water_ = 1;
    (void)::setsockopt(stream_.socket().native_handle(), SOL_SOCKET, SO_RCVLOWAT, &low_water_,
                       sizeof low_water_);
  }

  // Half-closes, then reads and drops what the peer still sends for a short while, so that
  // our last reply is not destroyed by a reset while the client is still uploading.
  void Linger() {
    ResetLowWater();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    linger_left_ = 8u << 20;
    stream_.expires_after(std::chrono::seconds(2));
    LingerRead();
  }
  void LingerRead() {
    if (!linger_buf_) linger_buf_ = std::make_unique<char[]>(kChunkSize);
    stream_.async_read_some(asio::buffer(linger_buf_.get(), kChunkSize),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec || n >= self->linger_left_) return self->Close();
                              self->linger_left_ -= n;
                              self->LingerRead();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  ServerState& server_;
  beast::tcp_stream stream_;
  const std::string remote_address_;  // the peer's IP, read once at accept
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;
  bool busy_ = false;             // strand only
  bool expect_continue_ = false;  // worker only, while busy
  uint64_t body_read_ = 0;        // worker only, while busy
  // Set once a Content-Length body is read straight into handler buffers (the parser no
  // longer sees it): the bytes still to come. Worker only, while busy.
  std::optional<uint64_t> direct_left_;
  // The error of a body read that had already received bytes: those bytes are handed over
  // first (a resumable upload keeps what arrived before a cut), then every later read fails
  // with it. Worker only, while busy.
  std::optional<crm::Status> read_error_;
  // The socket's descriptor, read on the strand when the request began: ReadHere's (the socket
  // is not closed while busy_). Worker only, while busy.
  int body_fd_ = -1;
  int low_water_ = 1;              // SO_RCVLOWAT set on the socket: worker while busy, else strand
  asio::steady_timer watchdog_;    // strand only: the idle timeout of body reads and file sends
  uint64_t read_progress_ = 0;     // strand only: bytes of the current read so far
  bool timed_out_ = false;         // strand only: the watchdog closed the socket
  uint64_t watch_generation_ = 0;  // strand only: the read or send the watchdog guards
  uint64_t linger_left_ = 0;
  std::unique_ptr<char[]> linger_buf_;
};

void ServerState::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  sessions[s.get()] = s;
}

void ServerState::Unregister(Session* s) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  sessions.erase(s);
}

void ServerState::CloseSessions(bool idle_only) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) {
    asio::post(s->executor(), [s, idle_only] { s->CloseIfIdle(!idle_only); });
  }
}

// The connected peer's IP address as text, without the port: "127.0.0.1", "::1". An
// IPv4 peer reaching an IPv6 socket ("::ffff:127.0.0.1") is given in its IPv4 form.
// Empty when the socket is already gone.
static std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "";
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

void ServerState::DoAccept() {
  acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping.load() || !acceptor->is_open()) return;
    if (ec) {
      Log(crm::LogLevel::kWarning, "accept failed: " + ec.message());
      // Out of descriptors and the like: back off instead of spinning on the error.
      auto timer = std::make_shared<asio::steady_timer>(acceptor->get_executor(),
                                                        std::chrono::milliseconds(100));
      timer->async_wait([this, timer](beast::error_code) {
        if (!stopping.load() && acceptor->is_open()) DoAccept();
      });
      return;
    } else {
      // A response goes out as a head and then a body: with Nagle on, the body waits for the
      // peer's delayed ACK of the head (40 ms on Linux), which was most of a list request.
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::string peer = PeerAddress(socket);
      auto session = std::make_shared<Session>(*this, std::move(socket), std::move(peer));
      Register(session);
      session->Start();
    }
    DoAccept();
  });
}

struct HttpServer::Impl : ServerState {
  using ServerState::ServerState;
};

HttpServer::HttpServer(ServerOptions options, const HookRegistry& registry, Authenticator& auth,
                       PageRenderer& pages,
                       std::function<void(crm::LogLevel, std::string_view)> log)
    : impl_(std::make_unique<Impl>(std::move(options), registry, auth, pages, std::move(log))) {}

HttpServer::~HttpServer() {
  if (impl_->started && !impl_->waited) {
    Stop();
    Wait();
  }
}

crm::Result<uint16_t> HttpServer::Start() {
  Impl& s = *impl_;
  if (s.started) return crm::Conflict("server already started");
  // A send to a connection the peer has reset fails with EPIPE and also raises SIGPIPE, whose
  // default action ends the process: Asio's own writes pass MSG_NOSIGNAL, but sendfile(2) has no
  // such flag (a browser leaving a page while its images were sent killed the host). The error
  // is enough; the signal is ignored, as servers do. Children reset it (pdf_pages, pdf_converter).
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, nullptr);
  beast::error_code ec;
  auto address = asio::ip::make_address(s.options.address, ec);
  if (ec) return crm::InvalidArgument("bad listen address: " + s.options.address);
  s.acceptor.emplace(asio::make_strand(s.ioc));
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return crm::Unavailable("cannot listen on " + s.options.address + ":" +
                            std::to_string(s.options.port) + ": " + ec.message());
  uint16_t port = s.acceptor->local_endpoint().port();

  s.signals.emplace(s.ioc, SIGINT, SIGTERM);
  s.signals->async_wait([this](beast::error_code e, int) {
    if (!e) Stop();
  });
  s.work.emplace(s.ioc.get_executor());
  s.workers = std::make_unique<asio::thread_pool>(
      s.options.worker_threads > 0 ? s.options.worker_threads : 1);
  s.DoAccept();
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) {
    s.io_threads.emplace_back([&s] {
      // A parent (supervisor, test runner) may have left SIGINT/SIGTERM blocked; the
      // signal_set can only see them on a thread that does not block them.
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGINT);
      sigaddset(&set, SIGTERM);
      pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
      while (true) {
        try {
          s.ioc.run();
          return;
        } catch (const std::exception& e) {
          s.Log(crm::LogLevel::kError, std::string("io thread: ") + e.what());
        }
      }
    });
  }
  s.started = true;
  return port;
}

void HttpServer::Stop() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->stop_requested = true;
  impl_->cv.notify_all();
}

void HttpServer::Wait() {
  Impl& s = *impl_;
  if (!s.started || s.waited) return;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    s.cv.wait(lock, [&] { return s.stop_requested; });
  }
  s.stopping.store(true);
  asio::post(s.acceptor->get_executor(), [&s] {
    beast::error_code ec;
    s.acceptor->close(ec);
  });
  asio::post(s.ioc, [&s] {
    beast::error_code ec;
    s.signals->cancel(ec);
  });
  s.CloseSessions(/*idle_only=*/true);
  {
    std::unique_lock<std::mutex> lock(s.mu);
    bool drained = s.cv.wait_for(lock, s.options.shutdown_grace,
                                 [&] { return s.active_requests.load() == 0; });
    if (!drained)
      s.Log(crm::LogLevel::kWarning, "shutdown grace passed with requests in flight; closing them");
  }
  // Whatever is still running loses its connection; its blocked I/O fails and it returns.
  s.CloseSessions(/*idle_only=*/false);
  s.workers->join();
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.waited = true;
}

}  // namespace host
