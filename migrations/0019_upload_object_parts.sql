-- Issue 9: with a store that writes objects in parts (S3's multipart upload, host API 1.7), a
-- resumable upload's bytes are sent once, as numbered parts of the object that becomes the
-- document's file, instead of one part object per PATCH copied into a new object at the end
-- (plugin/uploads/use_cases.h). The same SQL on SQLite and PostgreSQL.

-- The object the parts make ("files/<client_id>/<random>.bin") and the store's id of its upload
-- in parts; NULL for an upload whose bytes are part objects or a file on the local store.
ALTER TABLE cd_uploads ADD COLUMN object_key TEXT;
ALTER TABLE cd_uploads ADD COLUMN parts_upload_id TEXT;

-- 0: the bytes are the object storage_key (a part object). Otherwise they are part `part_number`
-- of the upload's object, stored with the tag `part_tag`, and storage_key is
-- "<object_key>#<part_number>", which names no object ('#' is not allowed in object keys).
ALTER TABLE cd_upload_parts ADD COLUMN part_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cd_upload_parts ADD COLUMN part_tag TEXT NOT NULL DEFAULT '';
