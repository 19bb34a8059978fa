-- sample-host schema 25 on PostgreSQL: ../0025_client_set_generation.sql.
CREATE TABLE client_set_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  BIGINT NOT NULL
);
INSERT INTO client_set_generation (id, n) VALUES (1, 0);
