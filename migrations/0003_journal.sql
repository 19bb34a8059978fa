-- client-documents schema 3: the activity journal (PT4, X5). One append-only table, each entry
-- chained by SHA-256 to the one before (hash over the entry's non-personal columns and
-- prev_hash, plugin/journal/journal.h); personal data (the actor's name, the address) sit in
-- cd_journal_personal, outside the hash, so erasing a client (PT7) keeps the chain verifiable.

CREATE TABLE cd_journal (
  seq         INTEGER PRIMARY KEY,          -- 1, 2, 3 … without gaps
  at          INTEGER NOT NULL,             -- Unix seconds, UTC
  actor_kind  TEXT NOT NULL,                -- staff | client | token | link | system
  actor_id    INTEGER NOT NULL DEFAULT 0,   -- admin id (staff, token owner), client id
  action      TEXT NOT NULL,                -- SPEC §6: uploaded, viewed, approved, …
  client_id   INTEGER NOT NULL DEFAULT 0,   -- 0: about no one client
  object      TEXT NOT NULL DEFAULT '',     -- "document:<type_id>", "file:<id>"
  detail      TEXT NOT NULL DEFAULT '',     -- never personal data
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX cd_journal_client ON cd_journal (client_id, seq);
CREATE INDEX cd_journal_action ON cd_journal (action, seq);
CREATE INDEX cd_journal_at ON cd_journal (at);

CREATE TABLE cd_journal_personal (
  seq         INTEGER PRIMARY KEY REFERENCES cd_journal (seq),
  actor_name  TEXT NOT NULL DEFAULT '',
  ip          TEXT NOT NULL DEFAULT ''
);

-- The chain's head: appending updates this one row first, which serialises writers (the seq
-- and prev_hash are read in the writer's transaction) and lets verify see a deleted tail.
CREATE TABLE cd_journal_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   INTEGER NOT NULL,
  hash  TEXT NOT NULL
);
INSERT INTO cd_journal_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER cd_journal_no_update BEFORE UPDATE ON cd_journal
BEGIN
  SELECT RAISE(ABORT, 'cd_journal is append-only');
END;
CREATE TRIGGER cd_journal_no_delete BEFORE DELETE ON cd_journal
BEGIN
  SELECT RAISE(ABORT, 'cd_journal is append-only');
END;
