-- Check the file and the index.
PRAGMA integrity_check;
INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1);
