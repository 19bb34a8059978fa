-- client-documents schema 10 on PostgreSQL: the counters of ../0010_document_counts.sql, kept by
-- statement-level triggers over transition tables (one upsert per type and state a statement
-- touches, so a bulk insert of a million documents does not update a counter a million times).
-- Counter rows are touched in (type_id, review_state) order, so two writers wait, never deadlock
-- on each other's counters.
CREATE TABLE cd_document_counts (
  type_id      BIGINT NOT NULL,
  review_state TEXT NOT NULL,
  n            BIGINT NOT NULL,
  PRIMARY KEY (type_id, review_state)
);
INSERT INTO cd_document_counts (type_id, review_state, n)
  SELECT type_id, review_state, COUNT(*) FROM cd_documents GROUP BY type_id, review_state;
CREATE FUNCTION cd_document_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cd_document_counts AS k (type_id, review_state, n)
      SELECT type_id, review_state, COUNT(*) FROM cd_new GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (type_id, review_state) DO UPDATE SET n = k.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO cd_document_counts AS k (type_id, review_state, n)
      SELECT type_id, review_state, -COUNT(*) FROM cd_old GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (type_id, review_state) DO UPDATE SET n = k.n + excluded.n;
  ELSE
    INSERT INTO cd_document_counts AS k (type_id, review_state, n)
      SELECT type_id, review_state, SUM(delta) FROM (
        SELECT type_id, review_state, 1 AS delta FROM cd_new
        UNION ALL SELECT type_id, review_state, -1 FROM cd_old) AS moved
      GROUP BY 1, 2 HAVING SUM(delta) <> 0 ORDER BY 1, 2
      ON CONFLICT (type_id, review_state) DO UPDATE SET n = k.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER cd_document_counts_insert AFTER INSERT ON cd_documents
  REFERENCING NEW TABLE AS cd_new FOR EACH STATEMENT EXECUTE FUNCTION cd_document_counts_apply();
CREATE TRIGGER cd_document_counts_delete AFTER DELETE ON cd_documents
  REFERENCING OLD TABLE AS cd_old FOR EACH STATEMENT EXECUTE FUNCTION cd_document_counts_apply();
CREATE TRIGGER cd_document_counts_update AFTER UPDATE ON cd_documents
  REFERENCING OLD TABLE AS cd_old NEW TABLE AS cd_new
  FOR EACH STATEMENT EXECUTE FUNCTION cd_document_counts_apply();
