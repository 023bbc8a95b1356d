-- Deletes that keep the file consistent in every client. Written for
-- SQLite 3.40 like 00001.

-- +goose Up

-- The foreign keys of authorship and paper_sources cascade a paper's
-- deletion only where foreign keys are on: catalog turns them on, the
-- sqlite3 shell and most other clients do not (it is off by default), so
-- a paper deleted there left its authorship and provenance rows behind,
-- and a re-import of its source then counted the record as in place and
-- did not bring the paper back. These triggers do in every client what the
-- cascades do in catalog (where both run, the second finds nothing left).

-- +goose StatementBegin
CREATE TRIGGER papers_delete_links AFTER DELETE ON papers
BEGIN
    DELETE FROM authorship WHERE paper_id = old.id;
    DELETE FROM paper_sources WHERE paper_id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sources_delete_links AFTER DELETE ON sources
BEGIN
    DELETE FROM paper_sources WHERE source_id = old.id;
END;
-- +goose StatementEnd

-- An author deleted by hand leaves the papers they were on: their
-- authorship rows go, and those papers' author strings (which the
-- full-text index holds) are rewritten without them, as paper_list reads
-- them.
-- +goose StatementBegin
CREATE TRIGGER authors_delete_links AFTER DELETE ON authors
BEGIN
    UPDATE papers SET authors = coalesce((
        SELECT group_concat(name, '; ') FROM (
            SELECT a.name FROM authorship s JOIN authors a ON a.id = s.author_id
            WHERE s.paper_id = papers.id ORDER BY s.position)), '')
    WHERE id IN (SELECT paper_id FROM authorship WHERE author_id = old.id);
    DELETE FROM authorship WHERE author_id = old.id;
END;
-- +goose StatementEnd

-- +goose Down

DROP TRIGGER authors_delete_links;
DROP TRIGGER sources_delete_links;
DROP TRIGGER papers_delete_links;
