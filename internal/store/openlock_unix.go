//go:build unix

package store

import (
	"context"
	"errors"
	"os"
	"sync"
	"syscall"
	"time"
)

// An open lock serializes, between catalog processes, the moment in which
// one of them opens the catalog: the file is created (empty at first) and
// the migrations are applied, in several transactions. Without it, two
// processes starting on a new catalog, or on one that needs migrating,
// both found migrations pending and both applied them: one failed ("table
// sources already exists"), or goose recorded a version twice; and a
// reader that found the file still empty took it for no catalog.
//
// The lock is flock(2) on the database file itself, which SQLite's own
// locks (fcntl(2) byte ranges) do not see. The descriptor stays open for as
// long as this process has the catalog open: closing any descriptor of a
// file drops every fcntl lock the process holds on it, SQLite's included,
// so it is closed only once the last Store on that file is closed.
type openLock struct {
	key  fileKey
	file *os.File
}

type fileKey struct{ dev, ino uint64 }

var (
	openLocksMu sync.Mutex
	openLocks   = map[fileKey]*sharedLockFile{}
)

type sharedLockFile struct {
	file  *os.File
	extra []*os.File // descriptors opened while file was, closed with it
	refs  int
}

// lockForOpen takes the open lock of path, creating the file unless
// mustExist, and waits for another process holding it (calling waiting
// once, with that process named) until ctx is done. Where the file cannot
// be opened (a folder that cannot be written, say) it returns no lock and
// no error: the checks that follow say what is wrong.
func lockForOpen(ctx context.Context, path string, mustExist bool, waiting func(string)) (*openLock, error) {
	flags := os.O_RDONLY
	if !mustExist {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o666)
	if err != nil {
		return nil, nil
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		f.Close()
		return nil, nil
	}
	key := fileKey{uint64(st.Dev), uint64(st.Ino)}
	openLocksMu.Lock()
	if shared, ok := openLocks[key]; ok {
		// Another Store of this process has the file open: use its
		// descriptor. The new one is kept, not closed, for closing it
		// now would drop the other Store's SQLite locks; it is closed
		// with the shared one.
		shared.extra = append(shared.extra, f)
		f = shared.file
		shared.refs++
	} else {
		openLocks[key] = &sharedLockFile{file: f, refs: 1}
	}
	openLocksMu.Unlock()
	l := &openLock{key: key, file: f}
	waited := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			l.close()
			return nil, nil // a file system without flock: go on unlocked
		}
		if !waited && waiting != nil {
			waited = true
			waiting(lockHolder(path))
		}
		select {
		case <-ctx.Done():
			l.close()
			return nil, ctx.Err()
		case <-time.After(lockPoll / 5):
		}
	}
}

// unlock lets other processes open the catalog; the descriptor stays open
// until close.
func (l *openLock) unlock() {
	if l != nil {
		syscall.Flock(int(l.file.Fd()), syscall.LOCK_UN)
	}
}

// close unlocks and drops this Store's use of the descriptor, closing it
// with the last one: call it only once the Store's connections are closed.
func (l *openLock) close() {
	if l == nil {
		return
	}
	l.unlock()
	openLocksMu.Lock()
	defer openLocksMu.Unlock()
	if shared := openLocks[l.key]; shared != nil {
		if shared.refs--; shared.refs == 0 {
			shared.file.Close()
			for _, f := range shared.extra {
				f.Close()
			}
			delete(openLocks, l.key)
		}
	}
}
