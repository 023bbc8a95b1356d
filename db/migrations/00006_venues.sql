-- Venues: each distinct venue once, with its folded form, and papers
-- indexed by venue. Written for SQLite 3.40 like 00001.

-- +goose Up

-- venues: every distinct papers.venue, and the venue folded by catalog
-- (importer.Fold: case, diacritics, punctuation), which a venue filter
-- (catalog query --venue) compares. A filter reads this table, a few
-- thousand rows, to find the venues it means, then the papers of those
-- venues by papers_venue: before, it folded the venue of paper after
-- paper, newest first, 80,000 of them for "association for computational"
-- in the corpora. A person can list the venues with their papers:
--   SELECT v.name, count(*) FROM venues v JOIN papers p ON p.venue = v.name
--   GROUP BY v.name ORDER BY 2 DESC;
-- The triggers add the venue of every paper written, by any client;
-- name_key is NULL for a venue that catalog has not folded yet (written by
-- another client), which the filters fold as they read it and catalog's
-- next import stores. This migration folds with catalog_fold, a function
-- catalog registers on its connections: it runs through catalog, which
-- applies its migrations itself when it opens a catalog.
CREATE TABLE venues (
    name     TEXT PRIMARY KEY,          -- as papers.venue writes it
    name_key TEXT                       -- folded (importer.Fold); NULL: not yet
) STRICT, WITHOUT ROWID;

INSERT INTO venues (name, name_key)
SELECT DISTINCT venue, catalog_fold(venue) FROM papers WHERE venue IS NOT NULL;

-- The papers of a venue, newest first by year: the year in the index lets
-- a filtered listing sort them without reading their rows.
CREATE INDEX papers_venue ON papers (venue, year);

-- +goose StatementBegin
CREATE TRIGGER papers_venue_insert AFTER INSERT ON papers
WHEN new.venue IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO venues (name) VALUES (new.venue);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER papers_venue_update AFTER UPDATE OF venue ON papers
WHEN new.venue IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO venues (name) VALUES (new.venue);
END;
-- +goose StatementEnd

-- +goose Down

DROP TRIGGER papers_venue_update;
DROP TRIGGER papers_venue_insert;
DROP INDEX papers_venue;
DROP TABLE venues;
