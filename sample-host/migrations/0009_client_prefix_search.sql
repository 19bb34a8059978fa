-- sample-host schema 9: nothing to add on SQLite, whose NOCASE indexes (schemas 3 and 4) already
-- answer the search's prefix LIKE for short words; postgresql/0009 adds what PostgreSQL needs.
SELECT 1;
