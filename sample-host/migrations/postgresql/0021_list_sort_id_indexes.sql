-- sample-host schema 21 on PostgreSQL (issue 10): sort=city, postal_code, region and language
-- order by (column, id), as on SQLite, whose (column) indexes end with the rowid. PostgreSQL's
-- (column) index of schema 1 does not: a page walked it and sorted each value's clients by id
-- (an Incremental Sort of a whole city, 50,000 clients at a million) before taking 50 rows,
-- 250-300 ms. (column, id) gives the order itself and serves `column = ?` as (column) did,
-- which it replaces.
DROP INDEX clients_city;
DROP INDEX clients_postal_code;
DROP INDEX clients_region;
DROP INDEX clients_language;
CREATE INDEX clients_city_id ON clients (city, id);
CREATE INDEX clients_postal_code_id ON clients (postal_code, id);
CREATE INDEX clients_region_id ON clients (region, id);
CREATE INDEX clients_language_id ON clients (language, id);
