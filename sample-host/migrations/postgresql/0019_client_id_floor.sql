-- sample-host schema 19 on PostgreSQL: as ../0019_client_id_floor.sql, the table only. An
-- identity column never gives an id twice, so nothing keeps the floor here.
CREATE TABLE host_id_floors (
  name    TEXT PRIMARY KEY,
  last_id BIGINT NOT NULL
);
