-- client-documents schema 2: a type may keep its images' metadata byte for byte (SPEC X3, §6
-- "keep_metadata"); by default location metadata is removed from stored image originals.

ALTER TABLE cd_types ADD COLUMN keep_metadata INTEGER NOT NULL DEFAULT 0;
