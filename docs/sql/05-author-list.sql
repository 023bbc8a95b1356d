-- Authors with the most papers, and the years their papers span.
SELECT name, papers, first_year, last_year
FROM author_list
ORDER BY papers DESC, name LIMIT 5;
