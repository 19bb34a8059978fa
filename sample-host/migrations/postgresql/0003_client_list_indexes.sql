-- sample-host schema 3 on PostgreSQL: the sort indexes of ../0003 with lower() for NOCASE.
CREATE INDEX clients_email_sort ON clients (lower(email));
CREATE INDEX clients_first_name ON clients (lower(first_name), lower(last_name));
