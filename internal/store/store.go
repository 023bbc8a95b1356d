// Package store opens the catalog's SQLite file, keeps its schema current with
// the embedded goose migrations, and holds the database code that is not
// generated: the import write path and search. Generated queries live in
// internal/dbgen.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/catalog-dev/catalog/db"
	"github.com/catalog-dev/catalog/internal/dbgen"
)

// Store is an open catalog database.
type Store struct {
	DB *sql.DB
	Q  *dbgen.Queries // prepared queries on DB
	// Path is the file as the user named it.
	Path string
	// RankWindow bounds relevance ranking: a query with more matches ranks
	// only this many of the newest; 0 ranks every match. Open sets
	// DefaultRankWindow.
	RankWindow int

	waiting func(holder string) // Options.Waiting, or a no-op
	lock    *openLock           // held while opening; its descriptor until Close
	// Created: Open made the file (there was none at Path).
	Created bool

	rankInGoFrom    float64   // defaultRankInGoFrom; the tests lower it
	scanAtMost      int64     // defaultScanAtMost; the tests lower it
	yearSetAtMost   int64     // defaultYearSetAtMost; the tests change it
	venueListAtMost int64     // defaultVenueListAtMost; the tests change it
	indexInPlace    bool      // no scratch index for imports (ftsbuild.go); the tests set it
	conn            *sql.Conn // Q's one connection, without the memory map (stream.go: unmapped)
}

// Options tune Open.
type Options struct {
	// NoMigrate opens without applying pending migrations (catalog migrate
	// uses it to show and move the version itself).
	NoMigrate bool
	// MaxPageCount, when above 0, caps the file at that many pages
	// (https://www.sqlite.org/pragma.html#pragma_max_page_count): a write
	// past it fails with SQLITE_FULL as on a full disk. Tests use it to
	// simulate one; a cap below the file's size is raised to its size.
	MaxPageCount int
	// MustExist refuses, with a *NoCatalogError, a path where no catalog
	// exists (no file, or an empty one) instead of creating one there:
	// commands that only read must not leave a new catalog behind a
	// mistyped --db.
	MustExist bool
	// Waiting, when set, is called once when Open, or an import's
	// BeginImport, has to wait for another process that holds the
	// catalog's lock (an import), with that process named ("pid N:
	// command line") or "" when it cannot be told. The wait lasts as long
	// as that process holds the lock; ctx ends it.
	Waiting func(holder string)
}

// lockPoll is how often Open tries again while another process holds the
// catalog in a way that makes opening it fail at once rather than wait
// (an import into an empty catalog writes it without the write-ahead log,
// and a connection cannot switch the file back to it meanwhile), and how
// long each try may wait.
const lockPoll = 250 * time.Millisecond

// writerWait is the busy timeout, in milliseconds, of an import waiting
// for another import's write lock: as long as SQLite allows (24 days), so
// in effect as long as the other import runs. The driver's busy handler
// gives up when the call's context is done (Ctrl-C).
const writerWait = math.MaxInt32

// NoCatalogError is Open's refusal of a path where no catalog exists
// (Options.MustExist).
type NoCatalogError struct {
	Path  string
	Empty bool // the file exists but is empty
}

func (e *NoCatalogError) Error() string {
	if e.Empty {
		return "no catalog at " + e.Path + " (the file is empty)"
	}
	return "no catalog at " + e.Path
}

// ErrSchemaTooNew means the file was written by a newer catalog.
var ErrSchemaTooNew = errors.New("database schema is newer than this catalog")

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// Connection settings that an import changes on its own connection and
// restores (import.go: importPragmas, poolPragmas).
const (
	pragmaBusyTimeout = "busy_timeout(10000)"
	pragmaForeignKeys = "foreign_keys(1)"
	pragmaJournalMode = "journal_mode(WAL)"
	pragmaSynchronous = "synchronous(NORMAL)"
	pragmaTempStore   = "temp_store(MEMORY)"
	pragmaMmapSize    = "mmap_size(1073741824)"
)

