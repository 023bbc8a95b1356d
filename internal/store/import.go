package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/catalog-dev/catalog/internal/dbgen"
	"github.com/catalog-dev/catalog/internal/importer"
)

// SourceInfo describes one imported file.
type SourceInfo struct {
	Path   string // as the user named it; "-" for stdin
	SHA256 string // hex checksum of its bytes
	Format string
	Owner  string // profile owner, or ""
	Size   int64
}

// SourceStats counts what one file's records did.
type SourceStats struct {
	Records      int // records read
	Added        int // new papers
	Merged       int // records merged into a paper already in the catalog
	Unchanged    int // records this same file had already contributed
	Skipped      int // invalid records skipped (--skip-invalid)
	AuthorsAdded int // new authors
	Known        bool
}

// Import is one import transaction: every file of one `catalog import`
// lands whole or not at all.
type Import struct {
	conn    *sql.Conn // the import's own connection: foreign-key checks off
	path    string    // the catalog's file (Store.Path)
	waiting func(holder string)
	inTx    bool // conn is in the import's transaction (beginTx)
	q       *dbgen.Queries
	authors map[string]authorRef // name_key -> stored author, a cache within this transaction
	// allAuthorsCached: the catalog had no authors when the import began and
	// the cache has never been cleared, so a name missing from the cache is
	// new and needs no lookup.
	allAuthorsCached bool
	// seen maps hashes of the title keys and DOIs this import has stored to
	// the papers that have them (the first; more holds any others). When
	// the catalog had no papers at the start these are all the papers, so
	// duplicates are found here instead of through the title and DOI
	// indexes, which are built at Commit.
	seen map[uint64]int64
	more map[uint64][]int64
	// candidates counts the stored papers findDuplicate has weighed.
	candidates int

	// Bulk indexing: papers with ids above maxID are new and are indexed in
	// one statement at Commit; existing papers whose indexed text a merge
	// changed are unindexed at once and reindexed at Commit.
	maxID    int64
	reindex  map[int64]bool // unindexed once, with the values indexed before the import
	setAside []string       // CREATE TRIGGER and CREATE INDEX statements dropped, restored at Commit

	// An import into an empty catalog builds the full-text index beside
	// it (ftsbuild.go); redo holds, for each new paper whose indexed text
	// a merge has changed since it was handed over, the text first
	// indexed and the text it has now.
	fts      *ftsBuilder
	attached bool // the scratch database is attached to conn
	inPlace  bool // never use a scratch index (Store.indexInPlace)
	redo     map[int64]ftsRedo

	// authorship and provenance rows wait in batches (batch.go); flushed
	// before the import reads either table.
	authorship, provenance *rowBatch

	source   int64 // current source id
	reimport bool  // the current source was imported before
	// known marks the record numbers of a re-imported source that are
	// already in place (bit n = record n).
	known []uint64
	// allKnown: every one of the re-imported source's knownRecords records
	// is in place (SkipUnchanged).
	allKnown     bool
	knownRecords int
	stats        SourceStats

	// Progress, when set, is told how far Commit has gone: done of total
	// steps (the last rows, each index and trigger set aside, the
	// full-text index in two). A large import spends seconds there after
	// its last record, with nothing else to show.
	Progress  func(done, total int)
	stepsDone int
}

// commitStep reports one more of Commit's steps done (done 0: Commit
// starts).
func (im *Import) commitStep(done bool) {
	if done {
		im.stepsDone++
	}
	if im.Progress != nil {
		im.Progress(im.stepsDone, 3+len(im.setAside))
	}
}

// maxAuthorCache bounds the author-id cache; past it the cache starts over.
const maxAuthorCache = 1 << 20

// BeginImport starts the import transaction. It waits for another writer up
// to the busy timeout.
//
// The import runs on a connection of its own with foreign-key checks off:
// every id it writes into authorship and paper_sources is one it has just
// read or inserted in the same transaction, so the checks (two b-tree
// probes per row) could never fail. PRAGMA foreign_keys cannot change
// inside a transaction, so it is set before BEGIN and restored at the end.
//
// An import into an empty catalog (the first, and usually the largest)
// also leaves the write-ahead log while it runs, when no other connection
// has the file open (leaveWAL).
func (s *Store) BeginImport(ctx context.Context) (*Import, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", explain(err))
	}
	im := &Import{conn: conn, path: s.Path, waiting: s.waiting, authors: make(map[string]authorRef), reindex: make(map[int64]bool), inPlace: s.indexInPlace,
		authorship: newRowBatch("authorship", "paper_id", "position", "author_id"),
		provenance: newRowBatch("paper_sources", "source_id", "record", "paper_id", "line", "citation_key", "action", "matched_on"),
	}
	if err := im.start(ctx); err != nil {
		im.release()
		return nil, fmt.Errorf("begin import: %w", explain(err))
	}
	return im, nil
}

