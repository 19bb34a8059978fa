-- sample-host schema 4 on PostgreSQL: the company prefix index of ../0004 with lower().
CREATE INDEX clients_company ON clients (lower(company));