// dsn builds the modernc connection string. Per-connection settings go here,
// not in db.Exec, because database/sql pools connections.
//   - busy_timeout: wait for another writer instead of failing at once.
//   - journal_mode WAL: readers never block the writer, nor it them.
//     https://www.sqlite.org/wal.html (An import into an empty catalog
//     leaves it for its duration: see BeginImport.)
//   - synchronous NORMAL: durable at each checkpoint, safe with WAL.
//   - recursive_triggers off: as in the sqlite3 shell, so the FTS triggers
//     behave the same in every client.
//   - mmap_size 1 GiB: reads of the first GiB of the file are memory
//     reads, not a read() into the page cache each; a search touches a
//     few hundred scattered rows and doclist pages (p95 of the benchmark's
//     queries about 30% lower). An import turns it off on its own
//     connection: mapped pages it touches would count in its memory.
//     https://www.sqlite.org/mmap.html
//   - _txlock=immediate: a write transaction takes the write lock when it
//     begins, so it never fails later with SQLITE_BUSY_SNAPSHOT.
func dsn(path string, opts Options) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	q := url.Values{}
	q.Add("_pragma", pragmaBusyTimeout)
	q.Add("_pragma", pragmaForeignKeys)
	q.Add("_pragma", pragmaJournalMode)
	q.Add("_pragma", pragmaSynchronous)
	q.Add("_pragma", "recursive_triggers(0)")
	q.Add("_pragma", pragmaTempStore)      // statement journals in memory: each insert would otherwise write one to a temp file
	q.Add("_pragma", "cache_size(-16384)") // 16 MiB page cache per connection: more saves no CPU (measured)
	q.Add("_pragma", pragmaMmapSize)
	if opts.MaxPageCount > 0 {
		q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", opts.MaxPageCount))
	}
	if opts.MustExist {
		q.Add("mode", "rw") // never create the file, even if it goes away after the check
	}
	q.Add("_txlock", "immediate")
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens (creating if needed) the catalog at path and brings its schema
// up to date. A file that is not a SQLite database, or whose schema is newer
// than this binary knows, is refused before anything is written to it.
//
// Where another process holds the file so that it cannot be opened now (an
// import into an empty catalog, until it commits), Open waits for it, for
// as long as it takes, calling opts.Waiting once; ctx ends the wait.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	waited := false
	for {
		s, err := open(ctx, path, opts)
		if err == nil || !isBusy(err) || ctx.Err() != nil {
			return s, err
		}
		if !waited {
			waited = true
			if opts.Waiting != nil {
				opts.Waiting(lockHolder(path))
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked": another
// connection holds a lock this one needs.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

func open(ctx context.Context, path string, opts Options) (*Store, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	if opts.MustExist {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, &NoCatalogError{Path: path}
		}
	}
	_, err := os.Stat(path)
	existed := err == nil
	// Creating the file and migrating it happen under the open lock, so
	// that another catalog process waits for them (openlock_unix.go).
	lock, err := lockForOpen(ctx, path, opts.MustExist || !canCreate(path), opts.Waiting)
	if err != nil {
		return nil, err
	}
	s, err := openLocked(ctx, path, opts)
	if err != nil && !existed {
		removeCatalog(path) // made here, and not a catalog: nothing left behind
	}
	lock.unlock()
	if err != nil {
		lock.close()
		return nil, err
	}
	s.lock, s.Created = lock, !existed
	return s, nil
}

// removeCatalog removes a database file that this process created, with
// the files SQLite keeps beside it.
func removeCatalog(path string) {
	for _, suffix := range []string{"-wal", "-shm", "-journal", ""} {
		os.Remove(path + suffix)
	}
}

// Discard closes a Store that Open created (Created) and removes its file:
// an import into a new path that fails leaves no empty catalog behind,
// which read commands would then take for the user's. Another process
// that has it open meanwhile (it waited for the import) keeps it.
func (s *Store) Discard() error {
	err := s.Close()
	if !s.Created {
		return err
	}
	lock, lerr := lockForOpen(context.Background(), s.Path, true, nil)
	if lerr != nil || lock == nil {
		return err
	}
	defer lock.close()
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: s.Path}).EscapedPath(), RawQuery: "mode=ro"}
	db, oerr := sql.Open("sqlite", u.String())
	if oerr != nil {
		return err
	}
	var papers int64
	qerr := db.QueryRow("SELECT count(*) FROM papers").Scan(&papers)
	db.Close()
	if qerr == nil && papers == 0 && lockHolder(s.Path) == "" {
		removeCatalog(s.Path)
	}
	return err
}

// canCreate reports whether catalog may create a database at path: its
// folder exists and can be written (checkWritable says why not, after).
func canCreate(path string) bool {
	return canWrite(filepath.Dir(path)) == nil
}

