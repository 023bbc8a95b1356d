package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSkipInvalidKeepsLaterRecords imports, in every format, a file whose
// second record is refused by normalization (not by the parser) with
// --skip-invalid: the records after it must be imported too, and the
// summary must count every record. The parse loop once took the
// normalization error for the parser's and stopped reading there, so only
// the first record landed and the command still exited 0.
//
// A record without a title is not refused (BibTeX only warns about it): it
// is imported untitled with a warning naming its line. One with nothing in
// it at all (no title, authors, DOI or URL) is refused.
func TestSkipInvalidKeepsLaterRecords(t *testing.T) {
	var manyAuthors strings.Builder
	for i := 0; i <= 10000; i++ {
		if i > 0 {
			manyAuthors.WriteByte(',')
		}
		fmt.Fprintf(&manyAuthors, `{"author":{"display_name":"Person %d"}}`, i)
	}
	oa := func(title, authorships string) string {
		return fmt.Sprintf(`{"id":"https://openalex.org/W%d","title":%q,"publication_year":2020,"authorships":[%s]}`+"\n",
			len(title), title, authorships)
	}
	one := `{"author":{"display_name":"Ada Lovelace"}}`
	bib := func(second string) string {
		return `@article{a, title = {First paper}, author = {Lovelace, Ada}, year = 2020}
` + second + `
@article{c, title = {Third paper title}, author = {Lovelace, Ada}, year = 2021}
@article{d, title = {Fourth paper title here}, author = {Lovelace, Ada}, year = 2022}
`
	}
	csl := func(second string) string {
		return `[
{"id": "a", "type": "article", "title": "First paper", "author": [{"family": "Lovelace", "given": "Ada"}]},
` + second + `,
{"id": "c", "type": "article", "title": "Third paper title", "author": [{"family": "Lovelace", "given": "Ada"}]},
{"id": "d", "type": "article", "title": "Fourth paper title here", "author": [{"family": "Lovelace", "given": "Ada"}]}
]
`
	}
	ris := func(second string) string {
		return "TY  - JOUR\nTI  - First paper\nAU  - Lovelace, Ada\nER  - \n\n" + second +
			"TY  - JOUR\nTI  - Third paper title\nAU  - Lovelace, Ada\nER  - \n\n" +
			"TY  - JOUR\nTI  - Fourth paper title here\nAU  - Lovelace, Ada\nER  - \n"
	}
	const (
		withUntitled = "First paper||Third paper title|Fourth paper title here"
		without      = "First paper|Third paper title|Fourth paper title here"
	)
	tests := []struct {
		name, file, content string
		titles              string // the papers' titles, in order
		summary             string // in the summary line
		warning             string // a line of stderr
	}{
		{"bibtex-untitled", "refs.bib", bib(`@article{b, author = {Lovelace, Ada}, year = 2020}`),
			withUntitled, ": 4 records: 4 papers added", `refs.bib: line 2: record has no title; imported untitled`},
		{"csljson-untitled", "refs.json", csl(`{"id": "b", "type": "article", "author": [{"family": "Lovelace", "given": "Ada"}]}`),
			withUntitled, ": 4 records: 4 papers added", `refs.json: line 3: record has no title; imported untitled`},
		{"ris-untitled", "refs.ris", ris("TY  - JOUR\nAU  - Lovelace, Ada\nPY  - 2020\nER  - \n\n"),
			withUntitled, ": 4 records: 4 papers added", `refs.ris: line 6: record has no title; imported untitled`},
		{"openalex-untitled", "works.jsonl", oa("First paper", one) + oa("", one) + oa("Third paper title", one) + oa("Fourth paper title here", one),
			withUntitled, ": 4 records: 4 papers added", `works.jsonl: line 2: record has no title; imported untitled`},
		{"bibtex-empty", "refs.bib", bib(`@article{b, year = 2020}`),
			without, ": 4 records: 3 papers added", `refs.bib: line 2: record has no title, no authors and no DOI or URL: nothing to tell the work by (skipped)`},
		{"csljson-empty", "refs.json", csl(`{"id": "b", "type": "article"}`),
			without, ": 4 records: 3 papers added", `refs.json: line 3: record has no title, no authors and no DOI or URL`},
		{"ris-empty", "refs.ris", ris("TY  - JOUR\nPY  - 2020\nER  - \n\n"),
			without, ": 4 records: 3 papers added", `refs.ris: line 6: record has no title, no authors and no DOI or URL`},
		{"openalex-empty", "works.jsonl", oa("First paper", one) + oa("", "") + oa("Third paper title", one) + oa("Fourth paper title here", one),
			without, ": 4 records: 3 papers added", `works.jsonl: line 2: record has no title, no authors and no DOI or URL`},
		{"openalex-too-many-authors", "works.jsonl",
			oa("First paper", one) + oa("Second paper", manyAuthors.String()) + oa("Third paper title", one) + oa("Fourth paper title here", one),
			without, ": 4 records: 3 papers added", `works.jsonl: line 2: more than 10000 authors or editors (skipped)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, tt.file)
			if err := os.WriteFile(in, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			dbPath := filepath.Join(dir, "c.db")
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"--db", dbPath, "import", "--skip-invalid", in}, strings.NewReader(""), &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			db, err := sql.Open("sqlite", dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var titles string
			if err := db.QueryRow(`SELECT group_concat(title, '|') FROM (SELECT title FROM papers ORDER BY id)`).Scan(&titles); err != nil {
				t.Fatal(err)
			}
			if titles != tt.titles {
				t.Errorf("papers: got %q, want %q\n%s", titles, tt.titles, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.summary) {
				t.Errorf("summary does not say %q:\n%s", tt.summary, stderr.String())
			}
			if skipped := strings.Contains(stderr.String(), "1 invalid record skipped"); skipped != (tt.titles == without) {
				t.Errorf("summary counts the skipped record: %v, want %v:\n%s", skipped, tt.titles == without, stderr.String())
			}
			if !strings.Contains(stderr.String(), "catalog: warning: "+in+": "+strings.TrimPrefix(tt.warning, tt.file+": ")) {
				t.Errorf("stderr does not warn %q:\n%s", tt.warning, stderr.String())
			}
		})
	}
}
