// tests/plugins/failing_migration_plugin.cc — migration 1 is fine; migration 2 creates a table,
// then fails: version 2 must be rolled back whole (no fm_half table, no bookkeeping row).
#include "host-api/plugin.h"

namespace {
crm::Status Register(crm::Registrar& r, crm::HostServices&) {
  CRM_RETURN_IF_ERROR(
      r.AddMigration({1, "0001_ok.sql", "CREATE TABLE fm_ok (id INTEGER PRIMARY KEY);"}));
  CRM_RETURN_IF_ERROR(r.AddMigration({2, "0002_broken.sql",
                                      "CREATE TABLE fm_half (id INTEGER PRIMARY KEY);\n"
                                      "INSERT INTO fm_no_such_table VALUES (1);\n"}));
  crm::ScheduledJob job;
  job.id = "job";
  job.run = [] { return crm::Status::Ok(); };
  return r.AddScheduledJob(std::move(job));
}
}  // namespace

CRM_PLUGIN("test-failing-migration", "Failing migration", "1.0.0", Register)
