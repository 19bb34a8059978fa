-- sample-host schema 20 (issue 15.14; one file for both engines): the host's own settings, one row
-- per key. Today `time_zone` (an IANA name; absent means "UTC").
CREATE TABLE host_settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
