-- sample-host schema 16 on PostgreSQL: nothing to do; schema 6 already folds accents (crm_fold
-- over pg_trgm). ../0016 brings SQLite's search index to the same folding.
SELECT 1;
