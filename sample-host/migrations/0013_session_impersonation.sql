-- sample-host schema 10 (issue 14, SPEC H14): a client session opened by an admin ("log in as the
-- client") names that admin; the client's password is never involved.
ALTER TABLE sessions ADD COLUMN impersonator_id INTEGER;