// start sets the connection up and begins the transaction.
func (im *Import) start(ctx context.Context) error {
	for _, pragma := range importPragmas {
		if _, err := im.conn.ExecContext(ctx, pragma); err != nil {
			return err
		}
	}
	empty, err := leaveWALIfEmpty(ctx, im.conn)
	if err != nil {
		return err
	}
	if empty && !im.inPlace {
		im.startScratchIndex(ctx)
	}
	if err := im.beginTx(ctx); err != nil {
		return err
	}
	if im.q, err = dbgen.Prepare(ctx, im.conn); err != nil {
		im.rollbackTx()
		return err
	}
	if err := im.begin(ctx); err != nil {
		im.closeQueries()
		im.rollbackTx()
		return err
	}
	return nil
}

// startScratchIndex sets up the scratch index (ftsbuild.go) and attaches
// it (ATTACH cannot run inside a transaction). The file is unlinked as soon
// as both connections have it open, before the index is created in it.
// Where it cannot be set up (no room or no permission in the temporary
// directory) the import indexes in place, as into a catalog with papers.
func (im *Import) startScratchIndex(ctx context.Context) {
	b, err := newFTSBuilder(ctx, im.conn)
	if err != nil {
		return
	}
	if _, err := im.conn.ExecContext(ctx, "ATTACH DATABASE ? AS "+scratchSchema, b.path); err != nil {
		b.close()
		return
	}
	im.attached = true
	b.unlink()
	if err := b.setUp(ctx); err != nil {
		b.close()
		return
	}
	im.fts = b
}

// beginTx begins the import's transaction with the write lock of the
// catalog, and of the catalog only. The connection is set up for BEGIN
// IMMEDIATE (_txlock, see dsn), which would take the attached scratch
// database's write lock as well, and its own connection is writing it. So
// the transaction begins deferred and its first statement writes to main:
// that takes main's write lock at once, waiting for another writer up to
// the busy timeout, as IMMEDIATE does.
func (im *Import) beginTx(ctx context.Context) error {
	if _, err := im.conn.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	im.inTx = true
	if err := im.lockCatalog(ctx); err != nil {
		im.rollbackTx()
		return err
	}
	return nil
}

// lockCatalog takes the catalog's write lock with the transaction's first
// write. Another import may hold it for as long as it runs (minutes for a
// large one), and two imports started together must both land, one after
// the other: so after a first try that does not wait, the import says
// whom it waits for (Options.Waiting) and waits for as long as that
// writer holds the lock, with no time limit; Ctrl-C (ctx) ends the wait.
// The connection's busy timeout is restored after.
func (im *Import) lockCatalog(ctx context.Context) error {
	take := func(timeout int64) error {
		if _, err := im.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", timeout)); err != nil {
			return err
		}
		_, err := im.conn.ExecContext(ctx, "DELETE FROM main.sources WHERE 0")
		return err
	}
	err := take(0)
	if isBusy(err) && ctx.Err() == nil {
		im.waiting(lockHolder(im.path))
		err = take(writerWait)
	}
	if _, rerr := im.conn.ExecContext(context.Background(), "PRAGMA "+pragmaBusyTimeout); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// commitTx commits, unless ctx is done: a COMMIT that the context
// interrupted might have committed or not.
func (im *Import) commitTx(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := im.conn.ExecContext(context.Background(), "COMMIT"); err != nil {
		return err
	}
	im.inTx = false
	return nil
}

// rollbackTx ends the transaction; release discards the connection if
// that fails.
func (im *Import) rollbackTx() error {
	if !im.inTx || im.conn == nil {
		return nil
	}
	_, err := im.conn.ExecContext(context.Background(), "ROLLBACK")
	if err == nil {
		im.inTx = false
	}
	return err
}

func (im *Import) begin(ctx context.Context) error {
	var err error
	if im.maxID, err = im.q.MaxPaperID(ctx); err != nil {
		return err
	}
	n, err := im.q.CountAuthors(ctx)
	if err != nil {
		return err
	}
	im.allAuthorsCached = n == 0
	switch {
	case im.fts != nil && im.maxID == 0:
		im.redo = make(map[int64]ftsRedo)
		im.fts.start(ctx)
	case im.fts != nil: // papers were added since leaveWALIfEmpty looked
		im.fts.abandon()
		im.fts = nil
	}
	aside := bulkTriggers
	if im.maxID == 0 {
		im.seen = make(map[uint64]int64)
		im.more = make(map[uint64][]int64)
		if n == 0 {
			aside = append(aside[:len(aside):len(aside)], bulkIndexes...)
		}
	}
	return im.setAsideSchema(ctx, aside)
}

