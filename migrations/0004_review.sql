-- client-documents schema 4: review and expiry (PT5, X1, SPEC §6). A type may ask for review,
-- mark one of its date fields as its expiry (warned N days before) and keep archived versions
-- for a retention period. A document stores its review state, and its expiry and warning dates
-- (YYYY-MM-DD, so the list compares them with today as text, on both dialects), kept up to date
-- in the transaction that uploads, reviews or changes the type (plugin/review/state.h).

ALTER TABLE cd_types ADD COLUMN review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cd_types ADD COLUMN expiry_field TEXT NOT NULL DEFAULT '';
ALTER TABLE cd_types ADD COLUMN expiry_warn_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE cd_types ADD COLUMN retention_days INTEGER;

ALTER TABLE cd_documents ADD COLUMN review_state TEXT NOT NULL DEFAULT 'none'
  CHECK (review_state IN ('none', 'pending', 'approved', 'rejected'));
ALTER TABLE cd_documents ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cd_documents ADD COLUMN review_by TEXT NOT NULL DEFAULT '';
ALTER TABLE cd_documents ADD COLUMN review_at INTEGER;
ALTER TABLE cd_documents ADD COLUMN expires_on TEXT;
ALTER TABLE cd_documents ADD COLUMN warn_on TEXT;

-- Filters by state start from the type (page probes use the unique (client_id, type_id)).
CREATE INDEX cd_documents_type_state ON cd_documents (type_id, review_state, client_id);
CREATE INDEX cd_documents_type_expiry ON cd_documents (type_id, expires_on);
-- The review queue: pending documents, oldest first, across clients.
CREATE INDEX cd_documents_queue ON cd_documents (review_state, uploaded_at);
