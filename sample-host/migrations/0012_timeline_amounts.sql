-- sample-host schema 9 (issue 14, SPEC H12): an entry fed through the API may carry an amount
-- (a purchase), in whole cents; the sidebar's figures count a client's entries by type.
ALTER TABLE timeline ADD COLUMN amount_cents INTEGER;
CREATE INDEX timeline_client_type ON timeline (client_id, type);
