// tests/bench/upload_limits.h — the machine's own limits for an upload (issue 9), measured in
// the same run as ours and alternating with them: write+fsync of the same bytes
// (DiskWriteLimit), and a plain loopback receiver in the bench's process fed by the same client
// code as our server (SendMultipart), with and without SHA-256.
// The receiver: each connection gets a thread that reads the request head, then the Content-Length
// body into a 1 MiB buffer, optionally SHA-256s each chunk (the spec requires the hash), writes it
// to a file with the write-behind pattern the module uses (sync_file_range every 8 MiB, waiting for
// the window before), fsyncs, answers 201 and closes. No HTTP parsing beyond that, no
// multipart: what is left of our server's figure below it is ours.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include "tests/bench/transfer_util.h"

namespace bench {

class LoopbackReceiver {
 public:
  // Files go to `dir`; with `hash`, every chunk is hashed before it is written.
  LoopbackReceiver(std::filesystem::path dir, bool hash) : dir_(std::move(dir)), hash_(hash) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ||
        ::listen(listen_fd_, 64) ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len))
      Die("the loopback receiver cannot start");
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~LoopbackReceiver() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    for (auto& t : connections_) t.join();
    ::close(listen_fd_);
  }
  LoopbackReceiver(const LoopbackReceiver&) = delete;
  LoopbackReceiver& operator=(const LoopbackReceiver&) = delete;

  uint16_t port() const { return port_; }
  // Body bytes written and fsynced, over every connection so far.
  uint64_t stored() const { return stored_.load(); }

 private:
  void AcceptLoop() {
    for (int n = 0;; ++n) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      connections_.emplace_back([this, fd, n] {
        Serve(fd, dir_ / ("loopback-" + std::to_string(n) + ".bin"));
        ::close(fd);
      });
    }
  }

  void Serve(int fd, const std::filesystem::path& path) {
    std::vector<char> buf(1 << 20);
    std::string head;
    size_t end = std::string::npos;
    while ((end = head.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, buf.data(), 4096, 0);
      if (n <= 0) return;
      head.append(buf.data(), static_cast<size_t>(n));
    }
    const size_t at = head.find("Content-Length: ");
    if (at == std::string::npos) return;
    uint64_t left = std::strtoull(head.c_str() + at + 16, nullptr, 10);
    int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) Die("cannot create " + path.string());
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
    std::string_view staged(head.data() + end + 4, head.size() - end - 4);
    int64_t written = 0, started = 0, waited = 0;
    while (left > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(staged.size(), left));
      const char* p = staged.data();
      if (n == 0) {
        ssize_t r = ::recv(fd, buf.data(), std::min<uint64_t>(buf.size(), left), 0);
        if (r <= 0) break;
        n = static_cast<size_t>(r);
        p = buf.data();
      }
      staged = {};
      if (hash_) EVP_DigestUpdate(md, p, n);
      if (::write(out, p, n) != static_cast<ssize_t>(n)) Die("loopback write failed");
      left -= n;
      written += static_cast<int64_t>(n);
      if (written - started >= (8 << 20)) {  // plugin/file_store.cc WriteBehind::Wrote
        ::sync_file_range(out, started, written - started, SYNC_FILE_RANGE_WRITE);
        if (started > waited)
          ::sync_file_range(
              out, waited, started - waited,
              SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        waited = started;
        started = written;
      }
    }
    unsigned char digest[32];
    unsigned len = 0;
    EVP_DigestFinal_ex(md, digest, &len);
    EVP_MD_CTX_free(md);
    if (::fsync(out) != 0) Die("loopback fsync failed");
    ::close(out);
    ::unlink(path.c_str());
    if (left > 0) return;  // cut short: no answer
    stored_ += static_cast<uint64_t>(written);
    const std::string answer =
        "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    WriteAll(fd, answer.data(), answer.size());
  }

  std::filesystem::path dir_;
  bool hash_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<uint64_t> stored_{0};
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // the acceptor's; joined after it
};