// leaveWALIfEmpty reports whether the catalog is empty, and switches an
// import into an empty catalog to a rollback
// journal (journal_mode DELETE) for its duration. In WAL mode every page
// an import writes goes into the log, and again into the file at the
// checkpoint, and every page it reads is first looked up in the log's
// index, which for a million papers grows to 3 GB. With a rollback
// journal a new page is written once, into the file, and only the few
// pages the empty catalog had are journaled: 1M papers import in 181-200 s
// instead of 242-271 s, and the corpora about 14% faster (bench/RESULTS.md).
// The import stays all-or-nothing: a crash leaves a hot journal that the
// next connection rolls back; synchronous FULL makes the commit durable.
//
// The price is that, once its writes outgrow the page cache, the import
// holds the file exclusively until it commits: a reader waits, up to its
// busy timeout, where in WAL mode it would have read the empty catalog.
// SQLite switches only when no other connection has the file open; if one
// has, the import runs in WAL mode as any other (busy_timeout 0: it does
// not wait for that). releaseConn switches back (poolPragmas).
func leaveWALIfEmpty(ctx context.Context, conn *sql.Conn) (empty bool, err error) {
	err = conn.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM papers) AND NOT EXISTS (SELECT 1 FROM authors)").Scan(&empty)
	if err != nil || !empty {
		return empty, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return empty, err
	}
	var mode string
	err = conn.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode)
	if _, err2 := conn.ExecContext(ctx, "PRAGMA "+pragmaBusyTimeout); err2 != nil {
		return empty, err2
	}
	var se *sqlite.Error
	switch {
	case errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY:
		return empty, nil // another connection has the file open: stay in WAL mode
	case err != nil:
		return empty, err
	case !strings.EqualFold(mode, "delete"):
		return empty, nil
	}
	_, err = conn.ExecContext(ctx, "PRAGMA synchronous = FULL")
	return empty, err
}

// releaseConn restores the import connection's settings (see dsn) and
// returns it to the pool, unless keep is false; a connection whose
// settings cannot be restored is discarded too. The settings are restored
// either way: journal_mode is the file's, not the connection's.
func releaseConn(conn *sql.Conn, keep bool) {
	ctx := context.Background()
	for _, pragma := range poolPragmas {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			keep = false
			break
		}
	}
	if !keep {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	conn.Close()
}

// importPragmas set the import's connection up; poolPragmas restore what
// dsn sets for every connection.
//   - foreign_keys: see BeginImport.
//   - temp_store FILE: the sorts of CREATE INDEX at Commit spill to
//     temporary files past the page cache's size, and with temp_store
//     MEMORY those files live in memory: a million papers' title keys
//     would take a few hundred MB. (It cannot change inside a
//     transaction.)
//   - mmap_size 0: see dsn.
//
// journal_mode and synchronous are restored too, for an import that left
// the write-ahead log (leaveWAL).
var (
	importPragmas = []string{"PRAGMA foreign_keys = OFF", "PRAGMA temp_store = FILE", "PRAGMA mmap_size = 0"}
	poolPragmas   = []string{"PRAGMA " + pragmaForeignKeys, "PRAGMA " + pragmaTempStore, "PRAGMA " + pragmaMmapSize,
		"PRAGMA " + pragmaJournalMode, "PRAGMA " + pragmaSynchronous}
)

// bulkTriggers are the FTS triggers an import sets aside. The delete and
// replace triggers stay: an import never deletes.
var bulkTriggers = []string{"papers_fts_insert", "papers_fts_update"}

// bulkIndexes are the secondary indexes that no statement of an import into
// an empty catalog reads (it finds duplicates in memory, see Import.seen).
// Such an import drops them and builds them at Commit: one sort per index
// instead of a random-order b-tree insert per row. (Into a catalog with
// papers, rebuilding would cost more than it saves.)
var bulkIndexes = []string{"papers_title_key", "papers_doi", "authorship_author", "authors_family_key", "paper_sources_paper", "papers_year", "papers_venue", "papers_filter"}

// setAsideSchema drops the named triggers and indexes inside the import
// transaction, keeping their SQL from sqlite_schema to restore them at
// Commit. Other connections never see them missing: DDL is transactional,
// and a rollback brings them back.
func (im *Import) setAsideSchema(ctx context.Context, names []string) error {
	for _, name := range names {
		var typ, def string
		err := im.conn.QueryRowContext(ctx, "SELECT type, sql FROM sqlite_schema WHERE type IN ('trigger', 'index') AND name = ?", name).Scan(&typ, &def)
		if errors.Is(err, sql.ErrNoRows) {
			continue // already missing: catalog doctor --repair restores it
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", typ, name, err)
		}
		if _, err := im.conn.ExecContext(ctx, "DROP "+strings.ToUpper(typ)+" "+name); err != nil {
			return err
		}
		im.setAside = append(im.setAside, def)
	}
	return nil
}

