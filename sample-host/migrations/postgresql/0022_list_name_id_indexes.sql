-- sample-host schema 22 on PostgreSQL (issue 10, keyset paging): the remaining sort indexes end
-- with the id, as schema 21's did for city, postal code, region and language, and as every
-- SQLite index does (the rowid). A cursor page reads the rows tied with the cursor's sort values
-- past its id: over a (last name, first name) index PostgreSQL fetched and sorted the whole tie
-- group (1,200 clients of one name at a million) for each page; over (..., id) it reads the
-- index from the cursor. Each index replaces the one it extends.
DROP INDEX clients_last_name;
DROP INDEX clients_first_name;
DROP INDEX clients_email_sort;
DROP INDEX clients_created;
DROP INDEX clients_region_name;
DROP INDEX clients_city_name;
DROP INDEX clients_postal_code_name;
DROP INDEX clients_language_name;
CREATE INDEX clients_last_name_id ON clients (lower(last_name), lower(first_name), id);
CREATE INDEX clients_first_name_id ON clients (lower(first_name), lower(last_name), id);
CREATE INDEX clients_email_sort_id ON clients (lower(email), id);
CREATE INDEX clients_created_id ON clients (created_at, id);
CREATE INDEX clients_region_name_id ON clients (region, lower(last_name), lower(first_name), id);
CREATE INDEX clients_city_name_id ON clients (city, lower(last_name), lower(first_name), id);
CREATE INDEX clients_postal_code_name_id
  ON clients (postal_code, lower(last_name), lower(first_name), id);
CREATE INDEX clients_language_name_id
  ON clients (language, lower(last_name), lower(first_name), id);
