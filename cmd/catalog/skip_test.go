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
	tests := []struct {
		name, file, content string
	}{
		{"bibtex-untitled", "refs.bib", `@article{a, title = {First paper}, author = {Lovelace, Ada}, year = 2020}
@article{b, author = {Lovelace, Ada}, year = 2020}
@article{c, title = {Third paper title}, author = {Lovelace, Ada}, year = 2021}
@article{d, title = {Fourth paper title here}, author = {Lovelace, Ada}, year = 2022}
`},
		{"csljson-untitled", "refs.json", `[
{"id": "a", "type": "article", "title": "First paper", "author": [{"family": "Lovelace", "given": "Ada"}]},
{"id": "b", "type": "article", "author": [{"family": "Lovelace", "given": "Ada"}]},
{"id": "c", "type": "article", "title": "Third paper title", "author": [{"family": "Lovelace", "given": "Ada"}]},
{"id": "d", "type": "article", "title": "Fourth paper title here", "author": [{"family": "Lovelace", "given": "Ada"}]}
]
`},
		{"ris-untitled", "refs.ris", "TY  - JOUR\nTI  - First paper\nAU  - Lovelace, Ada\nER  - \n\n" +
			"TY  - JOUR\nAU  - Lovelace, Ada\nPY  - 2020\nER  - \n\n" +
			"TY  - JOUR\nTI  - Third paper title\nAU  - Lovelace, Ada\nER  - \n\n" +
			"TY  - JOUR\nTI  - Fourth paper title here\nAU  - Lovelace, Ada\nER  - \n"},
		{"openalex-untitled", "works.jsonl", oa("First paper", one) + oa("", one) + oa("Third paper title", one) + oa("Fourth paper title here", one)},
		{"openalex-too-many-authors", "works.jsonl",
			oa("First paper", one) + oa("Second paper", manyAuthors.String()) + oa("Third paper title", one) + oa("Fourth paper title here", one)},
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
			if want := "First paper|Third paper title|Fourth paper title here"; titles != want {
				t.Errorf("papers: got %q, want %q\n%s", titles, want, stderr.String())
			}
			if !strings.Contains(stderr.String(), ": 4 records: 3 papers added") {
				t.Errorf("summary does not count 4 records, 3 added:\n%s", stderr.String())
			}
			if !strings.Contains(stderr.String(), "1 invalid record skipped") {
				t.Errorf("summary does not count the skipped record:\n%s", stderr.String())
			}
		})
	}
}
