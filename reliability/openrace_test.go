package reliability

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRace starts catalog processes together on a catalog that does
// not exist yet, and on one that needs migrating: creating the file and
// applying the migrations happen in one process while the others wait.
// Before, two imports into a new catalog failed one time in four with
// "table sources already exists", readers failed on a file still empty,
// and three readers of a catalog behind its migrations failed with "view
// author_list already exists" and left a migration recorded twice.
func TestOpenRace(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	f := importFixture(t)
	rounds := 6
	if longTests {
		rounds = 30
	}
	start := func(db string, cmds ...[]string) []result {
		ps := make([]*proc, len(cmds))
		for i, args := range cmds {
			ps[i] = command(db, args...).startT(t)
		}
		rs := make([]result, len(cmds))
		for i, p := range ps {
			rs[i] = p.wait(t)
		}
		return rs
	}
	other := writeFile(t, filepath.Join(t.TempDir(), "other.txt"), profileList(5, "race", 50))
	for round := range rounds {
		dir := t.TempDir()
		db := filepath.Join(dir, "new.db")
		rs := start(db, []string{"import", "-q", f.small}, []string{"import", "-q", other}, []string{"query", "zebrafinch"})
		for i, r := range rs {
			// The reader may start before either import made the file.
			if r.code != 0 && !(i == 2 && strings.Contains(r.stderr, "no catalog at")) {
				t.Fatalf("round %d, new catalog, process %d: %v", round, i, r)
			}
		}
		checkSound(t, db)
		noDuplicateVersions(t, db)

		old := filepath.Join(dir, "old.db")
		copyDB(t, f.base, old)
		mustCatalog(t, old, "migrate", "down", "1")
		rs = start(old, []string{"stats"}, []string{"query", "zebrafinch"}, []string{"authors"}, []string{"import", "-q", f.small})
		for i, r := range rs {
			if r.code != 0 {
				t.Fatalf("round %d, catalog behind its migrations, process %d: %v", round, i, r)
			}
		}
		noDuplicateVersions(t, old)
		mustCatalog(t, old, "doctor")
	}
}

// noDuplicateVersions fails the test when goose recorded a migration twice.
func noDuplicateVersions(t *testing.T, path string) {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	var dups int
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT version_id FROM goose_db_version GROUP BY version_id HAVING count(*) > 1)`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups > 0 {
		t.Fatalf("%s: %d migrations recorded more than once", filepath.Base(path), dups)
	}
}
