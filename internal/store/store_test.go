package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// openTemp opens a new catalog in a temporary folder.
func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func paper(t *testing.T, rec importer.Record) *importer.Paper {
	t.Helper()
	p, err := importer.Normalize(&rec)
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	return p
}

func people(names ...string) []importer.Person {
	var out []importer.Person
	for _, n := range names {
		family, given, _ := strings.Cut(n, ", ")
		out = append(out, importer.Person{Family: family, Given: given})
	}
	return out
}

// importPapers imports papers as one source and commits.
func importPapers(t testing.TB, s *Store, src SourceInfo, papers ...*importer.Paper) SourceStats {
	t.Helper()
	ctx := context.Background()
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.StartSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	for i, p := range papers {
		if err := im.Add(ctx, i+1, i*3+2, p); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	stats, err := im.EndSource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return stats
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
	// rank=1 also compares the index with the content table.
	if _, err := db.Exec("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Fatalf("fts5 integrity-check: %v", err)
	}
}

var (
	attention = importer.Record{Title: "Attention Is All You Need", Year: 2017,
		Authors: people("Vaswani, Ashish", "Shazeer, Noam", "Parmar, Niki")}
	bert = importer.Record{Markup: importer.MarkupLaTeX, Title: "{BERT}: Pre-training of Deep Bidirectional Transformers", Year: 2019,
		Authors: people("Devlin, Jacob", "Chang, Ming-Wei"), Abstract: "We introduce a new language representation model called \\textbf{BERT}."}
	muller = importer.Record{Title: "Graphs and Things", Authors: people("Müller, Jürgen", "DAI, Zheqi", "Dai, Juntao")}
)

func TestImportAndReimport(t *testing.T) {
	s, _ := openTemp(t)
	src := SourceInfo{Path: "a.bib", SHA256: "aaa", Format: "bibtex", Size: 10}
	got := importPapers(t, s, src, paper(t, attention), paper(t, bert), paper(t, muller))
	want := SourceStats{Records: 3, Added: 3, AuthorsAdded: 8}
	if got != want {
		t.Errorf("first import: got %+v, want %+v", got, want)
	}
	// The same file again: nothing changes.
	got = importPapers(t, s, src, paper(t, attention), paper(t, bert), paper(t, muller))
	want = SourceStats{Records: 3, Unchanged: 3, Known: true}
	if got != want {
		t.Errorf("re-import: got %+v, want %+v", got, want)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM papers"); n != 3 {
		t.Errorf("papers: got %d, want 3", n)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM paper_sources"); n != 3 {
		t.Errorf("paper_sources: got %d, want 3", n)
	}
	// DAI, Zheqi is shown in title case and is not Dai, Juntao.
	var names string
	if err := s.DB.QueryRow("SELECT authors FROM paper_list WHERE title = 'Graphs and Things'").Scan(&names); err != nil {
		t.Fatal(err)
	}
	if want := "Müller, Jürgen; Dai, Zheqi; Dai, Juntao"; names != want {
		t.Errorf("paper_list.authors: got %q, want %q", names, want)
	}
	checkIntegrity(t, s.DB)
}

func TestMergeAcrossSources(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a.txt", SHA256: "a", Format: "profile", Owner: "Vaswani, Ashish"},
		paper(t, importer.Record{Title: "Attention is all you need!", Authors: people("Vaswani, Ashish")}))
	withDOI := attention
	withDOI.DOI = "https://doi.org/10.5555/3295222.3295349"
	got := importPapers(t, s, SourceInfo{Path: "b.bib", SHA256: "b", Format: "bibtex"}, paper(t, withDOI))
	if got.Merged != 1 || got.Added != 0 {
		t.Fatalf("got %+v, want one merge", got)
	}
	var year int
	var doi string
	if err := s.DB.QueryRow("SELECT year, doi FROM papers").Scan(&year, &doi); err != nil {
		t.Fatal(err)
	}
	if year != 2017 || doi != "10.5555/3295222.3295349" {
		t.Errorf("merged paper: got year %d doi %q; want the missing fields filled", year, doi)
	}
	// The first source's authors stay; both sources are recorded.
	if n := count(t, s.DB, "SELECT count(*) FROM authorship"); n != 1 {
		t.Errorf("authorship rows: got %d, want 1 (the existing list is kept)", n)
	}
	if n := count(t, s.DB, "SELECT count(DISTINCT source_id) FROM paper_sources"); n != 2 {
		t.Errorf("sources behind the paper: got %d, want 2", n)
	}
	checkIntegrity(t, s.DB)
}

