-- client-documents schema 15 on PostgreSQL: statistics of a document's type and dates together
-- (issue 10). Only some types have an expiry field, and a date's state is read from two columns
-- (expiring: not expired and warn_on passed), so PostgreSQL's product of per-column selectivities
-- guessed 8,372 expired documents of a type where 199,999 were, and 5,435 expiring where 200,002
-- were (1M clients): a random offset page of `doc.N=expired` then joined the whole set and sorted
-- it (500 ms) instead of walking the sort index (63 ms). With a most-common-values list over the
-- three columns the guesses are 199,307 and 196,707. ANALYZE so that they hold from the start.
CREATE STATISTICS cd_documents_type_dates (mcv) ON type_id, expires_on, warn_on FROM cd_documents;
ANALYZE cd_documents;
