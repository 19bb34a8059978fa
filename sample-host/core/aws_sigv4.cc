// sample-host/core/aws_sigv4.cc — implements aws_sigv4.h with OpenSSL's SHA-256 and HMAC.
#include "sample-host/core/aws_sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>

#include "sample-host/core/logger.h"  // FormatUtc
#include "text/text.h"

namespace host {
namespace {

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string TrimValue(std::string_view v) {
  // SigV4: trim, and fold sequential spaces into one.
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Scope(const SigV4Request& r, const AwsCredentials& c) {
  return r.amz_date.substr(0, 8) + "/" + c.region + "/" + c.service + "/aws4_request";
}

}  // namespace

std::string AwsUriEncode(std::string_view s, bool encode_slash) {
  if (encode_slash) return crm::text::PercentEncode(s);
  std::string out;
  for (size_t start = 0;;) {
    size_t slash = s.find('/', start);
    out += crm::text::PercentEncode(
        s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return out;
    out += '/';
    start = slash + 1;
  }
}

std::string AmzDate(int64_t unix_seconds) { return FormatUtc(unix_seconds, "%Y%m%dT%H%M%SZ"); }

std::string CanonicalRequestV4(const SigV4Request& r,
                               std::vector<std::pair<std::string, std::string>>* signed_headers) {
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : r.query)
    query.emplace_back(AwsUriEncode(k, true), AwsUriEncode(v, true));
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [k, v] : query) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += k + "=" + v;
  }
  std::vector<std::pair<std::string, std::string>> headers = {
      {"host", r.host}, {"x-amz-content-sha256", r.payload_sha256}, {"x-amz-date", r.amz_date}};
  for (const auto& [k, v] : r.headers) headers.emplace_back(k, TrimValue(v));
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers, names;
  for (const auto& [k, v] : headers) {
    canonical_headers += k + ":" + v + "\n";
    names += (names.empty() ? "" : ";") + k;
  }
  if (signed_headers) *signed_headers = headers;
  return r.method + "\n" + AwsUriEncode(r.path, false) + "\n" + canonical_query + "\n" +
         canonical_headers + "\n" + names + "\n" + r.payload_sha256;
}

std::string SignatureV4(const SigV4Request& r, const AwsCredentials& c) {
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + r.amz_date + "\n" + Scope(r, c) + "\n" +
                               Sha256Hex(CanonicalRequestV4(r, nullptr));
  std::string key = Hmac("AWS4" + c.secret_access_key, r.amz_date.substr(0, 8));
  key = Hmac(key, c.region);
  key = Hmac(key, c.service);
  key = Hmac(key, "aws4_request");
  std::string sig = Hmac(key, string_to_sign);
  return HexEncode(sig.data(), sig.size());
}

std::vector<std::pair<std::string, std::string>> SignV4(const SigV4Request& r,
                                                        const AwsCredentials& c) {
  std::vector<std::pair<std::string, std::string>> headers;
  CanonicalRequestV4(r, &headers);
  std::string names;
  for (const auto& [k, v] : headers) names += (names.empty() ? "" : ";") + k;
  std::string auth = "AWS4-HMAC-SHA256 Credential=" + c.access_key_id + "/" + Scope(r, c) +
                     ", SignedHeaders=" + names + ", Signature=" + SignatureV4(r, c);
  return {{"Authorization", auth},
          {"x-amz-date", r.amz_date},
          {"x-amz-content-sha256", r.payload_sha256}};
}

}  // namespace host
