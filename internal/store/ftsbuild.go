package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// An import into an empty catalog builds the full-text index on the second
// core: a goroutine with a connection of its own indexes the new papers, as
// the import stores them, into a scratch database, and Commit copies the
// finished index (FTS5's shadow tables) into the catalog in one statement
// each. Built on the import's own connection, at Commit, the index took 15
// of the corpora's 34 s, on one core, after everything else.
//
// The copy is exact because the two tables are the same: the scratch table
// is created from papers_fts's own CREATE statement and takes its settings
// (papers_fts_config), and the catalog's index is empty beforehand (its
// papers table is). FTS5 keeps nothing about an index outside those tables
// but a per-connection cache of its structure, which it rereads once
// another connection has written the file; the import's connection, which
// wrote the tables behind FTS5's back, is discarded after the import
// (Import.release). TestScratchIndexAgrees compares the result with an
// index built in place, token by token, and runs FTS5's integrity check.
//
// The scratch file is a temporary file that is unlinked as soon as both
// connections have it open (where the system allows that), so an import
// that is killed leaves nothing behind. It is written without a journal:
// nothing in it outlives the import.

// ftsBatchRows is how many papers go into one INSERT on the scratch
// connection. FTS5 writes its pending terms out as a segment at the end of
// every statement (and whenever they pass its hash size, 8 MB here:
// scratchSettings), so a batch is a segment: 227 for the corpora.
const ftsBatchRows = 1000

// ftsText is what papers_fts indexes of one paper, as stored in papers.
type ftsText struct {
	id       int64
	title    string
	abstract sql.NullString
	authors  string
}

// ftsBuilder is the scratch index and the goroutine that writes it.
type ftsBuilder struct {
	path     string      // scratch file; "" once removed
	dir      string      // its folder, for errors
	create   string      // papers_fts's CREATE statement
	settings [][2]string // and its settings (ftsSettings)
	db       *sql.DB
	batch    []ftsText // filled by the import, handed over when full
	batches  chan []ftsText
	redo     chan []ftsRedo
	done     chan error // the goroutine's result, once
	err      error      // its result, once received
	finished bool       // err is the result
	// handedOver: finish (or abandon) has closed batches and sent redo
	handedOver bool
}

// ftsRedo re-indexes a paper whose indexed text a merge changed after it
// was handed over: the text indexed then, and the text it ends with.
type ftsRedo struct{ old, new ftsText }

// newFTSBuilder creates the scratch database: a temporary file in $TMPDIR,
// open on a connection of its own. setUp then creates the index in it.
// conn is the import's connection, before its transaction begins.
func newFTSBuilder(ctx context.Context, conn *sql.Conn) (*ftsBuilder, error) {
	var create string
	if err := conn.QueryRowContext(ctx, "SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = 'papers_fts'").Scan(&create); err != nil {
		return nil, fmt.Errorf("papers_fts definition: %w", err)
	}
	settings, err := ftsSettings(ctx, conn)
	if err != nil {
		return nil, err
	}
	removeStaleScratch(os.TempDir())
	f, err := os.CreateTemp("", fmt.Sprintf("%s%d-*.db", scratchPrefix, os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("scratch index: %w", err)
	}
	f.Close()
	b := &ftsBuilder{path: f.Name(), dir: filepath.Dir(f.Name()), create: create, settings: settings}
	if err := b.open(ctx); err != nil {
		b.close()
		return nil, fmt.Errorf("scratch index %s: %w", b.path, err)
	}
	return b, nil
}

// scratchPrefix starts the scratch file's name, which goes on with the
// process id.
const scratchPrefix = "catalog-fts-"

// removeStaleScratch removes the scratch files of processes that no longer
// run. A scratch file is unlinked within milliseconds of its creation
// (unlink), so only an import killed in those milliseconds leaves one.
func removeStaleScratch(dir string) {
	names, _ := filepath.Glob(filepath.Join(dir, scratchPrefix+"*-*.db"))
	for _, name := range names {
		pid, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(name), scratchPrefix), "-")
		if n, err := strconv.Atoi(pid); ok && err == nil && n != os.Getpid() && !processAlive(n) {
			os.Remove(name)
		}
	}
}

