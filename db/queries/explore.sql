-- Queries behind catalog show, authors and stats. Keep this file ASCII (sqlc).

-- name: GetPaper :one
SELECT id, title, year, month, venue, volume, issue, pages, doi, url,
       abstract, entry_type, citation_key, publisher, address
FROM papers WHERE id = ?;

-- name: ListPaperEditors :many
-- A paper's editors, then its translators, each in order.
SELECT e.role, a.id, a.name, a.family, a.given
FROM editorship e JOIN authors a ON a.id = e.author_id
WHERE e.paper_id = ?
ORDER BY e.role, e.position;

-- name: PaperIDsByDOI :many
SELECT id FROM papers WHERE doi = ? ORDER BY id;

-- name: PaperIDsByCitationKey :many
-- A paper's own key, or the key any of its source records gave it. BibTeX
-- keys are compared without regard to ASCII case, as BibTeX does.
SELECT p.id FROM papers p
WHERE p.citation_key = sqlc.arg(key) COLLATE NOCASE
   OR p.id IN (SELECT ps.paper_id FROM paper_sources ps WHERE ps.citation_key = sqlc.arg(key) COLLATE NOCASE)
ORDER BY p.id;

-- name: ListPaperSources :many
SELECT s.path, s.format, ps.record, ps.line, ps.action, ps.matched_on,
       ps.citation_key, s.imported_at
FROM paper_sources ps JOIN sources s ON s.id = ps.source_id
WHERE ps.paper_id = ?
ORDER BY s.id, ps.record;

-- name: ListAuthors :many
-- Authors by number of papers, optionally only those a name filter
-- matches (see search.sql for family/given).
SELECT id, name, name_key, papers,
       CAST(coalesce(first_year, 0) AS INTEGER) AS first_year,
       CAST(coalesce(last_year, 0) AS INTEGER) AS last_year
FROM author_list
WHERE (family_key = sqlc.narg(family) OR sqlc.narg(family) IS NULL)
  AND (name_key LIKE sqlc.narg(family) || '|' || sqlc.narg(given) || '%' OR sqlc.narg(given) IS NULL)
ORDER BY papers DESC, family_key, name_key, id
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListCoauthors :many
-- The people who wrote papers with one author, by number of shared papers.
-- The coauthor_pairs view holds the same counts; this query starts from the
-- author's own papers instead of every pair.
SELECT a.id, a.name, count(DISTINCT y.paper_id) AS papers,
       CAST(coalesce(min(p.year), 0) AS INTEGER) AS first_year,
       CAST(coalesce(max(p.year), 0) AS INTEGER) AS last_year
FROM authorship x
JOIN authorship y ON y.paper_id = x.paper_id AND y.author_id <> x.author_id
JOIN authors a ON a.id = y.author_id
JOIN papers p ON p.id = y.paper_id
WHERE x.author_id = sqlc.arg(author_id)
GROUP BY a.id
ORDER BY papers DESC, a.family_key, a.name_key, a.id
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: CatalogCounts :one
SELECT
    (SELECT count(*) FROM papers) AS papers,
    (SELECT count(*) FROM authors) AS authors,
    (SELECT count(*) FROM authorship) AS authorships,
    (SELECT count(*) FROM sources) AS sources,
    (SELECT count(*) FROM paper_sources) AS source_records,
    (SELECT count(*) FROM paper_sources WHERE action = 'merged') AS merges,
    (SELECT CAST(coalesce(min(year), 0) AS INTEGER) FROM papers) AS first_year,
    (SELECT CAST(coalesce(max(year), 0) AS INTEGER) FROM papers) AS last_year;

-- name: PapersPerFormat :many
-- Papers with at least one source record of each format (a merged paper
-- counts under each of its formats).
SELECT s.format, count(DISTINCT ps.paper_id) AS papers
FROM paper_sources ps JOIN sources s ON s.id = ps.source_id
GROUP BY s.format
ORDER BY papers DESC, s.format;
