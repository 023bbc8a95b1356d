-- The columns the search filters test, in an index by paper id. Written
-- for SQLite 3.40 like 00001.

-- +goose Up

-- A filtered search walks the matches newest first, and tests each one's
-- year and venue (and, by its id, its authors) until the window holds
-- enough that pass. In papers itself those columns share a row with the
-- abstract, about two papers to a 4 KiB page, so each match tested cost a
-- page of its own; here sixty entries share one. The search statements
-- test the filters on this index (INDEXED BY, in db/queries/search.sql)
-- and read a paper's row only once it passes: attention --venue
-- "computational linguistics" read 8,000 rows for 250.
CREATE INDEX papers_filter ON papers (id, year, venue);

-- +goose Down

DROP INDEX papers_filter;
