-- sample-host schema 24: client sets (host API 1.6, hooks.h ListFilterSets). Every set is a bitmap
-- of client ids in blocks of 4096 ids (`bits`: its 512 bytes in hex, the same text on both
-- engines; id block * 4096 + i is bit i % 8 of byte i / 8, least significant first), folded by
-- the `client-sets` job from the changes its writers insert in the transaction of each write (the
-- last change of a (set_key, client_id) wins). A reader applies the changes not yet folded over
-- the blocks, in one statement, so a set is exact in every snapshot. The host's own sets:
-- "clients" (every client), "region:<value>", "language:<value>".
CREATE TABLE client_set_blocks (
  set_key TEXT NOT NULL,
  block   INTEGER NOT NULL,
  bits    TEXT NOT NULL,
  PRIMARY KEY (set_key, block)
) WITHOUT ROWID;
CREATE TABLE client_set_changes (
  id        INTEGER PRIMARY KEY,
  set_key   TEXT NOT NULL,
  client_id INTEGER NOT NULL,
  member    INTEGER NOT NULL
);
CREATE INDEX client_set_changes_key ON client_set_changes (set_key, id);
INSERT INTO client_set_changes (set_key, client_id, member)
  SELECT 'clients', id, 1 FROM clients ORDER BY id;
INSERT INTO client_set_changes (set_key, client_id, member)
  SELECT 'region:' || region, id, 1 FROM clients ORDER BY id;
INSERT INTO client_set_changes (set_key, client_id, member)
  SELECT 'language:' || language, id, 1 FROM clients ORDER BY id;
CREATE TRIGGER client_sets_insert AFTER INSERT ON clients BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
  VALUES ('clients', new.id, 1), ('region:' || new.region, new.id, 1),
         ('language:' || new.language, new.id, 1);
END;
CREATE TRIGGER client_sets_delete AFTER DELETE ON clients BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
  VALUES ('clients', old.id, 0), ('region:' || old.region, old.id, 0),
         ('language:' || old.language, old.id, 0);
END;
CREATE TRIGGER client_sets_region AFTER UPDATE OF region ON clients
WHEN old.region <> new.region BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
  VALUES ('region:' || old.region, old.id, 0), ('region:' || new.region, new.id, 1);
END;
CREATE TRIGGER client_sets_language AFTER UPDATE OF language ON clients
WHEN old.language <> new.language BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
  VALUES ('language:' || old.language, old.id, 0), ('language:' || new.language, new.id, 1);
END;
