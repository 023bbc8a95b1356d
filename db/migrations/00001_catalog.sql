-- The catalog: papers, authors, who wrote what in which order, and where each
-- paper came from. Written for SQLite 3.40 (Debian 12's sqlite3 shell): no
-- group_concat(... ORDER BY), string_agg, concat_ws, jsonb or FTS5 options
-- newer than that.

-- +goose Up

-- sources: one row per distinct imported file (identified by checksum).
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    path        TEXT    NOT NULL,            -- as given to catalog import ('-' is stdin)
    sha256      TEXT    NOT NULL UNIQUE,     -- hex SHA-256 of the file's bytes as read (before gunzip)
    format      TEXT    NOT NULL,            -- profile, bibtex, csljson, ris, openalex
    owner       TEXT,                        -- the profile's owner, for author-profile lists
    size        INTEGER NOT NULL,            -- bytes
    records     INTEGER NOT NULL DEFAULT 0,  -- records read from it
    imported_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- papers: one row per work, after duplicates are merged. Text columns hold
-- clean Unicode (LaTeX and HTML decoded, NFC, whitespace collapsed); the
-- *_source columns keep the source's own text where it differs.
CREATE TABLE papers (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL,
    title_source    TEXT,                    -- title as the source wrote it, when different
    title_key       TEXT    NOT NULL DEFAULT '', -- identity key: title folded (case, diacritics, punctuation)
    year            INTEGER,
    month           INTEGER CHECK (month BETWEEN 1 AND 12),
    venue           TEXT,                    -- journal or proceedings
    volume          TEXT,
    issue           TEXT,
    pages           TEXT,
    doi             TEXT,                    -- lowercase, no https://doi.org/ or doi: prefix
    url             TEXT,
    abstract        TEXT,
    abstract_source TEXT,                    -- abstract as the source wrote it, when different
    entry_type      TEXT,                    -- the source's type: article, inproceedings, paper-conference, JOUR
    citation_key    TEXT,                    -- the first source's key for it
    authors         TEXT    NOT NULL DEFAULT '', -- 'Family, Given; Family, Given' in order; kept by catalog from authorship for search
    added_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE INDEX papers_title_key ON papers (title_key);
CREATE INDEX papers_doi ON papers (doi) WHERE doi IS NOT NULL;

-- authors: one row per distinct name. name_key folds case, diacritics and
-- punctuation, so 'DAI, Zheqi', 'Dai, Zheqi' and 'Daí, Zhéqi' are one author;
-- initials are not expanded ('Wu, Y.' and 'Wu, Yonghui' stay two rows).
CREATE TABLE authors (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,              -- display form, 'Family, Given'
    family     TEXT NOT NULL,
    given      TEXT NOT NULL DEFAULT '',
    name_key   TEXT NOT NULL UNIQUE,       -- folded 'family|given'
    family_key TEXT NOT NULL               -- folded family name, for author filters
) STRICT;

CREATE INDEX authors_family_key ON authors (family_key);

-- authorship: who wrote which paper, at which 1-based position. The key
-- columns come first, in key order (sqlite 3.40's integrity_check misreads
-- WITHOUT ROWID tables otherwise).
CREATE TABLE authorship (
    paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL CHECK (position >= 1),
    author_id INTEGER NOT NULL REFERENCES authors (id),
    PRIMARY KEY (paper_id, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX authorship_author ON authorship (author_id, paper_id);

-- paper_sources: every source record behind a paper, so a merge can be
-- explained: which file, which record and line, and what it did.
CREATE TABLE paper_sources (
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    record       INTEGER NOT NULL,         -- 1-based ordinal of the record in the file
    paper_id     INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    line         INTEGER NOT NULL,         -- line where the record starts
    citation_key TEXT,
    action       TEXT    NOT NULL CHECK (action IN ('added', 'merged')),
    matched_on   TEXT,                     -- for a merge: doi, title
    PRIMARY KEY (source_id, record)
) STRICT, WITHOUT ROWID;

CREATE INDEX paper_sources_paper ON paper_sources (paper_id);

-- papers_fts: full-text index over title, abstract and author names, stored
-- in papers itself (external content). remove_diacritics 2 makes 'muller'
-- find 'Müller'. https://www.sqlite.org/fts5.html#external_content_tables
CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, authors,
    content="papers", content_rowid="id",
    tokenize="unicode61 remove_diacritics 2"
);

-- Ranking: bm25 with title above authors above abstract, stored in the
-- index's config so ORDER BY rank means the same in any client.
INSERT INTO papers_fts (papers_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');

-- The triggers keep papers_fts in step with papers in every client. They do
-- not rely on recursive_triggers (off in the sqlite3 shell): an INSERT OR
-- REPLACE that replaces a paper is caught by the BEFORE INSERT trigger, and
-- catalog itself runs with recursive_triggers off too.
-- +goose StatementBegin
CREATE TRIGGER papers_fts_replace BEFORE INSERT ON papers
WHEN new.id IS NOT NULL AND EXISTS (SELECT 1 FROM papers WHERE id = new.id)
BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
    SELECT 'delete', id, title, abstract, authors FROM papers WHERE id = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers
BEGIN
    INSERT INTO papers_fts (rowid, title, abstract, authors)
    VALUES (new.id, new.title, new.abstract, new.authors);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers
BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
    VALUES ('delete', old.id, old.title, old.abstract, old.authors);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors
BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
    VALUES ('delete', old.id, old.title, old.abstract, old.authors);
    INSERT INTO papers_fts (rowid, title, abstract, authors)
    VALUES (new.id, new.title, new.abstract, new.authors);
END;
-- +goose StatementEnd

-- paper_list: each paper with its authors in order as one string, for
-- reading in the sqlite3 shell or Datasette.
CREATE VIEW paper_list AS
SELECT
    p.id,
    p.year,
    p.title,
    coalesce((SELECT group_concat(name, '; ')
       FROM (SELECT a.name
               FROM authorship s JOIN authors a ON a.id = s.author_id
              WHERE s.paper_id = p.id
              ORDER BY s.position)), '') AS authors,
    p.venue,
    p.doi
FROM papers p;

-- +goose Down
DROP VIEW paper_list;
DROP TRIGGER papers_fts_update;
DROP TRIGGER papers_fts_delete;
DROP TRIGGER papers_fts_insert;
DROP TRIGGER papers_fts_replace;
DROP TABLE papers_fts;
DROP TABLE paper_sources;
DROP TABLE authorship;
DROP TABLE authors;
DROP TABLE papers;
DROP TABLE sources;
