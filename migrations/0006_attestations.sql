-- client-documents schema 3: attestation templates (SPEC AT1; the .docx/.odt kept base64 in
-- the row: small, and no orphan file on a crash), their products, and the attestations made
-- (AT2-AT4). A refused attestation keeps only who, when, why and the SHA-256 (storage_key NULL).

CREATE TABLE cd_att_templates (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL,
  entity            TEXT NOT NULL CHECK (entity IN ('client', 'contract', 'beneficiary')),
  title             TEXT NOT NULL DEFAULT '',
  validation        TEXT NOT NULL CHECK (validation IN ('none', 'prior')),
  format            TEXT NOT NULL CHECK (format IN ('docx', 'odt')),
  content_b64       TEXT NOT NULL,
  placeholders_json TEXT NOT NULL DEFAULT '[]',  -- [{"key","known","label","default","required"}]
  created_at        INTEGER NOT NULL
);

CREATE TABLE cd_att_product_templates (
  product_code TEXT NOT NULL,
  template_id  INTEGER NOT NULL REFERENCES cd_att_templates (id) ON DELETE CASCADE,
  PRIMARY KEY (product_code, template_id)
);

CREATE TABLE cd_attestations (
  id             INTEGER PRIMARY KEY,
  client_id      INTEGER NOT NULL,
  contract_id    INTEGER NOT NULL,
  template_id    INTEGER NOT NULL,
  beneficiary_id INTEGER,
  status         TEXT NOT NULL CHECK (status IN ('shared', 'awaiting_validation', 'refused')),
  storage_key    TEXT UNIQUE,                  -- the PDF in the file store; NULL once refused
  file_name      TEXT NOT NULL,
  size           INTEGER NOT NULL,
  sha256         TEXT NOT NULL,
  requested_by   TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  task_id        INTEGER,
  decided_by     TEXT NOT NULL DEFAULT '',
  decided_at     INTEGER,
  reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cd_attestations_client ON cd_attestations (client_id, created_at);
CREATE INDEX cd_attestations_status ON cd_attestations (status, created_at);
