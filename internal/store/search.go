package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/catalog-dev/catalog/internal/dbgen"
)

// Hit is one search result.
type Hit struct {
	ID      int64    `json:"id"`
	Year    int      `json:"year,omitempty"`
	Title   string   `json:"title"`
	Authors []string `json:"authors"`
	Venue   string   `json:"venue,omitempty"`
	DOI     string   `json:"doi,omitempty"`
	// Snippet is the best passage with the matched words marked; "" for a
	// listing without search text.
	Snippet string `json:"snippet,omitempty"`
	// Score is FTS5's bm25 rank (title 10, authors 4, abstract 1); lower
	// is better, as in SQLite. 0 for a listing without search text.
	Score float64 `json:"score,omitempty"`
	// Explain is set when SearchOptions.Explain asks for it.
	Explain *Explanation `json:"explain,omitempty"`
}

// Explanation splits a hit's score by column: each part is bm25 computed
// with that column's weight and the others' set to 0. The parts do not add
// up to Score exactly, because bm25 saturates as a term repeats; they show
// where the matches are and which column carries the rank.
type Explanation struct {
	Title    float64 `json:"title"`
	Abstract float64 `json:"abstract"`
	Authors  float64 `json:"authors"`
}

// Sort orders search results.
type Sort int

const (
	// ByRelevance is bm25 order, best first. A listing without search text
	// has no relevance and comes newest first.
	ByRelevance Sort = iota
	// ByYear is newest first, ties by relevance.
	ByYear
)

// SearchOptions shape a search.
type SearchOptions struct {
	Filters
	Sort                Sort
	Limit, Offset       int    // Limit < 1: every hit
	MarkOpen, MarkClose string // around matched words in the snippet
	Ellipsis            string // where the snippet cuts text
	AuthorsPerHit       int    // 0: all
	Explain             bool   // fill Hit.Explain
	// NewestFirst returns matches newest first without ranking them (for
	// a query of stopwords only, see ftsquery.OnlyStopwords).
	NewestFirst bool
}

// ErrQuerySyntax wraps an FTS5 query that does not parse.
var ErrQuerySyntax = errors.New("bad search syntax")

// Search returns the papers that match: match is an FTS5 expression ("" for
// none), combined with the filters in opt. With an expression (or a title
// filter) hits are ranked; without, it is a listing, newest first. Each hit
// has its authors in order and, for a search, a snippet.
func (s *Store) Search(ctx context.Context, match string, opt SearchOptions) ([]Hit, error) {
	match = MatchExpr(match, opt.Filters)
	hits, err := s.rank(ctx, match, opt)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		h := &hits[i]
		if match != "" && (h.Snippet == "" || opt.Explain) {
			d, err := s.Q.MatchDetail(ctx, dbgen.MatchDetailParams{
				MarkOpen: opt.MarkOpen, MarkClose: opt.MarkClose, Ellipsis: opt.Ellipsis,
				Match: match, ID: h.ID,
			})
			if err != nil {
				return nil, searchError(err)
			}
			if h.Snippet == "" {
				h.Snippet = d.Snippet
			}
			if opt.Explain {
				h.Explain = &Explanation{Title: d.TitleScore, Abstract: d.AbstractScore, Authors: d.AuthorsScore}
			}
		}
		authors, err := s.Q.ListPaperAuthors(ctx, h.ID)
		if err != nil {
			return nil, explain(err)
		}
		if opt.AuthorsPerHit > 0 && len(authors) > opt.AuthorsPerHit {
			authors = authors[:opt.AuthorsPerHit]
		}
		h.Authors = make([]string, 0, len(authors))
		for _, a := range authors {
			h.Authors = append(h.Authors, a.Name)
		}
	}
	return hits, nil
}

