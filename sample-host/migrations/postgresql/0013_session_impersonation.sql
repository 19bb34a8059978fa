-- sample-host schema 10 on PostgreSQL: the same as ../0010_session_impersonation.sql.
ALTER TABLE sessions ADD COLUMN impersonator_id BIGINT;