func openLocked(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.MustExist {
		// Checked again under the lock: a file another process has just
		// created is a catalog once it has let the lock go.
		st, err := os.Stat(path)
		if err != nil && errors.Is(err, fs.ErrNotExist) || err == nil && st.Size() == 0 {
			return nil, &NoCatalogError{Path: path, Empty: err == nil}
		}
	}
	if err := precheck(ctx, path); err != nil {
		return nil, err
	}
	if err := checkWritable(path); err != nil {
		return nil, err
	}
	sqldb, err := sql.Open("sqlite", dsn(path, opts))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{DB: sqldb, Path: path, RankWindow: DefaultRankWindow, rankInGoFrom: defaultRankInGoFrom, scanAtMost: defaultScanAtMost, yearSetAtMost: defaultYearSetAtMost, venueListAtMost: defaultVenueListAtMost, waiting: opts.Waiting}
	if s.waiting == nil {
		s.waiting = func(string) {}
	}
	if err := s.init(ctx, opts); err != nil {
		sqldb.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context, opts Options) error {
	var mode string
	if err := s.DB.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("open %s: %w", s.Path, explain(err))
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("open %s: journal mode is %q, want wal", s.Path, mode)
	}
	p, err := s.provider()
	if err != nil {
		return err
	}
	if !opts.NoMigrate {
		// Readers must not queue behind an import: with _txlock=immediate
		// any transaction takes the write lock. goose's Up reads the version
		// table and begins a transaction only for a pending migration; asking
		// HasPending first (plain reads) keeps it that way whatever Up does.
		pending, err := p.HasPending(ctx)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", s.Path, explain(err))
		}
		if pending {
			if err := s.oneConn(func() error { _, err := p.Up(ctx); return err }); err != nil {
				return fmt.Errorf("migrate %s: %w", s.Path, explain(err))
			}
		}
	}
	q, err := dbgen.Prepare(ctx, s.DB)
	if err != nil {
		if opts.NoMigrate {
			// The schema may be behind; queries are prepared after migrating.
			s.Q = dbgen.New(s.DB)
			return nil
		}
		// The migrations are applied, so a statement that does not
		// prepare names an index or view that is gone (dropped by hand):
		// doctor finds it and --repair makes it again.
		return fmt.Errorf("open %s: the catalog's schema is damaged (%w); run 'catalog doctor --repair'", s.Path, explain(err))
	}
	s.Q = q
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	if s.Q != nil {
		s.Q.Close()
	}
	// The last connection to close copies what is left in the WAL into the
	// file under an exclusive lock, which fails a reader that opens the
	// file meanwhile without a busy timeout (the sqlite3 shell's default).
	// A passive checkpoint first copies what no reader still needs without
	// that lock and without waiting, so the locked part is short.
	// https://www.sqlite.org/wal.html#ckpt
	s.DB.Exec("PRAGMA wal_checkpoint(PASSIVE)")
	err := s.DB.Close()
	s.lock.close() // after the connections: see openLock
	return err
}

// checkFile refuses paths that are not, and cannot become, a catalog, before
// SQLite creates or touches anything.
func checkFile(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("open %s: is a directory, not a database file", path)
	}
	if !st.Mode().IsRegular() {
		// A device (/dev/null), a FIFO, a socket: SQLite would fail with
		// a disk I/O error, or write where no catalog can live.
		return fmt.Errorf("open %s: not a regular file, so not a database file", path)
	}
	if st.Size() == 0 {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("open %s: not a SQLite database", path)
	}
	return nil
}

