package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

func TestDownDrops(t *testing.T) {
	tests := []struct {
		name, src string
		want      []dropped
	}{
		{"no down", "-- +goose Up\nCREATE TABLE x (a);\n", nil},
		{"tables", "-- +goose Up\nCREATE TABLE kept (a);\n-- +goose Down\nDROP TABLE things;\ndrop table if exists \"more\";\n",
			[]dropped{{table: "things"}, {table: "more"}}},
		{"derived tables", "-- +goose Down\nDROP TABLE papers_fts;\nDROP TABLE venues;\nDROP TABLE papers_fts_vocab;\n", nil},
		{"columns", "-- +goose Down\nALTER TABLE papers DROP COLUMN publisher;\nALTER TABLE papers DROP address;\n",
			[]dropped{{table: "papers", column: "publisher"}, {table: "papers", column: "address"}}},
		{"deletes", "-- +goose Down\nDELETE FROM sources WHERE format = 'x';\nDROP TABLE sources;\n",
			[]dropped{{table: "sources"}}},
		{"rebuilt table", "-- +goose Down\n-- a comment: DROP TABLE papers;\nDELETE FROM paper_sources WHERE source_id IN (\n  SELECT id FROM sources WHERE x);\n" +
			"DELETE FROM sources WHERE EXISTS (SELECT 1);\nCREATE TEMP TABLE sources_copy AS SELECT * FROM sources;\nDROP TABLE sources;\n" +
			"CREATE TABLE sources (id INTEGER PRIMARY KEY);\nINSERT INTO sources SELECT * FROM sources_copy;\nDROP TABLE sources_copy;\n",
			[]dropped{{table: "paper_sources", where: "WHERE source_id IN (\n  SELECT id FROM sources WHERE x)"}, {table: "sources", where: "WHERE EXISTS (SELECT 1)"}}},
		{"views, indexes, triggers", "-- +goose Down\nDROP VIEW v;\nDROP INDEX i;\nDROP TRIGGER t;\n", nil},
		{"up only", "-- +goose Up\nDROP TABLE old;\n-- +goose Down\nCREATE TABLE old (a);\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := downDrops(tt.src); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDownLoss: rolling back to 0 would drop the papers, authors and
// sources; rolling back to 1 drops nothing users put in; an empty catalog
// loses nothing either way.
func TestDownLoss(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	for _, v := range []int64{0, 1} {
		loss, err := s.DownLoss(ctx, v)
		if err != nil || len(loss) != 0 {
			t.Errorf("empty catalog, down to %d: got %v, %v, want nothing", v, loss, err)
		}
	}
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention), paper(t, bert))
	loss, err := s.DownLoss(ctx, 1)
	if err != nil || len(loss) != 0 {
		t.Errorf("down to 1: got %v, %v, want nothing", loss, err)
	}
	loss, err = s.DownLoss(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "[00001_catalog.sql drops paper_sources (2 rows), authorship (5 rows), authors (5 rows), papers (2 rows), sources (1 row)]"
	if got := fmt.Sprint(loss); got != want {
		t.Errorf("down to 0:\n got %s\nwant %s", got, want)
	}
}

// TestSameFileAnotherFormat: a file counts as imported under the format
// that read it. Read again under another format (after a wrong --format),
// it is another source whose records are read, not "already imported";
// rolling back migration 00010, which allows that, would drop the second
// reading, and says so.
func TestSameFileAnotherFormat(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	wrong := importPapers(t, s, SourceInfo{Path: "refs.bib", SHA256: "x", Format: "ris"}, paper(t, attention))
	right := importPapers(t, s, SourceInfo{Path: "refs.bib", SHA256: "x", Format: "bibtex"}, paper(t, attention), paper(t, bert))
	if wrong.Known || right.Known || right.Added != 1 || right.Merged != 1 {
		t.Errorf("second format: got %+v, want a new source with 1 paper added and 1 merged", right)
	}
	again := importPapers(t, s, SourceInfo{Path: "refs.bib", SHA256: "x", Format: "bibtex"}, paper(t, attention), paper(t, bert))
	if !again.Known || again.Unchanged != 2 {
		t.Errorf("same format again: got %+v, want already imported, 2 unchanged", again)
	}
	loss, err := s.DownLoss(ctx, 9)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(loss), "[00010_source_format.sql drops paper_sources (2 rows), sources (1 row)]"; got != want {
		t.Errorf("down to 9: got %s, want %s", got, want)
	}
	if _, err := s.MigrateDown(ctx, 9); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM sources"); n != 1 {
		t.Errorf("sources after down to 9: %d, want 1", n)
	}
	checkIntegrity(t, s.DB)
}
