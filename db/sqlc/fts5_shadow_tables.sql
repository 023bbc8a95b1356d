-- Read by sqlc only, never by goose: FTS5 creates papers_fts's shadow
-- tables itself (https://www.sqlite.org/fts5.html#the_data_table); the one
-- catalog reads is declared here so that sqlc can type the query.
CREATE TABLE papers_fts_data (id INTEGER PRIMARY KEY, block BLOB);
