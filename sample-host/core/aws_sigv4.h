// sample-host/core/aws_sigv4.h — AWS Signature Version 4 for the S3 object store: the canonical
// request, the string to sign and the Authorization header, after the AWS documentation.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sample-host/core/sha256.h"  // Sha256Hex, HexEncode

namespace host {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  std::string service = "s3";
};

// What is signed. `path` is the decoded path ("/bucket/a b.pdf"); `query` the decoded
// parameters; `headers` the lower-case names and values to sign besides host,
// x-amz-date and x-amz-content-sha256 (e.g. range). `payload_sha256` is the hex SHA-256
// of the body ("UNSIGNED-PAYLOAD" is allowed by S3). `amz_date` is "YYYYMMDDTHHMMSSZ".
struct SigV4Request {
  std::string method;
  std::string host;  // "127.0.0.1:9000"
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;
  std::string amz_date;
};

// The headers to send: Authorization, x-amz-date, x-amz-content-sha256 (name, value).
std::vector<std::pair<std::string, std::string>> SignV4(const SigV4Request& request,
                                                        const AwsCredentials& credentials);

// Pieces exposed for tests against the AWS examples.
std::string CanonicalRequestV4(const SigV4Request& request,
                               std::vector<std::pair<std::string, std::string>>* signed_headers);
std::string SignatureV4(const SigV4Request& request, const AwsCredentials& credentials);
// RFC 3986 encoding as SigV4 wants it (unreserved kept; '/' kept when encode_slash is false).
std::string AwsUriEncode(std::string_view s, bool encode_slash);
// "YYYYMMDDTHHMMSSZ" for a Unix time.
std::string AmzDate(int64_t unix_seconds);

}  // namespace host