// `k` multipart uploads of `bytes` each at once through the loopback receiver (each on its own
// thread, as ConcurrentUploads does with our server). Aggregate MB/s.
inline double LoopbackLimit(const std::filesystem::path& dir, int k, uint64_t bytes,
                            const std::vector<char>& block, bool hash) {
  LoopbackReceiver receiver(dir, hash);
  std::vector<Sent> sent(static_cast<size_t>(k));
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < k; ++i) {
    threads.emplace_back([&, i] {
      sent[static_cast<size_t>(i)] = SendMultipart(receiver.port(), "", "/", bytes, block);
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = SecondsSince(t0);
  for (const Sent& one : sent) {
    if (StatusOf(one.answer) != 201) Die("the loopback receiver answered: " + one.answer);
  }
  if (receiver.stored() < static_cast<uint64_t>(k) * bytes) Die("the loopback receiver lost bytes");
  return MBps(static_cast<uint64_t>(k) * bytes, seconds);
}

// The three limits of one moment, in MB/s.
struct Limits {
  double disk = 0;      // write+fsync of the same bytes (the limit)
  double loop = 0;      // a plain loopback receiver that writes like us (sync_file_range, fsync)
  double loop_sha = 0;  // the same, hashing each chunk first
};

// Measures them for `k` uploads of `bytes` each (write+fsync: of all the bytes, one writer).
inline Limits MeasureLimits(const std::filesystem::path& dir, int k, uint64_t bytes,
                            const std::vector<char>& block) {
  Limits l;
  l.disk = DiskWriteLimit(dir, static_cast<uint64_t>(k) * bytes, block);
  l.loop = LoopbackLimit(dir, k, bytes, block, false);
  l.loop_sha = LoopbackLimit(dir, k, bytes, block, true);
  return l;
}

// One of our transfers of `bytes` between two measurements of the limits: the disk's own figure
// moves 2-5x on a shared machine (a virtual disk absorbs a burst after a pause, then slows
// down), so each ratio is against the limits of its own moment (the mean of either side).
struct Bracketed {
  uint64_t bytes = 0;
  double seconds = 0;      // ours
  double cpu_seconds = 0;  // the server's CPU (user + system) meanwhile
  Limits before, after;
  double MBs() const { return MBps(bytes, seconds); }
  double CpuPerGiB() const { return cpu_seconds * static_cast<double>(1ull << 30) / bytes; }
  double Ratio(double Limits::*which) const { return MBs() / ((before.*which + after.*which) / 2); }
};

// Alternates the limits and our transfers: L0 X1 L1 X2 L2 ..., each X against the mean of the L
// on either side.
class LimitTrack {
 public:
  // `first`: limits just measured (L0); `k` uploads of `bytes` each to the server `pid`.
  LimitTrack(std::filesystem::path dir, int k, uint64_t bytes, const std::vector<char>& block,
             Limits first, pid_t pid)
      : dir_(std::move(dir)), k_(k), bytes_(bytes), block_(block), last_(first), pid_(pid) {}
  // `run` returns the seconds our transfer of the same bytes took.
  template <class Run>
  Bracketed Measure(Run run) {
    Bracketed b;
    b.bytes = static_cast<uint64_t>(k_) * bytes_;
    b.before = last_;
    const double cpu0 = ProcessCpuSeconds(pid_);
    b.seconds = run();
    b.cpu_seconds = ProcessCpuSeconds(pid_) - cpu0;
    b.after = last_ = MeasureLimits(dir_, k_, bytes_, block_);
    return b;
  }

 private:
  std::filesystem::path dir_;
  int k_;
  uint64_t bytes_;
  const std::vector<char>& block_;
  Limits last_;
  pid_t pid_;
};

// "<s> s <MB/s> MB/s = <r>x write+fsync (<a> before, <b> after), <r>x loopback (...), <r>x
// loopback+SHA-256 (...); server CPU <c> s/GiB".
inline std::string Describe(const Bracketed& b) {
  char line[400];
  std::snprintf(line, sizeof line,
                "%6.1f s %8.1f MB/s = %.2fx write+fsync (%.0f before, %.0f after), %.2fx loopback "
                "(%.0f, %.0f), %.2fx loopback+SHA-256 (%.0f, %.0f); server CPU %.2f s/GiB",
                b.seconds, b.MBs(), b.Ratio(&Limits::disk), b.before.disk, b.after.disk,
                b.Ratio(&Limits::loop), b.before.loop, b.after.loop, b.Ratio(&Limits::loop_sha),
                b.before.loop_sha, b.after.loop_sha, b.CpuPerGiB());
  return line;
}

inline double MedianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// For each limit: the median ratio of `rounds` and the lowest; then the median of our MB/s.
inline std::string MedianRatio(const std::vector<Bracketed>& rounds) {
  std::string out;
  std::vector<double> ours, cpu;
  for (const Bracketed& b : rounds) {
    ours.push_back(b.MBs());
    cpu.push_back(b.CpuPerGiB());
  }
  const std::pair<const char*, double Limits::*> kinds[] = {
      {"write+fsync", &Limits::disk},
      {"loopback", &Limits::loop},
      {"loopback+SHA-256", &Limits::loop_sha}};
  for (const auto& [name, which] : kinds) {
    std::vector<double> ratios;
    for (const Bracketed& b : rounds) ratios.push_back(b.Ratio(which));
    char part[160];
    std::snprintf(part, sizeof part, "%s median %.2fx (lowest %.2fx); ", name, MedianOf(ratios),
                  *std::min_element(ratios.begin(), ratios.end()));
    out += part;
  }
  char last[120];
  std::snprintf(last, sizeof last, "ours median %.0f MB/s, server CPU %.2f s/GiB, %zu round(s)",
                MedianOf(ours), MedianOf(cpu), rounds.size());
  return out + last;
}

}  // namespace bench
