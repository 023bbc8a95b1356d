-- Queries behind catalog query and catalog export. Keep this file ASCII (sqlc).
--
-- Filters. sqlc compiles one static statement per query, so the optional
-- filters are parameters that switch themselves off when NULL:
--   (p.year >= @year_from OR @year_from IS NULL)
-- The typed comparison comes first so that sqlc types the parameter from
-- it (sql.NullInt64, sql.NullString). The block between "filters:" and
-- "end filters" is the same in every query of this file that filters
-- (SearchPapers, SearchCandidates, RankMatches, RankMatchesFiltered,
-- RankMatchesInYears, SearchCandidatesInYears, ScanPapers,
-- ScanPapersInYears, ScanPapersOfAuthor, SearchPapersByYear,
-- SearchPapersNewestByYear, ListMatchingByYear, ListMatchingInYears,
-- ListPapersOfAuthor, ListPapers, ListPapersInYears and
-- ListPapersInVenues);
-- TestFilterBlocksAgree (internal/store) keeps it so.
--   - year_from, year_to: inclusive bounds on papers.year.
--   - venue: a phrase, folded by importer.Fold, that must start at a word of
--     the folded venue. The venues that pass are found once per statement
--     in the venues table (a few thousand rows, each folded already, in
--     its column name_key; the IN's set), and each paper's venue is looked
--     up in them:
--     folding each paper's venue cost 0.4 us a row. catalog_fold is
--     importer.Fold registered with the driver (internal/store/fold.go),
--     because lower() and LIKE fold ASCII only: 'zurich' must find Zurich
--     written with an umlaut; it folds only a venue another client wrote
--     (name_key NULL, see migration 00006). Here the NULL test comes first
--     (CAST types the parameter), so that without a venue filter SQLite
--     never builds the set.
--   - author_family, author_given: an author anywhere in the list whose
--     family_key is author_family and whose folded given name starts with
--     author_given (NULL: any); first_family, first_given: the same for the
--     first author. Keys never hold % or _ (Fold turns them into spaces).
-- An author filter is a correlated EXISTS: for each row it reads the
-- paper's few authorship rows (by its primary key) and their authors. A
-- set of the author's papers, built once per statement (an IN), cost as
-- many b-tree inserts as the name has papers, 16,000 for Li or Chen, on
-- every query: 8 ms of a 28 ms search.

-- name: SearchPapers :many
-- Ranked full-text search. rank is bm25 with the weights configured in the
-- migration (title 10, abstract 1, authors 4); lower is better. The
-- authors text and the number of authorship rows, for the page's rows
-- only (FTS5 sorts by rank itself), let Search split the names from the
-- text as for RankMatches (splitAuthors). Snippets come from the abstract
-- (column 1, snippetColumn in rank.go): a hit's title and authors have
-- lines of their own; FTS5 gives the abstract's opening when only they
-- match, and NULL for a paper without an abstract.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi,
    CAST(coalesce(snippet(papers_fts, 1, sqlc.arg(mark_open), sqlc.arg(mark_close), sqlc.arg(ellipsis), 24), '') AS TEXT) AS snippet,
    papers_fts.rank AS score,
    p.authors,
    (SELECT count(*) FROM authorship s WHERE s.paper_id = p.id) AS author_count
FROM papers_fts
JOIN papers p ON p.id = papers_fts.rowid
WHERE papers_fts MATCH sqlc.arg(match)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
    AND papers_fts.rowid >= sqlc.arg(min_rowid)
ORDER BY papers_fts.rank
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: SearchCandidates :many
-- The newest matches that pass the filters, with the text of the indexed
-- columns: the bounded set Search ranks itself (ftsquery.Scorer), newest
-- first because FTS5 walks its doclists in rowid order without scoring.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi,
    p.abstract,
    p.authors
FROM papers_fts
JOIN papers p ON p.id = papers_fts.rowid
WHERE papers_fts MATCH sqlc.arg(match)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY papers_fts.rowid DESC
LIMIT sqlc.arg(limit);

-- name: RankMatches :many
-- The window newest matches that pass the filters, ranked
-- by catalog_bm25: bm25 computed in Go (ftsquery.Scorer, registered for
-- the statement; internal/store/bm25func.go) with document counts Search
-- gives it, where FTS5's own bm25 counts each phrase's documents by
-- reading its whole doclist, on every query. The page [offset,
-- offset+limit) of them, best first, ties in rowid order as FTS5 leaves
-- them; with the text of the indexed columns, for the snippets. The
-- function reads the text where SQLite holds it. It is called once for
-- each row of the window (the subquery is a co-routine: SQLite does not
-- flatten a subquery with a LIMIT into an outer query with one), and
-- counts them, and the oldest id, for Search. The window's rows carry only
-- id and score through the sort (w); the page's rows are read again by id
-- (r) for their text: carrying each window row's text into the sorter
-- cost a tenth of a common word's search (p50 2.08 -> 1.80 ms).
-- author_count, for the page's rows only, tells whether the authors text
-- (names joined by '; ') splits into the paper's authors: Search then
-- takes them from it, not from authorship and authors (ListAuthorsOfPapers:
-- five seeks a paper, a tenth of a search).
SELECT r.id, r.year, r.title, r.venue, r.doi, r.abstract, r.authors, CAST(c.score AS REAL) AS score,
    (SELECT count(*) FROM authorship s WHERE s.paper_id = c.id) AS author_count
FROM (
  SELECT w.id, w.score FROM (
    SELECT
        p.id,
        catalog_bm25(CAST(sqlc.arg(scorer) AS INTEGER), p.id, p.title, p.abstract, p.authors) AS score
    FROM papers_fts
    JOIN papers p ON p.id = papers_fts.rowid
    WHERE papers_fts MATCH sqlc.arg(match)
        -- filters:
        AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
        AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
        AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
        AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
             OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                        WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                          AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                               OR sqlc.narg(author_given) IS NULL)))
        AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
             OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                        WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                          AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                               OR sqlc.narg(first_given) IS NULL)))
        -- end filters
    ORDER BY papers_fts.rowid DESC
    LIMIT sqlc.arg(window)
  ) w
  ORDER BY w.score, w.id
  LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset)
) c
JOIN papers r ON r.id = c.id
ORDER BY c.score, c.id;