// Commit indexes what the import added or changed, restores the triggers
// and makes the import durable.
func (im *Import) Commit(ctx context.Context) error {
	defer im.release()
	im.commitStep(false)
	err := im.authorship.flush(ctx, im.conn)
	if err == nil {
		err = im.provenance.flush(ctx, im.conn)
	}
	if err == nil {
		// The venues the import's papers added (papers_venue_insert and
		// _update, migration 00006) get their folded form.
		err = im.q.FoldVenues(ctx)
		im.commitStep(true)
	}
	switch {
	case err != nil:
		im.closeQueries()
	case im.fts != nil:
		err = im.commitIndexBuilt(ctx)
	default:
		err = im.commitIndexInPlace(ctx)
	}
	if err == nil {
		err = im.commitTx(ctx)
	}
	if err != nil {
		im.rollbackTx()
		return fmt.Errorf("commit import: %w", explain(err))
	}
	return nil
}

// commitIndexInPlace indexes the new papers and re-indexes the changed ones
// on the import's connection, and restores the schema.
func (im *Import) commitIndexInPlace(ctx context.Context) error {
	err := im.q.IndexPapersAfter(ctx, im.maxID)
	if err == nil && im.maxID == 0 {
		// Into an empty catalog (when the scratch index could not be
		// used): one segment, as commitIndexBuilt leaves it.
		err = im.q.OptimizeFTS(ctx)
	}
	im.commitStep(true)
	for id := range im.reindex {
		if err == nil {
			err = im.q.IndexPaper(ctx, id)
		}
	}
	im.commitStep(true)
	im.closeQueries()
	if err != nil {
		return err
	}
	return im.restoreSchema(ctx)
}

// commitIndexBuilt lets the scratch index finish (its last papers, the
// papers merges changed, one final merge into a single segment) while the
// import's connection builds the indexes it set aside, then copies it in.
// One segment costs about 1% of a first import and takes a sixth off a
// typical search (corpora p50 4.3 -> 3.6 ms); a later import adds its own
// segments, which automerge keeps in check.
func (im *Import) commitIndexBuilt(ctx context.Context) error {
	im.closeQueries()
	if err := im.fts.finish(slices.Collect(maps.Values(im.redo))); err != nil {
		return err
	}
	if err := im.restoreSchema(ctx); err != nil {
		return err
	}
	if err := im.fts.wait(); err != nil {
		return err
	}
	im.commitStep(true)
	err := copyFTSIndex(ctx, im.conn)
	im.commitStep(true)
	return err
}

// restoreSchema recreates the triggers and indexes set aside.
func (im *Import) restoreSchema(ctx context.Context) error {
	for _, def := range im.setAside {
		if _, err := im.conn.ExecContext(ctx, def); err != nil {
			return err
		}
		im.commitStep(true)
	}
	return nil
}

// closeQueries closes the prepared statements, sqlc's and the batches'.
func (im *Import) closeQueries() {
	im.q.Close()
	im.authorship.close()
	im.provenance.close()
}

// Rollback abandons the import; the database is as it was before it.
func (im *Import) Rollback() error {
	im.closeQueries()
	err := im.rollbackTx()
	im.release()
	return err
}

// release stops the scratch index and gives the import's connection back,
// once.
func (im *Import) release() {
	if im.fts != nil {
		im.fts.abandon()
		im.fts = nil
	}
	if im.conn == nil {
		return
	}
	// A connection is discarded after a failed ROLLBACK, and after an
	// import that had the scratch index attached (which goes with it):
	// FTS5 caches an index's structure in each connection and rereads it
	// when another connection has written the file, and this connection
	// wrote the index's tables behind FTS5's back.
	releaseConn(im.conn, !im.inTx && !im.attached)
	im.conn = nil
}

// StartSource registers a file. A file whose checksum the catalog already
// knows under the same format is a re-import: its records that are
// already in place count as unchanged and write nothing. Under another
// format it is another source: what a wrong --format made of it does not
// keep the right one from reading it.
func (im *Import) StartSource(ctx context.Context, src SourceInfo) error {
	im.stats = SourceStats{}
	row, err := im.q.GetSource(ctx, dbgen.GetSourceParams{Sha256: src.SHA256, Format: src.Format})
	switch {
	case err == nil:
		im.source, im.reimport = row.ID, true
		im.stats.Known = true
		if err := im.provenance.flush(ctx, im.conn); err != nil {
			return explain(err)
		}
		// Records whose paper was deleted are read again, as new.
		if err := im.q.DeleteDanglingSourceRecords(ctx, row.ID); err != nil {
			return explain(err)
		}
		records, err := im.q.ListSourceRecords(ctx, row.ID)
		if err != nil {
			return explain(err)
		}
		// The ordinals are distinct and at most the file's record count.
		im.allKnown = int64(len(records)) == row.Records
		im.knownRecords = int(row.Records)
		im.known = im.known[:0]
		for _, r := range records {
			for int(r>>6) >= len(im.known) {
				im.known = append(im.known, 0)
			}
			im.known[r>>6] |= 1 << (r & 63)
		}
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return explain(err)
	}
	id, err := im.q.InsertSource(ctx, dbgen.InsertSourceParams{
		Path: src.Path, Sha256: src.SHA256, Format: src.Format,
		Owner: nullString(src.Owner), Size: src.Size,
	})
	if err != nil {
		return explain(err)
	}
	im.source, im.reimport = id, false
	return nil
}

