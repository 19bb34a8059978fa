-- sample-host schema 8 (issue 14, SPEC H11, H16, H17): what a client gains beyond schema 1,
-- kept in a table of its own (one row per client, written with the client in one
-- transaction): billing and delivery addresses, the origin recorded at creation (UTM
-- parameters, referrer, device), the avatar's stored file name and the overall newsletter
-- status; then the newsletter lists and each client's subscriptions.

CREATE TABLE client_profiles (
  client_id            INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
  billing_street       TEXT NOT NULL DEFAULT '',
  billing_postal_code  TEXT NOT NULL DEFAULT '',
  billing_city         TEXT NOT NULL DEFAULT '',
  billing_region       TEXT NOT NULL DEFAULT '',
  billing_country      TEXT NOT NULL DEFAULT '',
  delivery_street      TEXT NOT NULL DEFAULT '',
  delivery_postal_code TEXT NOT NULL DEFAULT '',
  delivery_city        TEXT NOT NULL DEFAULT '',
  delivery_region      TEXT NOT NULL DEFAULT '',
  delivery_country     TEXT NOT NULL DEFAULT '',
  origin_source        TEXT NOT NULL DEFAULT '',
  origin_medium        TEXT NOT NULL DEFAULT '',
  origin_campaign      TEXT NOT NULL DEFAULT '',
  origin_referrer      TEXT NOT NULL DEFAULT '',
  origin_device        TEXT NOT NULL DEFAULT '',
  avatar               TEXT NOT NULL DEFAULT '',   -- generated file name, '' when none
  newsletter_status    TEXT NOT NULL DEFAULT 'unknown'
                       CHECK (newsletter_status IN ('subscribed', 'unsubscribed', 'unknown'))
);
CREATE INDEX client_profiles_newsletter ON client_profiles (newsletter_status, client_id);

CREATE TABLE newsletter_lists (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX newsletter_lists_name ON newsletter_lists (lower(name));

CREATE TABLE newsletter_subscriptions (
  list_id    INTEGER NOT NULL REFERENCES newsletter_lists (id) ON DELETE CASCADE,
  client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (list_id, client_id)
);
CREATE INDEX newsletter_subscriptions_client ON newsletter_subscriptions (client_id, list_id);

-- The unsubscribe links of the host's mails: a random token per mail, stored hashed
-- (SHA-256 hex); GET shows a page, POST unsubscribes (mail scanners open links).
CREATE TABLE newsletter_unsubscribe_tokens (
  token_hash TEXT PRIMARY KEY,
  client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
);
CREATE INDEX newsletter_unsubscribe_tokens_client ON newsletter_unsubscribe_tokens (client_id);
