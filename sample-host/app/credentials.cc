// sample-host/app/credentials.cc — Argon2id hashing and verification (libargon2), generated
// passwords by rejection sampling, and the login email's normal form.
#include "sample-host/app/credentials.h"

#include <argon2.h>

#include "sample-host/core/random.h"
#include "text/text.h"

namespace host {
namespace {

// OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane.
constexpr uint32_t kArgonTime = 2;
constexpr uint32_t kArgonMemoryKiB = 19 * 1024;
constexpr uint32_t kArgonLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

}  // namespace

crm::Result<std::string> HashPassword(std::string_view password) {
  std::string salt(kSaltBytes, '\0');
  RandomBytes(salt.data(), salt.size());
  size_t len = argon2_encodedlen(kArgonTime, kArgonMemoryKiB, kArgonLanes, kSaltBytes, kHashBytes,
                                 Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(kArgonTime, kArgonMemoryKiB, kArgonLanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return crm::Internal(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (encoded_hash.rfind("$argon2id$", 0) != 0) return false;
  std::string hash(encoded_hash);  // argon2 wants a NUL-terminated string
  return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string GeneratePassword() {
  // No 0/O, 1/l/I: the password is read from an email and typed on a phone.
  static constexpr std::string_view kAlphabet =
      "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  while (out.size() < 16) {
    unsigned char b[32];
    RandomBytes(b, sizeof b);
    for (unsigned char ch : b) {
      // Rejection sampling keeps every character equally likely.
      if (ch < 256 - 256 % kAlphabet.size() && out.size() < 16) {
        out += kAlphabet[ch % kAlphabet.size()];
      }
    }
  }
  return out;
}

const std::string& DummyPasswordHash() {
  static const std::string hash = [] {
    auto h = HashPassword("not-a-real-password-" + RandomHex(8));
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

crm::Status CheckNewPassword(std::string_view password) {
  if (password.size() < 8) return crm::InvalidArgument("password: at least 8 characters");
  if (password.size() > 1024) return crm::InvalidArgument("password: too long");
  return crm::Status::Ok();
}

std::string NormalizeLoginEmail(std::string_view email) {
  return crm::text::ToLowerAscii(crm::text::TrimAll(email));
}

bool PlausibleEmail(std::string_view e) {
  size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= e.size() || e.size() > 254) return false;
  for (unsigned char ch : e) {
    if (ch <= 0x20 || ch == 0x7f || ch == '<' || ch == '>' || ch == ',' || ch == ';') return false;
  }
  return e.find('.', at) != std::string_view::npos;
}

}  // namespace host
