// sample-host/core/scoped_object_store.cc — implements scoped_object_store.h.
#include "sample-host/core/scoped_object_store.h"

#include <utility>

#include "sample-host/core/s3_object_store.h"

namespace host {

ScopedObjectStore::ScopedObjectStore(std::shared_ptr<crm::ObjectStore> base, std::string prefix)
    : base_(std::move(base)), prefix_(std::move(prefix)) {}

crm::Result<std::string> ScopedObjectStore::Full(std::string_view key) const {
  // Checked before the prefix: "../x" must not climb out of it.
  if (!crm::IsValidObjectKey(key)) return crm::InvalidArgument("invalid object key");
  return prefix_ + std::string(key);
}

crm::Result<std::unique_ptr<crm::ObjectWriter>> ScopedObjectStore::Create(std::string_view key) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->Create(full);
}

crm::Result<std::unique_ptr<crm::ObjectReader>> ScopedObjectStore::Open(
    std::string_view key, uint64_t offset, std::optional<uint64_t> length) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->Open(full, offset, length);
}

crm::Result<crm::ObjectInfo> ScopedObjectStore::Stat(std::string_view key) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  CRM_ASSIGN_OR_RETURN(crm::ObjectInfo info, base_->Stat(full));
  info.key = std::string(key);
  return info;
}

crm::Status ScopedObjectStore::Delete(std::string_view key) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->Delete(full);
}

crm::Status ScopedObjectStore::List(std::string_view prefix,
                                    const std::function<bool(const crm::ObjectInfo&)>& on_object) {
  return base_->List(prefix_ + std::string(prefix), [&](const crm::ObjectInfo& info) {
    crm::ObjectInfo own = info;
    own.key = info.key.substr(prefix_.size());
    return on_object(own);
  });
}

crm::Status ScopedObjectStore::Put(std::string_view key, const std::filesystem::path& source) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->Put(full, source);
}

crm::Result<std::string> ScopedObjectStore::StartParts(std::string_view key) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->StartParts(full);
}

crm::Result<std::string> ScopedObjectStore::PutPart(std::string_view key,
                                                    std::string_view upload_id, int number,
                                                    std::string_view bytes) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->PutPart(full, upload_id, number, bytes);
}

crm::Status ScopedObjectStore::CompleteParts(std::string_view key, std::string_view upload_id,
                                             const std::vector<crm::ObjectPart>& parts) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->CompleteParts(full, upload_id, parts);
}

crm::Status ScopedObjectStore::AbortParts(std::string_view key, std::string_view upload_id) {
  CRM_ASSIGN_OR_RETURN(std::string full, Full(key));
  return base_->AbortParts(full, upload_id);
}

crm::Result<std::shared_ptr<crm::ObjectStore>> OpenStoreUrl(std::string_view url) {
  CRM_ASSIGN_OR_RETURN(S3Config config, ParseS3Url(url));
  return std::shared_ptr<crm::ObjectStore>(std::make_shared<S3ObjectStore>(std::move(config)));
}

}  // namespace host