-- name: RankMatchesFiltered :many
-- RankMatches for a search with filters: each match's year, venue and id
-- (for the author filters) are read from papers_filter, an index by id
-- that holds them, and its row, title, abstract and authors, only once it
-- passes (t). In papers those columns share a row with the abstract, about
-- two papers to a 4 KiB page, so each match tested cost a page of its own:
-- attention --venue "computational linguistics" tested 8,000 matches for
-- a window of 250 (20 -> 13 ms). CROSS JOIN fixes the order, which SQLite would
-- otherwise choose for itself (the row first). Without filters each match
-- is read anyway, and the index's seek is a cost (p50 1.9 -> 2.2 ms).
SELECT r.id, r.year, r.title, r.venue, r.doi, r.abstract, r.authors, CAST(c.score AS REAL) AS score,
    (SELECT count(*) FROM authorship s WHERE s.paper_id = c.id) AS author_count
FROM (
  SELECT w.id, w.score FROM (
    SELECT
        p.id,
        catalog_bm25(CAST(sqlc.arg(scorer) AS INTEGER), p.id, t.title, t.abstract, t.authors) AS score
    FROM papers_fts
    CROSS JOIN papers p INDEXED BY papers_filter
    CROSS JOIN papers t
    WHERE papers_fts MATCH sqlc.arg(match)
        AND p.id = papers_fts.rowid AND t.id = p.id
        -- filters:
        AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
        AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
        AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
        AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
             OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                        WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                          AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                               OR sqlc.narg(author_given) IS NULL)))
        AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
             OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                        WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                          AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                               OR sqlc.narg(first_given) IS NULL)))
        -- end filters
    ORDER BY papers_fts.rowid DESC
    LIMIT sqlc.arg(window)
  ) w
  ORDER BY w.score, w.id
  LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset)
) c
JOIN papers r ON r.id = c.id
ORDER BY c.score, c.id;