func TestRollbackLeavesDatabaseUnchanged(t *testing.T) {
	s, path := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention))
	ctx := context.Background()
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.StartSource(ctx, SourceInfo{Path: "b", SHA256: "b", Format: "bibtex"}); err != nil {
		t.Fatal(err)
	}
	if err := im.Add(ctx, 1, 1, paper(t, bert)); err != nil {
		t.Fatal(err)
	}
	if err := im.Rollback(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n := count(t, s2.DB, "SELECT count(*) FROM papers"); n != 1 {
		t.Errorf("papers after rollback: got %d, want 1", n)
	}
	if n := count(t, s2.DB, "SELECT count(*) FROM sources"); n != 1 {
		t.Errorf("sources after rollback: got %d, want 1", n)
	}
	checkIntegrity(t, s2.DB)
}

func TestSearch(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"},
		paper(t, attention), paper(t, bert), paper(t, muller))
	tests := []struct {
		match string
		want  []string // titles in rank order
	}{
		{`"muller"`, []string{"Graphs and Things"}},
		{`"bert"`, []string{"BERT: Pre-training of Deep Bidirectional Transformers"}},
		{`"attention"`, []string{"Attention Is All You Need"}},
		{`"nothing"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.match, func(t *testing.T) {
			hits, err := s.Search(context.Background(), tt.match, SearchOptions{Limit: 10, MarkOpen: "[", MarkClose: "]"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Title)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	hits, err := s.Search(context.Background(), `"muller"`, SearchOptions{Limit: 1})
	if err != nil || len(hits) != 1 {
		t.Fatalf("got %v, %v", hits, err)
	}
	if want := []string{"Müller, Jürgen", "Dai, Zheqi", "Dai, Juntao"}; strings.Join(hits[0].Authors, "|") != strings.Join(want, "|") {
		t.Errorf("authors: got %q, want %q in order", hits[0].Authors, want)
	}
	if _, err := s.Search(context.Background(), `title:(`, SearchOptions{Limit: 1}); !errors.Is(err, ErrQuerySyntax) {
		t.Errorf("bad FTS5 syntax: got %v, want ErrQuerySyntax", err)
	}
}

// TestTitleWeightedAboveAbstract: a word in the title outranks the same
// word in an abstract.
func TestTitleWeightedAboveAbstract(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"},
		paper(t, importer.Record{Title: "Something else entirely", Abstract: "We study transformers for speech.", Authors: people("A, B")}),
		paper(t, importer.Record{Title: "Transformers for speech", Abstract: "Something else entirely.", Authors: people("C, D")}))
	hits, err := s.Search(context.Background(), `"transformers"`, SearchOptions{Limit: 2})
	if err != nil || len(hits) != 2 {
		t.Fatalf("got %v, %v", hits, err)
	}
	if hits[0].Title != "Transformers for speech" {
		t.Errorf("first hit: got %q, want the title match", hits[0].Title)
	}
}

func TestMigrateUpDownUp(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention))
	cur, latest, err := s.Version(ctx)
	if err != nil || cur != latest || cur == 0 {
		t.Fatalf("Version: %d, %d, %v; want current == latest > 0", cur, latest, err)
	}
	down, err := s.MigrateDown(ctx, 0)
	if err != nil || len(down) == 0 {
		t.Fatalf("MigrateDown: %v, %v", down, err)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM sqlite_schema WHERE name IN ('papers', 'papers_fts', 'paper_list')"); n != 0 {
		t.Errorf("after down: %d catalog objects remain, want 0", n)
	}
	up, err := s.MigrateUp(ctx, 0)
	if err != nil || len(up) != len(down) {
		t.Fatalf("MigrateUp: %v, %v", up, err)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'papers_fts_%'"); n != 4 {
		t.Errorf("FTS triggers after up: got %d, want 4", n)
	}
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention))
	checkIntegrity(t, s.DB)
	hits, err := s.Search(ctx, `"attention"`, SearchOptions{Limit: 5})
	if err != nil || len(hits) != 1 {
		t.Errorf("search after down and up: %v, %v", hits, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("just some text, long enough to have a header"), 0o644)

	foreign := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE things (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	newer, _ := openTemp(t)
	if _, err := newer.DB.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)"); err != nil {
		t.Fatal(err)
	}
	newer.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	newer.Close()

	tests := []struct {
		name, path, want string
	}{
		{"directory", dir, "is a directory"},
		{"not sqlite", notDB, "not a SQLite database"},
		{"another program's database", foreign, "not a catalog database"},
		{"newer schema", newer.Path, "newer than this catalog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before []byte
			if st, err := os.Stat(tt.path); err == nil && !st.IsDir() {
				before, _ = os.ReadFile(tt.path)
			}
			s, err := Open(ctx, tt.path, Options{})
			if err == nil {
				s.Close()
				t.Fatalf("Open succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
			if before != nil {
				after, _ := os.ReadFile(tt.path)
				if !bytes.Equal(before, after) {
					t.Errorf("the file changed")
				}
				for _, suffix := range []string{"-wal", "-shm"} {
					if _, err := os.Stat(tt.path + suffix); err == nil {
						t.Errorf("%s%s was left beside the refused file", filepath.Base(tt.path), suffix)
					}
				}
			}
		})
	}
}

// TestRecursiveTriggersOff: catalog's connections behave like the sqlite3
// shell, and INSERT OR REPLACE keeps the index right.
func TestRecursiveTriggersOff(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention))
	if n := count(t, s.DB, "PRAGMA recursive_triggers"); n != 0 {
		t.Errorf("recursive_triggers: got %d, want 0", n)
	}
	if _, err := s.DB.Exec("INSERT OR REPLACE INTO papers (id, title) VALUES (1, 'Replaced qwerty')"); err != nil {
		t.Fatal(err)
	}
	checkIntegrity(t, s.DB)
	if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'attention'"); n != 0 {
		t.Errorf("old title still indexed")
	}
	if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'qwerty'"); n != 1 {
		t.Errorf("new title not indexed")
	}
}

// TestSQLite3Shell opens a catalog with the sqlite3 shell users have
// (Debian 12: 3.40) and does what they do.
func TestSQLite3Shell(t *testing.T) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CATALOG_REQUIRE_SQLITE3") != "" {
			t.Fatal("sqlite3 shell not found and CATALOG_REQUIRE_SQLITE3 is set")
		}
		t.Skip("sqlite3 shell not installed (apt-get install sqlite3); skipping the shell compatibility test")
	}
	s, path := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"},
		paper(t, attention), paper(t, bert), paper(t, muller),
		paper(t, importer.Record{Title: "Edited Volume", Editors: people("Zeditor, Ann", "Quixote, Ed")}))
	s.Close()

	run := func(sql string) string {
		t.Helper()
		cmd := exec.Command(shell, "-bail", path)
		cmd.Stdin = strings.NewReader(sql)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("sqlite3 %q: %v\n%s", sql, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if out := run(".schema"); !strings.Contains(out, "CREATE VIRTUAL TABLE papers_fts") || strings.Contains(out, "rror") {
		t.Errorf(".schema: %s", out)
	}
	tests := []struct{ sql, want string }{
		{"PRAGMA integrity_check;", "ok"},
		{"SELECT title FROM papers_fts WHERE papers_fts MATCH 'muller' ORDER BY rank;", "Graphs and Things"},
		{"SELECT authors FROM paper_list WHERE id = 3;", "Müller, Jürgen; Dai, Zheqi; Dai, Juntao"},
		{"INSERT INTO papers (title, abstract) VALUES ('Zyxwv from the shell', 'typed by hand'); SELECT p.title FROM papers_fts f JOIN papers p ON p.id = f.rowid WHERE papers_fts MATCH 'zyxwv';", "Zyxwv from the shell"},
		{"INSERT OR REPLACE INTO papers (id, title) VALUES (1, 'Replaced qwerty'); SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'attention';", "0"},
		{"UPDATE papers SET abstract = 'now about graphs' WHERE id = 2; SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'abstract:graphs';", "2"},
		{"DELETE FROM papers WHERE id = 2; SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'bert';", "0"},
		{"SELECT p.title, n.names FROM papers_fts f JOIN papers p ON p.id = f.rowid JOIN paper_names n ON n.id = p.id WHERE papers_fts MATCH 'zeditor';", "Edited Volume|Zeditor, Ann; Quixote, Ed"},
		// Foreign keys are off in the shell: a trigger takes the rows.
		{"DELETE FROM papers WHERE id = 4; SELECT count(*) FROM editorship;", "0"},
		{"INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1); PRAGMA integrity_check;", "ok"},
		{"SELECT snippet(papers_fts, -1, '[', ']', '...', 8) FROM papers_fts WHERE papers_fts MATCH 'qwerty';", "Replaced [qwerty]"},
	}
	for _, tt := range tests {
		if got := run(tt.sql); got != tt.want {
			t.Errorf("sqlite3 %q:\n got %q\nwant %q", tt.sql, got, tt.want)
		}
	}
	// And catalog still opens it and finds the index sound.
	s2, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	checkIntegrity(t, s2.DB)
}

// TestDeletesInTheShell deletes a paper, an author and a source in the
// sqlite3 shell, where foreign keys are off, so only triggers keep the
// file consistent: no row may be left pointing at a deleted one, doctor
// must find nothing, and importing the source again must bring back what
// was deleted.
func TestDeletesInTheShell(t *testing.T) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CATALOG_REQUIRE_SQLITE3") != "" {
			t.Fatal("sqlite3 shell not found and CATALOG_REQUIRE_SQLITE3 is set")
		}
		t.Skip("sqlite3 shell not installed (apt-get install sqlite3); skipping the shell deletion test")
	}
	srcA := SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}
	srcB := SourceInfo{Path: "b", SHA256: "b", Format: "bibtex"}
	tests := []struct {
		name, sql string
		reimport  []SourceInfo // imported again after the deletion
		// papers and provenance rows then: a paper that both sources
		// list comes back with the first re-imported, and gets the other's
		// record back only when that one is imported again too.
		papers, records int
	}{
		{"a paper", "DELETE FROM papers WHERE title LIKE 'Attention%';", []SourceInfo{srcA}, 3, 3},
		{"a paper, both sources again", "DELETE FROM papers WHERE title LIKE 'Attention%';", []SourceInfo{srcB, srcA}, 3, 4},
		{"every paper", "DELETE FROM papers;", []SourceInfo{srcA, srcB}, 3, 4},
		{"an author", "DELETE FROM authors WHERE name = 'Shazeer, Noam';", nil, 3, 4},
		{"a source", "DELETE FROM sources WHERE path = 'b';", []SourceInfo{srcB}, 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := openTemp(t)
			importPapers(t, s, srcA, paper(t, attention), paper(t, bert))
			importPapers(t, s, srcB, paper(t, muller), paper(t, attention))
			s.Close()
			cmd := exec.Command(shell, "-bail", path)
			cmd.Stdin = strings.NewReader("PRAGMA foreign_keys;\n" + tt.sql + "\nPRAGMA foreign_key_check;\n")
			out, err := cmd.CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "0" {
				t.Fatalf("sqlite3: %v: %q, want foreign keys off (0) and no dangling row", err, out)
			}
			s, err = Open(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			checks, err := s.Doctor(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range checks {
				if !c.OK() {
					t.Errorf("doctor: %s: %s", c.Name, c.Problem)
				}
			}
			for _, src := range tt.reimport {
				if src == srcA {
					importPapers(t, s, src, paper(t, attention), paper(t, bert))
				} else {
					importPapers(t, s, src, paper(t, muller), paper(t, attention))
				}
			}
			if got := count(t, s.DB, "SELECT count(*) FROM papers"); got != tt.papers {
				t.Errorf("papers after the re-import: got %d, want %d", got, tt.papers)
			}
			if got := count(t, s.DB, "SELECT count(*) FROM paper_sources"); got != tt.records {
				t.Errorf("paper_sources after the re-import: got %d, want %d", got, tt.records)
			}
			checkIntegrity(t, s.DB)
		})
	}
}

// TestRankWindow: with more matches than the window, only the newest
// window is ranked; filters that leave too few hits there rank them all.
func TestRankWindow(t *testing.T) {
	s, _ := openTemp(t)
	var papers []*importer.Paper
	for i := 1; i <= 10; i++ {
		title := fmt.Sprintf("Common word paper %d", i)
		if i == 1 {
			title = "Common common common word" // the best match, but the oldest
		}
		papers = append(papers, paper(t, importer.Record{Title: title, Year: 2000 + i, Authors: people(fmt.Sprintf("Author%d, A", i))}))
	}
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, papers...)
	ctx := context.Background()
	ids := func(hits []Hit) (out []int64) {
		for _, h := range hits {
			out = append(out, h.ID)
		}
		return out
	}
	s.RankWindow = 0
	all, err := s.Search(ctx, `"common"`, SearchOptions{Limit: 2})
	if err != nil || len(all) != 2 || all[0].ID != 1 {
		t.Fatalf("unbounded: got %v, %v; want paper 1 first", ids(all), err)
	}
	s.RankWindow = 4
	got, err := s.Search(ctx, `"common"`, SearchOptions{Limit: 2})
	if err != nil || len(got) != 2 || got[0].ID < 7 {
		t.Errorf("window of 4: got %v, %v; want hits among the 4 newest (7-10)", ids(got), err)
	}
	got, err = s.Search(ctx, `"common"`, SearchOptions{Limit: 2, Filters: Filters{YearFrom: 2001, YearTo: 2002}})
	if err != nil || len(got) != 2 || got[0].ID != 1 {
		t.Errorf("window with a filter that empties it: got %v, %v; want the full ranking, paper 1 first", ids(got), err)
	}
	got, err = s.Search(ctx, `"word"`, SearchOptions{Limit: 3, NewestFirst: true})
	if want := []int64{10, 9, 8}; err != nil || fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Errorf("NewestFirst: got %v, %v; want %v", ids(got), err, want)
	}
}

// TestImportWithoutTriggers: an import still works, and indexes its papers,
// when a user has dropped the FTS insert trigger; it does not invent it.
func TestImportWithoutTriggers(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.DB.Exec("DROP TRIGGER papers_fts_insert"); err != nil {
		t.Fatal(err)
	}
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention))
	checkIntegrity(t, s.DB)
	if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'attention'"); n != 1 {
		t.Errorf("indexed papers: got %d, want 1", n)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM sqlite_schema WHERE name = 'papers_fts_insert'"); n != 0 {
		t.Errorf("the dropped trigger came back from the import: want doctor --repair to do that")
	}
}

// An import into an empty catalog sets secondary indexes and FTS triggers
// aside and builds them at the end; whether it commits or rolls back, the
// schema is the same afterwards, and the connection it used has its
// settings back.
func TestBulkImportRestoresSchema(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprint("commit=", commit), func(t *testing.T) {
			s, _ := openTemp(t)
			s.DB.SetMaxOpenConns(1) // the import's connection is the one checked after
			want := schemaObjects(t, s.DB)
			for _, name := range append(bulkTriggers, bulkIndexes...) {
				if !slices.ContainsFunc(want, func(o string) bool { return strings.Contains(o, " "+name+": ") }) {
					t.Fatalf("migrations define no %s", name)
				}
			}
			ctx := context.Background()
			im, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := im.StartSource(ctx, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}); err != nil {
				t.Fatal(err)
			}
			for i, rec := range []importer.Record{attention, bert, muller} {
				if err := im.Add(ctx, i+1, i+1, paper(t, rec)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := im.EndSource(ctx); err != nil {
				t.Fatal(err)
			}
			var mode string
			if err := im.conn.QueryRowContext(ctx, "PRAGMA main.journal_mode").Scan(&mode); err != nil || mode != "delete" {
				t.Errorf("journal_mode during an import into an empty catalog: %q, %v; want delete", mode, err)
			}
			if commit {
				err = im.Commit(ctx)
			} else {
				err = im.Rollback()
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := schemaObjects(t, s.DB); !slices.Equal(got, want) {
				t.Errorf("schema after import:\n got %q\nwant %q", got, want)
			}
			if n := count(t, s.DB, "PRAGMA foreign_keys"); n != 1 {
				t.Errorf("foreign_keys after the import: %d, want 1", n)
			}
			if n := count(t, s.DB, "PRAGMA temp_store"); n != 2 {
				t.Errorf("temp_store after the import: %d, want 2 (MEMORY)", n)
			}
			if n := count(t, s.DB, "PRAGMA mmap_size"); n != 1<<30 {
				t.Errorf("mmap_size after the import: %d, want %d", n, 1<<30)
			}
			mode = ""
			if err := s.DB.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode after the import: %q, %v; want wal", mode, err)
			}
			if n := count(t, s.DB, "PRAGMA synchronous"); n != 1 {
				t.Errorf("synchronous after the import: %d, want 1 (NORMAL)", n)
			}
			if _, err := os.Stat(s.Path + "-journal"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("rollback journal left behind: %v", err)
			}
			wantPapers := 0
			if commit {
				wantPapers = 3
			}
			if n := count(t, s.DB, "SELECT count(*) FROM papers"); n != wantPapers {
				t.Errorf("papers: %d, want %d", n, wantPapers)
			}
			// The rebuilt index holds every row.
			if n := count(t, s.DB, "SELECT count(*) FROM authorship INDEXED BY authorship_author WHERE author_id > 0"); n != count(t, s.DB, "SELECT count(*) FROM authorship") {
				t.Errorf("authorship_author holds %d rows", n)
			}
			checkIntegrity(t, s.DB)
		})
	}
}

// TestImportBesideAReader: another connection that has the file open
// keeps an import into an empty catalog in WAL mode (SQLite cannot leave
// it then); the import works as any other, and the reader reads the
// catalog as it was until the commit.
func TestImportBesideAReader(t *testing.T) {
	s, path := openTemp(t)
	s.DB.SetMaxOpenConns(1)
	reader, err := sql.Open("sqlite", dsn(path, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if n := count(t, reader, "SELECT count(*) FROM papers"); n != 0 {
		t.Fatalf("papers: %d", n)
	}
	ctx := context.Background()
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := im.conn.QueryRowContext(ctx, "PRAGMA main.journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode beside a reader: %q, %v; want wal", mode, err)
	}
	if err := im.StartSource(ctx, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}); err != nil {
		t.Fatal(err)
	}
	if err := im.Add(ctx, 1, 1, paper(t, attention)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, reader, "SELECT count(*) FROM papers"); n != 0 {
		t.Errorf("the reader sees %d papers before the commit", n)
	}
	if _, err := im.EndSource(ctx); err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, reader, "SELECT count(*) FROM papers"); n != 1 {
		t.Errorf("the reader sees %d papers after the commit, want 1", n)
	}
	checkIntegrity(t, s.DB)
}

// importFiles imports fixture files (each one source) and commits.
func importFiles(t *testing.T, s *Store, files ...string) {
	t.Helper()
	ctx := context.Background()
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		in, err := importer.OpenInput(name, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := im.StartSource(ctx, SourceInfo{Path: name, SHA256: in.SHA256, Format: in.Format}); err != nil {
			t.Fatal(err)
		}
		for n := 1; ; n++ {
			rec, err := in.Parser.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			p, err := importer.Normalize(rec)
			if err != nil {
				t.Fatalf("%s:%d: %v", name, rec.Line, err)
			}
			if err := im.Add(ctx, n, rec.Line, p); err != nil {
				t.Fatalf("%s:%d: %v", name, rec.Line, err)
			}
		}
		if _, err := im.EndSource(ctx); err != nil {
			t.Fatal(err)
		}
		in.Close()
	}
	if err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// An import into an empty catalog finds duplicates in memory; into a
// catalog with papers, through the title and DOI indexes. Both must merge
// the same records into the same papers.
func TestDuplicatesInMemoryAsIndexed(t *testing.T) {
	files := []string{
		"../importer/testdata/bibtex/biblatex-examples.bib", // merges within the file
		"../importer/testdata/bibtex/acl-excerpt.bib",
		"../importer/testdata/csljson/mlanthology-excerpt.jsonl",
		"../importer/testdata/csljson/mlanthology-picked.jsonl",
		"../importer/testdata/ris/example_full.ris",
		"../../sample/profile-chan-chi-min.txt",
	}
	// Each record: what it did, and the paper it landed in, named by the
	// record that created that paper.
	outcome := func(s *Store) []string {
		rows, err := s.DB.Query(`
			SELECT src.path, ps.record, ps.action, coalesce(ps.matched_on, ''),
			       (SELECT s2.path || '#' || f.record FROM paper_sources f JOIN sources s2 ON s2.id = f.source_id
			         WHERE f.paper_id = ps.paper_id AND f.action = 'added')
			FROM paper_sources ps JOIN sources src ON src.id = ps.source_id
			WHERE src.path <> 'seed'
			ORDER BY src.path, ps.record`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var path, action, on, first string
			var rec int
			if err := rows.Scan(&path, &rec, &action, &on, &first); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s#%d %s %s -> %s", path, rec, action, on, first))
		}
		return out
	}
	empty, _ := openTemp(t)
	importFiles(t, empty, files...)
	seeded, _ := openTemp(t)
	importPapers(t, seeded, SourceInfo{Path: "seed", SHA256: "seed", Format: "bibtex"}, paper(t, importer.Record{Title: "Unrelated", Year: 1901}))
	importFiles(t, seeded, files...)

	got, want := outcome(empty), outcome(seeded)
	merges := 0
	for _, o := range want {
		if strings.Contains(o, " merged ") {
			merges++
		}
	}
	if merges < 4 {
		t.Fatalf("the fixtures merge %d records, want at least 4 for this test to mean something", merges)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("empty catalog (in memory) and seeded catalog (indexes) disagree:\n got %q\nwant %q", got, want)
	}
	checkIntegrity(t, empty.DB)
}

// TestImportIntoEmptyOptimizes: an import into an empty catalog leaves the
// full-text index in one segment (OptimizeFTS at Commit). A small hashsize
// makes FTS5 flush a segment every kilobyte, so that without the merge the
// fixtures would leave many.
func TestImportIntoEmptyOptimizes(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.DB.Exec("INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 1024)"); err != nil {
		t.Fatal(err)
	}
	importFiles(t, s, rankFixtures...)
	if n := count(t, s.DB, "SELECT count(DISTINCT segid) FROM papers_fts_idx"); n != 1 {
		t.Errorf("segments after an import into an empty catalog: %d, want 1", n)
	}
	importFiles(t, s, "../importer/testdata/bibtex/acl-excerpt.bib", "../../sample/profile-chan-chi-min.txt", "../importer/testdata/ris/example_full.ris")
	checkIntegrity(t, s.DB)
}

// TestSkipUnchanged: a file imported before with every record in place is
// counted without being read; one with a record skipped as invalid is not.
func TestSkipUnchanged(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	whole := SourceInfo{Path: "a.bib", SHA256: "aaa", Format: "bibtex"}
	importPapers(t, s, whole, paper(t, attention), paper(t, bert))
	// b.bib: one record skipped as invalid, one added.
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	holed := SourceInfo{Path: "b.bib", SHA256: "bbb", Format: "bibtex"}
	if err := im.StartSource(ctx, holed); err != nil {
		t.Fatal(err)
	}
	im.Skip()
	if err := im.Add(ctx, 2, 5, paper(t, muller)); err != nil {
		t.Fatal(err)
	}
	if _, err := im.EndSource(ctx); err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	im, err = s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	for _, tc := range []struct {
		src  SourceInfo
		skip bool
		want SourceStats
	}{
		{whole, true, SourceStats{Records: 2, Unchanged: 2, Known: true}},
		{holed, false, SourceStats{Known: true}},
		{SourceInfo{Path: "c.bib", SHA256: "ccc", Format: "bibtex"}, false, SourceStats{}},
	} {
		if err := im.StartSource(ctx, tc.src); err != nil {
			t.Fatal(err)
		}
		if got := im.SkipUnchanged(); got != tc.skip {
			t.Errorf("%s: SkipUnchanged = %v, want %v", tc.src.Path, got, tc.skip)
		}
		if got, err := im.EndSource(ctx); err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.src.Path, got, err, tc.want)
		}
	}
}

// TestFloorSetsAsideWhatImportDoes: bench/run's floor (the sqlite3 shell's
// load of the same rows) drops and rebuilds the indexes an import into an
// empty catalog builds at Commit, and sets aside its FTS triggers; a list
// that falls behind bulkIndexes or bulkTriggers makes the floor do less
// (or fail on a table a trigger fills).
func TestFloorSetsAsideWhatImportDoes(t *testing.T) {
	src, err := os.ReadFile("../../bench/run")
	if err != nil {
		t.Fatal(err)
	}
	list := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + name + `="(.*)"$`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("no %s in bench/run", name)
		}
		return string(m[1])
	}
	indexes, triggers := list("FLOOR_INDEXES"), list("FLOOR_TRIGGERS")
	for _, name := range bulkIndexes {
		if !strings.Contains(indexes, "'"+name+"'") {
			t.Errorf("bench/run's FLOOR_INDEXES lacks %s", name)
		}
	}
	for _, name := range bulkTriggers {
		if !strings.Contains(triggers, "'"+name+"'") {
			t.Errorf("bench/run's FLOOR_TRIGGERS lacks %s", name)
		}
	}
}

// TestUntitledNeverMatchedByTitle: papers without a title (title key "")
// are never merged by title, however alike, in an empty catalog (the
// in-memory map) as in one with papers (the indexes). By DOI an untitled
// record merges only with an untitled paper: with a titled paper's DOI it
// stays apart.
func TestUntitledNeverMatchedByTitle(t *testing.T) {
	untitled := func(doi string) *importer.Paper {
		return paper(t, importer.Record{Year: 2020, DOI: doi, Authors: people("Lovelace, Ada")})
	}
	titled := paper(t, importer.Record{Title: "A titled paper", Year: 2020, DOI: "10.1/titled", Authors: people("Lovelace, Ada")})
	symbols := paper(t, importer.Record{Title: "???", Year: 2020, Authors: people("Lovelace, Ada")})
	for _, seeded := range []bool{false, true} {
		t.Run(fmt.Sprintf("seeded=%v", seeded), func(t *testing.T) {
			s, _ := openTemp(t)
			if seeded {
				importPapers(t, s, SourceInfo{Path: "seed", SHA256: "seed", Format: "bibtex"}, paper(t, importer.Record{Title: "Unrelated", Year: 1901}))
			}
			got := importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"},
				untitled(""), untitled(""), symbols, symbols,
				untitled("10.1/same"), untitled("10.1/same"),
				titled, untitled("10.1/titled"))
			want := SourceStats{Records: 8, Added: 7, Merged: 1, AuthorsAdded: 1}
			if got != want {
				t.Errorf("first import: got %+v, want %+v", got, want)
			}
			// Again, from another file, into a catalog that has them.
			got = importPapers(t, s, SourceInfo{Path: "b.bib", SHA256: "b", Format: "bibtex"},
				untitled(""), untitled("10.1/same"), untitled("10.1/titled"))
			want = SourceStats{Records: 3, Added: 1, Merged: 2}
			if got != want {
				t.Errorf("second import: got %+v, want %+v", got, want)
			}
			rows, err := s.DB.Query(`SELECT ps.matched_on FROM paper_sources ps WHERE ps.action = 'merged'`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var on string
				if err := rows.Scan(&on); err != nil {
					t.Fatal(err)
				}
				if on != importer.MatchDOI {
					t.Errorf("an untitled paper merged on %q, want only %q", on, importer.MatchDOI)
				}
			}
			checkIntegrity(t, s.DB)
		})
	}
}

// TestUntitledAreNoCandidates: an untitled record does not make every
// untitled paper stored before it a candidate (their title key is "" as
// its own): a file of untitled records would otherwise weigh n(n-1)/2 of
// them, each with a query of its authors.
func TestUntitledAreNoCandidates(t *testing.T) {
	for _, seeded := range []bool{false, true} {
		t.Run(fmt.Sprintf("seeded=%v", seeded), func(t *testing.T) {
			s, _ := openTemp(t)
			if seeded {
				importPapers(t, s, SourceInfo{Path: "seed", SHA256: "seed", Format: "bibtex"}, paper(t, importer.Record{Title: "Unrelated", Year: 1901}))
			}
			ctx := context.Background()
			im, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer im.Rollback()
			if err := im.StartSource(ctx, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"}); err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= 50; i++ {
				p := paper(t, importer.Record{Year: 2020, Authors: people("Lovelace, Ada")})
				if err := im.Add(ctx, i, i, p); err != nil {
					t.Fatal(err)
				}
			}
			if im.candidates != 0 {
				t.Errorf("50 untitled records weighed %d candidates, want 0", im.candidates)
			}
		})
	}
}
