// sample-host/core/sha256.h — SHA-256 over OpenSSL's EVP interface, incremental and one-shot.
// Used for migration checksums by the host and for file hashes and token digests by the app.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace host {

// Incremental hash. Not thread-safe; movable, not copyable. After Finish*() the
// object is spent (further Update calls are ignored).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  void Update(const void* data, size_t size);
  std::array<uint8_t, 32> Finish();
  std::string FinishHex();  // 64 lowercase hex digits

 private:
  void* ctx_;  // EVP_MD_CTX*, kept opaque so this header needs no OpenSSL include
};

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Lowercase hex of arbitrary bytes.
std::string HexEncode(const void* data, size_t size);

}  // namespace host
