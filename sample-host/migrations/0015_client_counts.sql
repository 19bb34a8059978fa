-- sample-host schema 15: how many clients there are, and per value of each list filter of the
-- host (region, city, postal code, language, tag), kept up to date by triggers in the
-- transaction of every write, so the client list knows these sizes with one index look-up
-- instead of counting a million rows (issue 10; the host's ListFilterSize, client_list_sql.h).
-- kind '' value '' is every client.
CREATE TABLE client_counts (
  kind  TEXT NOT NULL,
  value TEXT NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (kind, value)
) WITHOUT ROWID;
INSERT INTO client_counts (kind, value, n) SELECT '', '', COUNT(*) FROM clients;
INSERT INTO client_counts (kind, value, n)
  SELECT 'region', region, COUNT(*) FROM clients GROUP BY region;
INSERT INTO client_counts (kind, value, n) SELECT 'city', city, COUNT(*) FROM clients GROUP BY city;
INSERT INTO client_counts (kind, value, n)
  SELECT 'postal_code', postal_code, COUNT(*) FROM clients GROUP BY postal_code;
INSERT INTO client_counts (kind, value, n)
  SELECT 'language', language, COUNT(*) FROM clients GROUP BY language;
INSERT INTO client_counts (kind, value, n)
  SELECT 'tag', tag, COUNT(*) FROM client_tags GROUP BY tag;
CREATE TRIGGER client_counts_insert AFTER INSERT ON clients BEGIN
  INSERT INTO client_counts (kind, value, n)
  VALUES ('', '', 1), ('region', new.region, 1), ('city', new.city, 1),
         ('postal_code', new.postal_code, 1), ('language', new.language, 1)
  ON CONFLICT (kind, value) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER client_counts_delete AFTER DELETE ON clients BEGIN
  UPDATE client_counts SET n = n - 1
  WHERE (kind = '' AND value = '') OR (kind = 'region' AND value = old.region)
     OR (kind = 'city' AND value = old.city) OR (kind = 'postal_code' AND value = old.postal_code)
     OR (kind = 'language' AND value = old.language);
END;
CREATE TRIGGER client_counts_update AFTER UPDATE OF region, city, postal_code, language ON clients
WHEN old.region <> new.region OR old.city <> new.city OR old.postal_code <> new.postal_code
  OR old.language <> new.language BEGIN
  UPDATE client_counts SET n = n - 1
  WHERE (kind = 'region' AND value = old.region) OR (kind = 'city' AND value = old.city)
     OR (kind = 'postal_code' AND value = old.postal_code)
     OR (kind = 'language' AND value = old.language);
  INSERT INTO client_counts (kind, value, n)
  VALUES ('region', new.region, 1), ('city', new.city, 1),
         ('postal_code', new.postal_code, 1), ('language', new.language, 1)
  ON CONFLICT (kind, value) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER client_counts_tag_insert AFTER INSERT ON client_tags BEGIN
  INSERT INTO client_counts (kind, value, n) VALUES ('tag', new.tag, 1)
  ON CONFLICT (kind, value) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER client_counts_tag_delete AFTER DELETE ON client_tags BEGIN
  UPDATE client_counts SET n = n - 1 WHERE kind = 'tag' AND value = old.tag;
END;
