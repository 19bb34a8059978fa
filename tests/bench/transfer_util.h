// tests/bench/transfer_util.h — what bench_upload and bench_download share: a host started
// for the bench, raw-socket uploads of generated PDF bytes (nothing held whole), the documents
// API calls they need, and the disk's own write+fsync limit.
#pragma once

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/evp.h>
#include <boost/json.hpp>

#include "tests/bench/bench_util.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace bench {

namespace json = boost::json;

constexpr const char* kApi = "/api/v1/plugins/client-documents";

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

using bench::ForEachOption;

inline bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

inline std::string Hex(const unsigned char* d, unsigned n) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s += hex[d[i] >> 4];
    s += hex[d[i] & 15];
  }
  return s;
}

inline int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("connect failed");
  return fd;
}

// 1 MiB: a PDF header (so libmagic says application/pdf), then pseudo-random bytes.
inline std::vector<char> MakeBlock() {
  std::vector<char> block(1 << 20);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto& b : block) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<char>(x);
  }
  const std::string pdf_head = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::memcpy(block.data(), pdf_head.data(), pdf_head.size());
  return block;
}

struct Server {
  uint16_t port = 0;
  std::string token;
  crm_test::Headers json_auth;
};

// A sample-host on a fresh data folder (removed at the end) with an admin token, its files on
// the local disk or in `store` (an s3:// URL), its plugins from `plugins` when not empty (to
// compare two builds of the module in alternating runs).
struct BenchHost {
  explicit BenchHost(const std::string& stem) : dir(stem), data(dir.path() / "data") {}
  ScratchDir dir;
  std::filesystem::path data;
  std::unique_ptr<crm_test::HostProcess> process;
  Server server;
};

inline std::unique_ptr<BenchHost> StartHost(const std::string& stem, const std::string& store,
                                            const std::string& plugins = "") {
  auto host = std::make_unique<BenchHost>(stem);
  host->server.token = AdminToken(host->data);
  host->server.json_auth = {{"Authorization", "Bearer " + host->server.token},
                            {"Content-Type", "application/json"}};
  crm_test::HostProcess::Options opt;
  opt.data_dir = host->data;
  if (!store.empty()) opt.extra_args = {"--store", store};
  if (!plugins.empty()) opt.extra_args.insert(opt.extra_args.end(), {"--plugins", plugins});
  auto process = crm_test::HostProcess::Start(opt);
  if (!process.ok()) Die(process.status().ToString());
  host->process = std::move(*process);
  host->server.port = host->process->port();
  return host;
}

// Everything the peer sends until it closes the connection.
inline std::string ReadToClose(int fd) {
  std::string answer;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
  return answer;
}

// The status code of a raw HTTP answer, 0 when there is none.
inline int StatusOf(const std::string& answer) {
  return answer.size() > 12 ? std::atoi(answer.c_str() + 9) : 0;
}

// The 1 MiB block in a memory file (memfd, made once per block): the client sends from it with
// sendfile(2), so the bench's own side costs no user-space copy and no page of the stream is
// read from a disk. The bench runs on the server's machine: its client must be cheap.
inline int BlockFd(const std::vector<char>& block) {
  static std::mutex mu;
  static const char* made_for = nullptr;
  static int fd = -1;
  std::lock_guard<std::mutex> lock(mu);
  if (made_for == block.data()) return fd;
  if (fd >= 0) ::close(fd);
  fd = ::memfd_create("bench-block", MFD_CLOEXEC);
  if (fd < 0 || ::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size()))
    Die("cannot make the block's memory file");
  made_for = block.data();
  return fd;
}

// Sends bytes [from, to) of the stream that repeats `block` (so any offset can be resumed),
// with sendfile(2) from BlockFd.
inline bool SendStream(int fd, const std::vector<char>& block, uint64_t from, uint64_t to) {
  const int source = BlockFd(block);
  while (from < to) {
    off_t at = static_cast<off_t>(from % block.size());
    const size_t n = static_cast<size_t>(std::min<uint64_t>(block.size() - at, to - from));
    ssize_t sent = ::sendfile(fd, source, &at, n);
    if (sent <= 0) return false;
    from += static_cast<uint64_t>(sent);
  }
  return true;
}

// SHA-256 (hex) of the first `size` bytes of that stream.
inline std::string StreamSha256(const std::vector<char>& block, uint64_t size) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  for (uint64_t done = 0; done < size;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), size - done));
    EVP_DigestUpdate(md, block.data(), n);
    done += n;
  }
  unsigned char digest[32];
  unsigned len = 0;
  EVP_DigestFinal_ex(md, digest, &len);
  EVP_MD_CTX_free(md);
  return Hex(digest, len);
}

// StreamSha256, computed once per size (thread-safe): the client's expected hash is not
// computed while it sends, on the cores the server needs.
inline std::string ExpectedSha256(const std::vector<char>& block, uint64_t size) {
  static std::mutex mu;
  static std::map<std::pair<const char*, uint64_t>, std::string> known;
  std::lock_guard<std::mutex> lock(mu);
  std::string& hex = known[{block.data(), size}];
  if (hex.empty()) hex = StreamSha256(block, size);
  return hex;
}

