// plugin/documents/retention.cc — archived versions past their type's retention (retention.h).
#include "plugin/documents/retention.h"

#include <string>
#include <vector>

#include "plugin/journal/journal.h"

namespace cd {
namespace {

constexpr int64_t kDaySeconds = 86400;
constexpr int kBatch = 200;

// Removes one version's rows and journals it; returns its objects, to be removed after the
// commit (rows first: no row ever names a missing object).
crm::Result<std::vector<CommittedFile>> PurgeVersionRows(crm::HostServices& host,
                                                         int64_t version_id, int64_t client_id,
                                                         int retention_days) {
  std::vector<CommittedFile> objects;
  CRM_RETURN_IF_ERROR(host.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    objects.clear();
    CRM_ASSIGN_OR_RETURN(auto rows, tx.QueryAll("SELECT storage_key, thumbnail_key, sha256"
                                                " FROM cd_files WHERE version_id = ? ORDER BY id",
                                                {version_id}));
    std::string detail = "retention:" + std::to_string(retention_days) + "d";
    for (const crm::SqlRow& r : rows) {
      objects.push_back({r.Text(0), r.Text(1)});
      detail += ";sha256:" + r.Text(2);
    }
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM cd_files WHERE version_id = ?", {version_id}).status());
    CRM_ASSIGN_OR_RETURN(int64_t gone,
                         tx.Exec("DELETE FROM cd_versions WHERE id = ?", {version_id}));
    if (gone == 0) {  // another node purged it meanwhile
      objects.clear();
      return crm::Status::Ok();
    }
    return Journal::Append(tx, host.NowUnix(), crm::Principal{},
                           {"erased", client_id, "version:" + std::to_string(version_id), detail});
  }));
  return objects;
}

crm::Status PurgeType(Services& sv, const DocumentType& type, PurgeCount* count) {
  crm::HostServices& host = sv.host();
  const int64_t cutoff = host.NowUnix() - static_cast<int64_t>(*type.retention_days) * kDaySeconds;
  while (true) {
    CRM_ASSIGN_OR_RETURN(auto rows, host.Db().QueryAll("SELECT id, client_id FROM cd_versions"
                                                       " WHERE type_id = ? AND archived_at < ?"
                                                       " ORDER BY id LIMIT ?",
                                                       {type.id, cutoff, int64_t{kBatch}}));
    for (const crm::SqlRow& r : rows) {
      CRM_ASSIGN_OR_RETURN(auto objects,
                           PurgeVersionRows(host, r.Int(0), r.Int(1), *type.retention_days));
      for (const CommittedFile& f : objects) sv.files().Remove(f);
      ++count->versions;
      count->files += static_cast<int>(objects.size());
    }
    if (rows.size() < static_cast<size_t>(kBatch)) return crm::Status::Ok();
  }
}

}  // namespace

crm::Result<PurgeCount> PurgeExpiredVersions(Services& sv) {
  CRM_ASSIGN_OR_RETURN(std::vector<DocumentType> types, sv.types().List(true));
  PurgeCount count;
  for (const DocumentType& type : types) {
    if (!type.retention_days.has_value()) continue;
    CRM_RETURN_IF_ERROR(PurgeType(sv, type, &count));
  }
  sv.host().Log(crm::LogLevel::kInfo, "retention: " + std::to_string(count.versions) +
                                          " archived version(s) purged, " +
                                          std::to_string(count.files) + " file(s)");
  return count;
}

}  // namespace cd
