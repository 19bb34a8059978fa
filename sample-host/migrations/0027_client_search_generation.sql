-- sample-host schema 27: the generation of the search's matches as a process keeps them
-- (app/client_search_cache.h: a bitmap per searched words). A change to what the search reads
-- (names, email, company) of a client, its insertion or its deletion waits in client_set_changes
-- ('clients' on insertion and deletion, schema 24; 'order' on a rename, schema 26; 'search', added
-- here, when the email or the company changes); the fold consumes 'search' changes without blocks
-- and bumps `search` in its transaction whenever it folds any of the three. A bitmap read at a
-- generation is current while that generation stands once the clients of the changes still
-- waiting are tested again.
ALTER TABLE client_order_generation ADD COLUMN search INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER client_search_edit AFTER UPDATE OF email, company ON clients
WHEN old.email IS NOT new.email OR old.company IS NOT new.company BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member) VALUES ('search', new.id, 1);
END;
