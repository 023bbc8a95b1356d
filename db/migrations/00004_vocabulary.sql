-- The full-text index's vocabulary as a table. Written for SQLite 3.40
-- like 00001.

-- +goose Up

-- papers_fts_vocab: one row per word in papers_fts, with the papers it is
-- in (doc) and how often (cnt): https://www.sqlite.org/fts5.html#the_fts5vocab_virtual_table_module
-- It stores nothing; it reads papers_fts. Search lists the words a prefix
-- stands for from it (PrefixTerms in db/queries/search.sql), and a person
-- can ask it which words are common:
--   SELECT term, doc FROM papers_fts_vocab ORDER BY doc DESC LIMIT 20;
CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, 'row');

-- +goose Down

DROP TABLE papers_fts_vocab;
