package reliability

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestExportOutputFile: export -o writes what the path names: through a
// symbolic link (the target is updated, the link stays a link), into a
// FIFO that another process reads, into /dev/null, and a regular file is
// replaced whole with its mode kept. A device that fails the write
// (/dev/full) is an error, and stays a device.
func TestExportOutputFile(t *testing.T) {
	db := outputDB(t)
	want := mustCatalog(t, db, "export").stdout
	if !strings.Contains(want, "@") {
		t.Fatalf("export to stdout: %q, want BibTeX", want)
	}
	stale := []byte("stale\n")

	t.Run("symlink", func(t *testing.T) {
		dir := t.TempDir()
		target := writeFile(t, filepath.Join(dir, "real.bib"), stale)
		link := filepath.Join(dir, "link.bib")
		if err := os.Symlink("real.bib", link); err != nil {
			t.Fatal(err)
		}
		mustCatalog(t, db, "export", "-o", link)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("%s after export: %v, %v; want it still a symbolic link", link, fi.Mode(), err)
		}
		if got := readString(t, target); got != want {
			t.Errorf("link target after export: got %q, want the export", got)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 2 {
			t.Errorf("%d files in the folder, want 2 (no temporary file left)", len(entries))
		}
	})

	t.Run("dangling symlink", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "link.bib")
		if err := os.Symlink(filepath.Join(dir, "new.bib"), link); err != nil {
			t.Fatal(err)
		}
		mustCatalog(t, db, "export", "-o", link)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("%s after export: %v, %v; want it still a symbolic link", link, fi.Mode(), err)
		}
		if got := readString(t, filepath.Join(dir, "new.bib")); got != want {
			t.Errorf("link target after export: got %q, want the export", got)
		}
	})

	t.Run("mode kept", func(t *testing.T) {
		for _, mode := range []fs.FileMode{0o640, 0o600, 0o664} {
			path := writeFile(t, filepath.Join(t.TempDir(), "refs.bib"), stale)
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			mustCatalog(t, db, "export", "-o", path)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != mode {
				t.Errorf("mode after export: got %v, want %v", fi.Mode().Perm(), mode)
			}
			if got := readString(t, path); got != want {
				t.Errorf("file after export: got %q, want the export", got)
			}
		}
	})

	t.Run("new file gets the default mode", func(t *testing.T) {
		umask := syscall.Umask(0o022)
		syscall.Umask(umask)
		path := filepath.Join(t.TempDir(), "new.bib")
		mustCatalog(t, db, "export", "-o", path)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if wantMode := fs.FileMode(0o666 &^ umask); fi.Mode().Perm() != wantMode {
			t.Errorf("mode of a new file: got %v, want %v (0666 less the umask)", fi.Mode().Perm(), wantMode)
		}
	})

	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "pipe")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		// The reader is another process, as a shell's would be.
		reader := command(db)
		reader.cmd.Path, reader.cmd.Args = "/bin/cat", []string{"cat", fifo}
		reader.startT(t)
		r := catalog(t, db, nil, "export", "-o", fifo)
		fi, err := os.Lstat(fifo)
		if r.code != 0 || err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			// Nothing opened the FIFO for writing: the reader would wait
			// for ever.
			reader.cmd.Process.Kill()
			reader.wait(t)
			t.Fatalf("export -o FIFO: %v; %s after it: %v, %v; want exit 0 and still a FIFO", r, fifo, fi.Mode(), err)
		}
		if read := reader.wait(t); read.stdout != want {
			t.Errorf("the FIFO's reader got %q, want the export", read.stdout)
		}
	})

	t.Run("dev null", func(t *testing.T) {
		dev := device(t, t.TempDir(), "/dev/null")
		r := catalog(t, db, nil, "export", "-o", dev)
		if r.code != 0 || r.stderr != dev+": 5 papers written (bibtex)\n" {
			t.Errorf("export -o %s: %v, want exit 0 and the count", dev, r)
		}
		if !isCharDevice(t, dev) {
			t.Errorf("%s is no longer a device after the export", dev)
		}
	})

	t.Run("dev full", func(t *testing.T) {
		dev := device(t, t.TempDir(), "/dev/full")
		r := catalog(t, db, nil, "export", "-o", dev)
		if r.code != 1 || !strings.Contains(r.stderr, "write error") || !strings.Contains(r.stderr, "no space left on device") {
			t.Errorf("export -o %s: %v, want exit 1 and a write error", dev, r)
		}
		if strings.Contains(r.stderr, ".tmp") {
			t.Errorf("stderr %q names a temporary file", r.stderr)
		}
		if !isCharDevice(t, dev) {
			t.Errorf("%s is no longer a device after the export", dev)
		}
	})

	t.Run("the catalog itself", func(t *testing.T) {
		dir := t.TempDir()
		own := filepath.Join(dir, "own.db")
		copyDB(t, db, own)
		before := readCounts(t, own)
		link := filepath.Join(dir, "link.db")
		if err := os.Symlink("own.db", link); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{own, link, filepath.Join(dir, ".", "own.db")} {
			r := catalog(t, own, nil, "export", "-o", out)
			if r.code != 1 || !strings.Contains(r.stderr, "is the catalog database") {
				t.Errorf("export -o %s onto its own catalog: %v, want exit 1, refused", out, r)
			}
			checkSound(t, own)
			if got := readCounts(t, own); got != before {
				t.Errorf("catalog after export -o %s: %+v, want %+v", out, got, before)
			}
		}
	})
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPipePaths: a path that names a pipe (/dev/fd/N, what a shell's
// <(...) and >(...) pass) works as a file does: import reads it (it
// cannot be read twice, so it is spooled like standard input), and
// export -o writes into it; no "illegal seek".
func TestPipePaths(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pipe.db")
	list := profileList(8, "pipe", 3)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := command(db, "import", "/dev/fd/3")
	p.cmd.ExtraFiles = []*os.File{r}
	p.startT(t)
	r.Close()
	go func() { w.Write(list); w.Close() }()
	res := p.wait(t)
	if res.code != 0 || res.stderr != "/dev/fd/3: 3 records: 3 papers added, 0 merged, 0 unchanged; "+plural(readCounts(t, db).Authors, "author")+" added\n" {
		t.Fatalf("import /dev/fd/3 (a pipe): %v, want exit 0 and 3 papers added", res)
	}

	r, w, err = os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p = command(db, "export", "-o", "/dev/fd/3")
	p.cmd.ExtraFiles = []*os.File{w}
	p.startT(t)
	w.Close()
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); got <- b }()
	res = p.wait(t)
	out := <-got
	r.Close()
	if res.code != 0 || strings.Count(string(out), "@misc{") != 3 {
		t.Errorf("export -o /dev/fd/3 (a pipe): %v, read %q; want exit 0 and 3 entries", res, out)
	}
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
