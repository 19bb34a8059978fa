-- sample-host schema 23: nothing to do on SQLite, whose search index (schema 16) already holds
-- the folded text. postgresql/0023 stores it on PostgreSQL too.
SELECT 1;
