package reliability

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// outputDB is a small catalog for the output tests: five papers.
func outputDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "out.db")
	list := writeFile(t, filepath.Join(dir, "list.txt"), profileList(7, "output", 5))
	mustCatalog(t, db, "import", list)
	return db
}

// device is the device at path (/dev/null, /dev/full) for a test to
// write. As root it is a private copy (the same device number) in dir:
// code that replaced the device instead of writing it would replace the
// copy, not the system's.
func device(t *testing.T, dir, path string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return path
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Skipf("no %s: %v", path, err)
	}
	dev := filepath.Join(dir, filepath.Base(path))
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(st.Sys().(*syscall.Stat_t).Rdev)); err != nil {
		t.Skipf("mknod: %v", err)
	}
	return dev
}

func isCharDevice(t *testing.T, path string) bool {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()&fs.ModeCharDevice != 0
}

// TestWriteErrors: every command that prints data fails (exit 1, "write
// error") when its standard output cannot be written, instead of
// reporting success for data that never arrived.
func TestWriteErrors(t *testing.T) {
	db := outputDB(t)
	dev := device(t, t.TempDir(), "/dev/full")
	for _, args := range [][]string{
		{"query", "output"},
		{"query", "--format", "csv", "output"},
		{"query", "--json", "output"},
		{"authors"},
		{"authors", "--json"},
		{"show", "1"},
		{"show", "--json", "1"},
		{"stats"},
		{"stats", "--json"},
		{"export"},
		{"export", "--format", "csv"},
		{"migrate"},
		{"doctor"},
		{"--help"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			full, err := os.OpenFile(dev, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer full.Close()
			p := command(db, args...)
			p.cmd.Stdout = full
			r := p.startT(t).wait(t)
			if r.code != 1 || !strings.Contains(r.stderr, "write error: standard output: no space left on device") {
				t.Errorf("stdout on a full device: %v, want exit 1 and a write error", r)
			}
		})
	}
}
