//go:build !linux

package store

// lockHolder names the process that holds a lock on the database; only
// Linux lists file locks with their holders (holder_linux.go).
func lockHolder(path string) string { return "" }
