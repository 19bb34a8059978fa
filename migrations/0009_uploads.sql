-- client-documents schema 9: resumable uploads (tus 1.0, SPEC X2); one file for both engines
-- (host::SqlForDialect). The state of an unfinished upload lives here, so that any node on the same database continues it; its bytes are parts
-- in the object store (HostServices::Files), one object per PATCH, named in cd_upload_parts
-- (plugin/uploads/upload_store.h).

CREATE TABLE cd_uploads (
  id               TEXT PRIMARY KEY,  -- 32 random hex digits, also the URL's last segment
  client_id        INTEGER NOT NULL,
  type_id          INTEGER NOT NULL,  -- no foreign key: a type deleted meanwhile makes the finish 404
  channel          TEXT NOT NULL CHECK (channel IN ('api', 'client')),
  upload_length    INTEGER NOT NULL,
  upload_offset    INTEGER NOT NULL DEFAULT 0,
  metadata         TEXT NOT NULL DEFAULT '',  -- the Upload-Metadata header, as sent
  created_by       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  -- Bumped by every HEAD and PATCH: a PATCH records its bytes only if no newer request came
  -- meanwhile, so a stale PATCH (a connection the client gave up) never moves the offset.
  patch_generation INTEGER NOT NULL DEFAULT 0,
  finishing_until  INTEGER NOT NULL DEFAULT 0  -- a node assembling the file holds it until then
);
CREATE INDEX cd_uploads_expiry ON cd_uploads (expires_at);
CREATE INDEX cd_uploads_client ON cd_uploads (client_id);

-- The received bytes, in order: [start_offset, start_offset + size) is the object storage_key.
CREATE TABLE cd_upload_parts (
  upload_id     TEXT NOT NULL REFERENCES cd_uploads (id),
  start_offset  INTEGER NOT NULL,
  size          INTEGER NOT NULL,
  storage_key   TEXT NOT NULL UNIQUE,
  PRIMARY KEY (upload_id, start_offset)
);
