-- client-documents schema 18: the documents' client sets (host API 1.6, host-api/hooks.h
-- ListFilterSets), so that the list's total of any combination of `doc.<type>` filters (with the
-- host's own) is counted by ANDing the host's bitmaps of client ids instead of reading the
-- documents (plugin/review/review_store.h StateFilterSets, plugin/documents/list_sql.h
-- DocumentFilterSets). Each document puts its client in the sets 'cd.<type_id>.<fact>':
--   has      always (the document exists);
--   p, a, r  its review state: p (none or pending), a (approved), r (rejected), exactly one;
--   w, e     its expiry stage of schema 16 (w: 1, warned; e: 2, expired; neither for 0), so these
--            sets are of cd_expiry_stage_day's day and a formula reads them only on that day.
-- Triggers write each change to the host's client_set_changes in the transaction of the write:
-- member 1 for a fact the write makes true, 0 for one it makes false (a fact that stays true
-- is not written again).
--
-- The facts of the stored documents, stated once for the triggers below and this migration; the
-- old row's twins in the delete and update triggers list the same three arms.
CREATE VIEW cd_document_client_sets (id, client_id, set_key) AS
  SELECT id, client_id, 'cd.' || type_id || '.has' FROM cd_documents
  UNION ALL
  SELECT id, client_id, 'cd.' || type_id ||
    CASE review_state WHEN 'approved' THEN '.a' WHEN 'rejected' THEN '.r' ELSE '.p' END
  FROM cd_documents
  UNION ALL
  SELECT id, client_id, 'cd.' || type_id || CASE expiry_stage WHEN 1 THEN '.w' ELSE '.e' END
  FROM cd_documents WHERE expiry_stage IN (1, 2);
-- Every document's facts (distinct pairs, all member 1: their order does not matter).
INSERT INTO client_set_changes (set_key, client_id, member)
  SELECT set_key, client_id, 1 FROM cd_document_client_sets;
-- A trigger reads the row as it is when the trigger runs (by id), not NEW (the row as its
-- statement wrote it): schema 16's triggers update the stage of the row just written, and SQLite
-- may run them before or after these (it runs a table's triggers newest first, which is not
-- documented). Read by id, the last change of each fact is the row's final state either way: the
-- stage's own update has its changes from the update trigger, and whichever trigger runs last
-- writes what the row holds then.
CREATE TRIGGER cd_documents_client_sets_insert AFTER INSERT ON cd_documents BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
    SELECT set_key, client_id, 1 FROM cd_document_client_sets WHERE id = new.id;
END;
CREATE TRIGGER cd_documents_client_sets_delete AFTER DELETE ON cd_documents BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
    SELECT 'cd.' || old.type_id || '.has', old.client_id, 0
    UNION ALL
    SELECT 'cd.' || old.type_id ||
      CASE old.review_state WHEN 'approved' THEN '.a' WHEN 'rejected' THEN '.r' ELSE '.p' END,
      old.client_id, 0
    UNION ALL
    SELECT 'cd.' || old.type_id || CASE old.expiry_stage WHEN 1 THEN '.w' ELSE '.e' END,
      old.client_id, 0
    WHERE old.expiry_stage IN (1, 2);
END;
-- The old row's facts count -1, the row's facts now +1: what is left is what the write changed,
-- at most one change per (set_key, client_id), so their order in the statement does not matter.
CREATE TRIGGER cd_documents_client_sets_update
AFTER UPDATE OF type_id, client_id, review_state, expiry_stage ON cd_documents
WHEN old.type_id <> new.type_id OR old.client_id <> new.client_id
  OR old.review_state <> new.review_state OR old.expiry_stage <> new.expiry_stage BEGIN
  INSERT INTO client_set_changes (set_key, client_id, member)
    SELECT set_key, client_id, CASE WHEN SUM(delta) > 0 THEN 1 ELSE 0 END FROM (
      SELECT set_key, client_id, 1 AS delta FROM cd_document_client_sets WHERE id = new.id
      UNION ALL
      SELECT 'cd.' || old.type_id || '.has', old.client_id, -1
      UNION ALL
      SELECT 'cd.' || old.type_id ||
        CASE old.review_state WHEN 'approved' THEN '.a' WHEN 'rejected' THEN '.r' ELSE '.p' END,
        old.client_id, -1
      UNION ALL
      SELECT 'cd.' || old.type_id || CASE old.expiry_stage WHEN 1 THEN '.w' ELSE '.e' END,
        old.client_id, -1
      WHERE old.expiry_stage IN (1, 2))
    GROUP BY set_key, client_id HAVING SUM(delta) <> 0;
END;
