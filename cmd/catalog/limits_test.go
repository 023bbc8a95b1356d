package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/ftsquery"
)

// TestQueryLimits: search text beyond ftsquery's limits is a usage error
// (exit 2) that names the limit, for query and export, plain words, --fts
// and --title alike; repeated words and phrases are dropped first, so
// they run as one.
func TestQueryLimits(t *testing.T) {
	db := filepath.Join(t.TempDir(), "catalog.db")
	refs := filepath.Join(t.TempDir(), "refs.bib")
	writeFile(t, refs, `@article{a, title = {Learning to Rank}, author = {Lovelace, Ada}, year = 2020}
@article{b, title = {Neural Networks}, author = {Turing, Alan}, year = 2021, abstract = {A neural network learning.}}
`)
	if code, _, stderr := runCatalog(t, "--db", db, "import", refs); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	words := func(n int, suffix, sep string) string {
		w := make([]string, n)
		for i := range w {
			w[i] = fmt.Sprintf("w%d%s", i, suffix)
		}
		return strings.Join(w, sep)
	}
	repeat := func(s, sep string, n int) string { return strings.Repeat(s+sep, n-1) + s }
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout (ok) or stderr (refused)
	}{
		{"repeated word", []string{"query", "--explain", repeat("learning", " ", 900)}, 0, `search:  papers_fts MATCH "\"learning\""`},
		{"repeated word, --rank 0", []string{"query", "--rank", "0", "--format", "csv", repeat("LEARNING", " ", 900)}, 0, "1,2020,Learning to Rank"},
		{"repeated phrase, --fts", []string{"query", "--explain", "--fts", repeat(`"neural network"`, " OR ", 400)}, 0, `search:  papers_fts MATCH "\"neural network\""`},
		{"repeated word, --fts", []string{"query", "--explain", "--fts", repeat("learning", " ", 900)}, 0, `search:  papers_fts MATCH "learning"`},
		{"words at the limit", []string{"query", words(ftsquery.MaxPhrases, "", " ")}, 0, ""},
		{"too many words", []string{"query", words(ftsquery.MaxPhrases+1, "", " ")}, 2,
			fmt.Sprintf("catalog: query: too many words or phrases in the search: %d, at most %d\n", ftsquery.MaxPhrases+1, ftsquery.MaxPhrases)},
		{"too many phrases, --fts", []string{"query", "--fts", words(500, "", " OR ")}, 2, "catalog: query: too many words or phrases in the search: 500, at most 64\n"},
		{"too many words in a phrase, --fts", []string{"query", "--fts", `"` + words(ftsquery.MaxTerms+1, "", " ") + `"`}, 2, "catalog: query: too many words in its phrases in the search: 257, at most 256\n"},
		{"too many prefixes", []string{"query", "a* b* c* d* e*"}, 2, "catalog: query: too many prefixes (word*) in the search: 5, at most 4\n"},
		{"too long", []string{"query", strings.Repeat("x", ftsquery.MaxQueryBytes+1)}, 2, "catalog: query: too many bytes in the search: 8193, at most 8192\n"},
		{"too long before repeats are dropped", []string{"query", repeat("learning", " ", 12000)}, 2, "catalog: query: too many bytes in the search: 107999, at most 8192\n"},
		{"title filter", []string{"query", "--title", words(ftsquery.MaxPhrases+1, "", " ")}, 2, "catalog: query: --title: too many words or phrases in the search: 65, at most 64\n"},
		{"export", []string{"export", "--fts", words(ftsquery.MaxPhrases+1, "", " OR ")}, 2, "catalog: export: too many words or phrases in the search: 65, at most 64\n"},
	}
	// The help tells the limits.
	for _, cmd := range []string{"query", "export"} {
		_, help, _ := runCatalog(t, cmd, "--help")
		want := fmt.Sprintf("at most %d bytes, %d words\n                       or phrases, %d words in its phrases and %d prefixes",
			ftsquery.MaxQueryBytes, ftsquery.MaxPhrases, ftsquery.MaxTerms, ftsquery.MaxPrefixes)
		if !strings.Contains(help, want) {
			t.Errorf("%s --help does not give the limits (%q):\n%s", cmd, want, help)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCatalog(t, append([]string{"--db", db}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			where := stdout
			if code != 0 {
				where = stderr
			}
			if !strings.Contains(where, tt.out) {
				t.Errorf("got\n%s\nwant it to contain %q", where, tt.out)
			}
		})
	}
}

// runCatalog runs the command in process and returns its exit code,
// standard output and standard error.
func runCatalog(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
