-- Where a paper came from, and why records were merged into it.
SELECT s.path, ps.line, ps.action, ps.matched_on
FROM paper_sources ps JOIN sources s ON s.id = ps.source_id
WHERE ps.paper_id = 3;