-- name: RankMatchesInYears :many
-- RankMatches for a year filter that few papers pass: the window is of
-- the matches among the papers of those years, a set from the papers_year
-- index that each match is tested against before its row is read, as in
-- SearchCandidatesInYears.
SELECT r.id, r.year, r.title, r.venue, r.doi, r.abstract, r.authors, CAST(c.score AS REAL) AS score,
    (SELECT count(*) FROM authorship s WHERE s.paper_id = c.id) AS author_count
FROM (
  SELECT w.id, w.score FROM (
    SELECT
        p.id,
        catalog_bm25(CAST(sqlc.arg(scorer) AS INTEGER), p.id, p.title, p.abstract, p.authors) AS score
    FROM papers_fts
    JOIN papers p ON p.id = papers_fts.rowid
    WHERE papers_fts MATCH sqlc.arg(match)
        -- filters:
        AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
        AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
        AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
        AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
             OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                        WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                          AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                               OR sqlc.narg(author_given) IS NULL)))
        AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
             OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                        WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                          AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                               OR sqlc.narg(first_given) IS NULL)))
        -- end filters
        AND +papers_fts.rowid IN (SELECT y.id FROM papers y WHERE y.year >= sqlc.arg(in_from) AND y.year <= sqlc.arg(in_to))
    ORDER BY papers_fts.rowid DESC
    LIMIT sqlc.arg(window)
  ) w
  ORDER BY w.score, w.id
  LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset)
) c
JOIN papers r ON r.id = c.id
ORDER BY c.score, c.id;

-- name: SearchCandidatesInYears :many
-- SearchCandidates for a year filter that few papers pass (Search counts
-- them first, CountPapersInYears): the ids of the papers in those years,
-- from the papers_year index, make a set that each match is tested
-- against before its row is read (+ keeps FTS5 from taking the IN as
-- rowids to look up one by one). Without it each match the walk passes
-- costs a seek into papers to read its year: model year:2018 walked 10,000
-- matches for 500 in 2018 (41 ms in the C shell; 5 ms this way). The
-- filter block still applies, year bounds included.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi,
    p.abstract,
    p.authors
FROM papers_fts
JOIN papers p ON p.id = papers_fts.rowid
WHERE papers_fts MATCH sqlc.arg(match)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
    AND +papers_fts.rowid IN (SELECT y.id FROM papers y WHERE y.year >= sqlc.arg(in_from) AND y.year <= sqlc.arg(in_to))
ORDER BY papers_fts.rowid DESC
LIMIT sqlc.arg(limit);

-- name: CountPapersInYears :one
-- How many papers have a year in [from, to], counting no further than
-- upto (the papers_year index).
SELECT count(*) FROM (SELECT 1 FROM papers WHERE year >= sqlc.arg(from_year) AND year <= sqlc.arg(to_year) LIMIT sqlc.arg(upto));

-- name: ScanPapers :many
-- Papers newest first (by id, below before) that pass the filters, with
-- the text of the indexed columns: Search reads these and matches them
-- itself for a query with a prefix, which FTS5 answers by merging the
-- doclists of every term with that prefix (all of them, even for one
-- row), when the prefix is common enough that the window fills after a
-- few thousand papers.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi,
    p.abstract,
    p.authors
FROM papers p
WHERE p.id < sqlc.arg(before)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY p.id DESC
LIMIT sqlc.arg(limit);

-- name: ScanPapersInYears :many
-- ScanPapers when a year filter that few papers pass is given: the papers
-- of those years (in_from, in_to, a plain range on papers_year), newest
-- first, so that a scan never walks the catalog for the few that pass.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi,
    p.abstract,
    p.authors
FROM papers p
WHERE p.year >= sqlc.arg(in_from) AND p.year <= sqlc.arg(in_to)
    AND p.id < sqlc.arg(before)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY p.id DESC
