-- sample-host schema 6 on PostgreSQL: substring search over names, email and company (what FTS5's
-- trigram index does on SQLite, ../0006), with accents folded: pg_trgm answers
-- `crm_fold(...) LIKE '%word%'` from a GIN index, and crm_fold lower-cases and removes accents
-- (unaccent), so "elise" finds "Élise". Both extensions are trusted: the database owner may
-- create them without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
-- unaccent() is only STABLE (its dictionary could change); naming the dictionary makes the
-- wrapper safe to declare IMMUTABLE, which an index expression requires.
CREATE FUNCTION crm_fold(value TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));
CREATE INDEX clients_search_trgm ON clients USING gin (
  crm_fold(first_name || ' ' || last_name || ' ' || email || ' ' || company) gin_trgm_ops);
