package reliability

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillDuringImport kills `catalog import` with SIGKILL at moments spread
// over a whole import of a few thousand records (reading, writing, the FTS
// index built at commit, the commit itself, and after), into a catalog of
// papers and into an empty one, which the import writes without the
// write-ahead log, through a rollback journal. Each time the database must
// pass integrity_check and the FTS5 integrity-check, hold either none of
// the import or all of it, and take the next import.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: kills processes for about half a minute")
	}
	f := importFixture(t)
	kills := 40
	if longTests {
		kills = 300
	}
	for _, start := range []struct {
		name          string
		db            string
		before, after counts
	}{
		{"into a catalog", f.base, f.before, f.after},
		{"into an empty catalog", f.empty, f.emptied, f.afterEmpty},
	} {
		t.Run(start.name, func(t *testing.T) {
			killDuringImport(t, f, start.db, start.before, start.after, kills)
		})
	}
}

func killDuringImport(t *testing.T, f *fixture, base string, before, after counts, kills int) {
	work := filepath.Join(t.TempDir(), "work.db")
	tmp := t.TempDir() // the killed imports' $TMPDIR
	// Spread over 1.1 times the import's length, measured now (the machine
	// may be busier or idler than when the fixture was made), so that some
	// kills come after the commit.
	copyDB(t, base, work)
	took := mustCatalog(t, work, "import", "-q", f.big).wall
	span := took * 11 / 10
	t.Logf("a full import takes %v; %d kills spread over %v", took, kills, span)
	outcomes := map[string]int{}
	for i := range kills {
		copyDB(t, base, work)
		// Deterministic jitter inside each slot, so that a rerun hits the
		// same moments relative to the import's length.
		slot := (float64(i) + float64((i*7919)%100)/100) / float64(kills)
		delay := time.Duration(slot * float64(span))

		p := command(work, "import", "-q", f.big)
		p.cmd.Env = append(p.cmd.Env, "TMPDIR="+tmp)
		p.startT(t)
		time.Sleep(delay)
		p.cmd.Process.Signal(syscall.SIGKILL)
		r := p.wait(t)
		// The scratch index of an import into an empty catalog (and
		// SQLite's sort files) are unlinked once open; a kill in the
		// milliseconds before can leave a scratch file, which the next
		// import removes (below).
		if left, _ := os.ReadDir(tmp); len(left) > 1 || len(left) == 1 && !strings.HasPrefix(left[0].Name(), "catalog-fts-") {
			t.Fatalf("kill %d at %v: left in $TMPDIR: %v", i, delay, left)
		}

		// The first process to open the file after the kill is catalog,
		// as it is for a user: a test helper's connection would roll a hot
		// journal back (or recover the log) and hide a catalog that
		// cannot. Each command in turn goes first.
		first := firstAfterCrash[i%len(firstAfterCrash)]
		fp := command(work, first...)
		fp.cmd.Env = append(fp.cmd.Env, "TMPDIR="+tmp)
		if r := fp.startT(t).wait(t); r.code != 0 {
			t.Fatalf("kill %d at %v: the first command after it, catalog %s: %v", i, delay, strings.Join(first, " "), r)
		}

		checkSound(t, work)
		got := readCounts(t, work)
		switch {
		case r.signal != syscall.SIGKILL && r.code != 0:
			t.Fatalf("kill %d at %v: the import failed on its own: %v", i, delay, r)
		case r.signal != syscall.SIGKILL && got != after:
			t.Fatalf("kill %d at %v: the import finished, but counts are %+v, want %+v", i, delay, got, after)
		case got == before:
			outcomes["none"]++
		case got == after:
			outcomes["all"]++
		default:
			t.Fatalf("kill %d at %v: half an import: counts %+v, want %+v (none) or %+v (all)", i, delay, got, before, after)
		}
		if r.signal != syscall.SIGKILL {
			outcomes["finished before the kill"]++
			span = min(span, r.wall*11/10) // the import got faster
		}

		// The next import goes through, and leaves nothing in $TMPDIR.
		next := command(work, "import", "-q", f.small)
		next.cmd.Env = append(next.cmd.Env, "TMPDIR="+tmp)
		if r := next.startT(t).wait(t); r.code != 0 {
			t.Fatalf("kill %d: the next import: %v", i, r)
		}
		if want := f.withSmall[got]; readCounts(t, work) != want {
			t.Fatalf("kill %d: the next import left counts %+v, want %+v", i, readCounts(t, work), want)
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Fatalf("kill %d: left in $TMPDIR after the next import: %v", i, left)
		}
		if i%10 == 9 {
			checkSound(t, work)
			mustCatalog(t, work, "doctor")
		}
	}
	t.Logf("outcomes: %v", outcomes)
	if outcomes["none"] < kills/4 {
		t.Errorf("only %d of %d kills came before the commit: the kills do not cover the import", outcomes["none"], kills)
	}
}

