-- sample-host schema 16: the search finds words with their accents folded on SQLite too
-- ("elise" finds "Élise", issue 10), as PostgreSQL's crm_fold() does (schema 6). SQLite 3.40's
-- trigram tokenizer cannot fold diacritics, so the index now holds the folded text itself:
-- crm_fold() (lower case, no accents) of the names, the email and the company, one column, kept
-- by the triggers. crm_fold is the host's SQL function (sample-host/core/sqlite_database.cc,
-- text/fold.h), registered on every connection the host opens.
DROP TRIGGER clients_search_insert;
DROP TRIGGER clients_search_delete;
DROP TRIGGER clients_search_update;
DROP TABLE clients_search;
CREATE VIRTUAL TABLE clients_search USING fts5(folded, tokenize = 'trigram');
INSERT INTO clients_search (rowid, folded)
  SELECT id, crm_fold(first_name || ' ' || last_name || ' ' || email || ' ' || company) FROM clients;
CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
  INSERT INTO clients_search (rowid, folded)
  VALUES (new.id, crm_fold(new.first_name || ' ' || new.last_name || ' ' || new.email || ' ' ||
                           new.company));
END;
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
  DELETE FROM clients_search WHERE rowid = old.id;
END;
CREATE TRIGGER clients_search_update AFTER UPDATE OF first_name, last_name, email, company ON clients BEGIN
  UPDATE clients_search
  SET folded = crm_fold(new.first_name || ' ' || new.last_name || ' ' || new.email || ' ' ||
                        new.company)
  WHERE rowid = new.id;
END;
