package store

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockHolder names the process that holds a lock on the database at path
// or on its -shm file (a catalog import, another program), from
// /proc/locks, where Linux lists every file lock with the pid that holds it
// and the file's device and inode. Reading it opens none of the locked
// files: closing a descriptor of a file drops every POSIX lock this
// process holds on it, SQLite's included. "" when no other process is
// found.
func lockHolder(path string) string {
	files := map[string]bool{} // "maj:min:inode" of path and path-shm
	for _, p := range []string{path, path + "-shm"} {
		if id, ok := fileID(p); ok {
			files[id] = true
		}
	}
	data, err := os.ReadFile("/proc/locks")
	if err != nil || len(files) == 0 {
		return ""
	}
	best := 0
	for line := range bytes.Lines(data) {
		// "1: POSIX  ADVISORY  WRITE 2519 00:35:1234 1073741825 1073741825";
		// lines with "->" are processes waiting for a lock, not holding it.
		f := strings.Fields(string(line))
		if len(f) < 8 || f[1] == "->" || !files[f[5]] {
			continue
		}
		pid, err := strconv.Atoi(f[4])
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if best == 0 || f[3] == "WRITE" {
			best = pid
		}
	}
	if best == 0 {
		return ""
	}
	return describeProcess(best)
}

// fileID is a file's device and inode as /proc/locks writes them.
func fileID(path string) (string, bool) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return "", false
	}
	major := (st.Dev >> 8) & 0xfff
	minor := (st.Dev & 0xff) | ((st.Dev >> 12) & 0xfff00)
	return fmt.Sprintf("%02x:%02x:%d", major, minor, st.Ino), true
}

// maxHolderCommand bounds the command line quoted in a message.
const maxHolderCommand = 80

// describeProcess is "pid N: its command line", shortened.
func describeProcess(pid int) string {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	args := strings.Fields(strings.ReplaceAll(string(bytes.TrimRight(cmdline, "\x00")), "\x00", " "))
	if err != nil || len(args) == 0 {
		return fmt.Sprintf("pid %d", pid)
	}
	cmd := strings.Join(args, " ")
	if r := []rune(cmd); len(r) > maxHolderCommand {
		cmd = string(r[:maxHolderCommand-1]) + "…"
	}
	return fmt.Sprintf("pid %d: %s", pid, cmd)
}
