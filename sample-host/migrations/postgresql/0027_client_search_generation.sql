-- sample-host schema 27 on PostgreSQL: ../0027_client_search_generation.sql. One trigger for both
-- kinds of edits (it replaces schema 26's client_order_rename): one join of the statement's old
-- and new rows adds an 'order' change for a rename and a 'search' change for a new email or
-- company.
ALTER TABLE client_order_generation ADD COLUMN search BIGINT NOT NULL DEFAULT 0;
DROP TRIGGER client_order_rename ON clients;
DROP FUNCTION client_order_rename();
CREATE FUNCTION client_list_edits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
    SELECT k.set_key, n.id, 1 FROM client_old o JOIN client_new n ON n.id = o.id
    CROSS JOIN LATERAL (VALUES
      ('order', o.last_name IS DISTINCT FROM n.last_name OR o.first_name IS DISTINCT FROM n.first_name),
      ('search', o.email IS DISTINCT FROM n.email OR o.company IS DISTINCT FROM n.company))
      AS k (set_key, edited)
    WHERE k.edited;
  RETURN NULL;
END $$;
CREATE TRIGGER client_list_edits AFTER UPDATE ON clients
  REFERENCING OLD TABLE AS client_old NEW TABLE AS client_new
  FOR EACH STATEMENT EXECUTE FUNCTION client_list_edits();
