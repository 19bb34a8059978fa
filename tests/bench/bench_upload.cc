// tests/bench/bench_upload.cc — large transfers through HTTP (issues 4 and 9): one multipart upload
// of N MiB (default 1024), its download, and 20 concurrent uploads, beside the machine's own
// limits measured in the same run (write+fsync of the same bytes into the same data folder,
// SHA-256), with the server's peak RSS (target <= 64 MiB).
//
//   bench_upload [--mib N] [--concurrent K] [--concurrent-mib M] [--store URL]
//
// --store s3://BUCKET?endpoint=http://HOST:PORT&region=R (an existing bucket, credentials in
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, e.g. the server `.ci/s3 start DIR PORT` prints,
// whose keys are S3RVER / S3RVER) runs everything twice: the module's files on the local disk,
// then in that store, each with the same figures.
//
// The bodies are written with plain sockets from a 1 MiB buffer, so the client holds nothing
// whole either. The SHA-256 the server reports is checked against the one computed here, and
// the downloaded byte count against the upload.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <boost/json.hpp>

#include "tests/bench/bench_util.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace json = boost::json;

namespace {

constexpr const char* kApi = "/api/v1/plugins/client-documents";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_upload: %s\n", what.c_str());
  std::exit(1);
}

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

std::string Hex(const unsigned char* d, unsigned n) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s += hex[d[i] >> 4];
    s += hex[d[i] & 15];
  }
  return s;
}

int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("connect failed");
  return fd;
}

// 1 MiB: a PDF header (so libmagic says application/pdf), then pseudo-random bytes.
std::vector<char> MakeBlock() {
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

int64_t PostForId(const Server& s, const std::string& path, const std::string& body) {
  crm_test::HttpClient http(s.port);
  auto r = http.Post(path, s.json_auth, body);
  if (r.status != 201 && r.status != 200)
    Die("POST " + path + " -> " + std::to_string(r.status) + " " + r.body);
  return json::parse(r.body).at("id").to_number<int64_t>();
}

int64_t CreateClient(const Server& s, int n) {
  return PostForId(s, "/api/v1/clients",
                   R"({"first_name":"Bench","last_name":"Upload","email":"bench.upload)" +
                       std::to_string(n) + R"(@example.com","language":"en"})");
}

int64_t CreateType(const Server& s, uint64_t max_size) {
  json::object type{{"name", "Large scan"},
                    {"upload_mode", "optional"},
                    {"accept", json::array{"application/pdf"}},
                    {"max_size", static_cast<int64_t>(max_size)}};
  return PostForId(s, std::string(kApi) + "/types", json::serialize(type));
}

std::string DocumentPath(int64_t client_id, int64_t type_id) {
  return std::string(kApi) + "/clients/" + std::to_string(client_id) + "/documents/" +
         std::to_string(type_id);
}

struct Upload {
  std::string error;  // empty when the server stored it with the right SHA-256
  double seconds = 0;
};

