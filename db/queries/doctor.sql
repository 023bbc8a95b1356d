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
