package reliability

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadersSeeWholeImports reads the catalog over and over while a large
// import writes it, with three kinds of reader: another program's
// connection (one statement, and a read transaction of several), `catalog
// query`, and the sqlite3 shell. No read may fail ("database is locked")
// and every read must see the catalog before the import or after it,
// never in between.
func TestReadersSeeWholeImports(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	f := importFixture(t)
	work := filepath.Join(t.TempDir(), "work.db")
	copyDB(t, f.base, work)
	// marker is in the title of every hundredth record of each list.
	hitsBefore, hitsAfter := (f.before.Papers+99)/100, (f.before.Papers+99)/100+int64(bigRecords()+99)/100

	shell, _ := exec.LookPath("sqlite3")
	if shell == "" && os.Getenv("CATALOG_REQUIRE_SQLITE3") != "" {
		t.Fatal("sqlite3 shell not found and CATALOG_REQUIRE_SQLITE3 is set")
	}

	var done atomic.Bool
	var mu sync.Mutex
	var problems []string
	seen := map[string]map[string]int{} // reader -> "before"/"after" -> samples
	record := func(reader, state string) {
		mu.Lock()
		defer mu.Unlock()
		if seen[reader] == nil {
			seen[reader] = map[string]int{}
		}
		seen[reader][state]++
	}
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	classify := func(reader string, c counts) {
		switch c {
		case f.before:
			record(reader, "before")
		case f.after:
			record(reader, "after")
		default:
			problem("%s saw half an import: %+v, want %+v or %+v", reader, c, f.before, f.after)
		}
	}

	// The in-process readers' connections stay open until every reader has
	// stopped, so that none of them is the last connection to close while
	// a reader process opens the file.
	stmtDB, txDB := openDB(t, work), openDB(t, work)
	defer stmtDB.Close()
	defer txDB.Close()
	var wg sync.WaitGroup
	// Another program: one statement is one snapshot.
	wg.Go(func() {
		db := stmtDB
		for !done.Load() {
			c, err := scanCounts(db)
			if err != nil {
				problem("statement reader: %v", err)
				continue
			}
			classify("statement reader", c)
		}
	})
	// Another program: a read transaction of separate statements.
	wg.Go(func() {
		db := txDB
		for !done.Load() {
			c, err := countsInTx(db)
			if err != nil {
				problem("transaction reader: %v", err)
				continue
			}
			classify("transaction reader", c)
		}
	})
	// catalog query: the marker's hits are those before or after.
	wg.Go(func() {
		for !done.Load() {
			p := command(work, "query", "--format", "jsonl", "--limit", "1000", marker)
			p.start = time.Now()
			err := p.cmd.Run()
			out := strings.TrimSpace(p.stdout.String())
			if err != nil {
				problem("catalog query (after %v): %v: %s", time.Since(p.start), err, p.stderr.String())
				continue
			}
			n := int64(0)
			if out != "" {
				n = int64(strings.Count(out, "\n") + 1)
			}
			switch n {
			case hitsBefore:
				record("catalog query", "before")
			case hitsAfter:
				record("catalog query", "after")
			default:
				problem("catalog query saw %d hits, want %d or %d", n, hitsBefore, hitsAfter)
			}
		}
	})
	// The sqlite3 shell. It has no busy timeout by default, and then fails
	// ("database is locked") if it opens the file in the instant when the
	// last other connection closes (see Store.Close): that is SQLite's
	// design, not the import's doing, so it runs with one, as the README
	// advises.
	if shell != "" {
		wg.Go(func() {
			for !done.Load() {
				cmd := exec.Command(shell, "-bail", "-cmd", ".timeout 10000", work, strings.ReplaceAll(countsQuery, "\n", " ")+";")
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					problem("sqlite3: %v: %s", err, stderr.String())
					continue
				}
				var c counts
				if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%d|%d|%d|%d|%d",
					&c.Papers, &c.Sources, &c.PaperSources, &c.Authorship, &c.Authors); err != nil {
					problem("sqlite3 printed %q: %v", out, err)
					continue
				}
				classify("sqlite3 shell", c)
			}
		})
	}

	time.Sleep(100 * time.Millisecond) // the readers start before the import
	r := command(work, "import", "-q", f.big).startT(t).wait(t)
	// And go on after it, until each has read the result.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		all := len(seen) > 0
		for _, states := range seen {
			all = all && states["after"] > 0
		}
		mu.Unlock()
		if all {
			break
		}
	}
	done.Store(true)
	wg.Wait()

	if r.code != 0 {
		t.Fatalf("import beside the readers: %v", r)
	}
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("samples: %v", seen)
	for reader, states := range seen {
		if states["before"] == 0 || states["after"] == 0 {
			t.Errorf("%s: samples %v, want some before and some after the import", reader, states)
		}
	}
	if got := readCounts(t, work); got != f.after {
		t.Errorf("after the import: counts %+v, want %+v", got, f.after)
	}
	checkSound(t, work)
}

