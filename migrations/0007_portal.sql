-- client-documents schema 7: projects and the documents staff share with a client (PT8, SPEC
-- §6). A shared document's status is computed from these columns and today's date
-- (plugin/portal/); money is kept in cents. One file for both engines: on PostgreSQL the
-- migrator runs it with BIGINT and identity ids (host::SqlForDialect).

CREATE TABLE cd_projects (
  id          INTEGER PRIMARY KEY,
  client_id   INTEGER NOT NULL,
  name        TEXT NOT NULL,
  reference   TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX cd_projects_client ON cd_projects (client_id, id);

CREATE TABLE cd_shared (
  id                INTEGER PRIMARY KEY,
  client_id         INTEGER NOT NULL,
  project_id        INTEGER REFERENCES cd_projects (id),
  title             TEXT NOT NULL,
  category          TEXT NOT NULL
                      CHECK (category IN ('quote', 'order', 'invoice', 'report', 'other')),
  due_on            TEXT,                         -- YYYY-MM-DD
  amount_due_cents  INTEGER,                      -- invoices: what is owed in all
  decision_required INTEGER NOT NULL DEFAULT 0,   -- 0 or 1
  decision_value    TEXT CHECK (decision_value IN ('approved', 'refused')),
  decision_reason   TEXT NOT NULL DEFAULT '',
  decision_by       TEXT NOT NULL DEFAULT '',
  decision_at       INTEGER,
  created_by        TEXT NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX cd_shared_client ON cd_shared (client_id, project_id, id);

-- The files of a shared document: the one staff shared, then supporting files a client or a
-- link contact adds (proof of payment, signed plan).
CREATE TABLE cd_shared_files (
  id           INTEGER PRIMARY KEY,
  shared_id    INTEGER NOT NULL REFERENCES cd_shared (id),
  client_id    INTEGER NOT NULL,
  storage_key  TEXT NOT NULL UNIQUE,
  file_name    TEXT NOT NULL,
  media_type   TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  added_by_kind TEXT NOT NULL CHECK (added_by_kind IN ('staff', 'client', 'contact')),
  added_by     TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL
);
CREATE INDEX cd_shared_files_shared ON cd_shared_files (shared_id, id);

CREATE TABLE cd_shared_payments (
  id           INTEGER PRIMARY KEY,
  shared_id    INTEGER NOT NULL REFERENCES cd_shared (id),
  client_id    INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  paid_on      TEXT NOT NULL,                     -- YYYY-MM-DD
  recorded_by  TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX cd_shared_payments_shared ON cd_shared_payments (shared_id, id);
