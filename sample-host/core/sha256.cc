// sample-host/core/sha256.cc — SHA-256 through OpenSSL EVP (the non-deprecated interface).
// Allocation failure of the EVP context is treated as fatal: there is no sane fallback.
#include "sample-host/core/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <utility>

namespace host {
namespace {
EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(Ctx(ctx_), EVP_sha256(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() {
  if (ctx_) EVP_MD_CTX_free(Ctx(ctx_));
}

Sha256::Sha256(Sha256&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    if (ctx_) EVP_MD_CTX_free(Ctx(ctx_));
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void Sha256::Update(std::string_view data) { Update(data.data(), data.size()); }

void Sha256::Update(const void* data, size_t size) {
  if (ctx_ && size > 0) EVP_DigestUpdate(Ctx(ctx_), data, size);
}

std::array<uint8_t, 32> Sha256::Finish() {
  std::array<uint8_t, 32> out{};
  if (!ctx_) return out;
  unsigned int len = 0;
  EVP_DigestFinal_ex(Ctx(ctx_), out.data(), &len);
  EVP_MD_CTX_free(Ctx(ctx_));
  ctx_ = nullptr;
  return out;
}

std::string Sha256::FinishHex() {
  std::array<uint8_t, 32> digest = Finish();
  return HexEncode(digest.data(), digest.size());
}

std::string Sha256Hex(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.FinishHex();
}

std::string HexEncode(const void* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 0xf];
  }
  return out;
}

}  // namespace host