// ftsSettings reads papers_fts's settings ('rank' and any other that a
// migration set), as FTS5 commands that apply them.
func ftsSettings(ctx context.Context, conn *sql.Conn) ([][2]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT k, CAST(v AS TEXT) FROM main.papers_fts_config WHERE k <> 'version' ORDER BY k")
	if err != nil {
		return nil, fmt.Errorf("papers_fts settings: %w", err)
	}
	defer rows.Close()
	var kv [][2]string
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		kv = append(kv, [2]string{k, v})
	}
	return kv, rows.Err()
}

// scratchSettings apply to the scratch index only, after the catalog's.
// FTS5 merges segments as it goes (automerge); here the index ends with
// one 'optimize', a single merge of every segment, so the merges on the way
// would only write the same terms again. A pending-terms hash of 8 MB
// instead of 1 MB writes a segment per statement (1000 papers) instead of
// one per 550 papers, so the corpora make 227 segments, and crisismerge
// 256 leaves them to the final merge; past 256 segments on a level FTS5
// merges them, which keeps an index of any size far below its limit of
// 2000 segments. Measured with the sqlite3 shell on the corpora's papers
// (user CPU; statements of 1000 papers, then 'optimize'): automerge off,
// crisismerge 64, 1 MB 8.7 s; 8 MB 6.5 s; crisismerge 1999 (none) and 8 MB
// 6.4 s (automerge on, in Go: 12.7 s); statements of 2000 or 4000 papers
// no better. In Go, the scratch goroutine went from 12.1 s (crisismerge
// 64, 1 MB) to 11.2 s of CPU.
var scratchSettings = [][2]string{{"automerge", "0"}, {"crisismerge", "256"}, {"hashsize", "8388608"}}

// open opens the scratch connection, and with it the file.
func (b *ftsBuilder) open(ctx context.Context) error {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: b.path}).EscapedPath()}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(OFF)") // scratch: nothing to roll back to
	q.Add("_pragma", "synchronous(OFF)")
	q.Add("_pragma", "cache_size(-4096)")
	q.Add("_pragma", "mmap_size(0)")
	u.RawQuery = q.Encode()
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	b.db = db
	return db.PingContext(ctx)
}

// setUp creates the index, a copy of papers_fts with its settings.
func (b *ftsBuilder) setUp(ctx context.Context) error {
	if _, err := b.db.ExecContext(ctx, b.create); err != nil {
		return err
	}
	for _, kv := range append(b.settings, scratchSettings...) {
		if _, err := b.db.ExecContext(ctx, "INSERT INTO papers_fts (papers_fts, rank) VALUES (?, ?)", kv[0], kv[1]); err != nil {
			return fmt.Errorf("setting %s: %w", kv[0], err)
		}
	}
	return nil
}

// start begins indexing; the scratch connection stays open for the
// goroutine's transaction.
func (b *ftsBuilder) start(ctx context.Context) {
	b.batches = make(chan []ftsText, 4)
	b.redo = make(chan []ftsRedo, 1)
	b.done = make(chan error, 1)
	go func() { b.done <- b.run(ctx) }()
}

// unlink removes the scratch file's name once every connection that needs
// it has opened it; the file lives on until they close it. Where the
// system refuses (Windows), close removes it instead.
func (b *ftsBuilder) unlink() {
	if os.Remove(b.path) == nil {
		b.path = ""
	}
}

// add hands over one new paper. It blocks while the goroutine is a few
// batches behind, so the import never holds more than that in memory. An
// error of the goroutine's comes back here once the batches waiting for it
// fill the channel, or else from wait.
func (b *ftsBuilder) add(t ftsText) error {
	if b.batch == nil {
		b.batch = make([]ftsText, 0, ftsBatchRows)
	}
	b.batch = append(b.batch, t)
	if len(b.batch) < ftsBatchRows {
		return nil
	}
	return b.send()
}

func (b *ftsBuilder) send() error {
	select {
	case b.batches <- b.batch:
		b.batch = nil
		return nil
	case err := <-b.done: // the goroutine stopped early: an error
		b.finished, b.err = true, err
		return b.wait()
	}
}

