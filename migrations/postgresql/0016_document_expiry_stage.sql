-- client-documents schema 16 on PostgreSQL: the expiry stage of ../0016_document_expiry_stage.sql
-- (see there). A row trigger sets it before the row is written, only for dated documents (and for
-- a change of dates); it reads the stored day FOR SHARE, so a document written while the
-- "expiry-stages" job moves the day (the job locks the day's table before its first query) waits
-- for the job and takes the new day, and the job, which waits for the writers that read the day
-- before it, sees their documents and restages them: no document keeps the stage of a day that is
-- no longer stored (plugin/review/expiry_stages.h).
ALTER TABLE cd_documents ADD COLUMN expiry_stage SMALLINT NOT NULL DEFAULT 0;
CREATE TABLE cd_expiry_stage_day (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  day TEXT NOT NULL
);
-- Today in UTC, as the host's clock gives it (plugin/review/state.h IsoDate).
INSERT INTO cd_expiry_stage_day (id, day)
  VALUES (1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'));
UPDATE cd_documents d SET expiry_stage =
  CASE WHEN d.expires_on IS NOT NULL AND d.expires_on < s.day THEN 2
       WHEN d.warn_on IS NOT NULL AND d.warn_on <= s.day THEN 1 ELSE 0 END
  FROM cd_expiry_stage_day s
  WHERE s.id = 1 AND (d.expires_on IS NOT NULL OR d.warn_on IS NOT NULL);
CREATE INDEX cd_documents_type_stage
  ON cd_documents (type_id, expiry_stage, client_id, review_state);
CREATE FUNCTION cd_documents_expiry_stage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stored TEXT;
BEGIN
  SELECT day INTO stored FROM cd_expiry_stage_day WHERE id = 1 FOR SHARE;
  NEW.expiry_stage :=
    CASE WHEN NEW.expires_on IS NOT NULL AND NEW.expires_on < stored THEN 2
         WHEN NEW.warn_on IS NOT NULL AND NEW.warn_on <= stored THEN 1 ELSE 0 END;
  RETURN NEW;
END $$;
CREATE TRIGGER cd_documents_expiry_stage_insert BEFORE INSERT ON cd_documents
  FOR EACH ROW WHEN (NEW.expires_on IS NOT NULL OR NEW.warn_on IS NOT NULL)
  EXECUTE FUNCTION cd_documents_expiry_stage();
CREATE TRIGGER cd_documents_expiry_stage_update BEFORE UPDATE OF expires_on, warn_on ON cd_documents
  FOR EACH ROW WHEN (OLD.expires_on IS DISTINCT FROM NEW.expires_on
                     OR OLD.warn_on IS DISTINCT FROM NEW.warn_on)
  EXECUTE FUNCTION cd_documents_expiry_stage();
-- Statistics of the new column, and the visibility map's count in the catalog: the UPDATE above
-- took the restaged documents' pages out of it, and the host's migrator vacuums a table whose
-- catalog shows more than a tenth of its pages out (sample-host/core/migrator.h).
ANALYZE cd_documents;