// GETs `path` on port `port` (with `range` when not empty: 206 expected, else 200) and
// discards the body; returns the seconds. Dies unless exactly `expected` body bytes came.
inline double Download(uint16_t port, const std::string& token, const std::string& path,
                       uint64_t expected, const std::string& range = "") {
  const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                          token + (range.empty() ? "" : "\r\nRange: " + range) +
                          "\r\nConnection: close\r\n\r\n";
  int fd = Connect(port);
  auto t0 = std::chrono::steady_clock::now();
  if (!WriteAll(fd, req.data(), req.size())) Die("download request failed");
  std::vector<char> buf(1 << 20);
  std::string head;
  uint64_t total = 0;
  ssize_t n;
  while ((n = ::recv(fd, buf.data(), buf.size(), 0)) > 0) {
    if (head.size() < 4096 && head.find("\r\n\r\n") == std::string::npos)
      head.append(buf.data(), static_cast<size_t>(std::min<ssize_t>(n, 4096)));
    total += static_cast<uint64_t>(n);
  }
  double seconds = SecondsSince(t0);
  ::close(fd);
  size_t end = head.find("\r\n\r\n");
  const int want = range.empty() ? 200 : 206;
  if (StatusOf(head) != want || end == std::string::npos)
    Die("download answered: " + head.substr(0, 300));
  if (total - (end + 4) != expected)
    Die("download gave " + std::to_string(total - (end + 4)) + " bytes, not " +
        std::to_string(expected));
  return seconds;
}

inline int64_t PostForId(const Server& s, const std::string& path, const std::string& body) {
  crm_test::HttpClient http(s.port);
  auto r = http.Post(path, s.json_auth, body);
  if (r.status != 201 && r.status != 200)
    Die("POST " + path + " -> " + std::to_string(r.status) + " " + r.body);
  return json::parse(r.body).at("id").to_number<int64_t>();
}

inline int64_t CreateClient(const Server& s, int n) {
  return PostForId(s, "/api/v1/clients",
                   R"({"first_name":"Bench","last_name":"Upload","email":"bench.upload)" +
                       std::to_string(n) + R"(@example.com","language":"en"})");
}

inline int64_t CreateType(const Server& s, uint64_t max_size) {
  json::object type{{"name", "Large scan"},
                    {"upload_mode", "optional"},
                    {"accept", json::array{"application/pdf"}},
                    {"max_size", static_cast<int64_t>(max_size)}};
  return PostForId(s, std::string(kApi) + "/types", json::serialize(type));
}

inline std::string DocumentPath(int64_t client_id, int64_t type_id) {
  return std::string(kApi) + "/clients/" + std::to_string(client_id) + "/documents/" +
         std::to_string(type_id);
}

struct Upload {
  std::string error;  // empty when the server stored it with the right SHA-256
  double seconds = 0;
  double sent_seconds = 0;  // until the last byte was written to the socket (the rest: the
                            // server's last writes, fsync, rename and rows)
};

// What the client saw of one upload: the raw answer, when its last byte was sent and when the
// answer had come.
struct Sent {
  std::string answer;
  double seconds = 0;
  double sent_seconds = 0;
};

// Sends `file_size` bytes of `block` (repeated) as one multipart upload to `path` on a new
// connection to `port`, and reads the answer. The same code feeds our server and the loopback
// limit (upload_limits.h).
inline Sent SendMultipart(uint16_t port, const std::string& token, const std::string& path,
                          uint64_t file_size, const std::vector<char>& block) {
  const std::string boundary = "----bench-boundary-7d1c0f";
  const std::string part_head =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large-scan.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n";
  const std::string part_tail = "\r\n--" + boundary + "--\r\n";
  const uint64_t body_size = part_head.size() + file_size + part_tail.size();
  const std::string head = "POST " + path +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                           "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                           "\r\nContent-Length: " + std::to_string(body_size) +
                           "\r\nConnection: close\r\n\r\n" + part_head;
  int fd = Connect(port);
  auto t0 = std::chrono::steady_clock::now();
  bool sent = WriteAll(fd, head.data(), head.size()) && SendStream(fd, block, 0, file_size) &&
              WriteAll(fd, part_tail.data(), part_tail.size());
  Sent out;
  out.sent_seconds = SecondsSince(t0);
  if (sent) out.answer = ReadToClose(fd);
  out.seconds = SecondsSince(t0);
  ::close(fd);
  return out;
}

// One multipart upload of `file_size` bytes of `block` to our server; the SHA-256 it stored is
// checked against the stream's.
inline Upload UploadFile(const Server& s, const std::string& path, uint64_t file_size,
                         const std::vector<char>& block) {
  const std::string expected = ExpectedSha256(block, file_size);
  Sent sent = SendMultipart(s.port, s.token, path, file_size, block);
  Upload out;
  out.seconds = sent.seconds;
  out.sent_seconds = sent.sent_seconds;
  int status = StatusOf(sent.answer);
  if (status != 201 && status != 200) {
    out.error = "upload answered: " + sent.answer.substr(0, 600);
    return out;
  }
  // The API answers with Content-Length, never chunked.
  json::value doc = json::parse(sent.answer.substr(sent.answer.find("\r\n\r\n") + 4));
  std::string server_sha = json::value_to<std::string>(doc.at("files").at(0).at("sha256"));
  if (server_sha != expected)
    out.error = "SHA-256 differs: server " + server_sha + ", client " + expected;
  return out;
}

// The disk's own limit: `bytes` written in 1 MiB blocks into `dir`, then fsync (like
// `dd bs=1M conv=fsync`). MB/s.
inline double DiskWriteLimit(const std::filesystem::path& dir, uint64_t bytes,
                             const std::vector<char>& block) {
  std::string path = (dir / "bench-dd.bin").string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) Die("cannot create " + path);
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t done = 0; done < bytes;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), bytes - done));
    if (::write(fd, block.data(), n) != static_cast<ssize_t>(n)) Die("write failed");
    done += n;
  }
  if (::fsync(fd) != 0) Die("fsync failed");
  double seconds = SecondsSince(t0);
  ::close(fd);
  ::unlink(path.c_str());
  return static_cast<double>(bytes) / 1e6 / seconds;
}

inline double MBps(uint64_t bytes, double seconds) {
  return static_cast<double>(bytes) / 1e6 / seconds;
}

}  // namespace bench
