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
