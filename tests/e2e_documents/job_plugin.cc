// tests/e2e_documents/job_plugin.cc — a tiny plugin for the multi-node test: a scheduled job
// (run at start-up, then hourly) that records each of its runs in its own table, so the test can
// count the runs of all the nodes on one database.
#include "host-api/plugin.h"

namespace {

crm::Status Entry(crm::Registrar& r, crm::HostServices& host) {
  // Portable SQL: the same file serves SQLite and PostgreSQL.
  CRM_RETURN_IF_ERROR(r.AddMigration(
      {1, "0001_job_runs.sql", "CREATE TABLE e2e_job_runs (ran_at BIGINT NOT NULL)"}));
  crm::ScheduledJob job;
  job.id = "record-run";
  job.period_seconds = 3600;
  crm::HostServices* services = &host;
  job.run = [services]() -> crm::Status {
    return services->Db()
        .Exec("INSERT INTO e2e_job_runs (ran_at) VALUES (?)", {services->NowUnix()})
        .status();
  };
  return r.AddScheduledJobRunAtStart(std::move(job));
}

}  // namespace

CRM_PLUGIN("e2e-jobs", "E2E job runs", "1.0.0", Entry)
