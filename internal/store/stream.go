package store

import (
	"context"
	"strconv"

	"github.com/catalog-dev/catalog/internal/dbgen"
)

// Reads of many rows (catalog export, a query with a large --limit) hand
// them on as they are read, a chunk at a time, instead of building the
// whole result first: a paper with its abstract and authors is a few KB,
// and the corpora's 227,000 of them held at once took 1.5 GB.
const (
	// streamChunk is how many papers or hits are read in one statement
	// and held at once.
	streamChunk = 256
	// keysChunk is how many citation keys CitationKeys reads in one
	// statement (a few bytes each).
	keysChunk = 4096
	// unmappedFrom is the page size (offset + limit) from which a search
	// reads through a connection without the memory map (unmapped), as
	// EachPaper always does: every page of the file a read touches
	// through the map counts in the process's memory until it exits, and
	// a read of every paper touched most of the file (460 MB of the
	// corpora's 700 for a query of 100,000 hits). Through the page cache
	// (cache_size) a read holds 16 MiB at most. The map pays for a search
	// of a page of hits, which touches a few hundred scattered pages, not
	// for a read of thousands of rows.
	unmappedFrom = 1000
)

// unmapped returns a Store whose queries run on one connection of s's
// pool with the memory map off (https://www.sqlite.org/mmap.html), and
// the function that gives the connection back, its map restored. A Store
// that is unmapped already (a Snapshot) is its own.
func (s *Store) unmapped(ctx context.Context) (*Store, func(), error) {
	if s.conn != nil {
		return s, func() {}, nil
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, nil, explain(err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA mmap_size = 0"); err != nil {
		conn.Close()
		return nil, nil, explain(err)
	}
	// Prepared, as s.Q is: a large page may take a snippet statement a hit.
	q, err := dbgen.Prepare(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, nil, explain(err)
	}
	u := *s
	u.Q, u.conn = q, conn
	return &u, func() {
		q.Close()
		// A connection left without the map would only be slower.
		conn.ExecContext(context.Background(), "PRAGMA "+pragmaMmapSize)
		conn.Close()
	}, nil
}

// reader is s, or for a page that reaches past unmappedFrom s unmapped,
// and the function to call when done with it.
func (s *Store) reader(ctx context.Context, opt SearchOptions) (*Store, func(), error) {
	if opt.Limit >= 1 && opt.Offset+opt.Limit <= unmappedFrom {
		return s, func() {}, nil
	}
	return s.unmapped(ctx)
}

// Snapshot is a Store whose reads all see the catalog as it was at the
// first of them, through one connection without the memory map: catalog
// export selects the papers, reads their keys and then the papers a
// chunk at a time, and an import that commits meanwhile must not show in
// half of them. Close ends it.
type Snapshot struct {
	*Store
	release func()
}

// Snapshot begins a read of many rows in one snapshot (a read transaction
// on a connection of its own).
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	u, release, err := s.unmapped(ctx)
	if err != nil {
		return nil, err
	}
	// Not BeginTx: the pool's connections begin IMMEDIATE (_txlock), which
	// takes the write lock. A DEFERRED transaction reads in one snapshot
	// from its first read, and never waits for a writer.
	if _, err := u.conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		release()
		return nil, explain(err)
	}
	return &Snapshot{Store: u, release: func() {
		u.conn.ExecContext(context.Background(), "ROLLBACK")
		release()
	}}, nil
}

// Close ends the snapshot's read and gives its connection back.
func (sn *Snapshot) Close() {
	if sn.release != nil {
		sn.release()
		sn.release = nil
	}
}

