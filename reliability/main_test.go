package reliability

import (
	"bytes"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

var (
	// catalogBin is the catalog binary, built once by TestMain.
	catalogBin string
	// shared holds files that several tests reuse (the import fixture).
	shared string
	// longTests asks for the longer versions of the tests (CATALOG_LONG_TESTS=1).
	longTests = os.Getenv("CATALOG_LONG_TESTS") == "1"
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "catalog-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Traversable by the unprivileged user the permission tests run as.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	catalogBin = filepath.Join(dir, "catalog")
	shared = filepath.Join(dir, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	build := exec.Command(goTool, "build", "-o", catalogBin, "github.com/catalog-dev/catalog/cmd/catalog")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build catalog: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

var sourcesOnce sync.Once

// statSources stats every file the catalog binary is built from. go test
// caches a passing result until the test binary or a file the test looked
// at (while the tests ran, not in TestMain) changes; this package does not
// import the code it tests (it runs a binary built at run time), so
// without this a change to catalog would replay an old result.
func statSources(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		switch filepath.Ext(path) {
		case ".go", ".sql", ".mod", ".sum":
			_, err = os.Stat(path)
		}
		return err
	})
}

// result is what a finished catalog process did.
type result struct {
	code           int // exit code; -1 when killed by a signal
	signal         syscall.Signal
	stdout, stderr string
	maxRSS         int64 // peak resident memory, bytes
	wall           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, stderr %q", r.code, r.stderr)
}

// proc is a running catalog process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	start          time.Time
}

// command prepares catalog with args, on the database db (--db), with a
// clean environment for the variables catalog reads.
func command(db string, args ...string) *proc {
	sourcesOnce.Do(func() { statSources("..") })
	p := &proc{}
	p.cmd = exec.Command(catalogBin, append([]string{"--db", db}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CATALOG_") {
			env = append(env, kv)
		}
	}
	p.cmd.Env = env
	return p
}

func (p *proc) startT(t *testing.T) *proc {
	t.Helper()
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", p.cmd.Args, err)
	}
	return p
}

// wait waits for the process and reports what it did.
func (p *proc) wait(t *testing.T) result {
	t.Helper()
	err := p.cmd.Wait()
	r := result{stdout: p.stdout.String(), stderr: p.stderr.String(), wall: time.Since(p.start)}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%v: %v", p.cmd.Args, err)
	}
	ps := p.cmd.ProcessState
	r.code = ps.ExitCode()
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.signal = ws.Signal()
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return r
}

// catalog runs catalog to the end.
func catalog(t *testing.T, db string, stdin io.Reader, args ...string) result {
	t.Helper()
	p := command(db, args...)
	p.cmd.Stdin = stdin
	return p.startT(t).wait(t)
}

// mustCatalog runs catalog and fails the test unless it exits 0.
func mustCatalog(t *testing.T, db string, args ...string) result {
	t.Helper()
	r := catalog(t, db, nil, args...)
	if r.code != 0 {
		t.Fatalf("catalog %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// counts is what an import adds to: compared before and after, it tells
// all of an import from none of it, and either from a part.
type counts struct {
	Papers, Sources, PaperSources, Authorship, Authors int64
}

// countsQuery reads every count in one statement: one read transaction,
// one snapshot.
const countsQuery = `SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM sources),
	(SELECT count(*) FROM paper_sources), (SELECT count(*) FROM authorship), (SELECT count(*) FROM authors)`

// openDB opens a database the way another program would: a plain modernc
// connection that waits for locks.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func scanCounts(db *sql.DB) (counts, error) {
	var c counts
	err := db.QueryRow(countsQuery).Scan(&c.Papers, &c.Sources, &c.PaperSources, &c.Authorship, &c.Authors)
	return c, err
}

func readCounts(t *testing.T, path string) counts {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	c, err := scanCounts(db)
	if err != nil {
		t.Fatalf("counts of %s: %v", filepath.Base(path), err)
	}
	return c
}

// checkSound fails the test unless the database passes SQLite's
// integrity_check and the FTS5 index matches its content.
func checkSound(t *testing.T, path string) {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("%s: integrity_check: %q, %v", filepath.Base(path), res, err)
	}
	if _, err := db.Exec("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Fatalf("%s: fts5 integrity-check: %v", filepath.Base(path), err)
	}
}

// copyDB copies a database that no process has open (one file, no -wal)
// over dst, removing dst's -wal and -shm.
func copyDB(t *testing.T, src, dst string) {
	t.Helper()
	if err := copyDBFile(src, dst); err != nil {
		t.Fatal(err)
	}
}

func copyDBFile(src, dst string) error {
	for _, suffix := range []string{"-wal", "-journal"} {
		if _, err := os.Stat(src + suffix); err == nil {
			return fmt.Errorf("copy %s: it has a %s file: it is open or was not closed cleanly", src, suffix)
		}
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(dst + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.WriteFile(dst, data, 0o644)
}

// words is a fixed vocabulary of made-up words.
var words = func() []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, 4000)
	for i := range out {
		b := make([]byte, 3+r.IntN(8))
		for j := range b {
			b[j] = byte('a' + r.IntN(26))
		}
		out[i] = string(b)
	}
	return out
}()

// names is a pool of "Family, Given" authors that every generated file
// draws from, so that imports share authors.
var names = func() []string {
	r := rand.New(rand.NewPCG(3, 4))
	out := make([]string, 1500)
	for i := range out {
		out[i] = capital(words[r.IntN(1000)]) + capital(words[r.IntN(1000)]) + ", " + capital(words[1000+r.IntN(1000)])
	}
	return out
}()

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// marker is a word in the title of every hundredth generated record, for
// searches whose hit count tells which imports a reader sees.
const marker = "zebrafinch"

// profileList returns a deterministic author-profile list of n records.
// Titles start with tag, so that lists with different tags share no paper.
func profileList(seed uint64, tag string, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 99))
	var b bytes.Buffer
	b.WriteString("Owner, Profile\n")
	for i := range n {
		b.WriteString(capital(tag))
		for range 8 {
			b.WriteByte(' ')
			b.WriteString(words[r.IntN(len(words))])
		}
		if i%100 == 0 {
			b.WriteString(" " + marker)
		}
		fmt.Fprintf(&b, " %d\n", i)
		for j := range 1 + r.IntN(8) {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(names[r.IntN(len(names))])
		}
		b.WriteByte('\n')
		for j := range 120 {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteString(".\n")
	}
	return b.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixture is a catalog with some papers and a large import for it, with
// the counts before and after that import and how long it takes. Tests
// copy base before each run.
type fixture struct {
	base   string // a catalog of 100 papers, closed cleanly
	big    string // a profile list of bigRecords new papers
	small  string // a profile list of 20 more papers
	before counts // base's
	after  counts // base's with big imported
	took   time.Duration
	// empty is a migrated catalog with no papers: an import into it takes
	// another path (no write-ahead log, indexes built at the end).
	empty      string
	emptied    counts // empty's
	afterEmpty counts // empty's with big imported
	// withSmall[x] is x's counts after small is imported into it.
	withSmall map[counts]counts
}

// bigRecords is the size of the fixture's large import: a few thousand
// records, about a second on CI's machine.
func bigRecords() int {
	if longTests {
		return 10000
	}
	return 2000
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
)

// importFixture builds the fixture once for the tests that share it.
func importFixture(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { theFixture, fixtureErr = buildFixture(shared) })
	if fixtureErr != nil {
		t.Fatalf("fixture: %v", fixtureErr)
	}
	return theFixture
}

