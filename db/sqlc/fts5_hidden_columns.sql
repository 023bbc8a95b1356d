-- Read by sqlc only, never by goose: declares the hidden columns that every
-- FTS5 table has, so that sqlc accepts `papers_fts MATCH ?`, `rank` and
-- `rowid` (sqlc-dev/sqlc#3204 and #3901: sqlc's SQLite catalog does not know
-- them). Because of these extra fields, never SELECT * from papers_fts.
ALTER TABLE papers_fts ADD COLUMN papers_fts TEXT NOT NULL;
ALTER TABLE papers_fts ADD COLUMN rank REAL NOT NULL;
ALTER TABLE papers_fts ADD COLUMN rowid INTEGER NOT NULL;
