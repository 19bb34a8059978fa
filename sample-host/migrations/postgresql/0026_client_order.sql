-- sample-host schema 26 on PostgreSQL: ../0026_client_order.sql.
CREATE TABLE client_order_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  BIGINT NOT NULL
);
INSERT INTO client_order_generation (id, n) VALUES (1, 0);
CREATE FUNCTION client_order_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
    SELECT 'order', n.id, 1 FROM client_old o JOIN client_new n ON n.id = o.id
    WHERE o.last_name IS DISTINCT FROM n.last_name OR o.first_name IS DISTINCT FROM n.first_name;
  RETURN NULL;
END $$;
CREATE TRIGGER client_order_rename AFTER UPDATE ON clients
  REFERENCING OLD TABLE AS client_old NEW TABLE AS client_new
  FOR EACH STATEMENT EXECUTE FUNCTION client_order_rename();
