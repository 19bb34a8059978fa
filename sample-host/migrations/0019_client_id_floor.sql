-- sample-host schema 19: a client's id is never given again. SQLite gives a new row the highest
-- rowid + 1, so deleting the newest client made its id the next one's; the files, journal
-- entries, links and tokens that plugins key by client id could then meet a different person
-- (the kill -9 crash test caught a deleted client's file removal taking the next client's new
-- file). The deletions leave their highest id here and ClientStore::Create takes the next id
-- above both this floor and the table's own highest id. PostgreSQL's identity never goes back:
-- its twin only creates the table.
CREATE TABLE host_id_floors (
  name    TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
);
INSERT INTO host_id_floors (name, last_id) SELECT 'clients', COALESCE(MAX(id), 0) FROM clients;
CREATE TRIGGER clients_id_floor AFTER DELETE ON clients BEGIN
  UPDATE host_id_floors SET last_id = MAX(last_id, OLD.id) WHERE name = 'clients';
END;
