-- One author's co-authors, most shared papers first. coauthor_pairs holds
-- each pair once (author_a < author_b), so look on both sides.
SELECT CASE WHEN c.author_a = me.id THEN c.name_b ELSE c.name_a END AS coauthor, c.papers
FROM coauthor_pairs c, (SELECT id FROM authors WHERE name = 'Chan, Chi-Min') AS me
WHERE me.id IN (c.author_a, c.author_b)
ORDER BY c.papers DESC, coauthor LIMIT 5;
