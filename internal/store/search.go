package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
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
	// Snippet is the abstract's best passage with the matched words
	// marked, or its opening when only the title or authors match; "" for
	// a paper without an abstract, and for a listing without search text.
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
// Search holds every hit of the page; SearchEach hands them on as they are
// read.
func (s *Store) Search(ctx context.Context, match string, opt SearchOptions) ([]Hit, error) {
	var hits []Hit
	err := s.SearchEach(ctx, match, opt, func(h *Hit) error {
		hits = append(hits, *h)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hits, nil
}

// snippets fills in the hits' snippets that the ranking did not make, a
// statement each, and with opt.Explain each hit's score by column.
func (s *Store) snippets(ctx context.Context, expr string, hits []Hit, opt SearchOptions) error {
	for i := range hits {
		h := &hits[i]
		if h.Snippet != "" {
			continue
		}
		var err error
		h.Snippet, err = s.Q.MatchSnippet(ctx, dbgen.MatchSnippetParams{
			MarkOpen: opt.MarkOpen, MarkClose: opt.MarkClose, Ellipsis: opt.Ellipsis,
			Match: expr, ID: h.ID,
		})
		if err != nil {
			return searchError(err)
		}
	}
	if !opt.Explain {
		return nil
	}
	for i := range hits {
		h := &hits[i]
		d, err := s.Q.MatchDetail(ctx, dbgen.MatchDetailParams{
			MarkOpen: opt.MarkOpen, MarkClose: opt.MarkClose, Ellipsis: opt.Ellipsis,
			Match: expr, ID: h.ID,
		})
		if err != nil {
			return searchError(err)
		}
		h.Explain = &Explanation{Title: d.TitleScore, Abstract: d.AbstractScore, Authors: d.AuthorsScore}
	}
	return nil
}

// authors fills in each hit's authors, in order, at most perHit (0: all):
// those the ranking did not find already (splitAuthors), in one
// statement.
func (s *Store) authors(ctx context.Context, hits []Hit, perHit int) error {
	ids := []byte{'['}
	index := make(map[int64]int, len(hits))
	for i := range hits {
		if hits[i].Authors != nil {
			continue
		}
		if len(ids) > 1 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, hits[i].ID, 10)
		index[hits[i].ID] = i
		hits[i].Authors = []string{}
	}
	ids = append(ids, ']')
	if len(index) > 0 {
		rows, err := s.Q.ListAuthorsOfPapers(ctx, string(ids))
		if err != nil {
			return explain(err)
		}
		for _, r := range rows {
			h := &hits[index[r.PaperID]]
			h.Authors = append(h.Authors, r.Name)
		}
	}
	for i := range hits {
		if perHit > 0 && len(hits[i].Authors) > perHit {
			hits[i].Authors = hits[i].Authors[:perHit]
		}
	}
	return nil
}

// Select returns the ids of the papers a search with these options finds,
// in its order, without authors or snippets (catalog export).
func (s *Store) Select(ctx context.Context, match string, opt SearchOptions) ([]int64, error) {
	opt.Explain = false
	r, release, err := s.reader(ctx, opt)
	if err != nil {
		return nil, err
	}
	defer release()
	if MatchExpr(match, opt.Filters) == "" && opt.Filters.args() == (filterArgs{}) {
		limit := int64(opt.Limit)
		if limit < 1 {
			limit = -1 // SQLite: no limit
		}
		ids, err := r.Q.ListPaperIDs(ctx, dbgen.ListPaperIDsParams{Limit: limit, Offset: int64(max(opt.Offset, 0))})
		return ids, explain(err)
	}
	hits, err := r.rank(ctx, match, opt)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// rank picks and orders the hits. sqlc compiles static statements, so each
// order (relevance, year, newest) and each plan (FTS5 ranks, catalog ranks,
// the year index is walked, authorship is read first) is a statement of
// its own, chosen here from the query and cheap estimates; the filters are
// parameters of each.
func (s *Store) rank(ctx context.Context, text string, opt SearchOptions) (hits []Hit, err error) {
	match := MatchExpr(text, opt.Filters)
	f := opt.Filters.args()
	cond, none, err := s.authorCondition(ctx, f)
	if none || err != nil {
		return nil, err // no such author: nothing to look through
	}
	limit := int64(opt.Limit)
	if limit < 1 {
		limit = -1 // SQLite: no limit
	}
	offset := int64(max(opt.Offset, 0))
	switch {
	case match == "" && s.fewPapersOfAuthor(ctx, f):
		family, given, first, rest, _ := f.byAuthor()
		rows, err := s.Q.ListPapersOfAuthor(ctx, dbgen.ListPapersOfAuthorParams{
			ByFamily: family, ByGiven: given, ByFirst: first,
			YearFrom: rest.yearFrom, YearTo: rest.yearTo, Venue: rest.venue,
			AuthorFamily: rest.authorFamily, AuthorGiven: rest.authorGiven,
			FirstFamily: rest.firstFamily, FirstGiven: rest.firstGiven,
			Limit: limit, Offset: offset,
		})
		if err != nil {
			return nil, explain(err)
		}
		hits = listHits(rows)
	case match == "" && s.fewPapersOfVenue(ctx, f):
		rest := f
		rest.venue = sql.NullString{} // the IN of the statement applies it
		rows, err := s.Q.ListPapersInVenues(ctx, dbgen.ListPapersInVenuesParams{
			InVenue:  f.venue,
			YearFrom: rest.yearFrom, YearTo: rest.yearTo, Venue: rest.venue,
			AuthorFamily: rest.authorFamily, AuthorGiven: rest.authorGiven,
			FirstFamily: rest.firstFamily, FirstGiven: rest.firstGiven,
			Limit: limit, Offset: offset,
		})
		if err != nil {
			return nil, explain(err)
		}
		hits = listHits(rows)
	case match == "" && (f.yearFrom.Valid || f.yearTo.Valid):
		lo, hi := yearBounds(f)
		rows, err := s.Q.ListPapersInYears(ctx, dbgen.ListPapersInYearsParams{
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			InFrom: lo, InTo: hi,
			Limit: limit, Offset: offset,
		})
		if err != nil {
			return nil, explain(err)
		}
		hits = listHits(rows)
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
		hits = listHits(rows)
	case opt.NewestFirst:
		// Unranked, like a listing, whatever the sort: by year, then most
		// recently added, papers without a year last.
		var err error
		switch mostMatch := s.mostMatch(ctx, text, opt.Filters); {
		case mostMatch && (f.yearFrom.Valid || f.yearTo.Valid):
			lo, hi := yearBounds(f)
			var rows []dbgen.ListMatchingInYearsRow
			rows, err = s.Q.ListMatchingInYears(ctx, dbgen.ListMatchingInYearsParams{
				Match:    match,
				YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
				AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
				FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
				InFrom: lo, InTo: hi,
				Limit: limit, Offset: offset,
			})
			hits = listHits(rows)
		case mostMatch:
			var rows []dbgen.ListMatchingByYearRow
			rows, err = s.Q.ListMatchingByYear(ctx, dbgen.ListMatchingByYearParams{
				Match:    match,
				YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
				AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
				FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
				Limit: limit, Offset: offset,
			})
			hits = listHits(rows)
		default:
			var rows []dbgen.SearchPapersNewestByYearRow
			rows, err = s.Q.SearchPapersNewestByYear(ctx, dbgen.SearchPapersNewestByYearParams{
				Match:    match,
				YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
				AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
				FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
				Limit: limit, Offset: offset,
			})
			hits = listHits(rows)
		}
		if err != nil {
			return nil, searchError(err)
		}
	case opt.Sort == ByYear:
		if phrases, ok := queryPhrases(text, opt.Filters); ok && s.RankWindow > 0 {
			// An author or venue filter leaves few papers, all ranked
			// (rankByYear); many matches are ranked a year at a time.
			narrow := f.authorFamily.Valid || f.firstFamily.Valid || f.venue.Valid
			if narrow {
				hits, ok, err := s.rankByYear(ctx, match, cond, phrases, f, opt, offset, limit)
				if ok || err != nil {
					return hits, err
				}
			}
			if !hasPrefix(phrases) && limit > 0 {
				// Many matches: a year at a time. (A prefix would have
				// FTS5 merge its terms for each year.)
				window := int64(s.RankWindow)
				docs, err := s.phraseDocs(ctx, phrases, window)
				if err != nil {
					return nil, err
				}
				if !slices.Contains(docs.few, true) && slices.Min(docs.docs) >= maxByYear {
					hits, ok, err := s.rankEachYear(ctx, match, cond, phrases, docs, f, opt, window, offset, limit)
					if ok || err != nil {
						return hits, err
					}
				}
			}
			if !narrow && f != (filterArgs{}) {
				hits, ok, err := s.rankByYear(ctx, match, cond, phrases, f, opt, offset, limit)
				if ok || err != nil {
					return hits, err
				}
			}
		}
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
		// RankWindow matches, rank the RankWindow newest of them. When
		// FTS5's bm25 would spend long counting documents, catalog ranks
		// them itself (rankNewest).
		window := int64(s.RankWindow)
		if window > 0 && limit > 0 && offset+limit <= window/2 {
			if phrases, ok := rankedPhrases(text, opt.Filters); ok {
				// FTS5 syntax catalog ranks too (NOT, AND, column
				// filters): FTS5's bm25 would count the documents of
				// every phrase, those after NOT too ("learning NOT the"
				// read every paper with "the").
				hits, err := s.rankExpr(ctx, match, cond, phrases, f, opt, window, offset, limit)
				return hits, err
			}
			if phrases, ok := queryPhrases(text, opt.Filters); ok {
				if hasPrefix(phrases) {
					// Read the newest papers, if the prefix is common
					// enough, rather than have FTS5 merge its terms; not
					// with a common author, whose papers cost a set of
					// thousands before the first is read.
					author := f.authorFamily.Valid || f.firstFamily.Valid
					if !author || s.fewPapersOfAuthor(ctx, f) {
						hits, ok, err := s.scanNewest(ctx, phrases, f, opt, window, offset, limit)
						if ok || err != nil {
							return hits, err
						}
					}
					hits, err = s.rankFew(ctx, match, cond, phrases, f, opt, window, offset, limit)
					return hits, err
				}
				if len(phrases) == 1 && len(phrases[0].Terms) > 1 && f == (filterArgs{}) {
					// A phrase of several words: FTS5 counts its documents
					// by reading each word's doclist, positions and all.
					words, err := s.wordDocs(ctx, phrases[0], window)
					if err != nil {
						return nil, err
					}
					if words >= s.rankInGoFrom {
						hits, err := s.rankFew(ctx, match, cond, phrases, f, opt, window, offset, limit)
						return hits, err
					}
				}
				docs, err := s.phraseDocs(ctx, phrases, window)
				if err != nil {
					return nil, err
				}
				if f != (filterArgs{}) || docs.total() >= s.rankInGoFrom {
					// A filtered search is ranked here too: rankNewest
					// walks the newest matches until the window holds
					// enough that pass, where FTS5's ranking would fall
					// back to scoring every match. An author filter also
					// narrows the walk by the condition it implies, which
					// does not change the scores.
					hits, err := s.rankNewest(ctx, match, cond, phrases, docs, f, opt, window, offset, limit)
					return hits, err
				}
				if len(phrases) == 1 && phrases[0].Column < 0 {
					// The query is that phrase: its window is known.
					arg.MinRowid = docs.kth[0]
					window = 0
				}
			}
		}
		if window > 0 && limit > 0 && offset+limit <= window/2 {
			// FTS5 ranks, over the window; if the window holds too few
			// hits once filters apply, over every match.
			min, err := s.Q.NthNewestMatch(ctx, dbgen.NthNewestMatchParams{Match: match, N: window - 1})
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
			hits = append(hits, Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String, Snippet: r.Snippet, Score: r.Score,
				Authors: splitAuthors(r.Authors, r.AuthorCount)})
		}
	}
	return hits, nil
}

// listRow is the row of the listings (ListPapers, ListPapersInYears,
// ListPapersInVenues, ListPapersOfAuthor, ListMatchingByYear,
// ListMatchingInYears, SearchPapersNewestByYear): sqlc gives each its own
// type, of this shape.
type listRow interface {
	~struct {
		ID    int64
		Year  sql.NullInt64
		Title string
		Venue sql.NullString
		Doi   sql.NullString
	}
}

// listHits are a listing's rows as hits (nil for none).
func listHits[R listRow](rows []R) []Hit {
	var hits []Hit
	for _, row := range rows {
		r := dbgen.ListPapersRow(row)
		hits = append(hits, Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String})
	}
	return hits
}