// SearchEach is Search, handing each hit to fn in order instead of
// returning them: the page is ranked (its ids, titles and scores held),
// then its snippets and authors are read and handed on a chunk at a
// time. An error from fn stops the search and is returned. A page that
// reaches past unmappedFrom is read without the memory map.
func (s *Store) SearchEach(ctx context.Context, match string, opt SearchOptions, fn func(*Hit) error) error {
	r, release, err := s.reader(ctx, opt)
	if err != nil {
		return err
	}
	defer release()
	hits, err := r.rank(ctx, match, opt)
	if err != nil {
		return err
	}
	expr := MatchExpr(match, opt.Filters)
	for len(hits) > 0 {
		page := hits[:min(len(hits), streamChunk)]
		hits = hits[len(page):]
		if expr != "" {
			if err := r.snippets(ctx, expr, page, opt); err != nil {
				return err
			}
		}
		if err := r.authors(ctx, page, opt.AuthorsPerHit); err != nil {
			return err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
			page[i] = Hit{} // its strings are garbage from here
		}
	}
	return nil
}

// EachPaper reads the papers ids names, in that order, with their authors,
// and hands each to fn as it is read; an unknown id is skipped. An error
// from fn stops the reading and is returned. It reads through a connection
// without the memory map, streamChunk papers at a time.
func (s *Store) EachPaper(ctx context.Context, ids []int64, fn func(*Paper) error) error {
	if len(ids) == 0 {
		return nil
	}
	r, release, err := s.unmapped(ctx)
	if err != nil {
		return err
	}
	defer release()
	papers := make([]Paper, 0, streamChunk)
	index := make(map[int64]int, streamChunk)
	for len(ids) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := ids[:min(len(ids), streamChunk)]
		ids = ids[len(chunk):]
		set := idsJSON(chunk)
		rows, err := r.Q.GetPapersByIDs(ctx, set)
		if err != nil {
			return explain(err)
		}
		papers = papers[:0]
		clear(index)
		for _, row := range rows {
			index[row.ID] = len(papers)
			papers = append(papers, paperFrom(dbgen.GetPaperRow(row)))
		}
		authors, err := r.Q.ListAuthorsOfPaperSet(ctx, set)
		if err != nil {
			return explain(err)
		}
		for _, a := range authors {
			p := &papers[index[a.PaperID]]
			p.Authors = append(p.Authors, Author{ID: a.ID, Name: a.Name, Family: a.Family, Given: a.Given})
		}
		editors, err := r.Q.ListEditorsOfPaperSet(ctx, set)
		if err != nil {
			return explain(err)
		}
		for _, e := range editors {
			p := &papers[index[e.PaperID]]
			a := Author{ID: e.ID, Name: e.Name, Family: e.Family, Given: e.Given}
			if e.Role == roleTranslator {
				p.Translators = append(p.Translators, a)
			} else {
				p.Editors = append(p.Editors, a)
			}
		}
		for i := range papers {
			if papers[i].Authors == nil {
				papers[i].Authors = []Author{}
			}
			if err := fn(&papers[i]); err != nil {
				return err
			}
			papers[i] = Paper{}
		}
	}
	return nil
}

// CitationKeys returns the citation key of each paper ids names, in that
// order ("" for none), keysChunk at a time: export reserves
// them all before it writes the first paper (export.NewKeys).
func (s *Store) CitationKeys(ctx context.Context, ids []int64) ([]string, error) {
	keys := make([]string, 0, len(ids))
	if len(ids) == 0 {
		return keys, nil
	}
	r, release, err := s.unmapped(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), keysChunk)]
		ids = ids[len(chunk):]
		k, err := r.Q.CitationKeysOf(ctx, idsJSON(chunk))
		if err != nil {
			return nil, explain(err)
		}
		keys = append(keys, k...)
	}
	return keys, nil
}

// idsJSON writes ids as a JSON array, for json_each.
func idsJSON(ids []int64) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// paperFrom is a paper's row, without its authors.
func paperFrom(r dbgen.GetPaperRow) Paper {
	return Paper{
		ID: r.ID, Title: r.Title, Year: int(r.Year.Int64), Month: int(r.Month.Int64),
		Venue: r.Venue.String, Volume: r.Volume.String, Issue: r.Issue.String, Pages: r.Pages.String,
		DOI: r.Doi.String, URL: r.Url.String, Type: r.EntryType.String,
		CitationKey: r.CitationKey.String, Abstract: r.Abstract.String,
		Publisher: r.Publisher.String, Address: r.Address.String,
	}
}
