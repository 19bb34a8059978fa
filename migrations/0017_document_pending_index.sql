-- client-documents schema 17: nothing on SQLite. PostgreSQL's twin gives `pending` (review states
-- none and pending) one index run in client order; SQLite merges the two states' runs of schema
-- 14's (type_id, review_state, client_id, ...) as a UNION ALL instead, and did not take such a
-- partial index for that count (plugin/review/review_store.h StateFilterCount).
SELECT 1;
