-- Papers with their authors in order.
SELECT id, year, title, authors FROM paper_list LIMIT 5;