// countsInTx reads the counts in one read transaction, one statement
// each: the transaction must see one snapshot throughout.
func countsInTx(db *sql.DB) (counts, error) {
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		return counts{}, err
	}
	defer tx.Rollback()
	var c counts
	for _, x := range []struct {
		table string
		n     *int64
	}{
		{"papers", &c.Papers}, {"sources", &c.Sources}, {"paper_sources", &c.PaperSources},
		{"authorship", &c.Authorship}, {"authors", &c.Authors},
	} {
		if err := tx.QueryRow("SELECT count(*) FROM " + x.table).Scan(x.n); err != nil {
			return counts{}, err
		}
	}
	return c, tx.Commit()
}

// TestTwoImportsAtOnce starts two imports into one catalog at the same
// moment, again and again, into a catalog with papers and into an empty
// one (which the first import writes without the write-ahead log): the
// second waits for the first, says that it waits, and both land whole, as
// if run one after the other. The two lists share half their papers, so
// the second merges into the first.
func TestTwoImportsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	f := importFixture(t)
	dir := t.TempDir()
	// other: the first half of big's records (same seed, same tag: the
	// same papers), then as many new ones.
	half := bigRecords() / 2
	firstHalf := profileList(2, "big", half)
	newHalf := profileList(4, "other", half)
	other := writeFile(t, filepath.Join(dir, "other.txt"),
		append(firstHalf, newHalf[bytes.IndexByte(newHalf, '\n')+1:]...))

	for _, start := range []struct{ name, db string }{
		{"into a catalog", f.base},
		{"into an empty catalog", f.empty},
	} {
		t.Run(start.name, func(t *testing.T) {
			// Run one after the other, in both orders, for the counts to
			// expect.
			want := map[counts]string{}
			for _, order := range [][]string{{f.big, other}, {other, f.big}} {
				db := filepath.Join(t.TempDir(), "sequential.db")
				copyDB(t, start.db, db)
				mustCatalog(t, db, "import", "-q", order[0])
				mustCatalog(t, db, "import", "-q", order[1])
				want[readCounts(t, db)] = filepath.Base(order[0]) + " first"
			}

			rounds := []time.Duration{0, 30 * time.Millisecond, 200 * time.Millisecond}
			if longTests {
				for i := range 16 {
					rounds = append(rounds, time.Duration(i)*50*time.Millisecond)
				}
			}
			work := filepath.Join(t.TempDir(), "work.db")
			waited := 0
			for i, offset := range rounds {
				copyDB(t, start.db, work)
				a := command(work, "import", "-q", f.big).startT(t)
				time.Sleep(offset)
				b := command(work, "import", "-q", other).startT(t)
				ra, rb := a.wait(t), b.wait(t)
				if ra.code != 0 || rb.code != 0 {
					t.Fatalf("round %d: an import failed: %v / %v (an import takes %v)", i, ra, rb, f.took)
				}
				for _, r := range []result{ra, rb} {
					if strings.Contains(r.stderr, "catalog: waiting for another process (pid ") {
						waited++
					} else if r.stderr != "" {
						t.Fatalf("round %d: unexpected output: %v", i, r)
					}
				}
				got := readCounts(t, work)
				if _, ok := want[got]; !ok {
					t.Fatalf("round %d: counts %+v, want one of %v", i, got, want)
				}
				checkSound(t, work)
			}
			t.Logf("%d of %d rounds had an import say that it waited", waited, len(rounds))
		})
	}
}

