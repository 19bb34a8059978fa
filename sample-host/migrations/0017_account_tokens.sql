-- sample-host schema 17 (issue 14, SPEC H17; one file for both engines): the single-use links mailed to a person about their
-- own login: "forgot password" (1 hour) and the confirmation of a new email address (24 hours).
-- Only the SHA-256 of the mailed token is kept; a row names an admin or a client by `kind`.
CREATE TABLE account_tokens (
  token_hash TEXT PRIMARY KEY,                -- SHA-256 hex of the mailed token
  purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
  kind       TEXT NOT NULL CHECK (kind IN ('admin', 'client')),
  user_id    INTEGER NOT NULL,                -- admin_users.id or clients.id, by kind
  new_email  TEXT NOT NULL DEFAULT '',        -- email_change: the address being confirmed
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX account_tokens_user ON account_tokens (kind, user_id, purpose);
