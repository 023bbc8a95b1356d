-- One author's papers, with the position they hold.
SELECT p.title, s.position
FROM authors a JOIN authorship s ON s.author_id = a.id JOIN papers p ON p.id = s.paper_id
WHERE a.name = 'Chan, Chi-Min' ORDER BY p.id;