// Sends `file_size` bytes of `block` (repeated) as one multipart upload on a new connection.
Upload UploadFile(const Server& s, const std::string& path, uint64_t file_size,
                  const std::vector<char>& block) {
  const std::string boundary = "----bench-boundary-7d1c0f";
  const std::string part_head =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large-scan.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n";
  const std::string part_tail = "\r\n--" + boundary + "--\r\n";
  const uint64_t body_size = part_head.size() + file_size + part_tail.size();
  const std::string head = "POST " + path +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + s.token +
                           "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                           "\r\nContent-Length: " + std::to_string(body_size) +
                           "\r\nConnection: close\r\n\r\n" + part_head;
  int fd = Connect(s.port);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  auto t0 = std::chrono::steady_clock::now();
  bool sent = WriteAll(fd, head.data(), head.size());
  for (uint64_t done = 0; sent && done < file_size;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), file_size - done));
    EVP_DigestUpdate(md, block.data(), n);
    sent = WriteAll(fd, block.data(), n);
    done += n;
  }
  if (sent) sent = WriteAll(fd, part_tail.data(), part_tail.size());
  std::string answer;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
  Upload out;
  out.seconds = bench::SecondsSince(t0);
  ::close(fd);
  unsigned char digest[32];
  unsigned len = 0;
  EVP_DigestFinal_ex(md, digest, &len);
  EVP_MD_CTX_free(md);
  int status = answer.size() > 12 ? std::atoi(answer.c_str() + 9) : 0;
  if (status != 201 && status != 200) {
    out.error = "upload answered: " + answer.substr(0, 600);
    return out;
  }
  // The API answers with Content-Length, never chunked.
  json::value doc = json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
  std::string server_sha = json::value_to<std::string>(doc.at("files").at(0).at("sha256"));
  if (server_sha != Hex(digest, len))
    out.error = "SHA-256 differs: server " + server_sha + ", client " + Hex(digest, len);
  return out;
}

// GETs `path` and discards the body; returns the seconds, checks the byte count.
double Download(const Server& s, const std::string& path, uint64_t expected) {
  const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                          s.token + "\r\nConnection: close\r\n\r\n";
  int fd = Connect(s.port);
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
  double seconds = bench::SecondsSince(t0);
  ::close(fd);
  size_t end = head.find("\r\n\r\n");
  if (head.rfind("HTTP/1.1 200", 0) != 0 || end == std::string::npos)
    Die("download answered: " + head.substr(0, 300));
  if (total - (end + 4) != expected)
    Die("download gave " + std::to_string(total - (end + 4)) + " bytes, not " +
        std::to_string(expected));
  return seconds;
}

// The disk's own limit: `bytes` written in 1 MiB blocks into `dir`, then fsync (like
// `dd bs=1M conv=fsync`). MB/s.
double DiskWriteLimit(const std::filesystem::path& dir, uint64_t bytes,
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
  double seconds = bench::SecondsSince(t0);
  ::close(fd);
  ::unlink(path.c_str());
  return static_cast<double>(bytes) / 1e6 / seconds;
}

// SHA-256 of `bytes` from memory, one thread. MB/s.
double Sha256Limit(uint64_t bytes, const std::vector<char>& block) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t done = 0; done < bytes; done += block.size())
    EVP_DigestUpdate(md, block.data(), block.size());
  unsigned char digest[32];
  unsigned len = 0;
  EVP_DigestFinal_ex(md, digest, &len);
  double seconds = bench::SecondsSince(t0);
  EVP_MD_CTX_free(md);
  return static_cast<double>(bytes) / 1e6 / seconds;
}

struct Concurrent {
  double mb_per_s = 0;
  int errors = 0;
  std::string first_error;
};

// `k` uploads of `mib` MiB at once, each to its own client. Aggregate MB/s.
Concurrent ConcurrentUploads(const Server& s, int64_t type_id, int k, uint64_t mib,
                             const std::vector<char>& block) {
  std::vector<std::string> paths;
  for (int i = 0; i < k; ++i) paths.push_back(DocumentPath(CreateClient(s, 100 + i), type_id));
  std::vector<Upload> results(static_cast<size_t>(k));
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < k; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] =
          UploadFile(s, paths[static_cast<size_t>(i)], mib << 20, block);
    });
  }
  for (auto& t : threads) t.join();
  Concurrent out;
  out.mb_per_s =
      static_cast<double>(k) * static_cast<double>(mib << 20) / 1e6 / bench::SecondsSince(t0);
  for (const auto& r : results) {
    if (r.error.empty()) continue;
    if (out.errors++ == 0) out.first_error = r.error;
  }
  return out;
}

double MBps(uint64_t bytes, double seconds) { return static_cast<double>(bytes) / 1e6 / seconds; }