// firstAfterCrash are the commands that take turns at being the first to
// open a catalog after a crash: every one must work on it.
var firstAfterCrash = [][]string{
	{"stats"},
	{"query", "data"},
	{"doctor"},
	{"migrate", "status"},
	{"authors", "--limit", "3"},
	{"export", "--limit", "3"},
	{"query", "--year", "2000-"},
	{"doctor", "--repair"},
	{"migrate", "up"},
	{"query", "--sort", "year", "--json", "data"},
}

// TestInterruptDuringImport sends SIGINT (Ctrl-C) at moments spread over an
// import: catalog must stop promptly, exit 130, say that it was
// interrupted and that nothing was imported, and leave the database as it
// was (or, if the import was already committed, complete).
func TestInterruptDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	f := importFixture(t)
	work := filepath.Join(t.TempDir(), "work.db")
	fractions := []float64{0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.95}
	if longTests {
		fractions = nil
		for i := range 40 {
			fractions = append(fractions, float64(i)/40)
		}
	}
	interrupted := 0
	for _, frac := range fractions {
		copyDB(t, f.base, work)
		delay := time.Duration(frac * float64(f.took))
		p := command(work, "import", f.big).startT(t)
		time.Sleep(delay)
		p.cmd.Process.Signal(os.Interrupt)
		sent := time.Now()
		r := p.wait(t)
		stopped := time.Since(sent)

		checkSound(t, work)
		got := readCounts(t, work)
		if r.signal == syscall.SIGINT {
			// Before main installed its handler: the default action.
			if got != f.before {
				t.Errorf("SIGINT at %v killed catalog before it started, but counts are %+v, want %+v", delay, got, f.before)
			}
			t.Logf("SIGINT at %v: catalog had not started", delay)
			continue
		}
		if r.code == 0 {
			if got != f.after {
				t.Errorf("SIGINT at %v: exit 0 but counts %+v, want %+v", delay, got, f.after)
			}
			t.Logf("SIGINT at %v (%.0f%%): the import had finished", delay, frac*100)
			continue
		}
		interrupted++
		t.Logf("SIGINT at %v (%.0f%%): %v, stopped in %v", delay, frac*100, r, stopped.Round(time.Millisecond))
		if r.code != 130 {
			t.Errorf("SIGINT at %v: exit code %d, want 130; stderr %q", delay, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "interrupted") || !strings.Contains(r.stderr, "nothing was imported") ||
			strings.Contains(r.stderr, "context canceled") {
			t.Errorf("SIGINT at %v: stderr %q, want it to say interrupted and nothing was imported (and no Go internals)", delay, r.stderr)
		}
		if got != f.before {
			t.Errorf("SIGINT at %v: counts %+v, want %+v (nothing imported)", delay, got, f.before)
		}
		// Tens of milliseconds while records are read and written; up to
		// a second at commit (the bulk FTS indexing), longer under load:
		// the bound only catches an import that ignores the signal.
		if stopped > 5*time.Second {
			t.Errorf("SIGINT at %v: took %v to stop, want under five seconds", delay, stopped)
		}
	}
	if interrupted == 0 {
		t.Errorf("no SIGINT came before the import finished")
	}
}

// TestInterruptWhileReadingStdin sends SIGINT while catalog copies a
// standard input that is still open (a slow producer): it must stop
// promptly with exit 130, as during the import itself.

func TestInterruptWhileReadingStdin(t *testing.T) {
	work := filepath.Join(t.TempDir(), "work.db")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	p := command(work, "import", "--format", "profile", "-")
	p.cmd.Stdin = pr
	p.startT(t)
	pr.Close()
	pw.Write([]byte("Owner, An\n")) // a producer that has started, and is slow
	time.Sleep(300 * time.Millisecond)
	p.cmd.Process.Signal(os.Interrupt)
	// Give it three seconds, then end the input so that the test ends.
	timer := time.AfterFunc(3*time.Second, func() { pw.Close() })
	sent := time.Now()
	r := p.wait(t)
	stopped := time.Since(sent)
	timer.Stop()
	if r.code != 130 || stopped > time.Second {
		t.Errorf("SIGINT while reading standard input: %v after %v, want exit 130 within a second", r, stopped.Round(time.Millisecond))
	}
}
