-- The family names as written, beside their folded key, in the index of
-- authors by family key. Written for SQLite 3.40 like 00001.

-- +goose Up

-- An author filter turns into an FTS5 condition on the spellings of the
-- family name behind its key (FamilyNames in db/queries/search.sql); with
-- the name in the index they come from the index alone. A common key has
-- thousands of authors ('li', 'wang'), and reading each one's row cost
-- about 4 ms a search.
DROP INDEX authors_family_key;
CREATE INDEX authors_family_key ON authors (family_key, family);

-- +goose Down

DROP INDEX authors_family_key;
CREATE INDEX authors_family_key ON authors (family_key);