LIMIT sqlc.arg(limit);

-- name: ScanPapersOfAuthor :many
-- ScanPapers when an author filter is given: the author's papers, found
-- through authorship as in ListPapersOfAuthor (the IN, which SQLite walks
-- in descending order), newest first.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi,
    p.abstract,
    p.authors
FROM papers p
WHERE p.id IN (SELECT s.paper_id FROM authorship s JOIN authors a ON a.id = s.author_id
               WHERE a.family_key = sqlc.arg(by_family)
                 AND (a.name_key LIKE sqlc.arg(by_family) || '|' || sqlc.narg(by_given) || '%'
                      OR sqlc.narg(by_given) IS NULL)
                 AND (s.position = 1 OR NOT sqlc.arg(by_first)))
    AND p.id < sqlc.arg(before)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY p.id DESC
LIMIT sqlc.arg(limit);

-- name: YearAtMost :one
-- The newest year of a paper at or before year (no row: none): Search
-- walks the years one by one, newest first, for a search sorted by year.
SELECT year FROM papers WHERE year <= sqlc.arg(year) ORDER BY year DESC LIMIT 1;

-- name: CountMatches :one
-- How many papers match: cheap only when few do (Search asks it when a
-- phrase has fewer matches than the rank window).
SELECT count(*) FROM papers_fts WHERE papers_fts MATCH sqlc.arg(match);

-- name: FTSAverages :one
-- FTS5's averages record: the number of rows and the tokens in each
-- column, as varints (ftsquery.Averages). bm25 normalizes by it.
SELECT block FROM papers_fts_data WHERE id = 1;

-- name: MatchSnippet :one
-- One hit's snippet, for the hits FTS5 ranked without one (sorted by year).
SELECT CAST(coalesce(snippet(papers_fts, 1, sqlc.arg(mark_open), sqlc.arg(mark_close), sqlc.arg(ellipsis), 24), '') AS TEXT) AS snippet
FROM papers_fts
WHERE papers_fts MATCH sqlc.arg(match) AND papers_fts.rowid = sqlc.arg(id);

