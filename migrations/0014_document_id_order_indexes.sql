-- client-documents schema 14: a state's clients in client_id order, from the index alone (issue
-- 10). A list total counted up to its 10,000 bound merges id streams (the host's region index,
-- the search's rowids, a document filter's clients): each stream must come in client_id order and
-- never touch the table. (type_id, review_state, client_id) gave approved's clients in order but
-- read each row's dates from the table; pending (two states) and the expiry states (dates) had no
-- ordered stream at all. Now: one state's range with its dates (approved, rejected), and the
-- type's documents in client_id order with their state and dates (pending, expiring, expired),
-- filtered inside the index. The first replaces (type_id, review_state, client_id), its prefix.
DROP INDEX cd_documents_type_state;
CREATE INDEX cd_documents_type_state_dates
  ON cd_documents (type_id, review_state, client_id, expires_on, warn_on);
CREATE INDEX cd_documents_type_client_state
  ON cd_documents (type_id, client_id, review_state, expires_on, warn_on);
-- Their statistics now (SQLite), as schema 13 does for its index.
ANALYZE cd_documents_type_state_dates;
ANALYZE cd_documents_type_client_state;