// SetOwner records the owner of the current source (a profile list names
// it in its first line, known only once parsing has begun).
func (im *Import) SetOwner(ctx context.Context, owner string) error {
	if im.reimport || owner == "" {
		return nil
	}
	return explain(im.q.SetSourceOwner(ctx, dbgen.SetSourceOwnerParams{Owner: nullString(owner), ID: im.source}))
}

// Skip counts an invalid record that the user chose to skip.
func (im *Import) Skip() {
	im.stats.Records++
	im.stats.Skipped++
}

// EndSource finishes the current file and returns what its records did.
func (im *Import) EndSource(ctx context.Context) (SourceStats, error) {
	if !im.reimport {
		if err := im.q.SetSourceRecords(ctx, dbgen.SetSourceRecordsParams{Records: int64(im.stats.Records), ID: im.source}); err != nil {
			return im.stats, explain(err)
		}
	}
	return im.stats, nil
}

// SkipUnchanged counts every record of a re-imported file as unchanged,
// without the file being read, when all of them are in place, and reports
// whether it did (the caller then goes on to EndSource). A file with the
// same checksum holds the same records, and Add would count each of them
// as unchanged; reading and parsing them was most of a re-import's time
// (5.2 s of the corpora's). A file some of whose records were skipped as
// invalid is read again, as those records are.
func (im *Import) SkipUnchanged() bool {
	if !im.reimport || !im.allKnown {
		return false
	}
	im.stats.Records += im.knownRecords
	im.stats.Unchanged += im.knownRecords
	return true
}

// Known reports whether the record-th record of the current source is
// already in the catalog from an earlier import of the same file; Add
// counts it as unchanged, and callers may skip normalizing it. Safe to call
// from another goroutine between StartSource and EndSource.
func (im *Import) Known(record int) bool {
	return im.reimport && record>>6 < len(im.known) && im.known[record>>6]&(1<<(record&63)) != 0
}

// Add stores one record (the record-th of its file, starting at line): a new
// paper, or a merge into the paper it duplicates. p may be nil for a record
// that Known reports.
func (im *Import) Add(ctx context.Context, record, line int, p *importer.Paper) error {
	im.stats.Records++
	if im.Known(record) {
		im.stats.Unchanged++
		return nil
	}
	match, reason, err := im.findDuplicate(ctx, p)
	if err != nil {
		return err
	}
	if match != nil {
		if err := im.merge(ctx, match, p); err != nil {
			return err
		}
		im.stats.Merged++
		im.markSeen(p, match.ID)
		return im.link(ctx, record, line, match.ID, p, "merged", reason)
	}
	authorIDs, names, err := im.resolveAuthors(ctx, p.Authors)
	if err != nil {
		return err
	}
	editors, editorNames, err := im.resolveEditors(ctx, p)
	if err != nil {
		return err
	}
	if len(authorIDs) == 0 {
		// Found by its editors (migration 00009, the paper_names view).
		names = editorNames
	}
	id, err := im.q.InsertPaper(ctx, dbgen.InsertPaperParams{
		Title:          p.Title,
		TitleSource:    nullString(p.TitleSource),
		TitleKey:       p.TitleKey,
		Year:           nullInt(p.Year),
		Month:          nullInt(p.Month),
		Venue:          nullString(p.Venue),
		Volume:         nullString(p.Volume),
		Issue:          nullString(p.Issue),
		Pages:          nullString(p.Pages),
		Doi:            nullString(p.DOI),
		Url:            nullString(p.URL),
		Abstract:       nullString(p.Abstract),
		AbstractSource: nullString(p.AbstractSource),
		EntryType:      nullString(p.EntryType),
		CitationKey:    nullString(p.CitationKey),
		Authors:        names,
		Publisher:      nullString(p.Publisher),
		Address:        nullString(p.Address),
	})
	if err != nil {
		return explain(err)
	}
	if im.fts != nil {
		if err := im.fts.add(ftsText{id: id, title: p.Title, abstract: nullString(p.Abstract), authors: names}); err != nil {
			return err
		}
	}
	if err := im.addAuthorship(ctx, id, authorIDs); err != nil {
		return err
	}
	if err := im.addEditorship(ctx, id, editors); err != nil {
		return err
	}
	im.stats.Added++
	im.markSeen(p, id)
	return im.link(ctx, record, line, id, p, "added", "")
}

