-- Queries behind catalog query. Keep this file ASCII (sqlc).

-- name: SearchPapers :many
-- Ranked full-text search. rank is bm25 with the weights configured in the
-- migration (title 10, abstract 1, authors 4); lower is better.
SELECT
    p.id,
    p.year,
    p.title,
    p.authors,
    snippet(papers_fts, -1, sqlc.arg(mark_open), sqlc.arg(mark_close), sqlc.arg(ellipsis), 24) AS snippet,
    papers_fts.rank AS score
FROM papers_fts
JOIN papers p ON p.id = papers_fts.rowid
WHERE papers_fts MATCH sqlc.arg(match)
ORDER BY papers_fts.rank
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListPaperAuthors :many
SELECT a.id, a.name, a.family, a.given, s.position
FROM authorship s JOIN authors a ON a.id = s.author_id
WHERE s.paper_id = ?
ORDER BY s.position;

-- name: CountPapers :one
SELECT count(*) FROM papers;

-- name: CountAuthors :one
SELECT count(*) FROM authors;
