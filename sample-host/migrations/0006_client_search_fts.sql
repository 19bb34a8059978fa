-- sample-host schema 6: the client search finds a word anywhere in the names, the email
-- and the company ("eeter" finds "Bakkerij Peeters"), not only at the start. An FTS5
-- index with the trigram tokenizer answers substring matches of 3+ characters from the
-- index (milliseconds on 1,000,000 clients); shorter words keep the prefix search of
-- schema 4. External content: the text stays in `clients`, the triggers keep the index
-- in step with every insert, update and delete.
CREATE VIRTUAL TABLE clients_search USING fts5(
  first_name, last_name, email, company,
  content = 'clients', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO clients_search (clients_search) VALUES ('rebuild');
CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
  INSERT INTO clients_search (rowid, first_name, last_name, email, company)
  VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
END;
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
  INSERT INTO clients_search (clients_search, rowid, first_name, last_name, email, company)
  VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
END;
CREATE TRIGGER clients_search_update AFTER UPDATE OF first_name, last_name, email, company ON clients BEGIN
  INSERT INTO clients_search (clients_search, rowid, first_name, last_name, email, company)
  VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
  INSERT INTO clients_search (rowid, first_name, last_name, email, company)
  VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
END;
