package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// scratchPapers are enough papers for several of the scratch index's
// batches, with duplicates whose merges change what is indexed of papers
// handed over long before (an abstract, authors) and merges that change
// nothing indexed.
func scratchPapers(t *testing.T) []*importer.Paper {
	words := strings.Fields("graph neural attention model language learning retrieval sparse dense " +
		"transformer corpus parsing semantic vision speech robust bayesian kernel policy reward")
	title := func(i int) string {
		return fmt.Sprintf("%s %s for %s %s number %d", words[i%len(words)], words[i/7%len(words)],
			words[i/3%len(words)], words[i/11%len(words)], i)
	}
	var papers []*importer.Paper
	for i := range 2600 {
		rec := importer.Record{Title: title(i), Year: 1990 + i%35, Venue: "Venue " + words[i%5]}
		if i%4 != 0 {
			rec.Abstract = "We study " + title(i*13) + " and " + words[i*5%len(words)] + " über Müller's ideas."
		}
		if i%6 != 0 {
			rec.Authors = people(fmt.Sprintf("Family%d, Given%d", i%300, i%17), fmt.Sprintf("Other%d, Name", i%41))
		}
		if i%9 == 0 {
			rec.DOI = fmt.Sprintf("10.1000/x.%d", i)
		}
		papers = append(papers, paper(t, rec))
	}
	// Duplicates (by DOI): of papers without an abstract or authors (the merge
	// fills them), and of papers with both (nothing indexed changes).
	for i := 0; i < 2600; i += 9 {
		rec := importer.Record{Title: title(i), Year: 1990 + i%35, Pages: "1--9", DOI: fmt.Sprintf("10.1000/x.%d", i),
			Abstract: "A later abstract about " + title(i+1), Authors: people("Late, Author")}
		if i%6 != 0 {
			rec.Authors = people(fmt.Sprintf("Family%d, Given%d", i%300, i%17), fmt.Sprintf("Other%d, Name", i%41))
		}
		papers = append(papers, paper(t, rec))
	}
	return papers
}

// laterAbstracts is how many of scratchPapers' merges add an abstract.
func laterAbstracts() int {
	n := 0
	for i := 0; i < 2600; i += 9 {
		if i%4 == 0 {
			n++
		}
	}
	return n
}

// ftsDump is everything the full-text index holds: every token instance
// (fts5vocab), every document's column sizes and the averages record.
func ftsDump(t *testing.T, db *sql.DB) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, papers_fts, instance)"); err != nil {
		t.Fatal(err)
	}
	var dump []string
	for _, q := range []string{
		"SELECT term, doc, col, offset FROM temp.vocab ORDER BY term, doc, col, offset",
		"SELECT id, hex(sz) FROM papers_fts_docsize ORDER BY id",
		"SELECT hex(block) FROM papers_fts_data WHERE id = 1",
	} {
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			dump = append(dump, fmt.Sprint(vals...))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return dump
}