func (im *Import) link(ctx context.Context, record, line int, paper int64, p *importer.Paper, action, reason string) error {
	err := im.provenance.add(ctx, im.conn, im.source, int64(record), paper, int64(line),
		nullString(p.CitationKey), action, nullString(reason))
	return explain(err)
}

// candidate is a paper already stored that a record may duplicate.
type candidate = dbgen.FindPapersByTitleKeyRow

// findDuplicate looks for the paper p duplicates: by DOI first, then by
// title key, and lets importer.SameWork decide.
//
// An untitled paper (or one whose title has no letter or digit, "???")
// has the title key "" and is never looked up by title: every untitled
// paper would be a candidate of every other, each one's authors read for
// SameWork to refuse the match. It may match by DOI, which SameWork takes
// only from another paper whose title key is "" too: an untitled record
// with a titled paper's DOI stays apart, as there is no title to tell a
// paper's DOI from its volume's.
func (im *Import) findDuplicate(ctx context.Context, p *importer.Paper) (*candidate, string, error) {
	var rows []candidate
	var err error
	if im.seen != nil {
		rows, err = im.seenCandidates(ctx, p)
	} else {
		rows, err = im.indexedCandidates(ctx, p)
	}
	if err != nil {
		return nil, "", explain(err)
	}
	im.candidates += len(rows)
	for i := range rows {
		r := &rows[i]
		c := importer.Candidate{
			TitleKey: r.TitleKey, Year: int(r.Year.Int64), DOI: r.Doi.String,
			Volume: r.Volume.String, Issue: r.Issue.String, Pages: r.Pages.String,
		}
		if r.TitleKey == p.TitleKey {
			if err := im.authorship.flush(ctx, im.conn); err != nil {
				return nil, "", explain(err)
			}
			keys, err := im.q.PaperFamilyKeys(ctx, r.ID)
			if err != nil {
				return nil, "", explain(err)
			}
			c.FamilyKeys = keys
		}
		if reason, ok := importer.SameWork(p, &c); ok {
			return r, reason, nil
		}
	}
	return nil, "", nil
}

// indexedCandidates finds the papers with p's DOI, then those with its
// title key, through the indexes.
func (im *Import) indexedCandidates(ctx context.Context, p *importer.Paper) ([]candidate, error) {
	var rows []candidate
	if p.DOI != "" {
		byDOI, err := im.q.FindPapersByDOI(ctx, nullString(p.DOI))
		if err != nil {
			return nil, err
		}
		for _, r := range byDOI {
			rows = append(rows, candidate(r))
		}
	}
	if p.TitleKey == "" {
		return rows, nil // never by title (see findDuplicate)
	}
	byTitle, err := im.q.FindPapersByTitleKey(ctx, p.TitleKey)
	return append(rows, byTitle...), err
}

// seenCandidates finds the same papers as indexedCandidates, in the same
// order, from the in-memory map of an import into an empty catalog.
func (im *Import) seenCandidates(ctx context.Context, p *importer.Paper) ([]candidate, error) {
	var rows []candidate
	add := func(h uint64, keep func(*candidate) bool) error {
		first, ok := im.seen[h]
		if !ok {
			return nil
		}
		ids := append([]int64{first}, im.more[h]...)
		slices.Sort(ids) // the index's order
		for _, id := range ids {
			r, err := im.q.GetPaperCandidate(ctx, id)
			if err != nil {
				return err
			}
			if c := candidate(r); keep(&c) { // a hash collision is dropped here
				rows = append(rows, c)
			}
		}
		return nil
	}
	if p.DOI != "" {
		if err := add(keyHash('d', p.DOI), func(c *candidate) bool { return c.Doi.String == p.DOI }); err != nil {
			return nil, err
		}
	}
	if p.TitleKey == "" {
		return rows, nil // never by title (see findDuplicate)
	}
	err := add(keyHash('t', p.TitleKey), func(c *candidate) bool { return c.TitleKey == p.TitleKey })
	return rows, err
}