// fewPapersOfAuthor reports whether a listing's author filter selects
// few enough papers that finding them through authorship and sorting them
// (ListPapersOfAuthor) beats walking every paper in year order until a
// page of them turns up (ListPapers), which a common name does at once.
func (s *Store) fewPapersOfAuthor(ctx context.Context, f filterArgs) bool {
	family, given := f.authorFamily, f.authorGiven
	if !family.Valid {
		family, given = f.firstFamily, f.firstGiven
	}
	if !family.Valid {
		return false
	}
	// Walking costs about 8 µs a paper (the EXISTS of the author filter)
	// for 20/share papers; reading and sorting the author's P papers
	// about 3 µs each: they break even where P is the square root of 53
	// times the papers (3,500 for the corpora, 7,300 for a million).
	maxID, err := s.Q.MaxPaperID(ctx)
	if err != nil {
		return false
	}
	few := max(2000, int64(math.Sqrt(53*float64(maxID))))
	n, err := s.Q.CountAuthorPapers(ctx, dbgen.CountAuthorPapersParams{Family: family.String, Given: given, Upto: few + 1})
	return err == nil && n <= few
}

// defaultVenueListAtMost is the most papers fewPapersOfVenue lets a
// listing read and sort (Store's venueListAtMost): about 0.7 µs each,
// 13 ms at most. "association for computational", 12,900 papers in the
// corpora: 30 -> 8.6 ms. A venue with more papers is a large share of
// the catalog, whose page the walk finds soon; counting to the bound
// costs about 2 ms.
const defaultVenueListAtMost = 20_000

