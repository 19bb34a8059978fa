-- sample-host schema 9 on PostgreSQL: the same as ../0009_timeline_amounts.sql.
ALTER TABLE timeline ADD COLUMN amount_cents BIGINT;
CREATE INDEX timeline_client_type ON timeline (client_id, type);