// finish hands over the last papers and the re-indexing, and lets the
// goroutine end with the final merge. wait collects its result.
func (b *ftsBuilder) finish(redo []ftsRedo) error {
	if len(b.batch) > 0 {
		if err := b.send(); err != nil {
			return err
		}
	}
	close(b.batches)
	b.redo <- redo
	b.handedOver = true
	return nil
}

func (b *ftsBuilder) wait() error {
	if !b.finished {
		b.finished, b.err = true, <-b.done
	}
	switch {
	case b.err != nil:
		return fmt.Errorf("building the full-text index in %s: %w", b.dir, explain(b.err))
	case !b.handedOver:
		return errors.New("building the full-text index: stopped early")
	}
	return nil
}

// run is the goroutine: one transaction on the scratch connection, a
// statement per batch, the re-indexing, the final merge.
func (b *ftsBuilder) run(ctx context.Context) (err error) {
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	full, err := conn.PrepareContext(ctx, ftsInsertSQL(ftsBatchRows))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, 5*ftsBatchRows)
	for batch := range b.batches {
		args = args[:0]
		for _, t := range batch {
			args = append(args, nil, t.id, t.title, t.abstract, t.authors)
		}
		if len(batch) == ftsBatchRows {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = conn.ExecContext(ctx, ftsInsertSQL(len(batch)), args...)
		}
		if err != nil {
			return err
		}
	}
	redo, ok := <-b.redo
	if !ok {
		return errors.New("abandoned")
	}
	if err := execRedo(ctx, conn, redo); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO papers_fts (papers_fts) VALUES ('optimize')"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// execRedo unindexes each changed paper's old text and indexes its new, in
// one statement per batch, in rowid order: FTS5 writes its pending terms out
// whenever a rowid is lower than the one before.
func execRedo(ctx context.Context, conn *sql.Conn, redo []ftsRedo) error {
	slices.SortFunc(redo, func(a, b ftsRedo) int { return cmp.Compare(a.old.id, b.old.id) })
	for len(redo) > 0 {
		n := min(len(redo), ftsBatchRows/2)
		args := make([]any, 0, 10*n)
		for _, r := range redo[:n] {
			args = append(args, "delete", r.old.id, r.old.title, r.old.abstract, r.old.authors,
				nil, r.new.id, r.new.title, r.new.abstract, r.new.authors)
		}
		if _, err := conn.ExecContext(ctx, ftsInsertSQL(2*n), args...); err != nil {
			return err
		}
		redo = redo[n:]
	}
	return nil
}

// ftsInsertSQL is an INSERT of n rows into papers_fts, naming its command
// column: NULL inserts a row, 'delete' removes one.
func ftsInsertSQL(n int) string {
	return multiRowSQL("INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors) VALUES ", "(?,?,?,?,?)", n)
}

// abandon stops the goroutine without its result, for an import that
// rolls back.
func (b *ftsBuilder) abandon() {
	if b.done != nil && !b.handedOver {
		close(b.batches)
		close(b.redo)
		b.handedOver = true
	}
	if b.done != nil && !b.finished {
		b.finished, b.err = true, <-b.done
	}
	b.close()
}

// close closes the scratch connection and removes the file if unlink
// could not.
func (b *ftsBuilder) close() {
	if b.db != nil {
		b.db.Close()
		b.db = nil
	}
	if b.path != "" {
		os.Remove(b.path)
		b.path = ""
	}
}

// ftsShadowTables are the tables an FTS5 index with external content keeps
// (papers_fts_config aside, which the catalog keeps as it is).
var ftsShadowTables = []string{"papers_fts_data", "papers_fts_idx", "papers_fts_docsize"}

// scratchSchema is the name the import's connection attaches the scratch
// database under.
const scratchSchema = "ftsbuild"

// copyFTSIndex replaces the catalog's (empty) index with the scratch one,
// inside the import's transaction.
func copyFTSIndex(ctx context.Context, conn *sql.Conn) error {
	for _, t := range ftsShadowTables {
		if _, err := conn.ExecContext(ctx, "DELETE FROM main."+t); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO main."+t+" SELECT * FROM "+scratchSchema+"."+t); err != nil {
			return err
		}
	}
	return nil
}
