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
  thumbnail_key TEXT NOT NULL DEFAULT '',          -- '' when it has none
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

-- Comments on shared documents (PT3 on PT8) live in cd_comments beside the comments on
-- requested documents: a comment is on a document type (type_id) or on a shared document
-- (shared_id), never both. SQLite cannot drop NOT NULL in place, so the table is rebuilt
-- (its notices kept aside while the table they reference is replaced).
CREATE TABLE cd_comments_v7 (
  id           INTEGER PRIMARY KEY,
  client_id    INTEGER NOT NULL,
  type_id      INTEGER REFERENCES cd_types (id),
  shared_id    INTEGER REFERENCES cd_shared (id),
  author_kind  TEXT NOT NULL CHECK (author_kind IN ('staff', 'client', 'contact')),
  author_name  TEXT NOT NULL DEFAULT '',
  body         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  CHECK ((type_id IS NULL) <> (shared_id IS NULL))
);
INSERT INTO cd_comments_v7 (id, client_id, type_id, shared_id, author_kind, author_name, body,
                            created_at)
  SELECT id, client_id, type_id, NULL, author_kind, author_name, body, created_at FROM cd_comments;
CREATE TABLE cd_comment_notices_kept AS SELECT * FROM cd_comment_notices;
DROP TABLE cd_comment_notices;
DROP TABLE cd_comments;
ALTER TABLE cd_comments_v7 RENAME TO cd_comments;
CREATE INDEX cd_comments_document ON cd_comments (client_id, type_id, id);
CREATE INDEX cd_comments_shared ON cd_comments (shared_id, id);
CREATE TABLE cd_comment_notices (
  id          INTEGER PRIMARY KEY,
  comment_id  INTEGER NOT NULL REFERENCES cd_comments (id),
  client_id   INTEGER NOT NULL,
  recipient   TEXT NOT NULL CHECK (recipient IN ('client', 'staff')),
  created_at  INTEGER NOT NULL
);
INSERT INTO cd_comment_notices (id, comment_id, client_id, recipient, created_at)
  SELECT id, comment_id, client_id, recipient, created_at FROM cd_comment_notices_kept;
DROP TABLE cd_comment_notices_kept;
CREATE INDEX cd_comment_notices_batch ON cd_comment_notices (client_id, recipient, created_at);
