-- sample-host schema 24 on PostgreSQL: the client sets of ../0024_client_sets.sql. The changes'
-- ids come from a sequence: two writes of one (set_key, client_id) are ordered by the lock of the
-- row they change, so the later one takes the larger id. Statement-level triggers over transition
-- tables (one INSERT per statement, as schema 15's counters).
CREATE TABLE client_set_blocks (
  set_key TEXT NOT NULL,
  block   BIGINT NOT NULL,
  bits    TEXT NOT NULL,
  PRIMARY KEY (set_key, block)
);
CREATE TABLE client_set_changes (
  id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  set_key   TEXT NOT NULL,
  client_id BIGINT NOT NULL,
  member    SMALLINT NOT NULL
);
CREATE INDEX client_set_changes_key ON client_set_changes (set_key, id);
INSERT INTO client_set_changes (set_key, client_id, member)
  SELECT v.set_key, m.id, 1 FROM clients m CROSS JOIN LATERAL (VALUES ('clients'),
    ('region:' || m.region), ('language:' || m.language)) AS v(set_key)
  ORDER BY m.id;
CREATE FUNCTION client_sets_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO client_set_changes (set_key, client_id, member)
      SELECT v.set_key, m.id, 1 FROM client_new m CROSS JOIN LATERAL (VALUES ('clients'),
        ('region:' || m.region), ('language:' || m.language)) AS v(set_key);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO client_set_changes (set_key, client_id, member)
      SELECT v.set_key, m.id, 0 FROM client_old m CROSS JOIN LATERAL (VALUES ('clients'),
        ('region:' || m.region), ('language:' || m.language)) AS v(set_key);
  ELSE
    INSERT INTO client_set_changes (set_key, client_id, member)
      SELECT v.set_key, o.id, v.member FROM client_old o JOIN client_new n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES ('region:' || o.region, 0, o.region <> n.region),
        ('region:' || n.region, 1, o.region <> n.region),
        ('language:' || o.language, 0, o.language <> n.language),
        ('language:' || n.language, 1, o.language <> n.language)) AS v(set_key, member, moved)
      WHERE v.moved;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER client_sets_insert AFTER INSERT ON clients
  REFERENCING NEW TABLE AS client_new FOR EACH STATEMENT EXECUTE FUNCTION client_sets_apply();
CREATE TRIGGER client_sets_delete AFTER DELETE ON clients
  REFERENCING OLD TABLE AS client_old FOR EACH STATEMENT EXECUTE FUNCTION client_sets_apply();
CREATE TRIGGER client_sets_update AFTER UPDATE ON clients
  REFERENCING OLD TABLE AS client_old NEW TABLE AS client_new
  FOR EACH STATEMENT EXECUTE FUNCTION client_sets_apply();