// TestImportWaitsForWriter holds the write lock from another connection
// for longer than catalog's busy timeout (10 s), as an import of a large
// file does: the import says whom it waits for, waits as long as the lock
// is held, and then lands. Ctrl-C ends such a wait at once, with nothing
// imported.
func TestImportWaitsForWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: holds a lock past the 10 s busy timeout")
	}
	t.Parallel() // it mostly waits
	f := importFixture(t)
	hold := func(t *testing.T, work string) (release func()) {
		db := openDB(t, work)
		conn, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		return func() {
			if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				t.Fatal(err)
			}
			conn.Close()
			db.Close()
		}
	}
	waiting := fmt.Sprintf("catalog: waiting for another process (pid %d: ", os.Getpid())

	t.Run("past the busy timeout", func(t *testing.T) {
		work := filepath.Join(t.TempDir(), "work.db")
		copyDB(t, f.base, work)
		release := hold(t, work)
		p := command(work, "import", "-q", f.small).startT(t)
		time.Sleep(12 * time.Second)
		// Readers are not blocked meanwhile, and nothing is written yet.
		if got := readCounts(t, work); got != f.before {
			t.Errorf("counts while it waits: %+v, want %+v", got, f.before)
		}
		release()
		r := p.wait(t)
		if r.code != 0 || !strings.Contains(r.stderr, waiting) {
			t.Fatalf("import while another process writes: %v, want exit 0 and %q", r, waiting)
		}
		if got, want := readCounts(t, work), f.withSmall[f.before]; got != want {
			t.Errorf("counts %+v, want %+v", got, want)
		}
		checkSound(t, work)
	})

	t.Run("interrupted", func(t *testing.T) {
		work := filepath.Join(t.TempDir(), "work.db")
		copyDB(t, f.base, work)
		release := hold(t, work)
		defer release()
		p := command(work, "import", "-q", f.small).startT(t)
		time.Sleep(time.Second)
		sent := time.Now()
		p.cmd.Process.Signal(os.Interrupt)
		r := p.wait(t)
		t.Logf("exited %v after Ctrl-C", time.Since(sent).Round(time.Millisecond))
		if r.code != 130 || !strings.Contains(r.stderr, waiting) || !strings.Contains(r.stderr, "nothing was imported") {
			t.Errorf("Ctrl-C while it waits: %v, want exit 130, %q and nothing was imported", r, waiting)
		}
		if got := readCounts(t, work); got != f.before {
			t.Errorf("counts %+v, want %+v", got, f.before)
		}
	})
}

// TestReadersDuringFirstImport runs catalog's readers (stats, query) one
// after another while an import fills an empty catalog, which it writes
// without the write-ahead log and holds until it commits: each reader must
// either see the catalog empty or whole, or wait for the import and then
// see it whole, never fail ("database is busy", a half-written index).
func TestReadersDuringFirstImport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	f := importFixture(t)
	rounds := 3
	if longTests {
		rounds = 10
	}
	seen := map[string]int{}
	for round := range rounds {
		work := filepath.Join(t.TempDir(), "work.db")
		copyDB(t, f.empty, work)
		imp := command(work, "import", "-q", f.big).startT(t)
		time.Sleep(time.Duration(round) * 20 * time.Millisecond)
		for i := 0; ; i++ {
			args := []string{"stats", "--json"}
			if i%2 == 1 {
				args = []string{"query", "--limit", "1000", "--json", marker}
			}
			r := mustCatalog(t, work, args...)
			hits := strings.Count(r.stdout, `"id":`)
			whole := false
			switch {
			case args[0] == "stats" && strings.Contains(r.stdout, fmt.Sprintf(`"papers": %d,`, f.emptied.Papers)):
				seen["stats saw it empty"]++
			case args[0] == "stats" && strings.Contains(r.stdout, fmt.Sprintf(`"papers": %d,`, f.afterEmpty.Papers)):
				seen["stats saw it whole"]++
				whole = true
			case args[0] == "stats":
				t.Fatalf("round %d: stats saw part of the import: %s", round, r.stdout)
			case hits == 0:
				seen["query saw it empty"]++
			case hits == (bigRecords()+99)/100:
				seen["query saw it whole"]++
				whole = true
			default:
				t.Fatalf("round %d: query saw part of the import (%d hits): %v", round, hits, r)
			}
			if strings.Contains(r.stderr, "catalog: waiting for another process") {
				seen["waited"]++
			}
			if whole {
				break
			}
		}
		if r := imp.wait(t); r.code != 0 {
			t.Fatalf("round %d: the import: %v", round, r)
		}
	}
	t.Logf("readers saw: %v", seen)
}
