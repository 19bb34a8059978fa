// tests/app/host_list_filters.h — the host's list filters committed to a test's registry, as
// main.cc registers them (owner "host", first), with each label its key.
#pragma once

#include <string>
#include <string_view>

#include "host-api/status.h"
#include "sample-host/app/client_store.h"
#include "sample-host/core/hook_registry.h"

namespace host::testing {

inline crm::Status CommitHostListFilters(HookRegistry& registry, crm::Database& db) {
  StagingRegistrar reg("host");
  CRM_RETURN_IF_ERROR(ClientStore::RegisterHostFilters(
      reg, db, [](std::string_view, std::string_view key) { return std::string(key); }));
  return registry.Commit(reg.Take());
}

}  // namespace host::testing
