package store

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// TestDiskFullDuringImport fills the "disk" in the middle of an import
// (Options.MaxPageCount caps the file, and SQLite reports SQLITE_FULL as on
// a full disk): the error says so, the rollback leaves every table as it
// was, and the catalog takes the import once there is room. The process
// version, on a small tmpfs, is in reliability/diskfull_test.go.
func TestDiskFullDuringImport(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"},
		paper(t, attention), paper(t, bert), paper(t, muller))
	before := tableDigests(t, s.DB)
	var pages int
	if err := s.DB.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	s.Close()

	full, err := Open(ctx, path, Options{MaxPageCount: pages + 8})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	many := make([]*importer.Paper, 2000)
	for i := range many {
		many[i] = paper(t, importer.Record{
			Title:    fmt.Sprintf("Filling the disk, part %d", i),
			Authors:  people(fmt.Sprintf("Writer%d, Anne", i%50)),
			Abstract: strings.Repeat(fmt.Sprintf("word%d ", i), 100),
		})
	}
	err = importUntilError(ctx, full, many)
	if err == nil {
		t.Fatal("the import fit in 8 pages; want a full disk")
	}
	t.Logf("error: %v", err)
	if !strings.Contains(err.Error(), "disk full") {
		t.Errorf("got %q, want it to say disk full", err)
	}
	if after := tableDigests(t, full.DB); !maps.Equal(before, after) {
		t.Errorf("tables changed:\n got %v\nwant %v", after, before)
	}
	checkIntegrity(t, full.DB)
	if problems := failed(t, full); len(problems) > 0 {
		t.Errorf("doctor after a full disk: %v", problems)
	}
	// Reads still work on the full disk.
	if hits, err := full.Search(ctx, `"attention"`, SearchOptions{Limit: 5}); err != nil || len(hits) != 1 {
		t.Errorf("search on the full disk: %v, %v", hits, err)
	}
	full.Close()

	// With room again, the same import goes through.
	roomy, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer roomy.Close()
	if err := importUntilError(ctx, roomy, many); err != nil {
		t.Fatalf("import with room: %v", err)
	}
	if n := count(t, roomy.DB, "SELECT count(*) FROM papers"); n != 3+len(many) {
		t.Errorf("papers: got %d, want %d", n, 3+len(many))
	}
	checkIntegrity(t, roomy.DB)
}

// importUntilError imports papers as one source and returns the first
// error, rolling back.
func importUntilError(ctx context.Context, s *Store, papers []*importer.Paper) error {
	im, err := s.BeginImport(ctx)
	if err != nil {
		return err
	}
	if err := im.StartSource(ctx, SourceInfo{Path: "many", SHA256: "many", Format: "bibtex"}); err != nil {
		im.Rollback()
		return err
	}
	for i, p := range papers {
		if err := im.Add(ctx, i+1, i+1, p); err != nil {
			im.Rollback()
			return err
		}
	}
	if _, err := im.EndSource(ctx); err != nil {
		im.Rollback()
		return err
	}
	return im.Commit(ctx)
}
