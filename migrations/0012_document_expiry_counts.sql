-- client-documents schema 12: how many dated documents (an expiry or a warning date) each type
-- has per review state and per pair of dates, kept by triggers in the transaction of every write
-- to cd_documents, as schema 10 keeps its counters. The expiring and expired states move at
-- midnight, so no single counter can follow them; but a type's dated documents share few distinct
-- dates (one row per day and state), so the list sums a range of this table to count
-- `doc.<type>=expiring|expired` (and approved, for a type with an expiry field) exactly, in the
-- time the page takes (issue 10; plugin/review/review_store.h StateFilterSize). '' stands for no
-- date, so that the key has no NULL.
CREATE TABLE cd_document_expiry_counts (
  type_id      INTEGER NOT NULL,
  review_state TEXT NOT NULL,
  expires_on   TEXT NOT NULL,
  warn_on      TEXT NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (type_id, review_state, expires_on, warn_on)
) WITHOUT ROWID;
INSERT INTO cd_document_expiry_counts (type_id, review_state, expires_on, warn_on, n)
  SELECT type_id, review_state, COALESCE(expires_on, ''), COALESCE(warn_on, ''), COUNT(*)
  FROM cd_documents WHERE expires_on IS NOT NULL OR warn_on IS NOT NULL
  GROUP BY type_id, review_state, COALESCE(expires_on, ''), COALESCE(warn_on, '');
CREATE TRIGGER cd_document_expiry_counts_insert AFTER INSERT ON cd_documents
WHEN new.expires_on IS NOT NULL OR new.warn_on IS NOT NULL BEGIN
  INSERT INTO cd_document_expiry_counts (type_id, review_state, expires_on, warn_on, n)
  VALUES (new.type_id, new.review_state, COALESCE(new.expires_on, ''), COALESCE(new.warn_on, ''), 1)
  ON CONFLICT (type_id, review_state, expires_on, warn_on) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER cd_document_expiry_counts_delete AFTER DELETE ON cd_documents
WHEN old.expires_on IS NOT NULL OR old.warn_on IS NOT NULL BEGIN
  UPDATE cd_document_expiry_counts SET n = n - 1
  WHERE type_id = old.type_id AND review_state = old.review_state
    AND expires_on = COALESCE(old.expires_on, '') AND warn_on = COALESCE(old.warn_on, '');
END;
CREATE TRIGGER cd_document_expiry_counts_update
AFTER UPDATE OF type_id, review_state, expires_on, warn_on ON cd_documents
WHEN old.type_id <> new.type_id OR old.review_state <> new.review_state
  OR old.expires_on IS NOT new.expires_on OR old.warn_on IS NOT new.warn_on BEGIN
  UPDATE cd_document_expiry_counts SET n = n - 1
  WHERE (old.expires_on IS NOT NULL OR old.warn_on IS NOT NULL)
    AND type_id = old.type_id AND review_state = old.review_state
    AND expires_on = COALESCE(old.expires_on, '') AND warn_on = COALESCE(old.warn_on, '');
  INSERT INTO cd_document_expiry_counts (type_id, review_state, expires_on, warn_on, n)
  SELECT new.type_id, new.review_state, COALESCE(new.expires_on, ''), COALESCE(new.warn_on, ''), 1
  WHERE new.expires_on IS NOT NULL OR new.warn_on IS NOT NULL
  ON CONFLICT (type_id, review_state, expires_on, warn_on) DO UPDATE SET n = n + 1;
END;