// fewPapersOfVenue reports whether the venues a venue filter means have
// few enough papers that a listing reads them all, by the papers_venue
// index, and sorts them, rather than walk the papers newest first and
// look each one's venue up: a venue's papers are seldom spread evenly
// over the years, and the walk may pass tens of thousands before the
// first (the newest 80,000 papers of the corpora are not from venues
// with "association for computational").
func (s *Store) fewPapersOfVenue(ctx context.Context, f filterArgs) bool {
	if !f.venue.Valid {
		return false
	}
	n, err := s.Q.CountVenuePapers(ctx, dbgen.CountVenuePapersParams{Venue: f.venue, Upto: s.venueListAtMost + 1})
	return err == nil && n <= s.venueListAtMost
}

// mostMatch reports whether each phrase of a query matches at least a
// tenth of the papers (by phraseDocs' estimate): then walking papers in
// year order and asking FTS5 about each (ListMatchingByYear) finds a page
// in a few hundred questions at most.
func (s *Store) mostMatch(ctx context.Context, text string, f Filters) bool {
	phrases, ok := queryPhrases(text, f)
	if !ok {
		return false
	}
	const k = 1000
	docs, err := s.phraseDocs(ctx, phrases, k)
	if err != nil || docs.nrow == 0 {
		return false
	}
	if err := s.countFew(ctx, phrases, &docs); err != nil {
		return false
	}
	for _, d := range docs.docs {
		if d < float64(docs.nrow)/10 {
			return false
		}
	}
	return true
}

// DefaultRankWindow is how many of the newest matches a search ranks when a
// query matches more papers than that (Store.RankWindow). Ranking costs
// about 4 µs a match (reading its row, scoring its text): 200 keeps a
// search for common words near 1.5 ms on the benchmark's machine, where 500
// took 3.5 and 250 1.8 (the query set's p50: 1.59 against 1.81 ms,
// interleaved; bench/RESULTS.md); catalog query --rank widens it.
const DefaultRankWindow = 200

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
