-- Views for reading the catalog in the sqlite3 shell or Datasette, and the
-- index behind browsing by year. Written for SQLite 3.40 like 00001: no
-- group_concat(... ORDER BY), string_agg, concat_ws, unistr or jsonb.

-- +goose Up

-- author_list: each author with the number of papers they are on and the
-- years those papers span (NULL when no paper has a year).
CREATE VIEW author_list AS
SELECT
    a.id,
    a.name,
    a.family,
    a.given,
    a.name_key,
    a.family_key,
    count(DISTINCT s.paper_id) AS papers,
    min(p.year) AS first_year,
    max(p.year) AS last_year
FROM authors a
LEFT JOIN authorship s ON s.author_id = a.id
LEFT JOIN papers p ON p.id = s.paper_id
GROUP BY a.id;

-- coauthor_pairs: each pair of authors who share a paper, once (author_a <
-- author_b, by id), with the number of papers they share. To list one
-- author's co-authors, look on both sides:
--   WHERE author_a = :id OR author_b = :id
CREATE VIEW coauthor_pairs AS
SELECT
    x.author_id AS author_a,
    a.name AS name_a,
    y.author_id AS author_b,
    b.name AS name_b,
    count(DISTINCT x.paper_id) AS papers
FROM authorship x
JOIN authorship y ON y.paper_id = x.paper_id AND y.author_id > x.author_id
JOIN authors a ON a.id = x.author_id
JOIN authors b ON b.id = y.author_id
GROUP BY x.author_id, y.author_id;

-- papers_year: lists without search text come newest first (catalog query
-- --year, --author ...); the index gives that order without sorting.
CREATE INDEX papers_year ON papers (year);

-- +goose Down
DROP INDEX papers_year;
DROP VIEW coauthor_pairs;
DROP VIEW author_list;
