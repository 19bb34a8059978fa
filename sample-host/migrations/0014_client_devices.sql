-- sample-host schema 11 (issue 14, SPEC H15): the devices a client registered for push
-- notifications (one row per push token), listed in the profile's sidebar and removable.
CREATE TABLE client_devices (
  id           INTEGER PRIMARY KEY,
  client_id    INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  platform     TEXT NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
  label        TEXT NOT NULL DEFAULT '',
  token        TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX client_devices_token ON client_devices (client_id, token);
