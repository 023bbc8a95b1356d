package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxSymlinks bounds how many symbolic links resolveOutput follows, as the
// system does (ELOOP), so that a loop of links is an error, not a hang.
const maxSymlinks = 40

// writeOutput writes what write produces to path (-o FILE), as a user
// expects of a path:
//   - a regular file, or a new one, is replaced whole, and only once it
//     is complete: written to a temporary file beside it and renamed over
//     it, so an interrupted or failed export leaves the old file as it
//     was. The new file keeps the old one's mode (and owner, where the
//     system allows), or gets the default mode (0666 less the umask);
//   - a symbolic link is followed: its target is written as above, and
//     the link stays a link;
//   - anything else that can be opened for writing (a FIFO, a device such
//     as /dev/null, a terminal) is written in place: it cannot be
//     replaced, and replacing it by a file would lose what it is.
//
// Errors name path, never the temporary file.
func writeOutput(ctx context.Context, path string, write func(io.Writer) error) error {
	// What the path opens, links followed by the system: /dev/fd/N (a
	// shell's >(...)) is a link whose text names no file ("pipe:[N]").
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("cannot write %s: it is a folder", path)
		}
		return writeInPlace(ctx, path, path, write)
	}
	target, fi, err := resolveOutput(path)
	if err != nil {
		return err
	}
	return replaceFile(path, target, fi, write)
}

// resolveOutput follows the symbolic links path may be, to the regular
// file that is to be replaced: target, and its FileInfo (nil when it does
// not exist yet).
func resolveOutput(path string) (target string, fi fs.FileInfo, err error) {
	target = path
	for range maxSymlinks {
		fi, err := os.Lstat(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return target, nil, nil
		case err != nil:
			return "", nil, fmt.Errorf("cannot write %s: %w", path, pathReason(err))
		case fi.Mode()&fs.ModeSymlink == 0:
			return target, fi, nil
		}
		link, err := os.Readlink(target)
		if err != nil {
			return "", nil, fmt.Errorf("cannot write %s: %w", path, pathReason(err))
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(target), link)
		}
		target = link
	}
	return "", nil, fmt.Errorf("cannot write %s: too many levels of symbolic links", path)
}

// replaceFile writes target (path once links are followed) through a
// temporary file in its folder, renamed over it once complete. old is the
// file's FileInfo, nil for a new file.
func replaceFile(path, target string, old fs.FileInfo, write func(io.Writer) error) error {
	perm := fs.FileMode(0o666) // less the umask, as for any new file
	if old != nil {
		perm = old.Mode().Perm()
	}
	f, err := createTemp(filepath.Dir(target), filepath.Base(target), perm)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathReason(err))
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename, there is nothing to remove
	if old != nil {
		if err := keepMode(f, old); err != nil {
			f.Close()
			return fmt.Errorf("cannot write %s: %w", path, pathReason(err))
		}
	}
	if err := writeBuffered(f, path, write); err != nil {
		f.Close()
		return err
	}
	// On disk before the rename: after a crash, the old file or the new,
	// never an empty one.
	if err := f.Sync(); err != nil {
		f.Close()
		return &writeError{name: path, err: err}
	}
	if err := f.Close(); err != nil {
		return &writeError{name: path, err: err}
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("cannot replace %s: %w", path, linkReason(err))
	}
	return nil
}

// createTemp creates a new file in dir named after base with mode perm
// (less the umask), which os.CreateTemp cannot do (its files are 0600).
func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	for {
		var b [6]byte
		rand.Read(b[:])
		name := filepath.Join(dir, "."+base+"."+hex.EncodeToString(b[:])+".tmp")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
}

// keepMode gives f the owner, group and mode of old. A user who may not
// give the file away keeps it (the rename gives them no more than they
// had: they could write the folder); the mode is set after the owner,
// which clears set-id bits.
func keepMode(f *os.File, old fs.FileInfo) error {
	if err := chownLike(f, old); err != nil && !errors.Is(err, fs.ErrPermission) {
		return err
	}
	return f.Chmod(old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky))
}

// writeInPlace writes to a file that is not a regular one (a FIFO, a
// device) without replacing it. Opening a FIFO waits for a reader; Ctrl-C
// ends the wait.
func writeInPlace(ctx context.Context, path, target string, write func(io.Writer) error) error {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		ch <- opened{f, err}
	}()
	var o opened
	select {
	case o = <-ch:
	case <-ctx.Done():
		go func() { // the open may still succeed; close what it opens
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return ctx.Err()
	}
	if o.err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathReason(o.err))
	}
	if err := writeBuffered(o.f, path, write); err != nil {
		o.f.Close()
		return err
	}
	if err := o.f.Close(); err != nil {
		return &writeError{name: path, err: err}
	}
	return nil
}

// writeBuffered runs write into f through a buffer; a failed write is a
// writeError naming path.
func writeBuffered(f *os.File, path string, write func(io.Writer) error) error {
	cw := &checkedWriter{w: f, name: path}
	bw := bufio.NewWriter(cw)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cw.err != nil {
		return cw.err
	}
	return err
}

// pathReason is the system's reason in err, without the path Go puts in
// front of it (which may be a temporary file's).
func pathReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// linkReason is pathReason for a rename's error.
func linkReason(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