-- name: ListAuthorsOfPapers :many
-- The authors of a page of hits, in one statement, in order. The ids come
-- as a JSON array (json_each), not as sqlc.slice: a slice writes a
-- statement of its own for each length, prepared anew on every call (a
-- third of a rare word's search); this one is prepared once.
SELECT s.paper_id, a.name
FROM authorship s JOIN authors a ON a.id = s.author_id
WHERE s.paper_id IN (SELECT j.value FROM json_each(sqlc.arg(ids_json)) j)
ORDER BY s.paper_id, s.position;

-- name: FamilyNames :many
-- The family names, as written, of the authors an author filter selects:
-- Search turns them into an FTS5 condition on the authors column, implied
-- by the filter, that FTS5 can test in its doclists.
SELECT DISTINCT family FROM authors WHERE family_key = sqlc.arg(family_key) LIMIT sqlc.arg(limit);

-- name: CountAuthorPapers :one
-- How many authorships the authors an author filter selects have (family
-- key, and a prefix of the folded given name unless given is NULL),
-- counting no further than upto: Search lists a rare author's papers
-- through authorship, a common one's by year.
SELECT count(*) FROM (
    SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
    WHERE a.family_key = sqlc.arg(family)
      AND (a.name_key LIKE sqlc.arg(family) || '|' || sqlc.narg(given) || '%' OR sqlc.narg(given) IS NULL)
    LIMIT sqlc.arg(upto)
);

-- name: NthNewestMatch :one
-- The rowid of the n-th newest paper (0-based) that matches: the bound of
-- the window Search ranks when a query matches very many papers. FTS5 walks
-- its doclists in rowid order without scoring, so this is cheap.
SELECT papers_fts.rowid
FROM papers_fts
WHERE papers_fts MATCH sqlc.arg(match)
ORDER BY papers_fts.rowid DESC
LIMIT 1 OFFSET sqlc.arg(n);

-- name: SearchPapersByYear :many
-- The same search, newest first, then by rank. No snippet here: the sort
-- would compute one for every match; Search asks MatchDetail for the page.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi,
    papers_fts.rank AS score
FROM papers_fts
JOIN papers p ON p.id = papers_fts.rowid
WHERE papers_fts MATCH sqlc.arg(match)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY p.year DESC, papers_fts.rank
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: SearchPapersNewestByYear :many
-- ListMatchingByYear's order, for stopwords few papers have: every match
-- is read and sorted, which costs less than asking FTS5 about paper after
-- paper that does not match.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi
FROM papers_fts
JOIN papers p ON p.id = papers_fts.rowid
WHERE papers_fts MATCH sqlc.arg(match)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListMatchingByYear :many
-- Matches newest year first (then most recently added; no year last),
-- unranked: a query of nothing but stopwords, sorted by year or by
-- relevance, which it has none of. It walks the papers_year index from the newest year and
-- asks FTS5 whether each paper matches, which is cheap when most papers
-- do, as they do a stopword; sorting every match by year would read them
-- all.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi
FROM papers p
WHERE TRUE
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
    AND EXISTS (SELECT 1 FROM papers_fts WHERE papers_fts MATCH sqlc.arg(match) AND papers_fts.rowid = p.id)
ORDER BY p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListMatchingInYears :many
-- ListMatchingByYear with a year filter: the filter's bounds also written
-- as a plain range (in_from, in_to, as for ListPapersInYears), so that the
-- walk starts at the filter's newest year instead of passing every newer
-- paper ("the" year:1995 walked 200,000 index entries).
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi
FROM papers p
WHERE TRUE
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
    AND EXISTS (SELECT 1 FROM papers_fts WHERE papers_fts MATCH sqlc.arg(match) AND papers_fts.rowid = p.id)
    AND p.year >= sqlc.arg(in_from) AND p.year <= sqlc.arg(in_to)
ORDER BY p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListPapersOfAuthor :many
-- ListPapers when an author filter is given: the papers of that author
-- (by_family, by_given; the first author when by_first) are found through
-- authorship first (the IN, whose set is small: Search takes this plan
-- for a rare name), then the other filters decide and the few left are
-- sorted (+p.year keeps SQLite from walking papers_year instead, checking
-- every paper against the author). Search passes the author filter this
-- IN applies as NULL to the filter block.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi
FROM papers p
WHERE p.id IN (SELECT s.paper_id FROM authorship s JOIN authors a ON a.id = s.author_id
               WHERE a.family_key = sqlc.arg(by_family)
                 AND (a.name_key LIKE sqlc.arg(by_family) || '|' || sqlc.narg(by_given) || '%'
                      OR sqlc.narg(by_given) IS NULL)
                 AND (s.position = 1 OR NOT sqlc.arg(by_first)))
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY +p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListPapers :many
-- Filters without search text: nothing to rank, so newest first (the
-- papers_year index gives this order; NULL years come last).
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi
FROM papers p
WHERE TRUE
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListPapersInYears :many
-- ListPapers with a year filter: the same, with the filter's bounds also
-- written as a plain range (in_from, in_to; Search passes the filter's
-- bounds, or the widest years for an open end) that SQLite can walk on
-- papers_year; the filter's own form (... OR @year_from IS NULL) hides it.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi
FROM papers p
WHERE TRUE
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
    AND p.year >= sqlc.arg(in_from) AND p.year <= sqlc.arg(in_to)
ORDER BY p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: ListPapersInVenues :many
-- ListPapers with a venue filter whose venues have few papers (Search
-- counts them first, CountVenuePapers): the papers of those venues, from
-- the papers_venue index, sorted (+p.year keeps SQLite from walking
-- papers_year instead and testing every paper's venue: "association for
-- computational" passed none of the newest 80,000 papers of the corpora).
-- in_venue is the venue filter again, as a plain IN SQLite can look up;
-- the filter block's form (... OR @venue IS NULL) hides it.
SELECT
    p.id,
    p.year,
    p.title,
    p.venue,
    p.doi
FROM papers p
WHERE p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.arg(in_venue)) > 0)
    -- filters:
    AND (p.year >= sqlc.narg(year_from) OR sqlc.narg(year_from) IS NULL)
    AND (p.year <= sqlc.narg(year_to) OR sqlc.narg(year_to) IS NULL)
    AND (CAST(sqlc.narg(venue) AS TEXT) IS NULL OR p.venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.narg(venue)) > 0))
    AND (CAST(sqlc.narg(author_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND a.family_key = sqlc.narg(author_family)
                      AND (a.name_key LIKE sqlc.narg(author_family) || '|' || sqlc.narg(author_given) || '%'
                           OR sqlc.narg(author_given) IS NULL)))
    AND (CAST(sqlc.narg(first_family) AS TEXT) IS NULL
         OR EXISTS (SELECT 1 FROM authorship s JOIN authors a ON a.id = s.author_id
                    WHERE s.paper_id = p.id AND s.position = 1 AND a.family_key = sqlc.narg(first_family)
                      AND (a.name_key LIKE sqlc.narg(first_family) || '|' || sqlc.narg(first_given) || '%'
                           OR sqlc.narg(first_given) IS NULL)))
    -- end filters
ORDER BY +p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);

