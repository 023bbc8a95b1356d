-- Read by sqlc only, never by goose: sqlc's SQLite catalog does not know
-- the fts5vocab module, so it cannot see the columns of papers_fts_vocab
-- (migration 00004); a 'row' vocabulary table has these three
-- (https://www.sqlite.org/fts5.html#the_fts5vocab_virtual_table_module).
CREATE TABLE papers_fts_vocab (term TEXT NOT NULL, doc INTEGER NOT NULL, cnt INTEGER NOT NULL);
