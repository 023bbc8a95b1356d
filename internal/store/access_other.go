//go:build !unix

package store

// canWrite is a no-op where access(2) is missing: SQLite's own error
// reports a file it cannot write.
func canWrite(path string) error { return nil }

// processAlive cannot tell here: every process counts as running, so no
// scratch file is taken for stale (removeStaleScratch).
func processAlive(pid int) bool { return true }
