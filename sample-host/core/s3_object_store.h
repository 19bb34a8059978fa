// sample-host/core/s3_object_store.h — crm::ObjectStore in an S3-compatible store over HTTP
// (libcurl, AWS Signature V4): streamed multipart writes, ranged reads, listing for the scrub.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host-api/object_store.h"
#include "sample-host/core/aws_sigv4.h"

namespace host {

struct S3Config {
  std::string endpoint;  // "http://127.0.0.1:9000" (path-style requests: endpoint/bucket/key)
  std::string bucket;
  AwsCredentials credentials;
  // Parts of a multipart upload; the writer holds one part in memory (S3's minimum is 5 MiB).
  size_t part_size = 8u << 20;
  // Ranged GETs of this size feed a reader; memory per reader stays at one chunk.
  size_t read_chunk = 4u << 20;
  int connect_timeout_seconds = 5;
  // A transfer slower than 1 KiB/s for this long fails (store down or stuck): kUnavailable.
  int stall_timeout_seconds = 30;
};

// "s3://BUCKET?endpoint=http://HOST:PORT&region=R" (SPEC §6), credentials from the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). kInvalidArgument with a message
// that says what is missing; never echoes the secret.
crm::Result<S3Config> ParseS3Url(std::string_view url);

// Thread-safe. Objects are written with one PUT when they fit in one part, otherwise as a
// multipart upload (create, parts, complete; aborted when the writer is dropped), so the
// object appears only when complete. Every request's payload is hashed (SHA-256) and signed.
// HTTP 404 -> kNotFound; connection refused, timeouts, 5xx -> kUnavailable; 403 and other
// answers -> kInternal with the store's error code (never the credentials).
class S3ObjectStore final : public crm::ObjectStore {
 public:
  explicit S3ObjectStore(S3Config config);
  ~S3ObjectStore() override;

  crm::Result<std::unique_ptr<crm::ObjectWriter>> Create(std::string_view key) override;
  crm::Result<std::unique_ptr<crm::ObjectReader>> Open(std::string_view key, uint64_t offset,
                                                       std::optional<uint64_t> length) override;
  crm::Result<crm::ObjectInfo> Stat(std::string_view key) override;
  crm::Status Delete(std::string_view key) override;
  crm::Status List(std::string_view prefix,
                   const std::function<bool(const crm::ObjectInfo&)>& on_object) override;
  // Streams the file: each request's body (one PUT, or each part of a multipart upload) is
  // hashed from the file, then read from it again while sent. Memory stays at a few buffers
  // whatever the size and the number of uploads at once.
  crm::Status Put(std::string_view key, const std::filesystem::path& source) override;
  // S3's multipart upload, each part's bytes sent as one signed PUT (S3's smallest part but the
  // last: 5 MiB). CompleteParts: NoSuchUpload -> kNotFound, InvalidPart and EntityTooSmall ->
  // kInvalidArgument.
  uint64_t MinPartSize() const override { return 5u << 20; }
  crm::Result<std::string> StartParts(std::string_view key) override;
  crm::Result<std::string> PutPart(std::string_view key, std::string_view upload_id, int number,
                                   std::string_view bytes) override;
  crm::Status CompleteParts(std::string_view key, std::string_view upload_id,
                            const std::vector<crm::ObjectPart>& parts) override;
  crm::Status AbortParts(std::string_view key, std::string_view upload_id) override;

  // One signed request (exposed to the writer and reader in the .cc).
  struct Request;
  struct Reply {
    long status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  };
  crm::Result<Reply> Send(const Request& request);

  const S3Config& config() const { return config_; }

 private:
  S3Config config_;
  std::string host_;  // "127.0.0.1:9000", signed
};

}  // namespace host
