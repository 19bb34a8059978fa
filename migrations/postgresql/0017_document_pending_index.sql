-- client-documents schema 17 on PostgreSQL: the clients of each type's documents waiting for review
-- (review states none and pending) in client order, in a partial index (issue 10). The list's
-- count of `doc.<type>=pending` (StateFilterCount: `review_state IN ('none', 'pending')`, which
-- the index's predicate matches) merge-joins this run with another stream; it read every document
-- of the type in client order from (type_id, client_id, review_state, ...) and dropped the approved
-- and rejected ones (a UNION ALL of the two states' runs, as SQLite does it, is hashed here). At a
-- million clients, region + pending: 15 -> 7-8 ms for the count.
CREATE INDEX cd_documents_type_pending ON cd_documents (type_id, client_id)
  WHERE review_state IN ('none', 'pending');
