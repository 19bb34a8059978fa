-- sample-host schema 22: nothing to do on SQLite, where every index ends with the rowid.
-- postgresql/0022 gives PostgreSQL's name, email and creation sorts the id as their last key.
SELECT 1;
