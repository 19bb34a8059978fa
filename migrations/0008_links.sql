-- client-documents schema 8: signed links (PT1, PT2, SPEC §6 "Links") and the sessions they
-- open. A link's token is never stored: token_hash is the SHA-256 (hex) of it, and so is a
-- session's id. plugin/links/links.h has the rules.
-- One file for both engines (host::SqlForDialect gives PostgreSQL BIGINT and identities).

CREATE TABLE cd_links (
  id             INTEGER PRIMARY KEY,
  client_id      INTEGER NOT NULL,
  token_hash     TEXT NOT NULL UNIQUE,
  scope          TEXT NOT NULL CHECK (scope IN ('space', 'document', 'project')),
  type_id        INTEGER,                      -- scope "document" (checked at creation)
  project_id     INTEGER,                      -- scope "project" (checked at creation)
  rights         TEXT NOT NULL,                -- "view,download,…" in kLinkRights order
  expires_at     INTEGER NOT NULL,
  max_uses       INTEGER,                      -- NULL: no limit
  uses           INTEGER NOT NULL DEFAULT 0,
  contact_name   TEXT NOT NULL DEFAULT '',
  contact_email  TEXT NOT NULL DEFAULT '',
  language       TEXT NOT NULL DEFAULT 'en',
  created_by     TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  revoked_at     INTEGER,
  last_used_at   INTEGER,
  last_ip        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cd_links_client ON cd_links (client_id, id);

CREATE TABLE cd_link_sessions (
  id_hash     TEXT PRIMARY KEY,
  link_id     INTEGER NOT NULL REFERENCES cd_links (id),
  csrf        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX cd_link_sessions_link ON cd_link_sessions (link_id);

-- Requests to /p/client-documents/l/<token> per window, per token hash and per address
-- ("t:<hash>", "a:<address>"): the links' own rate limit.
CREATE TABLE cd_link_throttle (
  bucket        TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,
  hits          INTEGER NOT NULL
);
