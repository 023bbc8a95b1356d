-- Queries of catalog doctor. Keep this file ASCII (sqlc). PRAGMAs and the
-- trigger DDL are hand-written in internal/store/doctor.go.

-- name: CountStaleAuthors :one
-- papers.authors, the author string kept for the full-text index, must be
-- the paper's authors in order as authorship names them: what the
-- paper_list view shows.
SELECT count(*) FROM papers AS p JOIN paper_list AS pl ON pl.id = p.id
WHERE p.authors <> pl.authors;

-- name: StaleAuthors :many
SELECT p.id, p.authors AS kept, CAST(pl.authors AS TEXT) AS listed
FROM papers AS p JOIN paper_list AS pl ON pl.id = p.id
WHERE p.authors <> pl.authors
ORDER BY p.id
LIMIT ?;

-- name: RepairAuthors :execrows
-- The FTS update trigger reindexes each paper changed.
UPDATE papers SET authors = (SELECT pl.authors FROM paper_list AS pl WHERE pl.id = papers.id)
WHERE id IN (
    SELECT p.id FROM papers AS p JOIN paper_list AS pl ON pl.id = p.id
    WHERE p.authors <> pl.authors
);

-- name: CheckFTSIndex :exec
-- Fails (SQLITE_CORRUPT_VTAB) when the index does not match the papers
-- table: rank 1 compares it with the content, not only with itself.
-- https://www.sqlite.org/fts5.html#the_integrity_check_command
INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1);

-- name: RebuildFTSIndex :exec
-- https://www.sqlite.org/fts5.html#the_rebuild_command
INSERT INTO papers_fts (papers_fts) VALUES ('rebuild');

-- name: DeleteDanglingAuthorship :execrows
-- authorship rows whose paper or author is gone (deleted by a client with
-- foreign keys off, before migration 00008's triggers).
DELETE FROM authorship
WHERE NOT EXISTS (SELECT 1 FROM papers AS p WHERE p.id = authorship.paper_id)
   OR NOT EXISTS (SELECT 1 FROM authors AS a WHERE a.id = authorship.author_id);

-- name: DeleteDanglingPaperSources :execrows
-- paper_sources rows whose paper or source is gone: a re-import of the
-- source then reads those records again.
DELETE FROM paper_sources
WHERE NOT EXISTS (SELECT 1 FROM papers AS p WHERE p.id = paper_sources.paper_id)
   OR NOT EXISTS (SELECT 1 FROM sources AS s WHERE s.id = paper_sources.source_id);

-- The same three from schema 00009 on, where a paper without authors
-- keeps its editors' and translators' names in papers.authors, so that a
-- search finds it by them: the paper_names view says what it must hold.
-- Doctor runs the queries above on an older schema.

-- name: CountStaleNames :one
SELECT count(*) FROM papers AS p JOIN paper_names AS n ON n.id = p.id
WHERE p.authors <> n.names;

-- name: StaleNames :many
SELECT p.id, p.authors AS kept, CAST(n.names AS TEXT) AS listed
FROM papers AS p JOIN paper_names AS n ON n.id = p.id
WHERE p.authors <> n.names
ORDER BY p.id
LIMIT ?;

-- name: RepairNames :execrows
-- The FTS update trigger reindexes each paper changed.
UPDATE papers SET authors = (SELECT n.names FROM paper_names AS n WHERE n.id = papers.id)
WHERE id IN (
    SELECT p.id FROM papers AS p JOIN paper_names AS n ON n.id = p.id
    WHERE p.authors <> n.names
);

-- name: DeleteDanglingEditorship :execrows
-- editorship rows whose paper or author is gone (schema 00009 on).
DELETE FROM editorship
WHERE NOT EXISTS (SELECT 1 FROM papers AS p WHERE p.id = editorship.paper_id)
   OR NOT EXISTS (SELECT 1 FROM authors AS a WHERE a.id = editorship.author_id);

-- name: CountMissingVenues :one
-- Venues of papers missing from the venues table (schema 00006 on).
SELECT count(DISTINCT p.venue) FROM papers AS p
WHERE p.venue IS NOT NULL AND NOT EXISTS (SELECT 1 FROM venues AS v WHERE v.name = p.venue);

-- name: AddMissingVenues :execrows
INSERT OR IGNORE INTO venues (name)
SELECT DISTINCT p.venue FROM papers AS p
WHERE p.venue IS NOT NULL AND NOT EXISTS (SELECT 1 FROM venues AS v WHERE v.name = p.venue);
