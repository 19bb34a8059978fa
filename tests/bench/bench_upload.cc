// tests/bench/bench_upload.cc — one large upload through HTTP (issue 4): streams a multipart body
// of N MiB (default 1024) to the documents API and prints MB/s and the server's peak RSS (target <=
// 64 MiB).
//
//   bench_upload [--mib N]
//
// The body is written with plain sockets from a 1 MiB buffer, so the client holds nothing
// whole either. The SHA-256 the server reports is checked against the one computed here.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <boost/json.hpp>

#include "tests/bench/bench_util.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace json = boost::json;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_upload: %s\n", what.c_str());
  std::exit(1);
}

void WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) Die("send failed: " + std::string(std::strerror(errno)));
    p += w;
    n -= static_cast<size_t>(w);
  }
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

}  // namespace

int main(int argc, char** argv) {
  uint64_t mib = 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--mib"))
      mib = std::strtoull(argv[i + 1], nullptr, 10);
    else
      Die(std::string("unknown option ") + argv[i]);
  }
  const uint64_t file_size = mib << 20;
  try {
    bench::ScratchDir dir("bench-upload");
    std::filesystem::path data = dir.path() / "data";
    std::string token = bench::AdminToken(data);
    crm_test::Headers auth = {{"Authorization", "Bearer " + token}};

    crm_test::HostProcess::Options opt;
    opt.data_dir = data;
    auto host = crm_test::HostProcess::Start(opt);
    if (!host.ok()) Die(host.status().ToString());
    const uint16_t port = (*host)->port();
    long rss_before = bench::PeakRssKib((*host)->pid());

    crm_test::HttpClient http(port);
    auto c = http.Post(
        "/api/v1/clients", {auth[0], {"Content-Type", "application/json"}},
        R"({"first_name":"Bench","last_name":"Upload","email":"bench.upload@example.com","language":"en"})");
    if (c.status != 201 && c.status != 200)
      Die("POST /api/v1/clients -> " + std::to_string(c.status) + " " + c.body);
    int64_t client_id = json::parse(c.body).at("id").to_number<int64_t>();
    json::object type{{"name", "Large scan"},
                      {"upload_mode", "optional"},
                      {"accept", json::array{"application/pdf"}},
                      {"max_size", static_cast<int64_t>(file_size + (1 << 20))}};
    auto t = http.Post("/api/v1/plugins/client-documents/types",
                       {auth[0], {"Content-Type", "application/json"}}, json::serialize(type));
    if (t.status != 201 && t.status != 200)
      Die("POST types -> " + std::to_string(t.status) + " " + t.body);
    int64_t type_id = json::parse(t.body).at("id").to_number<int64_t>();

    // The file: a PDF header (so libmagic says application/pdf), then pseudo-random bytes.
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

    const std::string boundary = "----bench-boundary-7d1c0f";
    const std::string part_head =
        "--" + boundary +
        "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large-scan.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n";
    const std::string part_tail = "\r\n--" + boundary + "--\r\n";
    const uint64_t body_size = part_head.size() + file_size + part_tail.size();
    const std::string path = "/api/v1/plugins/client-documents/clients/" +
                             std::to_string(client_id) + "/documents/" + std::to_string(type_id);
    const std::string head = "POST " + path +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer " +
                             token +
                             "\r\n"
                             "Content-Type: multipart/form-data; boundary=" +
                             boundary +
                             "\r\n"
                             "Content-Length: " +
                             std::to_string(body_size) + "\r\nConnection: close\r\n\r\n";

    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("connect failed");

    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
    auto t0 = std::chrono::steady_clock::now();
    WriteAll(fd, head.data(), head.size());
    WriteAll(fd, part_head.data(), part_head.size());
    for (uint64_t sent = 0; sent < file_size;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), file_size - sent));
      EVP_DigestUpdate(md, block.data(), n);
      WriteAll(fd, block.data(), n);
      sent += n;
    }
    WriteAll(fd, part_tail.data(), part_tail.size());
    std::string answer;
    char buf[8192];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
    double seconds = bench::SecondsSince(t0);
    ::close(fd);
    unsigned char digest[32];
    unsigned len = 0;
    EVP_DigestFinal_ex(md, digest, &len);
    EVP_MD_CTX_free(md);

    long rss_after = bench::PeakRssKib((*host)->pid());
    int status = answer.size() > 12 ? std::atoi(answer.c_str() + 9) : 0;
    if (status != 201 && status != 200) Die("upload answered: " + answer.substr(0, 600));
    std::string json_body = answer.substr(answer.find("\r\n\r\n") + 4);
    // A chunked answer would need de-chunking; the API answers with Content-Length.
    json::value doc = json::parse(json_body);
    std::string server_sha = json::value_to<std::string>(doc.at("files").at(0).at("sha256"));
    if (server_sha != Hex(digest, len))
      Die("SHA-256 differs: server " + server_sha + ", client " + Hex(digest, len));

    std::printf("upload of %llu MiB through HTTP: %.1f s, %.1f MB/s\n",
                static_cast<unsigned long long>(mib), seconds,
                static_cast<double>(file_size) / 1e6 / seconds);
    std::printf("server peak RSS: %.1f MiB before, %.1f MiB after (target <= 64 MiB: %s)\n",
                rss_before / 1024.0, rss_after / 1024.0,
                rss_after <= 64 * 1024 ? "met" : "NOT met");
    return 0;
  } catch (const std::exception& e) {
    Die(e.what());
  }
}