// merge fills the fields the stored paper lacks from p. It never overwrites
// a value, gives a paper without authors p's authors, and one without
// editors (or translators) p's.
func (im *Import) merge(ctx context.Context, c *candidate, p *importer.Paper) error {
	arg := dbgen.FillPaperParams{
		ID:             c.ID,
		Year:           c.Year,
		Month:          c.Month,
		Venue:          c.Venue,
		Volume:         c.Volume,
		Issue:          c.Issue,
		Pages:          c.Pages,
		Doi:            c.Doi,
		Url:            c.Url,
		Abstract:       c.Abstract,
		AbstractSource: c.AbstractSource,
		EntryType:      c.EntryType,
		CitationKey:    c.CitationKey,
		Authors:        c.Authors,
		Publisher:      c.Publisher,
		Address:        c.Address,
	}
	changed := false
	fillInt := func(dst *sql.NullInt64, v int) {
		if !dst.Valid && v != 0 {
			*dst, changed = nullInt(v), true
		}
	}
	fillStr := func(dst *sql.NullString, v string) {
		if !dst.Valid && v != "" {
			*dst, changed = nullString(v), true
		}
	}
	fillInt(&arg.Year, p.Year)
	fillInt(&arg.Month, p.Month)
	fillStr(&arg.Venue, p.Venue)
	fillStr(&arg.Volume, p.Volume)
	fillStr(&arg.Issue, p.Issue)
	fillStr(&arg.Pages, p.Pages)
	fillStr(&arg.Doi, p.DOI)
	fillStr(&arg.Url, p.URL)
	if !arg.Abstract.Valid && p.Abstract != "" {
		arg.Abstract, arg.AbstractSource, changed = nullString(p.Abstract), nullString(p.AbstractSource), true
	}
	fillStr(&arg.EntryType, p.EntryType)
	fillStr(&arg.CitationKey, p.CitationKey)
	fillStr(&arg.Publisher, p.Publisher)
	fillStr(&arg.Address, p.Address)
	hasAuthors, editorsAdded, err := im.mergeEditors(ctx, c, p)
	if err != nil {
		return err
	}
	addAuthors := !hasAuthors && len(p.Authors) > 0
	var authorIDs []int64
	switch {
	case addAuthors:
		if authorIDs, arg.Authors, err = im.resolveAuthors(ctx, p.Authors); err != nil {
			return err
		}
		changed = true
	case editorsAdded && !hasAuthors:
		// The paper is found by its editors: by the new ones too.
		names, err := im.q.PaperEditorNames(ctx, c.ID)
		if err != nil {
			return explain(err)
		}
		arg.Authors = strings.Join(names, "; ")
	}
	changed = changed || arg.Authors != c.Authors
	if !changed {
		return nil
	}
	textChanged := arg.Abstract != c.Abstract || arg.Authors != c.Authors
	if im.fts != nil && textChanged {
		// Indexed beside the import with its first text: index it again,
		// with the text it has after this merge.
		r, ok := im.redo[c.ID]
		if !ok {
			r.old = ftsText{id: c.ID, title: c.Title, abstract: c.Abstract, authors: c.Authors}
		}
		r.new = ftsText{id: c.ID, title: c.Title, abstract: arg.Abstract, authors: arg.Authors}
		im.redo[c.ID] = r
	}
	if c.ID <= im.maxID && !im.reindex[c.ID] && textChanged {
		// The indexed text changes: unindex the old now, index the new at Commit.
		err := im.q.UnindexPaper(ctx, dbgen.UnindexPaperParams{ID: c.ID, Title: c.Title, Abstract: c.Abstract, Authors: c.Authors})
		if err != nil {
			return explain(err)
		}
		im.reindex[c.ID] = true
	}
	if err := im.q.FillPaper(ctx, arg); err != nil {
		return explain(err)
	}
	if addAuthors {
		return im.addAuthorship(ctx, c.ID, authorIDs)
	}
	return nil
}

// mergeEditors gives the stored paper p's editors if it has none, and p's
// translators if it has none, and reports whether it did. It reports too
// whether the paper has authors: papers.authors holds the editors' names
// of a paper without authors, so c.Authors alone does not tell.
func (im *Import) mergeEditors(ctx context.Context, c *candidate, p *importer.Paper) (hasAuthors, added bool, err error) {
	roles, err := im.q.PaperEditorRoles(ctx, c.ID)
	if err != nil {
		return false, false, explain(err)
	}
	hasAuthors = c.Authors != ""
	if hasAuthors && len(roles) > 0 {
		if err := im.authorship.flush(ctx, im.conn); err != nil {
			return false, false, explain(err)
		}
		if hasAuthors, err = im.q.PaperHasAuthors(ctx, c.ID); err != nil {
			return false, false, explain(err)
		}
	}
	var lacking importer.Paper
	if !slices.Contains(roles, roleEditor) {
		lacking.Editors = p.Editors
	}
	if !slices.Contains(roles, roleTranslator) {
		lacking.Translators = p.Translators
	}
	editors, _, err := im.resolveEditors(ctx, &lacking)
	if err != nil {
		return false, false, err
	}
	return hasAuthors, len(editors) > 0, im.addEditorship(ctx, c.ID, editors)
}

// The roles of editorship (migration 00009).
const (
	roleEditor     = "editor"
	roleTranslator = "translator"
)