-- name: CountVenuePapers :one
-- How many papers the venues a venue filter means have, counting no
-- further than upto (the papers_venue index).
SELECT count(*) FROM (
    SELECT 1 FROM papers
    WHERE venue IN (SELECT v.name FROM venues v WHERE instr(' ' || coalesce(v.name_key, catalog_fold(v.name)), ' ' || sqlc.arg(venue)) > 0)
    LIMIT sqlc.arg(upto)
);

-- name: MatchDetail :one
-- One hit of a search, looked at closely: its snippet and its bm25 score
-- one column at a time (the other columns weighted 0), for --explain. The
-- weights are the migration's (title 10, abstract 1, authors 4);
-- TestExplainWeights checks they agree with rank.
SELECT
    CAST(coalesce(snippet(papers_fts, 1, sqlc.arg(mark_open), sqlc.arg(mark_close), sqlc.arg(ellipsis), 24), '') AS TEXT) AS snippet,
    bm25(papers_fts, 10.0, 0.0, 0.0) AS title_score,
    bm25(papers_fts, 0.0, 1.0, 0.0) AS abstract_score,
    bm25(papers_fts, 0.0, 0.0, 4.0) AS authors_score,
    bm25(papers_fts, 10.0, 1.0, 4.0) AS score
FROM papers_fts
WHERE papers_fts MATCH sqlc.arg(match) AND papers_fts.rowid = sqlc.arg(id);

-- name: ListPaperAuthors :many
SELECT a.id, a.name, a.family, a.given, s.position
FROM authorship s JOIN authors a ON a.id = s.author_id
WHERE s.paper_id = ?
ORDER BY s.position;

-- name: CountPapers :one
SELECT count(*) FROM papers;

-- name: CountAuthors :one
SELECT count(*) FROM authors;

-- name: PrefixTerms :many
-- The words of the index that start with prefix (from is the prefix, to
-- the prefix followed by the highest character), at most limit of them:
-- Search writes a prefix as these words joined by OR, which FTS5 walks
-- newest first like any word, where for the prefix itself it merges every
-- such word's list of papers, positions and all, before the first row. The
-- vocabulary table finds them by a range of its terms without reading
-- their lists (its doc and cnt columns are not asked for).
SELECT term FROM papers_fts_vocab WHERE term >= sqlc.arg(from_term) AND term < sqlc.arg(to_term) LIMIT sqlc.arg(limit);

-- name: ListPaperIDs :many
-- ListPapers without filters, ids only (catalog export of the whole
-- catalog, or a page of it): the papers_year index (year, id) holds them
-- in this order, so no paper's row is read.
SELECT p.id FROM papers p
ORDER BY p.year DESC, p.id DESC
LIMIT sqlc.arg(limit) OFFSET sqlc.arg(offset);
