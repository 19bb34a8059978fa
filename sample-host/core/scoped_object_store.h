// sample-host/core/scoped_object_store.h — one shared crm::ObjectStore seen by each plugin under
// its own key prefix, and the store `serve --store URL` names (SPEC §6).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "host-api/object_store.h"

namespace host {

// Thread-safe when `base` is. Every key is `prefix` + the plugin's key; List gives the
// plugin's keys back without the prefix. `prefix` ends with '/' ("plugins/client-documents/").
class ScopedObjectStore final : public crm::ObjectStore {
 public:
  ScopedObjectStore(std::shared_ptr<crm::ObjectStore> base, std::string prefix);

  crm::Result<std::unique_ptr<crm::ObjectWriter>> Create(std::string_view key) override;
  crm::Result<std::unique_ptr<crm::ObjectReader>> Open(std::string_view key, uint64_t offset,
                                                       std::optional<uint64_t> length) override;
  crm::Result<crm::ObjectInfo> Stat(std::string_view key) override;
  crm::Status Delete(std::string_view key) override;
  crm::Status List(std::string_view prefix,
                   const std::function<bool(const crm::ObjectInfo&)>& on_object) override;
  crm::Status Put(std::string_view key, const std::filesystem::path& source) override;
  uint64_t MinPartSize() const override { return base_->MinPartSize(); }
  crm::Result<std::string> StartParts(std::string_view key) override;
  crm::Result<std::string> PutPart(std::string_view key, std::string_view upload_id, int number,
                                   std::string_view bytes) override;
  crm::Status CompleteParts(std::string_view key, std::string_view upload_id,
                            const std::vector<crm::ObjectPart>& parts) override;
  crm::Status AbortParts(std::string_view key, std::string_view upload_id) override;

 private:
  // kInvalidArgument for a key that is not valid on its own (before the prefix).
  crm::Result<std::string> Full(std::string_view key) const;

  std::shared_ptr<crm::ObjectStore> base_;
  std::string prefix_;
};

// A store whose every call fails with `error` (a plugin's store that could not be opened:
// its uploads fail cleanly instead of the host stopping).
class FailedObjectStore final : public crm::ObjectStore {
 public:
  explicit FailedObjectStore(crm::Status error) : error_(std::move(error)) {}
  crm::Result<std::unique_ptr<crm::ObjectWriter>> Create(std::string_view) override {
    return error_;
  }
  crm::Result<std::unique_ptr<crm::ObjectReader>> Open(std::string_view, uint64_t,
                                                       std::optional<uint64_t>) override {
    return error_;
  }
  crm::Result<crm::ObjectInfo> Stat(std::string_view) override { return error_; }
  crm::Status Delete(std::string_view) override { return error_; }
  crm::Status List(std::string_view, const std::function<bool(const crm::ObjectInfo&)>&) override {
    return error_;
  }

 private:
  crm::Status error_;
};

// `serve --store URL`: "s3://BUCKET?endpoint=http://HOST:PORT&region=R" (ParseS3Url; the
// credentials come from the environment). kInvalidArgument with a message fit for the command
// line (never the secret). The bucket must exist.
crm::Result<std::shared_ptr<crm::ObjectStore>> OpenStoreUrl(std::string_view url);

}  // namespace host
