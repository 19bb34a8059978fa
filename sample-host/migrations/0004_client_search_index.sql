-- sample-host schema 4: the client search matches the start of names, email and company
-- (LIKE 'word%'); with NOCASE indexes on each, SQLite answers it by index ranges, not a table scan.
CREATE INDEX clients_company ON clients (company COLLATE NOCASE);
