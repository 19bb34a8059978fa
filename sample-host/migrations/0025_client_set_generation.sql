-- sample-host schema 25: the generation of the client sets' blocks (schema 24), bumped by every
-- fold in its transaction, so that a process may keep the blocks it decoded and read only the
-- unfolded changes while the generation it read with them is the one it holds.
CREATE TABLE client_set_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL
);
INSERT INTO client_set_generation (id, n) VALUES (1, 0);
