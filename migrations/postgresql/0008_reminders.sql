-- client-documents schema 8 on PostgreSQL: reminders' needs, the days a client was reminded
-- and the paused clients, as ../0008_reminders.sql with 64-bit ids.

CREATE TABLE cd_reminder_needs (
  client_id     BIGINT NOT NULL,
  type_id       BIGINT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('missing', 'rejected', 'expiring', 'expired')),
  since         TEXT NOT NULL,
  sent_count    INTEGER NOT NULL DEFAULT 0,
  last_sent_on  TEXT,
  PRIMARY KEY (client_id, type_id, state)
);

CREATE TABLE cd_reminder_days (
  client_id  BIGINT NOT NULL,
  day        TEXT NOT NULL,
  sent_at    BIGINT NOT NULL,
  PRIMARY KEY (client_id, day)
);

CREATE TABLE cd_reminder_pauses (
  client_id  BIGINT PRIMARY KEY,
  paused_at  BIGINT NOT NULL,
  paused_by  TEXT NOT NULL DEFAULT ''
);
