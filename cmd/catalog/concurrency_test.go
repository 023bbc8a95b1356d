package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestReadersDuringImport runs a large import in one process and, while it
// writes, catalog query, catalog stats and the sqlite3 shell in others. No
// reader may fail ("database is locked" or anything else), and each sees
// the catalog as it was before the import or as it is after, never half of
// it: the import is one transaction and readers use WAL snapshots.
func TestReadersDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes and imports 20,000 records; skipped with -short")
	}
	// testscript.Main (main_test.go) put this test binary on $PATH as
	// "catalog": running it runs the command, in a process of its own.
	bin, err := exec.LookPath("catalog")
	if err != nil {
		t.Fatalf("catalog not on $PATH: %v", err)
	}
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CATALOG_REQUIRE_SQLITE3") != "" {
			t.Fatal("sqlite3 shell not found and CATALOG_REQUIRE_SQLITE3 is set")
		}
		t.Log("sqlite3 shell not installed: only catalog reads during the import")
		shell = ""
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "catalog.db")
	runOK := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}

	// The file exists and is migrated before the readers start.
	seed, err := filepath.Abs("../../sample/profile-chan-chi-min.txt")
	if err != nil {
		t.Fatal(err)
	}
	runOK(bin, "--db", db, "import", "-q", seed)
	const before, records = 9, 20000
	big := filepath.Join(dir, "big.bib")
	writeBigBibTeX(t, big, records)

	imp := exec.Command(bin, "--db", db, "import", "-q", big)
	var impErr bytes.Buffer
	imp.Stderr = &impErr
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- imp.Wait() }()

	papers := func(out string) int {
		var st struct{ Papers int }
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("stats --json: %v\n%s", err, out)
		}
		return st.Papers
	}
	check := func(who string, n int) {
		t.Helper()
		if n != before && n != before+records {
			t.Errorf("%s saw %d papers during the import, want %d (before) or %d (after)", who, n, before, before+records)
		}
	}
	reads := 0
	var importErr error
	deadline := time.After(5 * time.Minute)
loop:
	for {
		select {
		case importErr = <-done:
			break loop
		case <-deadline:
			imp.Process.Kill()
			t.Fatal("the import did not finish in 5 minutes")
		default:
		}
		check("catalog stats", papers(runOK(bin, "--db", db, "stats", "--json")))
		runOK(bin, "--db", db, "query", "--format", "csv", "--limit", "3", "--author", "chan", "language")
		runOK(bin, "--db", db, "query", "--format", "csv", "--limit", "3", "zebrafish")
		if shell != "" {
			// With the busy timeout the README tells shell users to set: the
			// last connection of a process that closes the file (catalog
			// stats, query, the import at its end) copies the WAL back under
			// an exclusive lock for an instant, and a shell without a
			// timeout fails at once if it opens the file in that instant.
			out := runOK(shell, "-bail", "-cmd", ".timeout 5000", db, "SELECT count(*) FROM papers; SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'zebrafish';")
			fields := strings.Fields(out)
			if len(fields) != 2 {
				t.Fatalf("sqlite3: got %q", out)
			}
			n, _ := strconv.Atoi(fields[0])
			check("sqlite3", n)
			if m, _ := strconv.Atoi(fields[1]); m != 0 && m != records {
				t.Errorf("sqlite3 found %d indexed records of the import, want 0 or %d", m, records)
			}
		}
		reads++
	}
	if importErr != nil {
		t.Fatalf("import: %v\n%s", importErr, impErr.String())
	}
	if n := papers(runOK(bin, "--db", db, "stats", "--json")); n != before+records {
		t.Errorf("after the import: %d papers, want %d", n, before+records)
	}
	if reads < 2 {
		t.Errorf("only %d rounds of reads ran during the import; the test needs a longer import", reads)
	}
	t.Logf("%d rounds of reads during the import", reads)
}

// writeBigBibTeX writes n BibTeX entries, each with "zebrafish" in its
// title, a short abstract and three authors from a pool.
func writeBigBibTeX(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	words := strings.Fields("graph neural language model attention sparse robust causal kernel vision speech policy")
	for i := 0; i < n; i++ {
		w1, w2 := words[i%len(words)], words[(i/len(words))%len(words)]
		fmt.Fprintf(w, "@article{big%d,\n  title = {Zebrafish %s %s study number %d},\n", i, w1, w2, i)
		fmt.Fprintf(w, "  author = {Family%d, Given%d and Family%d, Given%d and Chan, Chi-Min},\n", i%2000, i%97, (i*7)%2000, i%89)
		fmt.Fprintf(w, "  year = %d,\n  journal = {Journal of %s},\n", 1990+i%35, w2)
		fmt.Fprintf(w, "  abstract = {We study %s and %s in zebrafish, case %d, with %s methods and %s data at scale.},\n}\n", w1, w2, i, w2, w1)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
