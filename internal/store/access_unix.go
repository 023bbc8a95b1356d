//go:build unix

package store

import "syscall"

// canWrite reports whether this process may write path (a file, or a folder
// to create files in), asking the kernel as open(2) would, without opening
// anything: access(2) honours permissions, root's override and read-only
// mounts alike.
func canWrite(path string) error {
	const wOK = 0x2 // W_OK, the same on every Unix
	return syscall.Access(path, wOK)
}

// processAlive reports whether a process with this id runs (signal 0
// checks without sending anything; EPERM means it runs as another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
