// sample-host/core/random.h — unguessable tokens (session ids, CSRF, API tokens, file names)
// from OpenSSL's CSPRNG. A failing CSPRNG aborts the process: predictable tokens are worse than
// none.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace host {

// Fills `out` with `size` random bytes (aborts if the CSPRNG fails).
void RandomBytes(void* out, size_t size);

// `bytes` random bytes as 2*bytes lowercase hex digits.
std::string RandomHex(size_t bytes);

// `bytes` random bytes as unpadded base64url (RFC 4648 §5), safe in URLs, cookies and file names.
std::string RandomToken(size_t bytes = 32);

// Unpadded base64url of arbitrary bytes.
std::string Base64UrlEncode(std::string_view data);

}  // namespace host
