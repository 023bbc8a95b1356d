package store

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// TestMigrationTriggers: the trigger SQL doctor restores comes from the
// migrations, and is what a fresh database holds.
func TestMigrationTriggers(t *testing.T) {
	s, _ := openTemp(t)
	latest, err := latestVersion()
	if err != nil {
		t.Fatal(err)
	}
	var all []int64
	for v := int64(1); v <= latest; v++ {
		all = append(all, v)
	}
	want, err := migrationTriggers(all)
	if err != nil {
		t.Fatal(err)
	}
	// At least the four FTS triggers of 00001 (later migrations may add).
	for _, name := range []string{"papers_fts_replace", "papers_fts_insert", "papers_fts_delete", "papers_fts_update"} {
		if _, ok := want[name]; !ok {
			t.Errorf("migrationTriggers: %s not found in %v", name, slices.Sorted(maps.Keys(want)))
		}
	}
	missing, altered, err := triggerDrift(context.Background(), s.DB, want)
	if err != nil || len(missing)+len(altered) > 0 {
		t.Errorf("fresh database: missing %v, altered %v, %v; want none", missing, altered, err)
	}
}

func TestUpStatements(t *testing.T) {
	src := `-- header
-- +goose Up
CREATE TABLE a (x);
-- a comment
CREATE TABLE b (
    y -- inline
);
-- +goose StatementBegin
CREATE TRIGGER t AFTER INSERT ON a
BEGIN
    INSERT INTO b VALUES (1);
END;
-- +goose StatementEnd
DROP TRIGGER old;

-- +goose Down
DROP TABLE a;
`
	got := upStatements(src)
	want := []string{
		"CREATE TABLE a (x);",
		"CREATE TABLE b (\n    y -- inline\n);",
		"CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n    INSERT INTO b VALUES (1);\nEND;",
		"DROP TRIGGER old;",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestDoctor breaks each thing doctor checks and sees it found, then
// repaired by Repair, with the rest of the catalog untouched.
func TestDoctor(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		breaks []string // SQL that damages the catalog
		check  string   // the check that must fail
		fixed  []string // what Repair must report
	}{
		{
			name:   "insert trigger dropped",
			breaks: []string{"DROP TRIGGER papers_fts_insert"},
			check:  "triggers",
			fixed:  []string{"recreated trigger papers_fts_insert"},
		},
		{
			name:   "update trigger altered",
			breaks: []string{"DROP TRIGGER papers_fts_update", "CREATE TRIGGER papers_fts_update AFTER UPDATE ON papers BEGIN SELECT 1; END"},
			check:  "triggers",
			fixed:  []string{"recreated trigger papers_fts_update"},
		},
		{
			name: "paper inserted without its triggers",
			breaks: []string{
				"DROP TRIGGER papers_fts_insert",
				"INSERT INTO papers (title, abstract) VALUES ('Unindexed qwerty', 'typed by hand')",
			},
			check: "fts index",
			fixed: []string{"recreated trigger papers_fts_insert", "rebuilt the full-text index"},
		},
		{
			name:   "index entry deleted",
			breaks: []string{"INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors) SELECT 'delete', id, title, abstract, authors FROM papers WHERE id = 1"},
			check:  "fts index",
			fixed:  []string{"rebuilt the full-text index"},
		},
		{
			name:   "author string changed",
			breaks: []string{"UPDATE papers SET authors = 'Nobody, At All' WHERE id = 2"},
			check:  "authors",
			fixed:  []string{"rewrote the author string of 1 paper from authorship"},
		},
		{
			name: "author string changed behind the index's back",
			breaks: []string{
				"DROP TRIGGER papers_fts_update",
				"UPDATE papers SET authors = '' WHERE id = 3",
			},
			check: "authors",
			fixed: []string{
				"recreated trigger papers_fts_update",
				"rewrote the author string of 1 paper from authorship",
				"rebuilt the full-text index",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTemp(t)
			importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"},
				paper(t, attention), paper(t, bert), paper(t, muller))
			if problems := failed(t, s); len(problems) > 0 {
				t.Fatalf("before breaking: problems %v", problems)
			}
			for _, q := range tt.breaks {
				if _, err := s.DB.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			problems := failed(t, s)
			if !slices.Contains(problems, tt.check) {
				t.Fatalf("after breaking: problems %v, want %q among them", problems, tt.check)
			}
			done, err := s.Repair(ctx)
			if err != nil {
				t.Fatalf("Repair: %v", err)
			}
			if !slices.Equal(done, tt.fixed) {
				t.Errorf("Repair did %q, want %q", done, tt.fixed)
			}
			if problems := failed(t, s); len(problems) > 0 {
				t.Errorf("after Repair: problems %v", problems)
			}
			checkIntegrity(t, s.DB)
			// Repairing a sound catalog does nothing.
			if done, err := s.Repair(ctx); err != nil || len(done) > 0 {
				t.Errorf("second Repair: %q, %v; want nothing done", done, err)
			}
			// The index works again, triggers included.
			importPapers(t, s, SourceInfo{Path: "b", SHA256: "b", Format: "bibtex"},
				paper(t, importer.Record{Title: "Zyxwv after repair", Authors: people("Later, Anne")}))
			hits, err := s.Search(ctx, `"zyxwv"`, SearchOptions{Limit: 5})
			if err != nil || len(hits) != 1 {
				t.Errorf("search after repair: %v, %v", hits, err)
			}
			checkIntegrity(t, s.DB)
		})
	}
}

// TestDoctorRepairsDangling: rows that point to a missing paper, author
// or source (left by deletions in a client without foreign keys, before
// the delete triggers) are reported, and --repair deletes them.
func TestDoctorRepairsDangling(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention))
	db := s.DB
	// One connection, so that foreign_keys=OFF applies to the inserts.
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"PRAGMA foreign_keys = OFF",
		"INSERT INTO authorship (paper_id, position, author_id) VALUES (1, 9, 12345)",
		"INSERT INTO paper_sources (source_id, record, paper_id, line, action) VALUES (1, 7, 999, 1, 'added')",
		"INSERT INTO paper_sources (source_id, record, paper_id, line, action) VALUES (77, 1, 1, 1, 'added')",
		"PRAGMA foreign_keys = ON",
	} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close()
	fk := func() Check {
		t.Helper()
		checks, err := s.Doctor(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if c.Name == "foreign keys" {
				return c
			}
		}
		t.Fatal("no foreign keys check")
		return Check{}
	}
	c := fk()
	for _, want := range []string{"1 authorship row points to a missing authors row", "1 paper_sources row points to a missing papers row", "1 paper_sources row points to a missing sources row"} {
		if !strings.Contains(c.Problem, want) {
			t.Errorf("foreign keys check: got %q, want it to say %q", c.Problem, want)
		}
	}
	if !c.Repairable {
		t.Errorf("foreign keys check: not repairable")
	}
	done, err := s.Repair(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := "deleted 1 authorship row whose paper or author is gone"; !slices.Contains(done, want) {
		t.Errorf("repair did %q, want %q", done, want)
	}
	if c := fk(); !c.OK() {
		t.Errorf("after repair: %s", c.Problem)
	}
	if n := count(t, db, "SELECT count(*) FROM paper_sources"); n != 1 {
		t.Errorf("paper_sources rows after repair: %d, want 1", n)
	}
}

