//go:build !unix

package store

import "context"

// openLock is a no-op where flock(2) is missing (openlock_unix.go).
type openLock struct{}

func lockForOpen(ctx context.Context, path string, mustExist bool, waiting func(string)) (*openLock, error) {
	return nil, nil
}

func (l *openLock) unlock() {}
func (l *openLock) close()  {}
