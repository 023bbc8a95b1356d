-- Queries of the import write path. Keep this file ASCII (sqlc).
-- The rows of authorship and paper_sources are written in batches of many
-- rows per INSERT, which sqlc cannot express: internal/store/batch.go.

-- name: GetSource :one
-- A file imported before under the same format (another format's reading
-- is another source).
SELECT id, path, format, owner, records FROM sources WHERE sha256 = ? AND format = ?;

-- name: InsertSource :one
INSERT INTO sources (path, sha256, format, owner, size, records)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: SetSourceRecords :exec
UPDATE sources SET records = ? WHERE id = ?;

-- name: FindPapersByTitleKey :many
SELECT id, title, title_key, year, month, venue, volume, issue, pages, doi, url,
       abstract, abstract_source, entry_type, citation_key, authors, publisher, address
FROM papers WHERE title_key = ? ORDER BY id LIMIT 50;

-- name: FindPapersByDOI :many
SELECT id, title, title_key, year, month, venue, volume, issue, pages, doi, url,
       abstract, abstract_source, entry_type, citation_key, authors, publisher, address
FROM papers WHERE doi = ? ORDER BY id LIMIT 50;

-- name: GetPaperCandidate :one
-- The same columns for one paper: an import into an empty catalog finds
-- its duplicate candidates in memory, by id (internal/store/import.go).
SELECT id, title, title_key, year, month, venue, volume, issue, pages, doi, url,
       abstract, abstract_source, entry_type, citation_key, authors, publisher, address
FROM papers WHERE id = ?;

-- name: PaperFamilyKeys :many
SELECT a.family_key
FROM authorship s JOIN authors a ON a.id = s.author_id
WHERE s.paper_id = ?
ORDER BY s.position;

-- name: InsertPaper :execlastid
-- :execlastid, not RETURNING id (:one): the query path of database/sql
-- (rows, Next, Scan, Close) cost about 5 us more per insert than an Exec
-- and LastInsertId, a second of the corpora's import on the writer.
INSERT INTO papers (
    title, title_source, title_key, year, month, venue, volume, issue, pages,
    doi, url, abstract, abstract_source, entry_type, citation_key, authors,
    publisher, address
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: FillPaper :exec
-- Fills a merged paper's missing fields; Go decides what is missing, so a
-- value here is only ever written over NULL, or over an authors string
-- that is empty or names the editors of a paper without authors.
UPDATE papers SET
    year = ?, month = ?, venue = ?, volume = ?, issue = ?, pages = ?,
    doi = ?, url = ?, abstract = ?, abstract_source = ?, entry_type = ?,
    citation_key = ?, authors = ?, publisher = ?, address = ?
WHERE id = ?;

-- name: InsertEditorship :exec
-- Editors and translators are few (the corpora have none), so they are
-- written row by row, not batched as authorship is.
INSERT INTO editorship (paper_id, role, position, author_id) VALUES (?, ?, ?, ?);

-- name: PaperEditorRoles :many
-- The roles a paper has people in, for a merge, which adds editors (or
-- translators) only to a paper that has none.
SELECT DISTINCT role FROM editorship WHERE paper_id = ?;

-- name: PaperEditorNames :many
-- The names papers.authors holds for a paper without authors: editors,
-- then translators, in order (see migration 00009).
SELECT a.name
FROM editorship e JOIN authors a ON a.id = e.author_id
WHERE e.paper_id = ?
ORDER BY e.role, e.position;

-- name: PaperHasAuthors :one
SELECT EXISTS (SELECT 1 FROM authorship WHERE paper_id = ?) AS has_authors;

-- name: GetAuthorIDByKey :one
SELECT id, name FROM authors WHERE name_key = ?;

-- name: InsertAuthor :execlastid
INSERT INTO authors (name, family, given, name_key, family_key)
VALUES (?, ?, ?, ?, ?);

-- name: SetSourceOwner :exec
UPDATE sources SET owner = ? WHERE id = ?;

-- Bulk indexing. During an import the FTS insert and update triggers are
-- set aside (see internal/store/import.go) and the new rows are indexed in
-- one statement at the end: FTS5 flushes its pending terms at every
-- statement savepoint, so indexing row by row inside a long transaction
-- writes thousands of tiny segments and spends its time merging them.

-- name: MaxPaperID :one
SELECT CAST(coalesce(max(id), 0) AS INTEGER) AS max_id FROM papers;

-- name: IndexPapersAfter :exec
INSERT INTO papers_fts (rowid, title, abstract, authors)
SELECT id, title, abstract, authors FROM papers WHERE id > ?;

-- name: OptimizeFTS :exec
-- Merges the full-text index into one segment (FTS5's 'optimize'): done
-- at the end of an import into an empty catalog, whose index is otherwise
-- the dozens of segments automerge leaves, which every query reads in turn.
INSERT INTO papers_fts (papers_fts) VALUES ('optimize');

-- name: IndexPaper :exec
INSERT INTO papers_fts (rowid, title, abstract, authors)
SELECT id, title, abstract, authors FROM papers WHERE id = ?;

-- name: UnindexPaper :exec
-- Removes a paper's entry; the values must be the ones indexed.
INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
VALUES ('delete', sqlc.arg(id), sqlc.arg(title), sqlc.narg(abstract), sqlc.arg(authors));

-- name: ListSourceRecords :many
-- The records of a file that are already in place: a re-import skips them
-- (after DeleteDanglingSourceRecords).
SELECT record FROM paper_sources WHERE source_id = ? ORDER BY record;

-- name: DeleteDanglingSourceRecords :exec
-- A re-import's records whose paper is gone: they are read and stored
-- again, under the same record numbers.
DELETE FROM paper_sources
WHERE source_id = ? AND NOT EXISTS (SELECT 1 FROM papers AS p WHERE p.id = paper_sources.paper_id);

-- name: FoldVenues :exec
-- Stores the folded form of the venues not folded yet (added by the
-- triggers of migration 00006, which cannot call catalog_fold: the
-- sqlite3 shell has no such function).
UPDATE venues SET name_key = catalog_fold(name) WHERE name_key IS NULL;
