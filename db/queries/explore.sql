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
-- Authors by number of papers, most first: a page of them, read without
-- the author_list view, which counts every author's papers and reads
-- every paper's year before the first row (2-3 s and 490 MB on the
-- corpora). Papers are counted in the authorship_author index alone
-- (counted); the page's bound, the number of papers of its last author
-- (last: offset + limit - 1, past the end for every author), keeps only
-- the authors that can be on it, whose rows are then read and sorted.
-- Authors without papers, last, are looked for only when the page
-- reaches them. The page's years are read last, for its rows only,
-- through papers_filter (id, year), not the papers' rows.
WITH counted AS (
    SELECT s.author_id AS id, count(DISTINCT s.paper_id) AS papers
    FROM authorship s
    GROUP BY s.author_id
),
bound AS (
    SELECT coalesce((SELECT c.papers FROM counted c ORDER BY c.papers DESC LIMIT 1 OFFSET sqlc.arg(last)), 0) AS papers
),
candidates AS (
    SELECT c.id, c.papers FROM counted c WHERE c.papers >= (SELECT b.papers FROM bound b)
    UNION ALL
    SELECT a.id, 0 FROM authors a
    WHERE (SELECT b.papers FROM bound b) = 0
      AND NOT EXISTS (SELECT 1 FROM authorship s WHERE s.author_id = a.id)
)
SELECT t.id, t.name, t.name_key, t.papers,
       CAST(coalesce((SELECT min(y.year) FROM authorship s JOIN papers y INDEXED BY papers_filter ON y.id = s.paper_id WHERE s.author_id = t.id), 0) AS INTEGER) AS first_year,
       CAST(coalesce((SELECT max(y.year) FROM authorship s JOIN papers y INDEXED BY papers_filter ON y.id = s.paper_id WHERE s.author_id = t.id), 0) AS INTEGER) AS last_year
FROM (
    SELECT a.id, a.name, a.name_key, a.family_key, c.papers
    FROM candidates c JOIN authors a ON a.id = c.id
    ORDER BY c.papers DESC, a.family_key, a.name_key, a.id
    LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset)
) t
ORDER BY t.papers DESC, t.family_key, t.name_key, t.id;

-- name: ListAuthorsNamed :many
-- ListAuthors for the authors a name filter matches (see search.sql for
-- family/given): found by the authors_family_key index, their papers
-- counted in authorship_author, the page's years read for its rows only.
SELECT t.id, t.name, t.name_key, t.papers,
       CAST(coalesce((SELECT min(y.year) FROM authorship s JOIN papers y INDEXED BY papers_filter ON y.id = s.paper_id WHERE s.author_id = t.id), 0) AS INTEGER) AS first_year,
       CAST(coalesce((SELECT max(y.year) FROM authorship s JOIN papers y INDEXED BY papers_filter ON y.id = s.paper_id WHERE s.author_id = t.id), 0) AS INTEGER) AS last_year
FROM (
    SELECT a.id, a.name, a.name_key, a.family_key,
           (SELECT count(DISTINCT s.paper_id) FROM authorship s WHERE s.author_id = a.id) AS papers
    FROM authors a
    WHERE a.family_key = sqlc.arg(family)
      AND (a.name_key LIKE sqlc.arg(family) || '|' || sqlc.narg(given) || '%' OR sqlc.narg(given) IS NULL)
    ORDER BY papers DESC, a.family_key, a.name_key, a.id
    LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset)
) t
ORDER BY t.papers DESC, t.family_key, t.name_key, t.id;

-- name: CountAuthorsNamed :one
-- How many authors a name filter matches.
SELECT count(*) FROM authors a
WHERE a.family_key = sqlc.arg(family)
  AND (a.name_key LIKE sqlc.arg(family) || '|' || sqlc.narg(given) || '%' OR sqlc.narg(given) IS NULL);

-- name: ListCoauthors :many
-- The people who wrote papers with one author, by number of shared papers.
-- The coauthor_pairs view holds the same counts; this query starts from the
-- author's own papers instead of every pair, and reads their years from
-- papers_filter (id, year), not from the papers' rows.
SELECT a.id, a.name, count(DISTINCT y.paper_id) AS papers,
       CAST(coalesce(min(p.year), 0) AS INTEGER) AS first_year,
       CAST(coalesce(max(p.year), 0) AS INTEGER) AS last_year
FROM authorship x
JOIN authorship y ON y.paper_id = x.paper_id AND y.author_id <> x.author_id
JOIN authors a ON a.id = y.author_id
JOIN papers p INDEXED BY papers_filter ON p.id = y.paper_id
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

-- name: GetPapersByIDs :many
-- Papers by id, in the order of the JSON array ids_json (json_each's key
-- is the position): catalog export and query read the papers they write
-- a few hundred at a time (Store.EachPaper).
SELECT p.id, p.title, p.year, p.month, p.venue, p.volume, p.issue, p.pages, p.doi, p.url,
       p.abstract, p.entry_type, p.citation_key, p.publisher, p.address
FROM json_each(sqlc.arg(ids_json)) j JOIN papers p ON p.id = j.value
ORDER BY j.key;

-- name: ListEditorsOfPaperSet :many
-- The editors, then the translators, of the papers of the JSON array
-- ids_json, each in order.
SELECT e.paper_id, e.role, a.id, a.name, a.family, a.given
FROM editorship e JOIN authors a ON a.id = e.author_id
WHERE e.paper_id IN (SELECT j.value FROM json_each(sqlc.arg(ids_json)) j)
ORDER BY e.paper_id, e.role, e.position;

-- name: ListAuthorsOfPaperSet :many
-- The authors of the papers of the JSON array ids_json, in order.
SELECT s.paper_id, a.id, a.name, a.family, a.given
FROM authorship s JOIN authors a ON a.id = s.author_id
WHERE s.paper_id IN (SELECT j.value FROM json_each(sqlc.arg(ids_json)) j)
ORDER BY s.paper_id, s.position;

-- name: CitationKeysOf :many
-- The citation keys of the papers of the JSON array ids_json, in its
-- order ('' for none): export reserves them before it writes a paper.
SELECT coalesce(p.citation_key, '') AS citation_key
FROM json_each(sqlc.arg(ids_json)) j JOIN papers p ON p.id = j.value
ORDER BY j.key;
