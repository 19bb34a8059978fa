-- client-documents schema 12 on PostgreSQL: the counters of ../0012_document_expiry_counts.sql,
-- kept by statement-level triggers over transition tables as ./0010_document_counts.sql does
-- (one upsert per key a statement touches; keys touched in order, so writers never deadlock on
-- each other's counters). Only dated rows (an expiry or a warning date) are counted.
CREATE TABLE cd_document_expiry_counts (
  type_id      BIGINT NOT NULL,
  review_state TEXT NOT NULL,
  expires_on   TEXT NOT NULL,
  warn_on      TEXT NOT NULL,
  n            BIGINT NOT NULL,
  PRIMARY KEY (type_id, review_state, expires_on, warn_on)
);
INSERT INTO cd_document_expiry_counts (type_id, review_state, expires_on, warn_on, n)
  SELECT type_id, review_state, COALESCE(expires_on, ''), COALESCE(warn_on, ''), COUNT(*)
  FROM cd_documents WHERE expires_on IS NOT NULL OR warn_on IS NOT NULL GROUP BY 1, 2, 3, 4;
CREATE FUNCTION cd_document_expiry_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cd_document_expiry_counts AS k (type_id, review_state, expires_on, warn_on, n)
      SELECT type_id, review_state, COALESCE(expires_on, ''), COALESCE(warn_on, ''), COUNT(*)
      FROM cd_new WHERE expires_on IS NOT NULL OR warn_on IS NOT NULL
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (type_id, review_state, expires_on, warn_on) DO UPDATE SET n = k.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO cd_document_expiry_counts AS k (type_id, review_state, expires_on, warn_on, n)
      SELECT type_id, review_state, COALESCE(expires_on, ''), COALESCE(warn_on, ''), -COUNT(*)
      FROM cd_old WHERE expires_on IS NOT NULL OR warn_on IS NOT NULL
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (type_id, review_state, expires_on, warn_on) DO UPDATE SET n = k.n + excluded.n;
  ELSE
    INSERT INTO cd_document_expiry_counts AS k (type_id, review_state, expires_on, warn_on, n)
      SELECT type_id, review_state, e, w, SUM(delta) FROM (
        SELECT type_id, review_state, COALESCE(expires_on, '') AS e, COALESCE(warn_on, '') AS w,
               1 AS delta
        FROM cd_new WHERE expires_on IS NOT NULL OR warn_on IS NOT NULL
        UNION ALL
        SELECT type_id, review_state, COALESCE(expires_on, ''), COALESCE(warn_on, ''), -1
        FROM cd_old WHERE expires_on IS NOT NULL OR warn_on IS NOT NULL) AS moved
      GROUP BY 1, 2, 3, 4 HAVING SUM(delta) <> 0 ORDER BY 1, 2, 3, 4
      ON CONFLICT (type_id, review_state, expires_on, warn_on) DO UPDATE SET n = k.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER cd_document_expiry_counts_insert AFTER INSERT ON cd_documents
  REFERENCING NEW TABLE AS cd_new
  FOR EACH STATEMENT EXECUTE FUNCTION cd_document_expiry_counts_apply();
CREATE TRIGGER cd_document_expiry_counts_delete AFTER DELETE ON cd_documents
  REFERENCING OLD TABLE AS cd_old
  FOR EACH STATEMENT EXECUTE FUNCTION cd_document_expiry_counts_apply();
CREATE TRIGGER cd_document_expiry_counts_update AFTER UPDATE ON cd_documents
  REFERENCING OLD TABLE AS cd_old NEW TABLE AS cd_new
  FOR EACH STATEMENT EXECUTE FUNCTION cd_document_expiry_counts_apply();
