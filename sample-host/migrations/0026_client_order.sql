-- sample-host schema 26: the clients' default list order (last name, first name, id) as a process
-- keeps it (app/client_order.h). A rename adds an 'order' change to client_set_changes (schema 24;
-- an insert or a deletion adds 'clients' changes already); the fold consumes 'order' changes
-- without blocks and bumps this generation in its transaction whenever it folds either kind. An
-- order held at a generation is current while that generation stands and no such change waits.
CREATE TABLE client_order_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL
);
INSERT INTO client_order_generation (id, n) VALUES (1, 0);
CREATE TRIGGER client_order_rename AFTER UPDATE OF last_name, first_name ON clients
WHEN old.last_name IS NOT new.last_name OR old.first_name IS NOT new.first_name BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member) VALUES ('order', new.id, 1);
END;
