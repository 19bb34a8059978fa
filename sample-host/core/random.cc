// sample-host/core/random.cc — tokens from OpenSSL RAND_bytes (the system CSPRNG).
// Aborting on failure is deliberate: a fallback would hand out guessable session ids.
#include "sample-host/core/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "sample-host/core/sha256.h"

namespace host {

void RandomBytes(void* out, size_t size) {
  auto* p = static_cast<unsigned char*>(out);
  while (size > 0) {
    int chunk = size > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
    if (RAND_bytes(p, chunk) != 1) {
      std::fprintf(stderr, "fatal: the CSPRNG (RAND_bytes) failed\n");
      std::abort();
    }
    p += chunk;
    size -= static_cast<size_t>(chunk);
  }
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  RandomBytes(buffer.data(), bytes);
  return HexEncode(buffer.data(), bytes);
}

std::string Base64UrlEncode(std::string_view data) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (data.size() - i == 1) {
    uint32_t v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (data.size() - i == 2) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string RandomToken(size_t bytes) {
  std::string buffer(bytes, '\0');
  RandomBytes(buffer.data(), bytes);
  return Base64UrlEncode(buffer);
}

}  // namespace host
