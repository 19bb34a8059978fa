// tests/bench/bench_download.cc — a large download through HTTP (issue 9), whole and in Range
// requests, measured in the same run against the machine's own limit: a plain sendfile(2) loop
// serving the same file from this process, to the same client code. Prints both figures, our
// figure as a ratio of the plain one (target >= 0.9), and the server's peak RSS.
//
//   bench_download [--mib N] [--range-mib R] [--rounds K] [--plugins DIR] [--store URL]
//
// N MiB (default 1024) are uploaded once (multipart), then each round downloads the file whole
// and as consecutive ranges of R MiB (default 64), alternating ours and the plain loop; the
// figures are the medians over K rounds (default 3). With --store (an s3:// URL as for
// bench_upload) the module's file is in that store and the plain loop serves a local copy.
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_util.h"
#include "tests/bench/transfer_util.h"

namespace {

using namespace bench;  // NOLINT: the bench's own helpers

// Serves one file to every connection: reads the request head, answers 200 (or 206 for a
// `Range: bytes=A-B` header) and sends the bytes with sendfile(2) in a loop. No HTTP beyond
// that: the reference a real server's download is compared with.
class PlainSendfileServer {
 public:
  PlainSendfileServer(const std::filesystem::path& file, uint64_t size) : size_(size) {
    file_fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (file_fd_ < 0 || listen_fd_ < 0 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      Die("the plain sendfile server cannot start");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~PlainSendfileServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(listen_fd_);
    ::close(file_fd_);
  }
  uint16_t port() const { return port_; }

 private:
  void AcceptLoop() {
    while (true) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      Serve(fd);
      ::close(fd);
    }
  }
  void Serve(int fd) {
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      head.append(buf, static_cast<size_t>(n));
    }
    uint64_t first = 0, last = size_ - 1;
    size_t range = head.find("Range: bytes=");
    if (range != std::string::npos) {
      char* end = nullptr;
      first = std::strtoull(head.c_str() + range + 13, &end, 10);
      last = std::strtoull(end + 1, nullptr, 10);
    }
    const uint64_t count = last - first + 1;
    const std::string answer =
        std::string(range == std::string::npos ? "HTTP/1.1 200 OK" : "HTTP/1.1 206 Partial") +
        "\r\nContent-Type: application/pdf\r\nContent-Length: " + std::to_string(count) +
        "\r\nConnection: close\r\n\r\n";
    if (!WriteAll(fd, answer.data(), answer.size())) return;
    off_t offset = static_cast<off_t>(first);
    for (uint64_t left = count; left > 0;) {
      ssize_t n = ::sendfile(fd, file_fd_, &offset, static_cast<size_t>(left));
      if (n <= 0) return;
      left -= static_cast<uint64_t>(n);
    }
  }

  uint64_t size_;
  int file_fd_ = -1;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

// The stored object of exactly `size` bytes under the data folder (files on the local disk),
// or a copy of the same bytes written there (files in another store).
std::filesystem::path ReferenceFile(const std::filesystem::path& data, uint64_t size,
                                    const std::vector<char>& block) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(data)) {
    if (e.is_regular_file() && e.path().extension() == ".bin" && e.file_size() == size)
      return e.path();
  }
  std::filesystem::path copy = data / "reference-copy.bin";
  int fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) Die("cannot write a copy");
  for (uint64_t done = 0; done < size;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), size - done));
    if (::write(fd, block.data(), n) != static_cast<ssize_t>(n)) Die("cannot write a copy");
    done += n;
  }
  if (::fsync(fd) != 0) Die("cannot write a copy");
  ::close(fd);
  return copy;
}

struct Options {
  uint64_t mib = 1024;
  uint64_t range_mib = 64;
  int rounds = 3;
  std::string plugins;  // --plugins DIR, passed to serve
  std::string store;
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  ForEachOption(argc, argv, [&](std::string_view name, const char* value) {
    if (name == "--mib")
      o.mib = std::strtoull(value, nullptr, 10);
    else if (name == "--range-mib")
      o.range_mib = std::strtoull(value, nullptr, 10);
    else if (name == "--rounds")
      o.rounds = std::max(1, std::atoi(value));
    else if (name == "--plugins")
      o.plugins = value;
    else if (name == "--store")
      o.store = value;
    else
      return false;
    return true;
  });
  return o;
}

// Seconds to fetch the whole file as consecutive ranges of `range` bytes.
double RangedDownload(uint16_t port, const std::string& token, const std::string& path,
                      uint64_t size, uint64_t range) {
  double seconds = 0;
  for (uint64_t at = 0; at < size; at += range) {
    const uint64_t last = std::min(at + range, size) - 1;
    seconds += Download(port, token, path, last - at + 1,
                        "bytes=" + std::to_string(at) + "-" + std::to_string(last));
  }
  return seconds;
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

void Run(const Options& o) {
  const uint64_t size = o.mib << 20, range = std::max<uint64_t>(o.range_mib, 1) << 20;
  std::printf("== files %s\n", o.store.empty()
                                   ? "on the local disk (default)"
                                   : ("in " + o.store.substr(0, o.store.find('?'))).c_str());
  std::unique_ptr<BenchHost> host = StartHost("bench-download", o.store, o.plugins);
  const Server& s = host->server;
  const std::vector<char> block = MakeBlock();
  const int64_t type_id = CreateType(s, size + (1 << 20));
  const std::string document = DocumentPath(CreateClient(s, 0), type_id);
  Upload up = UploadFile(s, document, size, block);
  if (!up.error.empty()) Die(up.error);
  const std::string doc = document + "/file";
  if (!ResetPeakRss(host->process->pid())) std::printf("(RSS peak not reset: start-up included)\n");
  std::vector<double> ours, plain, ours_ranged, plain_ranged;
  PlainSendfileServer reference(ReferenceFile(host->data, size, block), size);
  for (int round = 0; round < o.rounds; ++round) {
    ours.push_back(MBps(size, Download(s.port, s.token, doc, size)));
    plain.push_back(MBps(size, Download(reference.port(), "", "/", size)));
    ours_ranged.push_back(MBps(size, RangedDownload(s.port, s.token, doc, size, range)));
    plain_ranged.push_back(MBps(size, RangedDownload(reference.port(), "", "/", size, range)));
  }
  const double a = Median(ours), b = Median(plain), c = Median(ours_ranged),
               d = Median(plain_ranged);
  std::printf(
      "download %llu MiB whole, median of %d: %.1f MB/s, plain sendfile loop %.1f MB/s "
      "= %.2fx\n",
      static_cast<unsigned long long>(o.mib), o.rounds, a, b, a / b);
  std::printf(
      "download %llu MiB in ranges of %llu MiB: %.1f MB/s, plain sendfile loop %.1f MB/s "
      "= %.2fx\n",
      static_cast<unsigned long long>(o.mib), static_cast<unsigned long long>(range >> 20), c, d,
      c / d);
  std::printf("server peak RSS %.1f MiB (target <= 64)\n",
              static_cast<double>(PeakRssKib(host->process->pid())) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Run(ParseOptions(argc, argv));
    return 0;
  } catch (const std::exception& e) {
    Die(e.what());
  }
}
