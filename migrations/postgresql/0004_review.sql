-- client-documents schema 4 on PostgreSQL: as ../0004_review.sql (review and expiry, PT5, X1),
-- with BIGINT for the review time.

ALTER TABLE cd_types ADD COLUMN review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cd_types ADD COLUMN expiry_field TEXT NOT NULL DEFAULT '';
ALTER TABLE cd_types ADD COLUMN expiry_warn_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE cd_types ADD COLUMN retention_days INTEGER;

ALTER TABLE cd_documents ADD COLUMN review_state TEXT NOT NULL DEFAULT 'none'
  CHECK (review_state IN ('none', 'pending', 'approved', 'rejected'));
ALTER TABLE cd_documents ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cd_documents ADD COLUMN review_by TEXT NOT NULL DEFAULT '';
ALTER TABLE cd_documents ADD COLUMN review_at BIGINT;
ALTER TABLE cd_documents ADD COLUMN expires_on TEXT;
ALTER TABLE cd_documents ADD COLUMN warn_on TEXT;

-- Filters by state start from the type (page probes use the unique (client_id, type_id)).
CREATE INDEX cd_documents_type_state ON cd_documents (type_id, review_state, client_id);
CREATE INDEX cd_documents_type_expiry ON cd_documents (type_id, expires_on);
-- The review queue: pending documents, oldest first, across clients.
CREATE INDEX cd_documents_queue ON cd_documents (review_state, uploaded_at);