struct Options {
  uint64_t mib = 1024;
  int concurrent = 20;
  uint64_t concurrent_mib = 8;
  std::string store;  // --store URL, "" for local files only
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--mib"))
      o.mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--concurrent"))
      o.concurrent = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--concurrent-mib"))
      o.concurrent_mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--store"))
      o.store = argv[i + 1];
    else
      Die(std::string("unknown option ") + argv[i]);
  }
  return o;
}

// One run with the files in `store` ("" for the local disk).
void RunOn(const Options& o, const std::string& store) {
  std::printf("== files %s\n", store.empty() ? "on the local disk (default)"
                                             : ("in " + store.substr(0, store.find('?'))).c_str());
  const uint64_t file_size = o.mib << 20;
  bench::ScratchDir dir("bench-upload");
  std::filesystem::path data = dir.path() / "data";
  Server s;
  s.token = bench::AdminToken(data);
  s.json_auth = {{"Authorization", "Bearer " + s.token}, {"Content-Type", "application/json"}};
  crm_test::HostProcess::Options opt;
  opt.data_dir = data;
  if (!store.empty()) opt.extra_args = {"--store", store};
  auto host = crm_test::HostProcess::Start(opt);
  if (!host.ok()) Die(host.status().ToString());
  s.port = (*host)->port();
  const pid_t pid = (*host)->pid();
  const std::vector<char> block = MakeBlock();
  const double disk = DiskWriteLimit(data, file_size, block);
  const double sha = Sha256Limit(file_size, block);

  long rss_start = bench::PeakRssKib(pid);
  int64_t type_id = CreateType(s, std::max(file_size, o.concurrent_mib << 20) + (1 << 20));
  std::string doc = DocumentPath(CreateClient(s, 0), type_id);
  Upload up = UploadFile(s, doc, file_size, block);
  if (!up.error.empty()) Die(up.error);
  long rss_upload = bench::PeakRssKib(pid);
  double down_seconds = Download(s, doc + "/file", file_size);
  long rss_download = bench::PeakRssKib(pid);
  Concurrent conc = ConcurrentUploads(s, type_id, o.concurrent, o.concurrent_mib, block);
  long rss_concurrent = bench::PeakRssKib(pid);

  const double up_mbps = MBps(file_size, up.seconds);
  std::printf(
      "machine limits (%llu MiB, same run): write+fsync into the data folder %.1f MB/s, "
      "SHA-256 %.1f MB/s\n",
      static_cast<unsigned long long>(o.mib), disk, sha);
  std::printf("upload   %6llu MiB: %6.1f s %8.1f MB/s  = %.2fx write+fsync\n",
              static_cast<unsigned long long>(o.mib), up.seconds, up_mbps, up_mbps / disk);
  std::printf("download %6llu MiB: %6.1f s %8.1f MB/s\n", static_cast<unsigned long long>(o.mib),
              down_seconds, MBps(file_size, down_seconds));
  std::printf(
      "%d concurrent uploads of %llu MiB: %.1f MB/s aggregate = %.2fx write+fsync, "
      "%d errors%s%s\n",
      o.concurrent, static_cast<unsigned long long>(o.concurrent_mib), conc.mb_per_s,
      conc.mb_per_s / disk, conc.errors, conc.errors ? ": " : "",
      conc.first_error.substr(0, 300).c_str());
  auto mib = [](long kib) { return kib / 1024.0; };
  std::printf(
      "server peak RSS (MiB): start %.1f, after upload %.1f, after download %.1f, "
      "after %d concurrent %.1f (target <= 64 MiB: %s)\n",
      mib(rss_start), mib(rss_upload), mib(rss_download), o.concurrent, mib(rss_concurrent),
      rss_concurrent <= 64 * 1024 ? "met" : "NOT met");
  if (conc.errors > 0) Die("concurrent uploads failed");
}

void Run(const Options& o) {
  RunOn(o, "");
  if (!o.store.empty()) RunOn(o, o.store);
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
