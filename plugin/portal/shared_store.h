// plugin/portal/shared_store.h — the portal's rows (cd_projects, cd_shared, cd_shared_files,
// cd_shared_payments) read into the use cases' values; no rule lives here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "plugin/portal/use_cases.h"

namespace cd {

// The client's project `id`, or nullopt.
crm::Result<std::optional<Project>> FindProject(crm::SqlExecutor& db, int64_t client_id,
                                                int64_t id);
crm::Result<std::vector<Project>> LoadProjects(crm::SqlExecutor& db, int64_t client_id);

// The client's shared documents (one when `shared_id`, a project's when `project_id`), each
// with its files, payments and status on `today`.
crm::Result<std::vector<SharedDocument>> LoadShared(crm::SqlExecutor& db, int64_t client_id,
                                                    std::optional<int64_t> shared_id,
                                                    std::optional<int64_t> project_id,
                                                    const std::string& today);
// One of them, or kNotFound.
crm::Result<SharedDocument> LoadOneShared(crm::SqlExecutor& db, int64_t client_id,
                                          int64_t shared_id, const std::string& today);

// A file's row in the caller's transaction.
crm::Status InsertSharedFile(crm::SqlExecutor& tx, int64_t shared_id, int64_t client_id,
                             const SharedFile& f);

}  // namespace cd
