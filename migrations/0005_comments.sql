-- client-documents schema 5: comments on documents (PT3, SPEC §6) and the mails they owe.
-- A comment waits in cd_comment_notices until its side has been quiet for 10 minutes, so
-- several comments make one mail (plugin/comments/comments.h).

CREATE TABLE cd_comments (
  id           INTEGER PRIMARY KEY,
  client_id    INTEGER NOT NULL,
  type_id      INTEGER NOT NULL REFERENCES cd_types (id),
  author_kind  TEXT NOT NULL CHECK (author_kind IN ('staff', 'client', 'contact')),
  author_name  TEXT NOT NULL DEFAULT '',
  body         TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX cd_comments_document ON cd_comments (client_id, type_id, id);

-- One row per comment still to announce: to the client (a staff comment) or to staff.
CREATE TABLE cd_comment_notices (
  id          INTEGER PRIMARY KEY,
  comment_id  INTEGER NOT NULL REFERENCES cd_comments (id),
  client_id   INTEGER NOT NULL,
  recipient   TEXT NOT NULL CHECK (recipient IN ('client', 'staff')),
  created_at  INTEGER NOT NULL
);
CREATE INDEX cd_comment_notices_batch ON cd_comment_notices (client_id, recipient, created_at);
