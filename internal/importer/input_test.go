package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOpenInputPipe opens a pipe by its /dev/fd name, as <(zcat refs.gz)
// gives one: it cannot seek, so it is spooled. It failed with "seek ...
// illegal seek" after the checksum had read it.
func TestOpenInputPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	const data = "TY  - JOUR\nTI  - Piped\nER  - \n"
	go func() {
		w.Write([]byte(data))
		w.Close()
	}()
	name := fmt.Sprintf("/dev/fd/%d", r.Fd())
	if _, err := os.Stat(name); err != nil {
		t.Skipf("no /dev/fd: %v", err)
	}
	in, err := OpenInput(name, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if in.Format != "ris" || in.Size != int64(len(data)) {
		t.Errorf("format %q, size %d; want ris, %d", in.Format, in.Size, len(data))
	}
	rec, err := in.Parser.Next()
	if err != nil || rec.Title != "Piped" {
		t.Fatalf("got %+v, %v; want the record", rec, err)
	}
}

// TestOpenInputFIFOCanceled: opening a FIFO waits for a writer; a canceled
// context ends the wait.
func TestOpenInputFIFOCanceled(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "refs.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := OpenInputContext(ctx, fifo, nil, InputOptions{})
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	// Let the abandoned open finish, if it has begun, so that nothing is
	// left waiting.
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}
