-- sample-host schema 21: nothing to do on SQLite, where every index ends with the rowid, so the
-- (city) index of schema 1 already gives `ORDER BY c.city, c.id` (sort=city, postal_code,
-- region, language). postgresql/0021 gives PostgreSQL the same.
SELECT 1;
