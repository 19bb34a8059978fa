-- client-documents schema 13: the client list's per-row probe of a document state (issue 10).
-- A page walks the host's sort order and tests each client: `doc.<type>=pending` (or any review
-- or expiry state) reads the client's document of the type. With the unique (client_id, type_id)
-- index alone that is an index look-up and then the table row; with the state's columns in the
-- index the probe never touches the table (and a count that tests many clients neither).
-- The PostgreSQL twin of 0013 (SQLite also gathers its statistics: ANALYZE of the index).
CREATE INDEX cd_documents_client_state
  ON cd_documents (client_id, type_id, review_state, expires_on, warn_on);
