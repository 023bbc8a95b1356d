-- Full-text search, best first, with the matched words marked.
SELECT p.id, p.title, snippet(papers_fts, -1, '[', ']', '…', 10) AS snippet
FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid
WHERE papers_fts MATCH 'language models'
ORDER BY rank LIMIT 10;
