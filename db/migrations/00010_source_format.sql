-- A file counts as imported under the format that read it: sources are
-- unique by checksum and format, no longer by checksum alone. Before, a
-- file imported with the wrong --format had its checksum recorded, and the
-- import with the right format afterwards found it "already imported" and
-- read nothing. Written for SQLite 3.40 like 00001.
--
-- SQLite cannot change a table's constraints in place: the rows are copied
-- aside, the table is made anew and they are copied back
-- (https://www.sqlite.org/lang_altertable.html#otheralter; not by renaming
-- a new table, which would store its name quoted and make the schema
-- differ from a new catalog's).
-- Foreign keys must be off meanwhile, or dropping the old table would
-- delete every paper_sources row through their cascade; PRAGMA
-- foreign_keys does nothing inside a transaction, so this migration runs
-- outside goose's and opens its own (catalog runs migrations on one
-- connection).

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TEMP TABLE sources_copy AS SELECT * FROM sources;
DROP TABLE sources;
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    path        TEXT    NOT NULL,            -- as given to catalog import ('-' is stdin)
    sha256      TEXT    NOT NULL,            -- hex SHA-256 of the file's bytes as read (before gunzip)
    format      TEXT    NOT NULL,            -- profile, bibtex, csljson, ris, openalex: what read it
    owner       TEXT,                        -- the profile's owner, for author-profile lists
    size        INTEGER NOT NULL,            -- bytes
    records     INTEGER NOT NULL DEFAULT 0,  -- records read from it
    imported_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (sha256, format)
) STRICT;
INSERT INTO sources (id, path, sha256, format, owner, size, records, imported_at)
SELECT id, path, sha256, format, owner, size, records, imported_at FROM sources_copy;
DROP TABLE sources_copy;

-- Dropped with the old table (00008).
-- +goose StatementBegin
CREATE TRIGGER sources_delete_links AFTER DELETE ON sources
BEGIN
    DELETE FROM paper_sources WHERE source_id = old.id;
END;
-- +goose StatementEnd

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- A file read under two formats keeps its first reading: the later ones'
-- provenance rows go with them (their papers stay).
DELETE FROM paper_sources WHERE source_id IN (
    SELECT s.id FROM sources AS s WHERE EXISTS (
        SELECT 1 FROM sources AS o WHERE o.sha256 = s.sha256 AND o.id < s.id));
DELETE FROM sources WHERE EXISTS (
    SELECT 1 FROM sources AS o WHERE o.sha256 = sources.sha256 AND o.id < sources.id);

CREATE TEMP TABLE sources_copy AS SELECT * FROM sources;
DROP TABLE sources;
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
INSERT INTO sources (id, path, sha256, format, owner, size, records, imported_at)
SELECT id, path, sha256, format, owner, size, records, imported_at FROM sources_copy;
DROP TABLE sources_copy;

-- +goose StatementBegin
CREATE TRIGGER sources_delete_links AFTER DELETE ON sources
BEGIN
    DELETE FROM paper_sources WHERE source_id = old.id;
END;
-- +goose StatementEnd

COMMIT;
PRAGMA foreign_keys = ON;
