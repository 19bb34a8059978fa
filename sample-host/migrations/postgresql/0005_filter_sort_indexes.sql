-- sample-host schema 5 on PostgreSQL: one filter plus the default sort walks one index, as in
-- ../0005, with lower() for NOCASE.
CREATE INDEX clients_region_name ON clients (region, lower(last_name), lower(first_name));
CREATE INDEX clients_city_name ON clients (city, lower(last_name), lower(first_name));
CREATE INDEX clients_postal_code_name ON clients (postal_code, lower(last_name), lower(first_name));
CREATE INDEX clients_language_name ON clients (language, lower(last_name), lower(first_name));
