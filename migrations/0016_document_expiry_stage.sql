-- client-documents schema 16: each dated document's expiry stage as of one stored day (issue 10).
-- The expiring and expired states move at midnight, so no index can hold them by date alone: a
-- list total of `doc.<type>=expiring|expired` read every document of the type in client order and
-- tested its dates (600,000 entries for a type at a million clients, for 200,000 matches). Here
-- expiry_stage is 0 (neither), 1 (warned: warn_on <= day) or 2 (expired: expires_on < day), the
-- dated steps of plugin/review/state.h ComputeStatus, for the day in cd_expiry_stage_day. Triggers
-- give a written document its stage for the stored day in the write's transaction; the
-- "expiry-stages" job (plugin/review/expiry_stages.h) moves the day forward and restages only the
-- documents whose dates it crossed. The list counts with (type_id, expiry_stage, client_id) only
-- when the stored day is the request's today, and from the dates otherwise: a stale day costs
-- time, never a wrong total.
ALTER TABLE cd_documents ADD COLUMN expiry_stage INTEGER NOT NULL DEFAULT 0;
CREATE TABLE cd_expiry_stage_day (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  day TEXT NOT NULL
);
-- Today in UTC, as the host's clock gives it (plugin/review/state.h IsoDate).
INSERT INTO cd_expiry_stage_day (id, day) VALUES (1, date('now'));
-- Each document's stage for the stored day: the rule, stated once for the triggers below and
-- this migration (plugin/review/expiry_stages.cc restages with the same CASE for a new day).
CREATE VIEW cd_document_expiry_stages (id, stage) AS
  SELECT d.id, CASE WHEN d.expires_on IS NOT NULL AND d.expires_on < s.day THEN 2
                    WHEN d.warn_on IS NOT NULL AND d.warn_on <= s.day THEN 1 ELSE 0 END
  FROM cd_documents d JOIN cd_expiry_stage_day s ON s.id = 1;
UPDATE cd_documents
  SET expiry_stage = (SELECT v.stage FROM cd_document_expiry_stages v WHERE v.id = cd_documents.id)
  WHERE expires_on IS NOT NULL OR warn_on IS NOT NULL;
-- A stage's clients in client order, with the review state for the types that have review.
CREATE INDEX cd_documents_type_stage
  ON cd_documents (type_id, expiry_stage, client_id, review_state);
CREATE TRIGGER cd_documents_expiry_stage_insert AFTER INSERT ON cd_documents
WHEN new.expires_on IS NOT NULL OR new.warn_on IS NOT NULL BEGIN
  UPDATE cd_documents SET expiry_stage =
    (SELECT v.stage FROM cd_document_expiry_stages v WHERE v.id = new.id) WHERE id = new.id;
END;
CREATE TRIGGER cd_documents_expiry_stage_update AFTER UPDATE OF expires_on, warn_on ON cd_documents
WHEN old.expires_on IS NOT new.expires_on OR old.warn_on IS NOT new.warn_on BEGIN
  UPDATE cd_documents SET expiry_stage =
    (SELECT v.stage FROM cd_document_expiry_stages v WHERE v.id = new.id) WHERE id = new.id;
END;
ANALYZE cd_documents_type_stage;
