-- client-documents schema 3 on PostgreSQL: the activity journal, as ../0003_journal.sql
-- (chained entries, personal data beside them, the head row); triggers in PL/pgSQL.

CREATE TABLE cd_journal (
  seq         BIGINT PRIMARY KEY,
  at          BIGINT NOT NULL,
  actor_kind  TEXT NOT NULL,
  actor_id    BIGINT NOT NULL DEFAULT 0,
  action      TEXT NOT NULL,
  client_id   BIGINT NOT NULL DEFAULT 0,
  object      TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT '',
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX cd_journal_client ON cd_journal (client_id, seq);
CREATE INDEX cd_journal_action ON cd_journal (action, seq);
CREATE INDEX cd_journal_at ON cd_journal (at);

CREATE TABLE cd_journal_personal (
  seq         BIGINT PRIMARY KEY REFERENCES cd_journal (seq),
  actor_name  TEXT NOT NULL DEFAULT '',
  ip          TEXT NOT NULL DEFAULT ''
);

CREATE TABLE cd_journal_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   BIGINT NOT NULL,
  hash  TEXT NOT NULL
);
INSERT INTO cd_journal_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION cd_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cd_journal is append-only';
END
$$;
CREATE TRIGGER cd_journal_no_change BEFORE UPDATE OR DELETE ON cd_journal
  FOR EACH ROW EXECUTE FUNCTION cd_journal_append_only();
CREATE TRIGGER cd_journal_no_truncate BEFORE TRUNCATE ON cd_journal
  FOR EACH STATEMENT EXECUTE FUNCTION cd_journal_append_only();
