-- client-documents schema 10: how many documents each type has in each review state, kept up to
-- date by triggers in the transaction of every write to cd_documents (upload, replacement,
-- review, deletion, a client's deletion), so the client list counts `doc.<type>` filters from a
-- counter row instead of visiting a million clients (issue 10, host API 1.4 ListFilterSize):
-- uploaded = the type's rows, missing = all clients minus them, pending / approved / rejected
-- from the review states (plugin/documents/list_sql.h DocumentFilterSize).
CREATE TABLE cd_document_counts (
  type_id      INTEGER NOT NULL,
  review_state TEXT NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (type_id, review_state)
) WITHOUT ROWID;
INSERT INTO cd_document_counts (type_id, review_state, n)
  SELECT type_id, review_state, COUNT(*) FROM cd_documents WHERE true
  GROUP BY type_id, review_state;
CREATE TRIGGER cd_document_counts_insert AFTER INSERT ON cd_documents BEGIN
  INSERT INTO cd_document_counts (type_id, review_state, n)
  VALUES (new.type_id, new.review_state, 1)
  ON CONFLICT (type_id, review_state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER cd_document_counts_delete AFTER DELETE ON cd_documents BEGIN
  UPDATE cd_document_counts SET n = n - 1
  WHERE type_id = old.type_id AND review_state = old.review_state;
END;
CREATE TRIGGER cd_document_counts_update AFTER UPDATE OF type_id, review_state ON cd_documents
WHEN old.type_id <> new.type_id OR old.review_state <> new.review_state BEGIN
  UPDATE cd_document_counts SET n = n - 1
  WHERE type_id = old.type_id AND review_state = old.review_state;
  INSERT INTO cd_document_counts (type_id, review_state, n)
  VALUES (new.type_id, new.review_state, 1)
  ON CONFLICT (type_id, review_state) DO UPDATE SET n = n + 1;
END;
