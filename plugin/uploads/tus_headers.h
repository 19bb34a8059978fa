// plugin/uploads/tus_headers.h — the tus 1.0 request headers read strictly (Upload-Length,
// Upload-Offset, Upload-Metadata, Upload-Checksum) and the Upload-Expires date, with no I/O, so
// that a fuzz target can drive them (tests/fuzz/tus_headers_fuzz.cc).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "host-api/status.h"

namespace cd {

inline constexpr char kTusVersion[] = "1.0.0";
inline constexpr char kTusExtensions[] =
    "creation,creation-with-upload,termination,checksum,expiration";
inline constexpr char kTusChecksumAlgorithms[] = "sha256";
inline constexpr char kTusContentType[] = "application/offset+octet-stream";

// Upload-Length / Upload-Offset: decimal digits only (no sign, no spaces inside, at most 19
// digits so that it fits int64); nullopt otherwise.
std::optional<uint64_t> ParseTusNumber(std::string_view value);

// Upload-Metadata: comma-separated "key" or "key base64value" pairs. Keys are 1-64 ASCII
// letters, digits, '_', '-' or '.', each at most once; values decode strictly (text/text.h
// Base64Decode) and are at most 4 KiB each; at most 64 pairs. kInvalidArgument otherwise,
// with the reason.
crm::Result<std::map<std::string, std::string>> ParseUploadMetadata(std::string_view header);

// Upload-Checksum: "sha256 <base64 of the 32-byte digest>". Returns the raw digest (32 bytes).
// kInvalidArgument for a malformed header or another algorithm (tus: 400).
crm::Result<std::string> ParseUploadChecksum(std::string_view header);

// An RFC 9110 IMF-fixdate of `unix_seconds` ("Sun, 06 Nov 1994 08:49:37 GMT"), for
// Upload-Expires.
std::string HttpDate(int64_t unix_seconds);

}  // namespace cd
