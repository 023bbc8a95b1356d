package reliability

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadCommandsCreateNothing runs every command that only reads on a
// path where no catalog exists, as a mistyped --db is: each must say so,
// exit 1 and leave the folder as it was (no database, no -wal or -shm),
// whether the path is missing, in a missing folder or an empty file.
func TestReadCommandsCreateNothing(t *testing.T) {
	reads := [][]string{
		{"query", "attention"},
		{"query", "--year", "2020"},
		{"show", "1"},
		{"authors"},
		{"authors", "--coauthors", "dai"},
		{"stats"},
		{"export", "--format", "csv"},
		{"doctor"},
		{"doctor", "--repair"},
		{"migrate", "status"},
		{"migrate", "down"},
	}
	for _, path := range []string{"typo.db", filepath.Join("missing", "c.db"), "blank.db"} {
		for _, args := range reads {
			t.Run(path+" "+strings.Join(args, " "), func(t *testing.T) {
				dir := t.TempDir()
				if path == "blank.db" {
					writeFile(t, filepath.Join(dir, path), nil)
				}
				before := snapshot(t, dir)
				db := filepath.Join(dir, path)
				r := catalog(t, db, nil, args...)
				if r.code != 1 || !strings.Contains(r.stderr, "catalog: error: no catalog at "+db) {
					t.Errorf("got %v, want exit 1 and \"no catalog at %s\"", r, db)
				}
				if after := snapshot(t, dir); !maps.Equal(before, after) {
					t.Errorf("the folder changed: before %v, after %v", before, after)
				}
				if _, err := os.Stat(db + "-wal"); err == nil {
					t.Errorf("%s-wal was created", db)
				}
			})
		}
	}
}
