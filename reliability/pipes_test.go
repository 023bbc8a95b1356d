package reliability

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportFromPipes imports from inputs that cannot seek: a FIFO and a
// pipe named by /dev/fd/N, as the shell's <(zcat refs.bib.gz) gives (gzip
// through the pipe too). catalog read such a file once for its checksum
// and then seeked back, and failed with "seek ... illegal seek".
func TestImportFromPipes(t *testing.T) {
	data := profileList(7, "piped", 50)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	tests := []struct {
		name string
		data []byte
		fifo bool
	}{
		{"fifo", data, true},
		{"dev-fd", data, false},
		{"dev-fd-gzip", gz.Bytes(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "c.db")
			var p *proc
			var w *os.File
			if tt.fifo {
				fifo := filepath.Join(dir, "refs.fifo")
				if err := syscall.Mkfifo(fifo, 0o600); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
				p = command(db, "import", fifo).startT(t)
				var err error
				if w, err = os.OpenFile(fifo, os.O_WRONLY, 0); err != nil { // waits for catalog to open it
					t.Fatal(err)
				}
			} else {
				r, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				w = pw
				p = command(db, "import", "/dev/fd/3")
				p.cmd.ExtraFiles = []*os.File{r}
				p.startT(t)
				r.Close()
			}
			go func() {
				w.Write(tt.data)
				w.Close()
			}()
			res := p.wait(t)
			if res.code != 0 || !strings.Contains(res.stderr, ": 50 records: 50 papers added") {
				t.Fatalf("got %v, want exit 0 and 50 papers added", res)
			}
			if got := readCounts(t, db); got.Papers != 50 || got.Sources != 1 {
				t.Errorf("counts %+v, want 50 papers from 1 source", got)
			}
			checkSound(t, db)
		})
	}
}

// TestInterruptWaitingForFIFO: opening a FIFO that no program writes to
// waits for a writer, in a system call; catalog blocked there for ever,
// deaf to Ctrl-C and SIGTERM. Now either signal stops it promptly with exit
// 130 and a plain message, and nothing is created: not the catalog, not
// a temporary file.
func TestInterruptWaitingForFIFO(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			tmp := t.TempDir()
			fifo := filepath.Join(dir, "refs.fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			db := filepath.Join(dir, "c.db")
			p := command(db, "import", fifo)
			p.cmd.Env = append(p.cmd.Env, "TMPDIR="+tmp)
			p.startT(t)
			time.Sleep(300 * time.Millisecond) // catalog waits in the open by now
			// A catalog deaf to the signal is killed after five seconds,
			// so that the test ends.
			kill := time.AfterFunc(5*time.Second, func() { p.cmd.Process.Kill() })
			defer kill.Stop()
			p.cmd.Process.Signal(sig)
			sent := time.Now()
			r := p.wait(t)
			stopped := time.Since(sent)
			if r.code != 130 || stopped > 2*time.Second {
				t.Errorf("%v while waiting for a writer: %v after %v, want exit 130 within two seconds", sig, r, stopped.Round(time.Millisecond))
			}
			if !strings.Contains(r.stderr, "catalog: interrupted: import: nothing was imported") || strings.Contains(r.stderr, "context") {
				t.Errorf("stderr %q, want it to say it was interrupted and nothing was imported, in plain words", r.stderr)
			}
			for _, d := range []string{dir, tmp} {
				entries, _ := os.ReadDir(d)
				for _, e := range entries {
					if e.Name() != "refs.fifo" {
						t.Errorf("%s was left in %s", e.Name(), d)
					}
				}
			}
		})
	}
}
