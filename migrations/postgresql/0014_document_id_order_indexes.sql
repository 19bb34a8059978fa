-- client-documents schema 14 on PostgreSQL: the same indexes as the SQLite file (a state's
-- clients in client_id order, with the state and dates, for index-only scans); PostgreSQL
-- gathers their statistics itself, so the twin lacks only the ANALYZE.
DROP INDEX cd_documents_type_state;
CREATE INDEX cd_documents_type_state_dates
  ON cd_documents (type_id, review_state, client_id, expires_on, warn_on);
CREATE INDEX cd_documents_type_client_state
  ON cd_documents (type_id, client_id, review_state, expires_on, warn_on);
