-- client-documents schema 1: document types (CD1), settings (CD4), clients' documents,
-- their files and archived versions (CD5, CD12). Client rows belong to the host: no FK to them.

CREATE TABLE cd_types (
  id           INTEGER PRIMARY KEY,
  name_en      TEXT NOT NULL,
  name_fr      TEXT NOT NULL DEFAULT '',
  name_nl      TEXT NOT NULL DEFAULT '',
  help_en      TEXT NOT NULL DEFAULT '',
  help_fr      TEXT NOT NULL DEFAULT '',
  help_nl      TEXT NOT NULL DEFAULT '',
  upload_mode  TEXT NOT NULL DEFAULT 'optional'
               CHECK (upload_mode IN ('optional', 'required', 'admin_only')),
  fields_json  TEXT NOT NULL DEFAULT '[]',   -- [{"key","label","type","required"}]
  accept_json  TEXT NOT NULL DEFAULT '[]',   -- ["application/pdf", ...]
  max_size     INTEGER NOT NULL,
  max_files    INTEGER NOT NULL DEFAULT 1,
  active       INTEGER NOT NULL DEFAULT 1,
  position     INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
-- The completeness column scans the active required types for every listed client.
CREATE INDEX cd_types_mode ON cd_types (upload_mode, active);

CREATE TABLE cd_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- The current document of one type for one client (at most one).
CREATE TABLE cd_documents (
  id           INTEGER PRIMARY KEY,
  client_id    INTEGER NOT NULL,
  type_id      INTEGER NOT NULL REFERENCES cd_types (id),
  fields_json  TEXT NOT NULL DEFAULT '{}',
  uploaded_at  INTEGER NOT NULL,
  uploaded_by  TEXT NOT NULL DEFAULT ''
);
-- Per-client look-ups and the list column (client first); filters (type first).
CREATE UNIQUE INDEX cd_documents_client_type ON cd_documents (client_id, type_id);
CREATE INDEX cd_documents_type_client ON cd_documents (type_id, client_id);

-- Previous versions, kept when a document is replaced or deleted.
CREATE TABLE cd_versions (
  id           INTEGER PRIMARY KEY,
  client_id    INTEGER NOT NULL,
  type_id      INTEGER NOT NULL REFERENCES cd_types (id),
  fields_json  TEXT NOT NULL DEFAULT '{}',
  uploaded_at  INTEGER NOT NULL,
  uploaded_by  TEXT NOT NULL DEFAULT '',
  archived_at  INTEGER NOT NULL,
  archived_by  TEXT NOT NULL DEFAULT '',
  reason       TEXT NOT NULL CHECK (reason IN ('replaced', 'deleted'))
);
CREATE INDEX cd_versions_client_type ON cd_versions (client_id, type_id, archived_at DESC);

-- Every stored blob. Belongs to the current document (document_id) or to an archived
-- version (version_id), never both; client_id is repeated so every file id is checked
-- against the client in one look-up.
CREATE TABLE cd_files (
  id            INTEGER PRIMARY KEY,
  client_id     INTEGER NOT NULL,
  type_id       INTEGER NOT NULL,
  document_id   INTEGER REFERENCES cd_documents (id),
  version_id    INTEGER REFERENCES cd_versions (id),
  position      INTEGER NOT NULL DEFAULT 0,
  name          TEXT NOT NULL,               -- sanitised display name
  size          INTEGER NOT NULL,
  mime          TEXT NOT NULL,               -- sniffed
  sha256        TEXT NOT NULL,
  storage_key   TEXT NOT NULL UNIQUE,        -- files/<client_id>/<random>.bin
  thumbnail_key TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  CHECK ((document_id IS NULL) <> (version_id IS NULL))
);
CREATE INDEX cd_files_client ON cd_files (client_id);
CREATE INDEX cd_files_document ON cd_files (document_id);
CREATE INDEX cd_files_version ON cd_files (version_id);
