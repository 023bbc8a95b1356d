package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// terminalRun runs catalog as a terminal would see it (stdout and stderr
// are terminals), with vars as the environment; it returns stdout,
// stderr and the exit code.
func terminalRun(t *testing.T, vars map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errs bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errs,
		getenv: func(k string) string { return vars[k] }, stdoutTTY: true, stderrTTY: true}
	code := e.run(context.Background(), args)
	return out.String(), errs.String(), code
}

// terminalCatalog is a catalog of two papers for the terminal tests.
func terminalCatalog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	bib := filepath.Join(dir, "t.bib")
	err := os.WriteFile(bib, []byte(`@article{a, title = {Zebra Crossings}, author = {Keeper, Zoe}, year = 2020,
  abstract = {A zebra abstract.}}
@article{b, title = {Okapi Studies}, author = {Keeper, Zoe}, year = 2021,
  abstract = {An okapi abstract.}}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, errs, code := terminalRun(t, nil, "--db", db, "import", bib); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	return db
}

// TestQueryTableHeader: on a terminal the query table starts with a line
// naming its columns, as the authors table does; through a pipe it does
// not (scripts read the rows).
func TestQueryTableHeader(t *testing.T) {
	db := terminalCatalog(t)
	out, _, code := terminalRun(t, nil, "--db", db, "query", "zebra")
	want := "    ID  YEAR  TITLE\n     1  2020  Zebra Crossings\n"
	if code != 0 || !strings.HasPrefix(out, want) {
		t.Errorf("query on a terminal: exit %d\n%s\nwant it to start with\n%s", code, out, want)
	}
	out, _, _ = terminalRun(t, nil, "--db", db, "export", "--format", "table")
	if !strings.HasPrefix(out, "    ID  YEAR  TITLE\n") {
		t.Errorf("export --format table on a terminal:\n%s\nwant the header", out)
	}
}

// TestNoColor: matched words are bold on a terminal, unless NO_COLOR is
// set (to anything) or TERM is dumb: then they are in [brackets], and no
// escape sequence is printed.
func TestNoColor(t *testing.T) {
	db := terminalCatalog(t)
	for _, tt := range []struct {
		name string
		vars map[string]string
		bold bool
	}{
		{"terminal", map[string]string{"TERM": "xterm-256color"}, true},
		{"NO_COLOR", map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"}, false},
		{"NO_COLOR empty", map[string]string{"TERM": "xterm-256color", "NO_COLOR": ""}, true},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, _, code := terminalRun(t, tt.vars, "--db", db, "query", "zebra")
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			if tt.bold {
				if !strings.Contains(out, "A \x1b[1mzebra\x1b[0m abstract.") {
					t.Errorf("got\n%q\nwant the match in bold", out)
				}
				return
			}
			if strings.Contains(out, "\x1b") || !strings.Contains(out, "A [zebra] abstract.") {
				t.Errorf("got\n%q\nwant the match in [brackets] and no escape sequence", out)
			}
		})
	}
}