// Select returns the ids of the papers a search with these options finds,
// in its order, without authors or snippets (catalog export).
func (s *Store) Select(ctx context.Context, match string, opt SearchOptions) ([]int64, error) {
	opt.Explain = false
	hits, err := s.rank(ctx, MatchExpr(match, opt.Filters), opt)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// rank runs the query that picks and orders the hits: one of three, because
// sqlc compiles static statements and the ORDER BY and the presence of
// MATCH change the statement itself. The filters are parameters of each.
func (s *Store) rank(ctx context.Context, match string, opt SearchOptions) ([]Hit, error) {
	f := opt.Filters.args()
	limit := int64(opt.Limit)
	if limit < 1 {
		limit = -1 // SQLite: no limit
	}
	offset := int64(max(opt.Offset, 0))
	var hits []Hit
	switch {
	case match == "":
		rows, err := s.Q.ListPapers(ctx, dbgen.ListPapersParams{
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			Limit: limit, Offset: offset,
		})
		if err != nil {
			return nil, explain(err)
		}
		for _, r := range rows {
			hits = append(hits, Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String})
		}
	case opt.Sort == ByYear:
		rows, err := s.Q.SearchPapersByYear(ctx, dbgen.SearchPapersByYearParams{
			Match:    match,
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			Limit: limit, Offset: offset,
		})
		if err != nil {
			return nil, searchError(err)
		}
		for _, r := range rows {
			hits = append(hits, Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String, Score: r.Score})
		}
	case opt.NewestFirst:
		rows, err := s.Q.SearchPapersNewest(ctx, dbgen.SearchPapersNewestParams{
			MarkOpen: opt.MarkOpen, MarkClose: opt.MarkClose, Ellipsis: opt.Ellipsis,
			Match:    match,
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			Limit: limit, Offset: offset,
		})
		if err != nil {
			return nil, searchError(err)
		}
		for _, r := range rows {
			hits = append(hits, Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String, Snippet: r.Snippet})
		}
	default:
		arg := dbgen.SearchPapersParams{
			MarkOpen: opt.MarkOpen, MarkClose: opt.MarkClose, Ellipsis: opt.Ellipsis,
			Match:    match,
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			Limit: limit, Offset: offset,
		}
		// Bound what is ranked: bm25 scores every match, so a query that
		// matches most of the catalog ("the", "learning") would score
		// hundreds of thousands of rows. When there are more than
		// RankWindow matches, rank the RankWindow newest of them; if the
		// window holds too few hits once filters apply, rank them all.
		window := s.RankWindow
		if window > 0 && limit > 0 && offset+limit <= int64(window)/2 {
			min, err := s.Q.NthNewestMatch(ctx, dbgen.NthNewestMatchParams{Match: match, N: int64(window - 1)})
			switch {
			case err == nil:
				arg.MinRowid = min
			case !errors.Is(err, sql.ErrNoRows): // no row: fewer matches than the window
				return nil, searchError(err)
			}
		}
		rows, err := s.Q.SearchPapers(ctx, arg)
		if err == nil && arg.MinRowid > 0 && int64(len(rows)) < limit {
			arg.MinRowid = 0
			rows, err = s.Q.SearchPapers(ctx, arg)
		}
		if err != nil {
			return nil, searchError(err)
		}
		for _, r := range rows {
			hits = append(hits, Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String, Snippet: r.Snippet, Score: r.Score})
		}
	}
	return hits, nil
}

// DefaultRankWindow is how many of the newest matches a search ranks when a
// query matches more papers than that (Store.RankWindow).
const DefaultRankWindow = 500

// searchError tells a query the user got wrong from a failure of the
// database.
func searchError(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return err
	}
	// The statements are fixed and prepared: a plain SQLITE_ERROR from
	// them can only come from the MATCH expression.
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_ERROR {
		msg := strings.TrimPrefix(se.Error(), "SQL logic error: ")
		msg = strings.TrimSuffix(msg, " (1)")
		return fmt.Errorf("%w: %s", ErrQuerySyntax, msg)
	}
	return explain(err)
}
