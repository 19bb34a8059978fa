-- client-documents schema 18 on PostgreSQL: the documents' client sets of ../0018_client_sets.sql
-- (see there). The stage is set before the row is written (schema 16's row trigger), so a
-- statement's transition tables hold each row's final facts. Statement-level triggers over them,
-- one INSERT per statement (as schema 10's counters); an update writes only the facts it moved
-- (the "expiry-stages" job's restage: w gained, or w lost and e gained, per document).
--
-- A document's facts, stated once for the triggers and this migration.
CREATE FUNCTION cd_document_client_sets(type_id BIGINT, review_state TEXT, expiry_stage SMALLINT)
RETURNS SETOF TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT 'cd.' || type_id || f.fact FROM (VALUES ('.has'),
    (CASE review_state WHEN 'approved' THEN '.a' WHEN 'rejected' THEN '.r' ELSE '.p' END),
    (CASE expiry_stage WHEN 1 THEN '.w' WHEN 2 THEN '.e' END)) AS f(fact)
  WHERE f.fact IS NOT NULL
$$;
-- Every document's facts (distinct pairs, all member 1: their order does not matter).
INSERT INTO client_set_changes (set_key, client_id, member)
  SELECT k.set_key, d.client_id, 1 FROM cd_documents d
  CROSS JOIN LATERAL cd_document_client_sets(d.type_id, d.review_state, d.expiry_stage)
    AS k(set_key);
-- An update: the old rows' facts count -1 and the new rows' +1 (rows whose facts' columns
-- changed), so what is left is what the statement changed, at most one change per (set_key,
-- client_id) even when rows trade clients or types: their order in the INSERT does not matter.
CREATE FUNCTION cd_documents_client_sets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO client_set_changes (set_key, client_id, member)
      SELECT k.set_key, n.client_id, 1 FROM cd_new n
      CROSS JOIN LATERAL cd_document_client_sets(n.type_id, n.review_state, n.expiry_stage)
        AS k(set_key);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO client_set_changes (set_key, client_id, member)
      SELECT k.set_key, o.client_id, 0 FROM cd_old o
      CROSS JOIN LATERAL cd_document_client_sets(o.type_id, o.review_state, o.expiry_stage)
        AS k(set_key);
  ELSE
    INSERT INTO client_set_changes (set_key, client_id, member)
      SELECT m.set_key, m.client_id, CASE WHEN SUM(m.delta) > 0 THEN 1 ELSE 0 END
      FROM cd_old o JOIN cd_new n ON n.id = o.id
      CROSS JOIN LATERAL (
        SELECT k.set_key, o.client_id, -1
        FROM cd_document_client_sets(o.type_id, o.review_state, o.expiry_stage) AS k(set_key)
        UNION ALL
        SELECT k.set_key, n.client_id, 1
        FROM cd_document_client_sets(n.type_id, n.review_state, n.expiry_stage) AS k(set_key))
        AS m(set_key, client_id, delta)
      WHERE (o.type_id, o.client_id, o.review_state, o.expiry_stage)
        IS DISTINCT FROM (n.type_id, n.client_id, n.review_state, n.expiry_stage)
      GROUP BY m.set_key, m.client_id HAVING SUM(m.delta) <> 0;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER cd_documents_client_sets_insert AFTER INSERT ON cd_documents
  REFERENCING NEW TABLE AS cd_new FOR EACH STATEMENT EXECUTE FUNCTION cd_documents_client_sets();
CREATE TRIGGER cd_documents_client_sets_delete AFTER DELETE ON cd_documents
  REFERENCING OLD TABLE AS cd_old FOR EACH STATEMENT EXECUTE FUNCTION cd_documents_client_sets();
CREATE TRIGGER cd_documents_client_sets_update AFTER UPDATE ON cd_documents
  REFERENCING OLD TABLE AS cd_old NEW TABLE AS cd_new
  FOR EACH STATEMENT EXECUTE FUNCTION cd_documents_client_sets();
