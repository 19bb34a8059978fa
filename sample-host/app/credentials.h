// sample-host/app/credentials.h — what a login is checked with: Argon2id password hashes, generated
// passwords, and the normalised login email (admins and clients alike).
#pragma once

#include <string>
#include <string_view>

#include "host-api/status.h"

namespace host {

// Argon2id (libargon2), encoded "$argon2id$v=19$m=...". Cost: 19 MiB, t=2, p=1 (OWASP).
crm::Result<std::string> HashPassword(std::string_view password);
// False for a wrong password or a malformed hash; never throws.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);
// A random password people can type: 16 characters from an unambiguous alphabet.
std::string GeneratePassword();
// A hash of a random password, computed once: verified against when the email is unknown,
// so that a wrong email costs the same time as a wrong password.
const std::string& DummyPasswordHash();

// Password rules shared by admins and clients: kInvalidArgument under 8 or over 1024 bytes.
crm::Status CheckNewPassword(std::string_view password);

// The email as logins compare it: trimmed, ASCII lower case.
std::string NormalizeLoginEmail(std::string_view email);
// One '@', something before it, a dot after it, no spaces or list separators, <= 254 bytes.
bool PlausibleEmail(std::string_view email);

}  // namespace host
