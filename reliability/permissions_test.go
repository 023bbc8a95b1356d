package reliability

import (
	"database/sql"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"syscall"
	"testing"
	"time"
)

// nobody is the user the permission tests run catalog as when the tests run
// as root, for whom permissions are not enforced.
const nobody = 65534

// TestRefusedUntouched points catalog at files it must not or cannot write:
// a read-only database, a read-only folder, a folder, a file that is not a
// database, another program's database, a catalog from a newer version.
// Each command must fail with a clear error and leave every byte of the
// folder as it was: no -wal or -shm file either. A read-only catalog made
// writable again must then work (stray read-only -wal/-shm files would
// keep failing it).
//
// Permissions do not bind root, so as root (CI) catalog runs as the user
// nobody (uid 65534), with the files given to that user.
func TestRefusedUntouched(t *testing.T) {
	t.Parallel() // no timing in it: it runs beside TestBusyWriterBoundedWait's wait
	f := importFixture(t)
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: nobody, Gid: nobody}
	}
	base, err := os.ReadFile(f.base)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) (db string)
		want  string // a regexp
		// fix makes the catalog writable again, for the cases where it
		// then must work.
		fix func(t *testing.T, dir, db string)
	}{
		{
			name: "read-only database file",
			setup: func(t *testing.T, dir string) string {
				db := writeFile(t, filepath.Join(dir, "catalog.db"), base)
				chmod(t, db, 0o444)
				return db
			},
			want: "cannot write the database file",
			fix:  func(t *testing.T, dir, db string) { chmod(t, db, 0o644) },
		},
		{
			name: "read-only folder",
			setup: func(t *testing.T, dir string) string {
				db := writeFile(t, filepath.Join(dir, "catalog.db"), base)
				chmod(t, dir, 0o555)
				return db
			},
			want: "cannot write the folder",
			fix:  func(t *testing.T, dir, db string) { chmod(t, dir, 0o755) },
		},
		{
			name: "new database in a read-only folder",
			setup: func(t *testing.T, dir string) string {
				chmod(t, dir, 0o555)
				return filepath.Join(dir, "catalog.db")
			},
			want: "cannot write the folder|no catalog at", // import and migrate cannot write; query and doctor create nothing
		},
		{
			name: "a folder",
			setup: func(t *testing.T, dir string) string {
				sub := filepath.Join(dir, "papers")
				if err := os.Mkdir(sub, 0o755); err != nil {
					t.Fatal(err)
				}
				return sub
			},
			want: "is a directory, not a database file",
		},
		{
			name: "not a SQLite database",
			setup: func(t *testing.T, dir string) string {
				return writeFile(t, filepath.Join(dir, "notes.txt"), []byte("Notes, not a database; long enough for a header check.\n"))
			},
			want: "not a SQLite database",
		},
		{
			name: "another program's database",
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "other.db")
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Exec("CREATE TABLE things (x); INSERT INTO things VALUES (1)"); err != nil {
					t.Fatal(err)
				}
				return path
			},
			want: "not a catalog database",
		},
		{
			name: "newer catalog",
			setup: func(t *testing.T, dir string) string {
				path := writeFile(t, filepath.Join(dir, "catalog.db"), base)
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)"); err != nil {
					t.Fatal(err)
				}
				return path
			},
			want: "database schema is newer than this catalog",
		},
		{
			// A crash in a write through a rollback journal (as an import
			// into an empty catalog writes) leaves it hot; catalog rolls it
			// back, which it cannot do without write access: it says so and
			// touches nothing, and works once the folder is writable.
			name: "hot journal in a read-only folder",
			setup: func(t *testing.T, dir string) string {
				db := writeFile(t, filepath.Join(dir, "catalog.db"), base)
				hotJournal(t, db)
				chmod(t, dir, 0o555)
				return db
			},
			want: `an interrupted write \(a crash or a kill\) left it to be rolled back, which needs write access to .*; make it writable`,
			fix:  func(t *testing.T, dir, db string) { chmod(t, dir, 0o755) },
		},
	}
	commands := [][]string{
		{"import", f.small},
		{"query", "anything"},
		{"migrate", "up"},
		{"doctor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			openUp(t, dir)
			db := tt.setup(t, dir)
			if cred != nil {
				chownAll(t, dir)
			}
			before := snapshot(t, dir)
			for _, args := range commands {
				p := command(db, args...)
				p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
				if err := p.cmd.Start(); err != nil {
					t.Skipf("cannot run catalog as uid %d: %v", nobody, err)
				}
				r := p.wait(t)
				if r.code != 1 || !regexp.MustCompile(tt.want).MatchString(r.stderr) {
					t.Errorf("catalog %s: %v, want exit 1 and %q", args[0], r, tt.want)
				}
				if after := snapshot(t, dir); !maps.Equal(before, after) {
					t.Errorf("catalog %s changed the folder:\n got %v\nwant %v", args[0], slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
				}
			}
			if tt.fix != nil {
				tt.fix(t, dir, db)
				p := command(db, "import", "-q", f.small)
				p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
				if r := p.startT(t).wait(t); r.code != 0 {
					t.Errorf("import once writable: %v", r)
				}
			}
			chmod(t, dir, 0o755) // for t.TempDir's cleanup
		})
	}
}

// openUp lets another user into dir: t.TempDir's folders are 0700.
func openUp(t *testing.T, dir string) {
	chmod(t, filepath.Dir(dir), 0o755)
	chmod(t, dir, 0o755)
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// chownAll gives dir and everything in it to nobody.
func chownAll(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, nobody, nobody)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot maps every path under dir to its mode and content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = info.Mode().String()
		if d.Type().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil && !errors.Is(err, fs.ErrPermission) {
				return err
			}
			out[rel] += " " + string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hotJournal leaves a hot rollback journal beside db: the sqlite3 shell,
// in rollback-journal mode with a tiny page cache, deletes every paper
// (writing pages to the file before the commit) and is killed before it
// commits. Skips the test where the shell is missing.
func hotJournal(t *testing.T, db string) {
	t.Helper()
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CATALOG_REQUIRE_SQLITE3") != "" {
			t.Fatal("sqlite3 shell not found and CATALOG_REQUIRE_SQLITE3 is set")
		}
		t.Skip("sqlite3 shell not installed: cannot make a hot journal")
	}
	cmd := exec.Command(shell, db)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(in, "PRAGMA journal_mode = DELETE;\nPRAGMA cache_size = 1;\nBEGIN;\nDELETE FROM papers;\nSELECT 'deleted';\n")
	for deadline := time.Now().Add(10 * time.Second); ; {
		if st, err := os.Stat(db + "-journal"); err == nil && st.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shell wrote no journal")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the DELETE write the file
	cmd.Process.Kill()
	cmd.Wait()
	in.Close()
}
