-- client-documents schema 15: nothing on SQLite. PostgreSQL's twin gives its planner statistics
-- of the documents' type and dates together (issue 10); SQLite's planner walks the indexes the
-- list asks for whatever it estimates.
SELECT 1;
