// Package docs holds the SQL examples of the README, sql/NN-name.sql, with
// the output the sqlite3 shell gives for each on the shipped sample,
// sql/NN-name.out. Its tests keep the three in step.
package docs

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
	"github.com/catalog-dev/catalog/internal/store"
)

var update = flag.Bool("update", false, "rewrite sql/*.out with the sqlite3 shell's output")

// sample is the shipped sample, as the README's session imports it.
const sample = "sample/profile-chan-chi-min.txt"

func sqlFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("sql/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sql/*.sql files (%v)", err)
	}
	return files // Glob sorts
}

// TestREADMESQL: the README's ```sql blocks are exactly the files in sql/,
// in order, so that every SQL example users read is run by TestSQLExamples.
func TestREADMESQL(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllSubmatch(readme, -1)
	files := sqlFiles(t)
	for i, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(blocks) {
			t.Errorf("%s is not in README.md (it has %d ```sql blocks, want one per file in docs/sql, in order)", f, len(blocks))
			continue
		}
		if got := blocks[i][1]; !bytes.Equal(got, want) {
			t.Errorf("README.md's ```sql block %d differs from %s:\n--- README\n%s--- %s\n%s", i+1, f, got, f, want)
		}
	}
	if len(blocks) > len(files) {
		t.Errorf("README.md has %d ```sql blocks and docs/sql %d files: every block must be a file there", len(blocks), len(files))
	}
}

// TestSQLExamples runs each sql/*.sql through the sqlite3 shell users have
// (sqlite3 -bail catalog.db < file) on a catalog of the shipped sample, and
// compares the output with sql/*.out (go test -update rewrites them).
func TestSQLExamples(t *testing.T) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CATALOG_REQUIRE_SQLITE3") != "" {
			t.Fatal("sqlite3 shell not found and CATALOG_REQUIRE_SQLITE3 is set")
		}
		t.Skip("sqlite3 shell not installed (apt-get install sqlite3); skipping the README's SQL examples")
	}
	db := sampleCatalog(t)
	for _, file := range sqlFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			cmd := exec.Command(shell, "-bail", db)
			cmd.Stdin = in
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			got, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("sqlite3 -bail catalog.db < %s: %v\n%s", file, err, stderr.String())
			}
			golden := strings.TrimSuffix(file, ".sql") + ".out"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("sqlite3 output differs from %s (go test -update rewrites it):\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// sampleCatalog imports the shipped sample into a new catalog, as
// "catalog import sample/profile-chan-chi-min.txt" run from the repository
// does, and returns the database's path.
func sampleCatalog(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "catalog.db")
	s, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in, err := importer.OpenInput(filepath.Join("..", sample), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	if err := im.StartSource(ctx, store.SourceInfo{Path: sample, SHA256: in.SHA256, Format: in.Format, Size: in.Size}); err != nil {
		t.Fatal(err)
	}
	for n := 1; ; n++ {
		rec, err := in.Parser.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := importer.Normalize(rec)
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, n, rec.Line, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.SetOwner(ctx, in.Owner()); err != nil {
		t.Fatal(err)
	}
	if _, err := im.EndSource(ctx); err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return path
}