// editorRef is one editorship row to write: the person, their role and
// their 1-based position in it.
type editorRef struct {
	role     string
	position int64
	author   int64
}

// resolveEditors finds or adds p's editors and translators, as
// resolveAuthors does authors, and returns their rows and their stored
// names joined by "; " (editors first), the text papers.authors holds for
// a paper without authors.
func (im *Import) resolveEditors(ctx context.Context, p *importer.Paper) ([]editorRef, string, error) {
	if len(p.Editors)+len(p.Translators) == 0 {
		return nil, "", nil
	}
	var refs []editorRef
	var names []string
	for _, role := range []struct {
		name   string
		people []importer.Author
	}{{roleEditor, p.Editors}, {roleTranslator, p.Translators}} {
		ids, text, err := im.resolveAuthors(ctx, role.people)
		if err != nil {
			return nil, "", err
		}
		for i, id := range ids {
			refs = append(refs, editorRef{role: role.name, position: int64(i + 1), author: id})
		}
		if text != "" {
			names = append(names, text)
		}
	}
	return refs, strings.Join(names, "; "), nil
}

// addEditorship writes a paper's editorship rows. They are few (the
// corpora have none), so they are written one by one, not batched.
func (im *Import) addEditorship(ctx context.Context, paper int64, editors []editorRef) error {
	for _, e := range editors {
		err := im.q.InsertEditorship(ctx, dbgen.InsertEditorshipParams{PaperID: paper, Role: e.role, Position: e.position, AuthorID: e.author})
		if err != nil {
			return explain(err)
		}
	}
	return nil
}

// authorRef is an author as stored: the first spelling met is the one kept.
type authorRef struct {
	id   int64
	name string
}

// resolveAuthors finds or adds each author and returns their ids in order
// and the papers.authors string built from the stored names, so that the
// string always agrees with authorship (a known author keeps the spelling
// first stored, whatever this record writes).
func (im *Import) resolveAuthors(ctx context.Context, authors []importer.Author) ([]int64, string, error) {
	ids := make([]int64, len(authors))
	var names strings.Builder
	for i := range authors {
		ref, err := im.author(ctx, &authors[i])
		if err != nil {
			return nil, "", err
		}
		ids[i] = ref.id
		if i > 0 {
			names.WriteString("; ")
		}
		names.WriteString(ref.name)
	}
	return ids, names.String(), nil
}

// addAuthorship writes a paper's authorship rows in order.
func (im *Import) addAuthorship(ctx context.Context, paper int64, authorIDs []int64) error {
	for i, id := range authorIDs {
		if err := im.authorship.add(ctx, im.conn, paper, int64(i+1), id); err != nil {
			return explain(err)
		}
	}
	return nil
}

func (im *Import) author(ctx context.Context, a *importer.Author) (authorRef, error) {
	if ref, ok := im.authors[a.Key]; ok {
		return ref, nil
	}
	ref := authorRef{name: a.Name}
	err := sql.ErrNoRows
	if !im.allAuthorsCached {
		var row dbgen.GetAuthorIDByKeyRow
		row, err = im.q.GetAuthorIDByKey(ctx, a.Key)
		ref = authorRef{id: row.ID, name: row.Name}
	}
	if errors.Is(err, sql.ErrNoRows) {
		ref.name = a.Name
		ref.id, err = im.q.InsertAuthor(ctx, dbgen.InsertAuthorParams{
			Name: a.Name, Family: a.Family, Given: a.Given, NameKey: a.Key, FamilyKey: a.FamilyKey,
		})
		if err == nil {
			im.stats.AuthorsAdded++
		}
	}
	if err != nil {
		return authorRef{}, explain(err)
	}
	if len(im.authors) >= maxAuthorCache {
		clear(im.authors)
		im.allAuthorsCached = false
	}
	im.authors[a.Key] = ref
	return ref, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(v int) sql.NullInt64 { return sql.NullInt64{Int64: int64(v), Valid: v != 0} }

// keyHash hashes a title key or DOI for the seen set (FNV-1a, 64 bits; a
// collision only costs a lookup).
func keyHash(kind byte, s string) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(kind)) * 1099511628211
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// markSeen records that paper id has p's title key and DOI.
func (im *Import) markSeen(p *importer.Paper, id int64) {
	if im.seen == nil {
		return
	}
	if p.TitleKey != "" {
		im.see(keyHash('t', p.TitleKey), id)
	}
	if p.DOI != "" {
		im.see(keyHash('d', p.DOI), id)
	}
}

func (im *Import) see(h uint64, id int64) {
	first, ok := im.seen[h]
	switch {
	case !ok:
		im.seen[h] = id
	case first != id && !slices.Contains(im.more[h], id):
		im.more[h] = append(im.more[h], id)
	}
}