// TestScratchIndexAgrees imports the same papers into an empty catalog
// twice: with the index built beside the import and copied in, and built
// in place at Commit. The two indexes must hold the same. The import runs
// without the write-ahead log, and in it, beside a reader.
func TestScratchIndexAgrees(t *testing.T) {
	papers := scratchPapers(t)
	src := SourceInfo{Path: "a.bib", SHA256: "aaa", Format: "bibtex", Size: 10}
	inPlace, _ := openTemp(t)
	inPlace.indexInPlace = true
	importPapers(t, inPlace, src, papers...)
	checkIntegrity(t, inPlace.DB)
	want := ftsDump(t, inPlace.DB)
	if len(want) < 50000 {
		t.Fatalf("the dump has only %d rows", len(want))
	}
	for _, beside := range []bool{false, true} {
		t.Run(fmt.Sprint("beside a reader=", beside), func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			s, path := openTemp(t)
			// One connection, which has read the empty index before the
			// import.
			s.DB.SetMaxOpenConns(1)
			if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'later'"); n != 0 {
				t.Fatalf("found %d papers in an empty catalog", n)
			}
			if beside {
				reader, err := sql.Open("sqlite", dsn(path, Options{}))
				if err != nil {
					t.Fatal(err)
				}
				defer reader.Close()
				count(t, reader, "SELECT count(*) FROM papers")
			}
			stats := importPapers(t, s, src, papers...)
			if stats.Merged != len(papers)-2600 {
				t.Fatalf("merged %d records, want %d", stats.Merged, len(papers)-2600)
			}
			checkIntegrity(t, s.DB)
			if n := count(t, s.DB, "SELECT count(DISTINCT segid) FROM papers_fts_idx"); n != 1 {
				t.Errorf("segments: %d, want 1", n)
			}
			got := ftsDump(t, s.DB)
			if !slices.Equal(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("indexes differ at row %d of %d/%d: built beside %q, in place %q", i, len(got), len(want), got[i], want[i])
					}
				}
				t.Fatalf("indexes differ: %d rows built beside, %d in place", len(got), len(want))
			}
			// The merges' new text is found (a connection that kept the
			// empty index's structure cached would find nothing).
			if n, want := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'later'"), laterAbstracts(); n != want {
				t.Errorf("papers with an abstract a merge added: %d, want %d", n, want)
			}
			if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'authors:late'"); n == 0 {
				t.Error("no paper has the authors a merge added")
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left in the temporary directory: %v", left)
			}
		})
	}
}

// TestScratchIndexLeavesNothing checks that the scratch file is gone while
// the import runs (unlinked once open) and after it, committed or not.
func TestScratchIndexLeavesNothing(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprint("commit=", commit), func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			s, _ := openTemp(t)
			ctx := context.Background()
			im, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if im.fts == nil {
				t.Fatal("an import into an empty catalog has no scratch index")
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
				t.Errorf("during the import: %v", left)
			}
			if err := im.StartSource(ctx, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}); err != nil {
				t.Fatal(err)
			}
			for i, rec := range []importer.Record{attention, bert, muller} {
				if err := im.Add(ctx, i+1, i+1, paper(t, rec)); err != nil {
					t.Fatal(err)
				}
			}
			if commit {
				err = im.Commit(ctx)
			} else {
				err = im.Rollback()
			}
			if err != nil {
				t.Fatal(err)
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
				t.Errorf("after the import: %v", left)
			}
			want := 0
			if commit {
				want = 3
			}
			if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'attention OR bert OR graphs'"); n != want {
				t.Errorf("papers found: %d, want %d", n, want)
			}
			checkIntegrity(t, s.DB)
		})
	}
}

// TestScratchIndexFallsBack: where the temporary directory cannot be
// written, an import into an empty catalog indexes in place.
func TestScratchIndexFallsBack(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	s, _ := openTemp(t)
	ctx := context.Background()
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if im.fts != nil {
		t.Error("a scratch index in a missing directory")
	}
	im.Rollback()
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention), paper(t, bert))
	if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'attention OR bert'"); n != 2 {
		t.Errorf("papers found: %d, want 2", n)
	}
	checkIntegrity(t, s.DB)
}

// TestRemoveStaleScratch: the scratch files of processes that have ended
// are removed, those of running ones kept.
func TestRemoveStaleScratch(t *testing.T) {
	if !processAlive(os.Getpid()) {
		t.Skip("no process check here")
	}
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	name := func(pid int) string { return filepath.Join(dir, fmt.Sprintf("%s%d-123.db", scratchPrefix, pid)) }
	files := map[string]bool{ // name: removed
		name(ended.Process.Pid):                    true,
		name(os.Getpid()):                          false,
		name(os.Getppid()):                         false,
		filepath.Join(dir, scratchPrefix+"x-1.db"): false,
		filepath.Join(dir, "other.db"):             false,
	}
	for f := range files {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removeStaleScratch(dir)
	for f, removed := range files {
		if _, err := os.Stat(f); (err != nil) != removed {
			t.Errorf("%s: removed %v, want %v", filepath.Base(f), err != nil, removed)
		}
	}
}