// precheck looks at an existing database through a read-only connection
// without pragmas (journal_mode=WAL would rewrite the file header), so that
// a file catalog must refuse is refused untouched.
func precheck(ctx context.Context, path string) error {
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		return nil
	}
	// Without busy_timeout a reader fails at once, instead of waiting a
	// moment, when another process holds a lock (recovering the WAL after
	// a crash, or resetting it after a checkpoint); past lockPoll, Open
	// says that it waits, and tries again.
	query := fmt.Sprintf("mode=ro&_pragma=busy_timeout(%d)", lockPoll.Milliseconds())
	if _, err := os.Stat(path + "-wal"); errors.Is(err, fs.ErrNotExist) && walHeader(path) {
		// A read-only connection to a WAL database creates path-wal and
		// path-shm, and cannot remove them when it closes. Without a -wal
		// file no connection is open and the file holds every commit:
		// read it as immutable, which touches nothing.
		// https://www.sqlite.org/uri.html#uriimmutable
		query += "&immutable=1"
	}
	err := readOnlyCheck(ctx, path, query)
	if needsRecovery(err) {
		// A process killed in a write left a hot journal (or a WAL
		// without its index), which only a connection that can write may
		// roll back or recover. The user's first command after a crash is
		// catalog's, so catalog must do it: every SQLite client would,
		// and it changes no committed data.
		if err := recoverFile(ctx, path); err != nil {
			return err
		}
		err = readOnlyCheck(ctx, path, query)
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	return nil
}

// readOnlyCheck checks the file's schema version through a read-only
// connection opened with query.
func readOnlyCheck(ctx context.Context, path, query string) error {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: query}
	ro, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer ro.Close()
	return checkVersion(ctx, ro)
}

// needsRecovery reports whether err is a read-only connection's refusal
// to read a file that a crashed writer left to be rolled back or
// recovered: https://www.sqlite.org/rescode.html#readonly_rollback
func needsRecovery(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_READONLY_ROLLBACK, sqlite3.SQLITE_READONLY_RECOVERY,
		sqlite3.SQLITE_READONLY_CANTINIT, sqlite3.SQLITE_READONLY_CANTLOCK:
		return true
	}
	return false
}

// recoverFile rolls back the hot journal, or recovers the write-ahead log,
// that a crashed writer left beside path, through a plain read-write
// connection: a read is enough for SQLite to do it. Nothing else is set
// on the connection (journal_mode would rewrite the header of a file that
// may still be refused).
func recoverFile(ctx context.Context, path string) error {
	for _, p := range []string{path, filepath.Dir(path)} {
		if err := canWrite(p); err != nil {
			return fmt.Errorf("open %s: an interrupted write (a crash or a kill) left it to be rolled back, which needs write access to %s (%w); make it writable and run catalog again", path, p, err)
		}
	}
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: "_pragma=busy_timeout(10000)"}
	rw, err := sql.Open("sqlite", u.String())
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer rw.Close()
	var n int
	if err := rw.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return fmt.Errorf("open %s: rolling back an interrupted write: %w", path, explain(err))
	}
	return nil
}

// walHeader reports whether the database file's header says WAL mode
// (file format versions 2 at offsets 18 and 19).
// https://www.sqlite.org/fileformat2.html#database_header
func walHeader(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [20]byte
	_, err = io.ReadFull(f, h[:])
	return err == nil && h[18] == 2 && h[19] == 2
}

// checkWritable refuses, before SQLite creates anything, a database that
// catalog could open but not write: a read-only file, or a folder where
// SQLite cannot create the -wal and -shm files that WAL mode keeps beside
// it. SQLite would otherwise fail later, after leaving read-only -wal and
// -shm files that keep failing writes once the file is writable again.
func checkWritable(path string) error {
	dir := filepath.Dir(path)
	_, err := os.Stat(path)
	exists := err == nil
	if exists {
		if err := canWrite(path); err != nil {
			return errReadOnly(path, "the database file", err)
		}
	}
	if err := canWrite(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("open %s: the folder %s does not exist", path, dir)
		}
		if exists && canWrite(path+"-wal") == nil && canWrite(path+"-shm") == nil {
			return nil // SQLite needs to create nothing
		}
		return errReadOnly(path, "the folder "+dir, err)
	}
	return nil
}

// errReadOnly explains a database that catalog cannot write.
func errReadOnly(path, what string, err error) error {
	return fmt.Errorf("open %s: cannot write %s (%w); catalog writes its database and the -wal and -shm files beside it", path, what, err)
}

// explain turns SQLite result codes that users meet into plain words.
func explain(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY:
		return fmt.Errorf("database is busy: another process holds the write lock (%w)", err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return fmt.Errorf("cannot write the database file or its folder (%w)", err)
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("disk full (%w)", err)
	case sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("not a SQLite database (%w)", err)
	case sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("database file is damaged; try catalog doctor (%w)", err)
	}
	return err
}

// migrationsFS is the folder of goose files inside the embedded FS.
func migrationsFS() fs.FS {
	sub, err := fs.Sub(db.Migrations, "migrations")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}
