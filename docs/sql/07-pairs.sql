-- The pairs of authors who wrote the most papers together.
SELECT name_a, name_b, papers
FROM coauthor_pairs
ORDER BY papers DESC, name_a, name_b LIMIT 5;
