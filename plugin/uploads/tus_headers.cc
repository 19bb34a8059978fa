// plugin/uploads/tus_headers.cc — strict parsers of the tus request headers (tus_headers.h).
#include "plugin/uploads/tus_headers.h"

#include <ctime>

#include "text/text.h"

namespace cd {
namespace {

constexpr size_t kMaxMetadataPairs = 64;
constexpr size_t kMaxMetadataKey = 64;
constexpr size_t kMaxMetadataValue = 4 * 1024;
constexpr size_t kSha256Bytes = 32;

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// One "key" or "key value" item of Upload-Metadata into `out`.
crm::Status AddMetadataPair(std::string_view item, std::map<std::string, std::string>& out) {
  item = crm::text::Trim(item);
  size_t space = item.find(' ');
  std::string_view key = item.substr(0, space);
  std::string_view encoded =
      space == std::string_view::npos ? std::string_view() : item.substr(space + 1);
  if (key.empty() || key.size() > kMaxMetadataKey)
    return crm::InvalidArgument("Upload-Metadata: a key is empty or too long");
  for (char c : key)
    if (!IsKeyChar(c)) return crm::InvalidArgument("Upload-Metadata: a key has a bad character");
  if (encoded.size() > (kMaxMetadataValue + 2) / 3 * 4)
    return crm::InvalidArgument("Upload-Metadata: " + std::string(key) + " is too long");
  std::optional<std::string> value = crm::text::Base64Decode(encoded);
  if (!value)
    return crm::InvalidArgument("Upload-Metadata: " + std::string(key) + " is not base64");
  if (!out.emplace(std::string(key), std::move(*value)).second)
    return crm::InvalidArgument("Upload-Metadata: " + std::string(key) + " is given twice");
  return crm::Status::Ok();
}

}  // namespace

std::optional<uint64_t> ParseTusNumber(std::string_view value) {
  value = crm::text::Trim(value);
  if (value.empty() || value.size() > 18) return std::nullopt;
  uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

crm::Result<std::map<std::string, std::string>> ParseUploadMetadata(std::string_view header) {
  std::map<std::string, std::string> out;
  if (crm::text::Trim(header).empty()) return out;
  while (true) {
    size_t comma = header.find(',');
    CRM_RETURN_IF_ERROR(AddMetadataPair(header.substr(0, comma), out));
    if (out.size() > kMaxMetadataPairs)
      return crm::InvalidArgument("Upload-Metadata: too many pairs");
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return out;
}

crm::Result<std::string> ParseUploadChecksum(std::string_view header) {
  header = crm::text::Trim(header);
  size_t space = header.find(' ');
  if (space == std::string_view::npos)
    return crm::InvalidArgument("Upload-Checksum: expected \"sha256 <base64>\"");
  if (header.substr(0, space) != "sha256")
    return crm::InvalidArgument("Upload-Checksum: only sha256 is supported");
  std::optional<std::string> digest = crm::text::Base64Decode(header.substr(space + 1));
  if (!digest || digest->size() != kSha256Bytes)
    return crm::InvalidArgument("Upload-Checksum: not the base64 of a SHA-256 digest");
  return *digest;
}

std::string HttpDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  size_t n = std::strftime(buffer, sizeof(buffer), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buffer, n);
}

}  // namespace cd
