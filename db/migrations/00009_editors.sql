-- Editors and translators, and the publisher and its place. Written for
-- SQLite 3.40 like 00001: nothing here calls a function only catalog
-- registers, so the sqlite3 shell can write these tables too.

-- +goose Up

-- BibTeX's publisher and address (BibLaTeX's location, CSL's publisher
-- and publisher-place, RIS's PB and CY), clean text like venue.
ALTER TABLE papers ADD COLUMN publisher TEXT;
ALTER TABLE papers ADD COLUMN address TEXT;

-- editorship: who edited or translated which paper, in order within each
-- role; the people are rows of authors like any author (one person,
-- whether they wrote a paper or edited one). The key columns come first,
-- in key order (sqlite 3.40's integrity_check misreads WITHOUT ROWID
-- tables otherwise).
--
-- papers.authors, the names the full-text index holds, are the paper's
-- authors; for a paper without authors (a proceedings volume, an edited
-- book) they are its editors' and translators' names, editors first, so
-- that a search finds the paper by them. The authorship table, and so
-- paper_list, still names authors only.
CREATE TABLE editorship (
    paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    role      TEXT    NOT NULL CHECK (role IN ('editor', 'translator')),
    position  INTEGER NOT NULL CHECK (position >= 1),
    author_id INTEGER NOT NULL REFERENCES authors (id),
    PRIMARY KEY (paper_id, role, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX editorship_author ON editorship (author_id, paper_id);

-- The sqlite3 shell runs with foreign keys off, where ON DELETE CASCADE
-- does nothing: a paper deleted there takes its editorship rows with it
-- through this trigger instead.
-- +goose StatementBegin
CREATE TRIGGER editorship_paper_delete AFTER DELETE ON papers
BEGIN
    DELETE FROM editorship WHERE paper_id = old.id;
END;
-- +goose StatementEnd

-- An author deleted by hand (00008) leaves their editorship rows too, and
-- the names of the papers they wrote, edited or translated are rewritten
-- as paper_names (below) reads them.
DROP TRIGGER authors_delete_links;

-- paper_names: the names papers.authors must hold for each paper (catalog
-- doctor compares them): its authors in order or, for a paper without
-- authors, its editors then its translators. A paper written by hand in
-- the sqlite3 shell gets them with
--   UPDATE papers SET authors = (SELECT names FROM paper_names WHERE id = papers.id);
CREATE VIEW paper_names AS
SELECT
    p.id,
    coalesce(
        (SELECT group_concat(name, '; ')
           FROM (SELECT a.name
                   FROM authorship s JOIN authors a ON a.id = s.author_id
                  WHERE s.paper_id = p.id
                  ORDER BY s.position)),
        (SELECT group_concat(name, '; ')
           FROM (SELECT a.name
                   FROM editorship e JOIN authors a ON a.id = e.author_id
                  WHERE e.paper_id = p.id
                  ORDER BY e.role, e.position)),
        '') AS names
FROM papers p;

-- +goose StatementBegin
CREATE TRIGGER authors_delete_links AFTER DELETE ON authors
BEGIN
    UPDATE papers SET authors = (SELECT n.names FROM paper_names AS n WHERE n.id = papers.id)
    WHERE id IN (SELECT paper_id FROM authorship WHERE author_id = old.id
                 UNION SELECT paper_id FROM editorship WHERE author_id = old.id);
    DELETE FROM authorship WHERE author_id = old.id;
    DELETE FROM editorship WHERE author_id = old.id;
END;
-- +goose StatementEnd

-- +goose Down

-- Below this version papers.authors holds authors only: a paper without
-- authors, found by its editors, has none there (the FTS update trigger
-- unindexes the names).
UPDATE papers SET authors = ''
WHERE authors <> ''
  AND NOT EXISTS (SELECT 1 FROM authorship s WHERE s.paper_id = papers.id)
  AND EXISTS (SELECT 1 FROM editorship e WHERE e.paper_id = papers.id);

DROP TRIGGER authors_delete_links;
-- +goose StatementBegin
CREATE TRIGGER authors_delete_links AFTER DELETE ON authors
BEGIN
    UPDATE papers SET authors = coalesce((
        SELECT group_concat(name, '; ') FROM (
            SELECT a.name FROM authorship s JOIN authors a ON a.id = s.author_id
            WHERE s.paper_id = papers.id ORDER BY s.position)), '')
    WHERE id IN (SELECT paper_id FROM authorship WHERE author_id = old.id);
    DELETE FROM authorship WHERE author_id = old.id;
END;
-- +goose StatementEnd
DROP VIEW paper_names;
DROP TRIGGER editorship_paper_delete;
DROP INDEX editorship_author;
DROP TABLE editorship;
ALTER TABLE papers DROP COLUMN address;
ALTER TABLE papers DROP COLUMN publisher;