// TestDoctorPending: a schema behind the binary is reported, not migrated.
func TestDoctorPending(t *testing.T) {
	s, _ := openTemp(t)
	latest, err := latestVersion()
	if err != nil {
		t.Fatal(err)
	}
	if latest < 2 {
		t.Skip("one migration only: nothing can be pending on a catalog")
	}
	if _, err := s.MigrateDown(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	checks, err := s.Doctor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if checks[0].Name != "schema" || checks[0].OK() || !strings.Contains(checks[0].Problem, "pending") {
		t.Errorf("schema check: got %+v, want pending migrations", checks[0])
	}
	for _, c := range checks[1:] {
		if !c.OK() {
			t.Errorf("%s: %s", c.Name, c.Problem)
		}
	}
}

// failed runs Doctor and returns the names of the checks that failed.
func failed(t *testing.T, s *Store) []string {
	t.Helper()
	checks, err := s.Doctor(context.Background())
	if err != nil {
		t.Fatalf("Doctor: %v", err)
	}
	if len(checks) != 8 {
		t.Fatalf("Doctor ran %d checks, want 8: %+v", len(checks), checks)
	}
	var out []string
	for _, c := range checks {
		if !c.OK() {
			out = append(out, c.Name)
		}
	}
	return out
}

// TestAuthorStringMatchesAuthorship: papers.authors, the author string the
// full-text index holds, is the paper's authors as authorship names them,
// also when an author is already in the catalog under another spelling of
// the same identity ("Agic, Zeljko" after "Agić, Željko": the stored
// spelling wins in both).
func TestAuthorStringMatchesAuthorship(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"},
		paper(t, importer.Record{Title: "First paper", Authors: people("Agić, Željko")}),
		paper(t, importer.Record{Title: "Second paper", Authors: people("Agic, Zeljko", "Choi, Key-sun")}),
		paper(t, importer.Record{Title: "Third paper", Authors: people("Choi, Key-Sun")}))
	if problems := failed(t, s); len(problems) > 0 {
		checks, _ := s.Doctor(context.Background())
		t.Errorf("doctor after a plain import: %v\n%+v", problems, checks)
	}
}

// TestDoctorRepairsIndexesAndVenues: indexes and a view dropped by hand,
// and the venues table emptied, made every command fail ("no such
// index") or --venue find nothing while doctor said all was well. Doctor
// reports them and --repair makes them again.
func TestDoctorRepairsIndexesAndVenues(t *testing.T) {
	s, _ := openTemp(t)
	p := paper(t, attention)
	p.Venue = "Advances in Neural Information Processing Systems"
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, p)
	for _, q := range []string{"DROP INDEX papers_filter", "DROP INDEX papers_title_key", "DROP VIEW author_list", "DELETE FROM venues"} {
		if _, err := s.DB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	got := failed(t, s)
	if want := []string{"indexes", "venues"}; !slices.Equal(got, want) {
		t.Fatalf("failed checks: got %v, want %v", got, want)
	}
	done, err := s.Repair(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recreated view author_list", "recreated index papers_filter", "recreated index papers_title_key", "added 1 venue to the venues table"} {
		if !slices.Contains(done, want) {
			t.Errorf("repair did %q, want %q among them", done, want)
		}
	}
	if got := failed(t, s); len(got) > 0 {
		t.Errorf("after repair: %v", got)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM venues WHERE name_key IS NOT NULL"); n != 1 {
		t.Errorf("folded venues after repair: %d, want 1", n)
	}
}