func buildFixture(dir string) (*fixture, error) {
	f := &fixture{
		base:      filepath.Join(dir, "base.db"),
		empty:     filepath.Join(dir, "empty.db"),
		big:       filepath.Join(dir, "big.txt"),
		small:     filepath.Join(dir, "small.txt"),
		withSmall: map[counts]counts{},
	}
	baseTxt := filepath.Join(dir, "base.txt")
	for path, data := range map[string][]byte{
		baseTxt: profileList(1, "base", 100),
		f.big:   profileList(2, "big", bigRecords()),
		f.small: profileList(3, "small", 20),
	} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
	}
	run := func(db string, args ...string) (time.Duration, error) {
		start := time.Now()
		out, err := exec.Command(catalogBin, append([]string{"--db", db}, args...)...).CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("catalog %v: %v\n%s", args, err, out)
		}
		return time.Since(start), nil
	}
	countsOf := func(path string) (counts, error) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			return counts{}, err
		}
		defer db.Close()
		return scanCounts(db)
	}
	var err error
	if _, err = run(f.base, "import", "-q", baseTxt); err != nil {
		return nil, err
	}
	if f.before, err = countsOf(f.base); err != nil {
		return nil, err
	}
	if _, err = run(f.empty, "migrate", "up"); err != nil {
		return nil, err
	}
	if f.emptied, err = countsOf(f.empty); err != nil {
		return nil, err
	}
	fromEmpty := filepath.Join(dir, "from-empty.db")
	if err := copyDBFile(f.empty, fromEmpty); err != nil {
		return nil, err
	}
	if _, err = run(fromEmpty, "import", "-q", f.big); err != nil {
		return nil, err
	}
	if f.afterEmpty, err = countsOf(fromEmpty); err != nil {
		return nil, err
	}
	// The large import on a copy, twice to time it warm.
	full := filepath.Join(dir, "full.db")
	for range 2 {
		if err := copyDBFile(f.base, full); err != nil {
			return nil, err
		}
		if f.took, err = run(full, "import", "-q", f.big); err != nil {
			return nil, err
		}
	}
	if f.after, err = countsOf(full); err != nil {
		return nil, err
	}
	if want := f.before.Papers + int64(bigRecords()); f.after.Papers != want {
		return nil, fmt.Errorf("the large import left %d papers, want %d", f.after.Papers, want)
	}
	// The small import on either state.
	beforeSmall := filepath.Join(dir, "base-small.db")
	if err := copyDBFile(f.base, beforeSmall); err != nil {
		return nil, err
	}
	emptySmall := filepath.Join(dir, "empty-small.db")
	if err := copyDBFile(f.empty, emptySmall); err != nil {
		return nil, err
	}
	for state, db := range map[counts]string{f.after: full, f.before: beforeSmall, f.afterEmpty: fromEmpty, f.emptied: emptySmall} {
		if _, err := run(db, "import", "-q", f.small); err != nil {
			return nil, err
		}
		if f.withSmall[state], err = countsOf(db); err != nil {
			return nil, err
		}
	}
	return f, nil
}
