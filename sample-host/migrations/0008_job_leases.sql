-- sample-host schema 8: one row per scheduled job, so that several host nodes on one database run
-- each job once per period (core/job_leases.h). A node runs a job only if it moves `run_after`
-- forward from a value not after now, in one atomic statement; the same SQL on both dialects.
CREATE TABLE job_leases (
  job        TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  run_at     BIGINT NOT NULL,
  run_after  BIGINT NOT NULL
);
