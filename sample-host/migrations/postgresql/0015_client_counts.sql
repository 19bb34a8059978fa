-- sample-host schema 15 on PostgreSQL: the counters of ../0015_client_counts.sql, kept by
-- statement-level triggers over transition tables (one upsert per value a statement touches, so
-- seeding a million clients does not update a counter a million times). Counter rows are
-- touched in (kind, value) order: two writers wait for each other, never deadlock.
CREATE TABLE client_counts (
  kind  TEXT NOT NULL,
  value TEXT NOT NULL,
  n     BIGINT NOT NULL,
  PRIMARY KEY (kind, value)
);
INSERT INTO client_counts (kind, value, n)
  SELECT v.kind, v.value, COUNT(*) FROM clients m CROSS JOIN LATERAL (VALUES ('', ''), ('region', m.region), ('city', m.city), ('postal_code', m.postal_code),
        ('language', m.language)) AS v(kind, value)
  GROUP BY 1, 2;
INSERT INTO client_counts (kind, value, n)
  SELECT 'tag', tag, COUNT(*) FROM client_tags GROUP BY tag;
CREATE FUNCTION client_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO client_counts AS k (kind, value, n)
      SELECT v.kind, v.value, COUNT(*) FROM client_new m CROSS JOIN LATERAL (VALUES ('', ''), ('region', m.region), ('city', m.city), ('postal_code', m.postal_code),
        ('language', m.language)) AS v(kind, value)
      GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (kind, value) DO UPDATE SET n = k.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO client_counts AS k (kind, value, n)
      SELECT v.kind, v.value, -COUNT(*) FROM client_old m CROSS JOIN LATERAL (VALUES ('', ''), ('region', m.region), ('city', m.city), ('postal_code', m.postal_code),
        ('language', m.language)) AS v(kind, value)
      GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (kind, value) DO UPDATE SET n = k.n + excluded.n;
  ELSE
    INSERT INTO client_counts AS k (kind, value, n)
      SELECT kind, value, SUM(delta) FROM (
        SELECT v.kind, v.value, 1 AS delta FROM client_new m CROSS JOIN LATERAL (VALUES ('region', m.region), ('city', m.city), ('postal_code', m.postal_code),
        ('language', m.language)) AS v(kind, value)
        UNION ALL
        SELECT v.kind, v.value, -1 FROM client_old m CROSS JOIN LATERAL (VALUES ('region', m.region), ('city', m.city), ('postal_code', m.postal_code),
        ('language', m.language)) AS v(kind, value)
      ) AS moved GROUP BY 1, 2 HAVING SUM(delta) <> 0 ORDER BY 1, 2
      ON CONFLICT (kind, value) DO UPDATE SET n = k.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER client_counts_insert AFTER INSERT ON clients
  REFERENCING NEW TABLE AS client_new FOR EACH STATEMENT EXECUTE FUNCTION client_counts_apply();
CREATE TRIGGER client_counts_delete AFTER DELETE ON clients
  REFERENCING OLD TABLE AS client_old FOR EACH STATEMENT EXECUTE FUNCTION client_counts_apply();
CREATE TRIGGER client_counts_update AFTER UPDATE ON clients
  REFERENCING OLD TABLE AS client_old NEW TABLE AS client_new
  FOR EACH STATEMENT EXECUTE FUNCTION client_counts_apply();
CREATE FUNCTION client_counts_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO client_counts AS k (kind, value, n)
      SELECT 'tag', tag, COUNT(*) FROM tag_new GROUP BY tag ORDER BY tag
      ON CONFLICT (kind, value) DO UPDATE SET n = k.n + excluded.n;
  ELSE
    INSERT INTO client_counts AS k (kind, value, n)
      SELECT 'tag', tag, -COUNT(*) FROM tag_old GROUP BY tag ORDER BY tag
      ON CONFLICT (kind, value) DO UPDATE SET n = k.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER client_counts_tag_insert AFTER INSERT ON client_tags
  REFERENCING NEW TABLE AS tag_new FOR EACH STATEMENT EXECUTE FUNCTION client_counts_tags();
CREATE TRIGGER client_counts_tag_delete AFTER DELETE ON client_tags
  REFERENCING OLD TABLE AS tag_old FOR EACH STATEMENT EXECUTE FUNCTION client_counts_tags();
