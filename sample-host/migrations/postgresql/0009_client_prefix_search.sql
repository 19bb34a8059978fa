-- sample-host schema 9 on PostgreSQL: a search word of one or two characters matches the start
-- of a name, the email or the company (`lower(col) LIKE 'du%'`). The lower() indexes of schemas
-- 3-5 use the database's collation, which LIKE cannot range-scan unless it is "C"; these
-- pattern_ops indexes can, so the count of such a search is four index ranges, not a table scan.
CREATE INDEX clients_prefix_last_name ON clients (lower(last_name) text_pattern_ops);
CREATE INDEX clients_prefix_first_name ON clients (lower(first_name) text_pattern_ops);
CREATE INDEX clients_prefix_email ON clients (lower(email) text_pattern_ops);
CREATE INDEX clients_prefix_company ON clients (lower(company) text_pattern_ops);
