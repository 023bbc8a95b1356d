-- The words of the full-text index in the most papers (papers_fts_vocab
-- reads the index; doc is papers, cnt occurrences).
SELECT term, doc, cnt FROM papers_fts_vocab ORDER BY doc DESC, term LIMIT 5;
