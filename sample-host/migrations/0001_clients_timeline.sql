-- sample-host schema 1: clients (SPEC H1), their tags, and the action history (H4).
-- Applied by the same migrator as the plugins' migrations, under the owner "host".

CREATE TABLE clients (
  id               INTEGER PRIMARY KEY,
  first_name       TEXT NOT NULL DEFAULT '',
  last_name        TEXT NOT NULL DEFAULT '',
  birth_date       TEXT,                       -- YYYY-MM-DD
  gender           TEXT NOT NULL DEFAULT '',
  email            TEXT NOT NULL DEFAULT '',
  phone            TEXT NOT NULL DEFAULT '',
  mobile           TEXT NOT NULL DEFAULT '',
  website          TEXT NOT NULL DEFAULT '',
  street           TEXT NOT NULL DEFAULT '',
  postal_code      TEXT NOT NULL DEFAULT '',
  city             TEXT NOT NULL DEFAULT '',
  region           TEXT NOT NULL DEFAULT '',
  country          TEXT NOT NULL DEFAULT '',
  language         TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'nl')),
  company          TEXT NOT NULL DEFAULT '',
  vat_number       TEXT NOT NULL DEFAULT '',
  tax_code         TEXT NOT NULL DEFAULT '',
  login_enabled    INTEGER NOT NULL DEFAULT 0,
  password_hash    TEXT,                       -- Argon2id encoded, NULL: no password yet
  email_confirmed  INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,           -- Unix seconds, UTC
  updated_at       INTEGER NOT NULL
);
-- Unique login e-mail among clients that have one (case-insensitive).
CREATE UNIQUE INDEX clients_email_login ON clients (lower(email)) WHERE email <> '';
CREATE INDEX clients_last_name ON clients (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX clients_created ON clients (created_at);
CREATE INDEX clients_region ON clients (region);
CREATE INDEX clients_city ON clients (city);
CREATE INDEX clients_postal_code ON clients (postal_code);
CREATE INDEX clients_language ON clients (language);

CREATE TABLE client_tags (
  client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  tag       TEXT NOT NULL,
  PRIMARY KEY (client_id, tag)
) WITHOUT ROWID;
CREATE INDEX client_tags_tag ON client_tags (tag, client_id);

CREATE TABLE timeline (
  id         INTEGER PRIMARY KEY,
  client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  type       TEXT NOT NULL,          -- "host.note", "client-documents.upload", ...
  title      TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT '',
  actor      TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX timeline_client ON timeline (client_id, created_at DESC);
