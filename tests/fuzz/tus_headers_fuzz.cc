// tests/fuzz/tus_headers_fuzz.cc — libFuzzer target: the tus request headers a client controls
// (plugin/uploads/tus_headers.h). The input is split at the first two NUL bytes into
// Upload-Metadata, Upload-Checksum and a number. Whatever arrives: metadata keys are 1-64
// characters of [A-Za-z0-9_.-], at most 64 pairs and 4 KiB values, and encoding the pairs again
// parses to the same map; a checksum is a 32-byte digest; a number round-trips through decimal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugin/uploads/tus_headers.h"
#include "text/text.h"

namespace {

void CheckMetadata(std::string_view header) {
  auto parsed = cd::ParseUploadMetadata(header);
  if (!parsed.ok()) return;
  if (parsed->size() > 64) __builtin_trap();
  std::string again;
  for (const auto& [key, value] : *parsed) {
    if (key.empty() || key.size() > 64 || value.size() > 4096) __builtin_trap();
    for (char c : key) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.';
      if (!ok) __builtin_trap();
    }
    if (!again.empty()) again += ',';
    again += key + " " + crm::text::Base64Encode(value);
  }
  auto reparsed = cd::ParseUploadMetadata(again);
  if (!reparsed.ok() || *reparsed != *parsed) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  size_t first = raw.find('\0');
  std::string_view metadata = raw.substr(0, first);
  std::string_view rest = first == std::string_view::npos ? "" : raw.substr(first + 1);
  size_t second = rest.find('\0');
  std::string_view checksum = rest.substr(0, second);
  std::string_view number = second == std::string_view::npos ? "" : rest.substr(second + 1);

  CheckMetadata(metadata);
  auto digest = cd::ParseUploadChecksum(checksum);
  if (digest.ok() && digest->size() != 32) __builtin_trap();
  if (auto n = cd::ParseTusNumber(number)) {
    if (cd::ParseTusNumber(std::to_string(*n)) != n) __builtin_trap();
  }
  auto decoded = crm::text::Base64Decode(metadata);
  if (decoded && crm::text::Base64Encode(*decoded) != metadata) __builtin_trap();
  return 0;
}
