package reliability

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiskFull imports into a catalog on a tmpfs too small for the import:
// a real full disk (ENOSPC, which SQLite reports as SQLITE_FULL). catalog
// must say "disk full", leave the file as it was and readable, and take the
// import once the disk has room. Mounting needs root (CI runs as root);
// elsewhere the test skips, and internal/store's TestDiskFullDuringImport,
// which fills a capped file (PRAGMA max_page_count), covers the same path
// without privileges.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel() // no timing in it: it runs beside TestBusyWriterBoundedWait's wait
	f := importFixture(t)
	base, err := os.ReadFile(f.base)
	if err != nil {
		t.Fatal(err)
	}
	// Room for the catalog and a quarter of a megabyte: the large import
	// needs several.
	mnt := smallDisk(t, len(base)+256<<10)
	db := filepath.Join(mnt, "catalog.db")
	copyDB(t, f.base, db)

	r := catalog(t, db, nil, "import", f.big)
	t.Logf("import on a full disk: %v", r)
	if r.code != 1 || !strings.Contains(r.stderr, "disk full") {
		t.Errorf("import on a full disk: %v, want exit 1 and disk full", r)
	}
	if strings.Contains(r.stderr, "fix the record") {
		t.Errorf("import on a full disk: %v: the hint blames a record", r)
	}
	after, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, base) {
		t.Errorf("the database file changed")
	}
	// Still readable, and sound, on the full disk.
	if got := readCounts(t, db); got != f.before {
		t.Errorf("counts %+v, want %+v", got, f.before)
	}
	checkSound(t, db)
	if r := catalog(t, db, nil, "query", "--limit", "1", marker); r.code != 0 || r.stdout == "" {
		t.Errorf("query on the full disk: %v", r)
	}

	// With room, the import goes through.
	remount := exec.Command("mount", "-o", "remount,size=256m", mnt)
	if out, err := remount.CombinedOutput(); err != nil {
		t.Fatalf("remount: %v: %s", err, out)
	}
	mustCatalog(t, db, "import", "-q", f.big)
	if got := readCounts(t, db); got != f.after {
		t.Errorf("after the import with room: counts %+v, want %+v", got, f.after)
	}
	checkSound(t, db)
}

// TestStdinSpoolDiskFull: standard input is copied to a temporary file
// first (to checksum it before reading records); when $TMPDIR has no room
// for it, the import fails clearly before the catalog is touched.
func TestStdinSpoolDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel() // no timing in it: it runs beside TestBusyWriterBoundedWait's wait
	f := importFixture(t)
	tmp := smallDisk(t, 256<<10)
	work := filepath.Join(t.TempDir(), "work.db")
	copyDB(t, f.base, work)
	big, err := os.Open(f.big)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	p := command(work, "import", "-")
	p.cmd.Env = append(p.cmd.Env, "TMPDIR="+tmp)
	p.cmd.Stdin = big
	r := p.startT(t).wait(t)
	if r.code != 1 || !strings.Contains(r.stderr, "read standard input") || !strings.Contains(r.stderr, "no space left on device") {
		t.Errorf("import of a large stdin with a full $TMPDIR: %v, want exit 1 and no space left on device", r)
	}
	if got := readCounts(t, work); got != f.before {
		t.Errorf("counts %+v, want %+v", got, f.before)
	}
}

// smallDisk mounts a tmpfs of size bytes for the test, or skips the test
// where it cannot (mounting needs root).
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	mnt := filepath.Join(t.TempDir(), "small-disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	mount := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", mnt)
	if out, err := mount.CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v: %s; internal/store's TestDiskFullDuringImport covers a full disk without it", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	return mnt
}

// TestScratchIndexDiskFull: an import into an empty catalog builds the
// full-text index in a scratch database in $TMPDIR; when $TMPDIR fills up,
// the import fails naming that folder and a full disk, without blaming a
// record, and leaves the catalog and $TMPDIR as they were.
func TestScratchIndexDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel() // no timing in it
	f := importFixture(t)
	tmp := smallDisk(t, 128<<10)
	work := filepath.Join(t.TempDir(), "work.db")
	copyDB(t, f.empty, work)
	p := command(work, "import", f.big)
	p.cmd.Env = append(p.cmd.Env, "TMPDIR="+tmp)
	r := p.startT(t).wait(t)
	if r.code != 1 || !strings.Contains(r.stderr, "building the full-text index in "+tmp+": disk full") ||
		strings.Contains(r.stderr, "fix the record") {
		t.Errorf("import with a full $TMPDIR: %v, want exit 1, the folder and disk full, no record blamed", r)
	}
	if got := readCounts(t, work); got != f.emptied {
		t.Errorf("counts %+v, want %+v", got, f.emptied)
	}
	checkSound(t, work)
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in $TMPDIR: %v", left)
	}
}
