-- sample-host schema 18 (issue 14, SPEC H13; one file for both engines): custom actions in the
-- history. An entry keeps its formatted note as sanitised HTML only (host::SanitizeRichText),
-- and its attached files are objects of the host's store under generated names; a row names
-- each one with its sanitised display name and its sniffed type. Rows go with their entry and
-- with the client (ON DELETE CASCADE); the objects are deleted after the rows.
ALTER TABLE timeline ADD COLUMN note_html TEXT NOT NULL DEFAULT '';

CREATE TABLE timeline_attachments (
  id          INTEGER PRIMARY KEY,
  entry_id    INTEGER NOT NULL REFERENCES timeline (id) ON DELETE CASCADE,
  client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  object_name TEXT NOT NULL UNIQUE,   -- 32 hex: the object is "<client_id>/<object_name>"
  file_name   TEXT NOT NULL,          -- crm::text::SanitizeFileName of the uploaded name
  media_type  TEXT NOT NULL,          -- sniffed by libmagic, from the allow-list
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX timeline_attachments_entry ON timeline_attachments (entry_id);
CREATE INDEX timeline_attachments_client ON timeline_attachments (client_id, entry_id);
