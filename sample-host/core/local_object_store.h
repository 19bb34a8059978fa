// sample-host/core/local_object_store.h — crm::ObjectStore on the local disk: the embedded
// default. Each object is a file under the root; writes go to a temp file, fsync, rename, fsync.
#pragma once

#include <filesystem>
#include <memory>

#include "host-api/object_store.h"

namespace host {

// Thread-safe. Objects live at ROOT/<key>; writes in progress at ROOT/.tmp/ (same file
// system, so Commit is one rename). A crash leaves at worst a temp file, which
// RemoveStaleTemp removes (the scrub calls it at start-up and hourly).
class LocalObjectStore final : public crm::ObjectStore {
 public:
  // Creates the root (and .tmp/) if needed; kInternal when it cannot.
  static crm::Result<std::unique_ptr<LocalObjectStore>> Open(const std::filesystem::path& root);

  crm::Result<std::unique_ptr<crm::ObjectWriter>> Create(std::string_view key) override;
  crm::Result<std::unique_ptr<crm::ObjectReader>> Open(std::string_view key, uint64_t offset,
                                                       std::optional<uint64_t> length) override;
  crm::Result<crm::ObjectInfo> Stat(std::string_view key) override;
  crm::Status Delete(std::string_view key) override;
  crm::Status List(std::string_view prefix,
                   const std::function<bool(const crm::ObjectInfo&)>& on_object) override;
  // fsync of `source`, rename to ROOT/<key>, fsync of the folder (and of every folder it had to
  // create): atomic, no copy. A `source` on another file system is copied (ObjectStore::Put).
  crm::Status Put(std::string_view key, const std::filesystem::path& source) override;

  // Removes temp files older than `max_age_seconds` (as of `now_unix`); returns how many.
  crm::Result<int> RemoveStaleTemp(int64_t now_unix, int64_t max_age_seconds);

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit LocalObjectStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

}  // namespace host
