package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// TestCommitProgress: Commit reports its steps through Import.Progress:
// first 0 of the total, then one more at a time, last the total, the
// total the same throughout; on each path (into an empty catalog with the
// scratch index or building the index in place, and into a catalog with
// papers).
func TestCommitProgress(t *testing.T) {
	for _, tt := range []struct {
		name              string
		inPlace, nonEmpty bool
	}{
		{"empty, scratch index", false, false},
		{"empty, index in place", true, false},
		{"with papers", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTemp(t)
			s.indexInPlace = tt.inPlace
			if tt.nonEmpty {
				importPapers(t, s, SourceInfo{Path: "first", SHA256: "first", Format: "bibtex"}, paper(t, attention))
			}
			ctx := context.Background()
			im, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := im.StartSource(ctx, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}); err != nil {
				t.Fatal(err)
			}
			for i, rec := range []importer.Record{bert, muller} {
				if err := im.Add(ctx, i+1, i+1, paper(t, rec)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := im.EndSource(ctx); err != nil {
				t.Fatal(err)
			}
			var calls [][2]int
			im.Progress = func(done, total int) { calls = append(calls, [2]int{done, total}) }
			if err := im.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if len(calls) < 2 {
				t.Fatalf("Progress called %d times, want at least 2: %v", len(calls), calls)
			}
			total := calls[0][1]
			for i, c := range calls {
				if c != [2]int{i, total} {
					t.Fatalf("call %d: got %v, want %v (all calls: %v)", i, c, [2]int{i, total}, calls)
				}
			}
			if last := calls[len(calls)-1]; last[0] != total {
				t.Errorf("last call %v: want done = total; calls %s", last, fmt.Sprint(calls))
			}
		})
	}
}
