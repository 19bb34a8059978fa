-- sample-host schema 15 on PostgreSQL, as ../0015_account_tokens.sql (issue 14, SPEC H17): the
-- single-use links mailed to a person about their own login: "forgot password" (1 hour) and the
-- confirmation of a new email address (24 hours). Only the SHA-256 of the mailed token is kept.
CREATE TABLE account_tokens (
  token_hash TEXT PRIMARY KEY,
  purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
  kind       TEXT NOT NULL CHECK (kind IN ('admin', 'client')),
  user_id    BIGINT NOT NULL,
  new_email  TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);
CREATE INDEX account_tokens_user ON account_tokens (kind, user_id, purpose);
