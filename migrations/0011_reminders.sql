-- client-documents schema 11: reminders (PT6, SPEC §6 Jobs; one file for both engines). A need is one client's type in one
-- state (missing, rejected, expiring, expired); the job records when it first saw it and how
-- often it was mailed, so it is mailed at most `max` times and forgotten once met. One row per
-- client and day a reminder went: the job claims the day before mailing, so a second run (or
-- a second node) the same day sends nothing; client 0's row marks the day's pass as done. Staff
-- may pause one client's reminders (plugin/reminders/reminders.h).

CREATE TABLE cd_reminder_needs (
  client_id     INTEGER NOT NULL,
  type_id       INTEGER NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('missing', 'rejected', 'expiring', 'expired')),
  since         TEXT NOT NULL,
  sent_count    INTEGER NOT NULL DEFAULT 0,
  last_sent_on  TEXT,
  PRIMARY KEY (client_id, type_id, state)
);

CREATE TABLE cd_reminder_days (
  client_id  INTEGER NOT NULL,
  day        TEXT NOT NULL,
  sent_at    INTEGER NOT NULL,
  PRIMARY KEY (client_id, day)
);

CREATE TABLE cd_reminder_pauses (
  client_id  INTEGER PRIMARY KEY,
  paused_at  INTEGER NOT NULL,
  paused_by  TEXT NOT NULL DEFAULT ''
);
