package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportRoundTrip imports excerpts of real corpora, exports them as
// BibTeX and as CSL-JSON, imports each export into a fresh catalog, and
// checks that the papers are the same: titles, authors in order, years and
// DOIs.
func TestExportRoundTrip(t *testing.T) {
	corpora := []string{
		"../../internal/importer/testdata/bibtex/acl-excerpt.bib",
		"../../internal/importer/testdata/csljson/mlanthology-excerpt.jsonl",
		"../../internal/importer/testdata/bibtex/biblatex-examples.bib",
		"../../sample/profile-chan-chi-min.txt",
	}
	for _, corpus := range corpora {
		t.Run(filepath.Base(corpus), func(t *testing.T) {
			dir := t.TempDir()
			orig := filepath.Join(dir, "orig.db")
			catalog(t, "--db", orig, "import", "--skip-invalid", "-q", corpus)
			want := papersOf(t, orig)
			if len(want) < 9 {
				t.Fatalf("only %d papers imported from %s", len(want), corpus)
			}
			for _, format := range []string{"bibtex", "csljson"} {
				t.Run(format, func(t *testing.T) {
					file := filepath.Join(dir, "export."+format)
					catalog(t, "--db", orig, "export", "--format", format, "-o", file)
					back := filepath.Join(dir, format+".db")
					catalog(t, "--db", back, "import", "-q", "--format", format, file)
					got := papersOf(t, back)
					if len(got) != len(want) {
						t.Fatalf("%d papers after the round trip, want %d", len(got), len(want))
					}
					for i := range want {
						if got[i] != want[i] {
							t.Errorf("paper differs after the round trip:\n got %s\nwant %s", got[i], want[i])
						}
					}
				})
			}
		})
	}
}

// catalog runs the command in-process and fails the test on an error.
func catalog(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("catalog %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stdout.String()
}

// papersOf lists a catalog's papers as "title | authors in order | year |
// doi", sorted, one string each.
func papersOf(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT title || ' | ' || authors || ' | ' || coalesce(year, '') || ' | ' || coalesce(doi, '')
		FROM paper_list ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
