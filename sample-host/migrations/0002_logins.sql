-- sample-host schema 2: admin users and permissions, sessions, API tokens, login attempts
-- (rate limiting) and client email confirmation tokens (SPEC H3). Secrets are stored hashed only.

CREATE TABLE admin_users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL,
  name          TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,               -- Argon2id encoded
  language      TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'nl')),
  active        INTEGER NOT NULL DEFAULT 1,
  superuser     INTEGER NOT NULL DEFAULT 0,  -- the first admin: every permission, plugins' included
  created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX admin_users_email ON admin_users (lower(email));

CREATE TABLE admin_permissions (
  admin_id   INTEGER NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
  permission TEXT NOT NULL,                  -- "clients.read", "documents.write", ...
  PRIMARY KEY (admin_id, permission)
) WITHOUT ROWID;

-- The cookie holds a random 256-bit id; only its SHA-256 (hex) is kept, so a copy of the
-- database does not hand out live sessions.
CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('admin', 'client')),
  user_id      INTEGER NOT NULL,             -- admin_users.id or clients.id, by kind
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (kind, user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,         -- SHA-256 hex of the raw token
  owner_id     INTEGER NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
  name         TEXT NOT NULL DEFAULT '',
  scopes       TEXT NOT NULL DEFAULT '',     -- space-separated, e.g. "clients:read documents:read"
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_owner ON api_tokens (owner_id);

CREATE TABLE login_attempts (
  id         INTEGER PRIMARY KEY,
  email      TEXT NOT NULL,                  -- lower-cased
  ip         TEXT NOT NULL DEFAULT '',
  success    INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (email, ip, created_at);

CREATE TABLE email_confirmations (
  token_hash TEXT PRIMARY KEY,               -- SHA-256 hex of the mailed token
  client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX email_confirmations_client ON email_confirmations (client_id);
