-- sample-host schema 3: indexes the client list sorts by (email, first name, region)
-- so that a sorted page on a million clients walks an index instead of sorting the table.
CREATE INDEX clients_email_sort ON clients (email COLLATE NOCASE);
CREATE INDEX clients_first_name ON clients (first_name COLLATE NOCASE, last_name COLLATE NOCASE);
