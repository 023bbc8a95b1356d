package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/catalog-dev/catalog/internal/dbgen"
	"github.com/catalog-dev/catalog/internal/ftsquery"
)

// ftsColumns and ftsWeights are papers_fts's columns, in order, and the
// bm25 weights the migration stores as its rank (title 10, abstract 1,
// authors 4). TestRankNewestAgreesWithFTS5 checks that catalog's own
// ranking and FTS5's agree.
var (
	ftsColumns = []string{"title", "abstract", "authors"}
	ftsWeights = []float64{10, 1, 4}
)

// queryPhrases reads a search as the phrases it ranks by: those of the
// match expression and those of the title filter (which count in the title
// only). ok is false when the expression is more than phrases (OR, NOT,
// NEAR, column filters): FTS5 ranks those itself.
func queryPhrases(match string, f Filters) (phrases []ftsquery.Phrase, ok bool) {
	if match != "" {
		if phrases, ok = ftsquery.ParseSimple(match); !ok {
			return nil, false
		}
	}
	title, ok := titlePhrases(f)
	if !ok {
		return nil, false
	}
	phrases = append(phrases, title...)
	return phrases, len(phrases) > 0
}

// titlePhrases are the title filter's phrases, each counting in the
// title only; ok is false when the filter is more than phrases.
func titlePhrases(f Filters) (phrases []ftsquery.Phrase, ok bool) {
	title := ftsquery.Plain(f.Title)
	if title == "" {
		return nil, true
	}
	if phrases, ok = ftsquery.ParseSimple(title); !ok {
		return nil, false
	}
	for i := range phrases {
		phrases[i].Column = 0
	}
	return phrases, true
}

// rankedPhrases reads a search written in FTS5 syntax that catalog ranks
// itself although queryPhrases does not read it: phrases joined by AND,
// with NOT and column filters (ftsquery.ParseRanked), and the title
// filter's phrases. ok is false for anything queryPhrases reads, and for
// what neither reads.
func rankedPhrases(match string, f Filters) (phrases []ftsquery.Phrase, ok bool) {
	if match == "" {
		return nil, false
	}
	if _, simple := ftsquery.ParseSimple(match); simple {
		return nil, false
	}
	if phrases, ok = ftsquery.ParseRanked(match, ftsColumns); !ok {
		return nil, false
	}
	title, ok := titlePhrases(f)
	if !ok {
		return nil, false
	}
	return append(phrases, title...), true
}

// withCondition is match narrowed by cond, the FTS5 condition the author
// filters imply (authorCondition; "" for none).
func withCondition(match, cond string) string {
	if cond == "" {
		return match
	}
	return "(" + match + ") AND " + cond
}

// rankExpr ranks a search as rankNewest does, the phrases' document
// counts from phraseDocs, or for prefixes (which FTS5 would merge for each
// statement that names them) from the newest papers (scanDocs): a search
// of rankedPhrases, and rankFew's of several phrases or with filters.
// match is the whole expression: FTS5 decides what matches, catalog_bm25
// scores the phrases.
func (s *Store) rankExpr(ctx context.Context, match, cond string, phrases []ftsquery.Phrase, f filterArgs, opt SearchOptions, window, offset, limit int64) ([]Hit, error) {
	var docs docCounts
	var err error
	if hasPrefix(phrases) {
		nrow, avgLen, err := s.ftsSize(ctx)
		if err != nil {
			return nil, err
		}
		found, read, err := s.newestShare(ctx, phrases)
		if err != nil {
			return nil, err
		}
		docs, err = s.scanDocs(ctx, phrases, found, read, nrow, avgLen)
		if err != nil {
			return nil, err
		}
	} else if docs, err = s.phraseDocs(ctx, phrases, window); err != nil {
		return nil, err
	}
	return s.rankNewest(ctx, match, cond, phrases, docs, f, opt, window, offset, limit)
}

// defaultRankInGoFrom is the number of documents, summed over a query's phrases,
// from which catalog ranks a search itself rather than through FTS5's
// bm25. bm25 reads every document of every phrase to count them (in this
// build 60-100 ns a document); rankNewest has SQLite rank the window's
// candidates with catalog_bm25 instead (RankMatches: about 1 ms for 250
// common words' matches). Measured with bench/querybench against 10,000:
// "word embeddings" 3.0 -> 2.5 ms, "attention" 2.2 -> 2.0 ms, the whole
// set alike (1,000 no better). Both give the same order when the counts
// are exact (TestRankNewestAgreesWithFTS5).
const defaultRankInGoFrom = 3_000

// docCounts are a query's phrases' document counts (phraseDocs), and the
// index's size.
type docCounts struct {
	docs   []float64 // per phrase: estimated, or (few) at most k
	few    []bool    // fewer than k: docs is k, an upper bound, until counted
	kth    []int64   // the rowid of the k-th newest match; 0 when few
	nrow   int64     // rows in papers_fts
	avgLen float64   // tokens in a row, on average
}

func (c docCounts) total() float64 {
	t := 0.0
	for _, d := range c.docs {
		t += d
	}
	return t
}

// phraseDocs finds how many papers each phrase matches, cheaply: a phrase
// with fewer than k matches is marked few (rankNewest counts those); for
// one with more, the count is estimated from the rowid of its k-th newest
// match, r, as k matches in the newest maxID-r+1 rowids. Rowids grow with
// each import, so this is the phrase's share of what was imported last; a
// phrase much more (or less) common there than in the rest of the catalog
// is misjudged by as much, and its weight, the log of the inverse, by much
// less.
func (s *Store) phraseDocs(ctx context.Context, phrases []ftsquery.Phrase, k int64) (docCounts, error) {
	c := docCounts{docs: make([]float64, len(phrases)), few: make([]bool, len(phrases)), kth: make([]int64, len(phrases))}
	var err error
	if c.nrow, c.avgLen, err = s.ftsSize(ctx); err != nil || c.nrow == 0 {
		return c, err // an empty index: nothing matches
	}
	var maxID int64
	for i, p := range phrases {
		r, err := s.Q.NthNewestMatch(ctx, dbgen.NthNewestMatchParams{Match: p.String(ftsColumns), N: k - 1})
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c.docs[i], c.few[i] = float64(k), true
			continue
		case err != nil:
			return c, searchError(err)
		}
		if maxID == 0 {
			if maxID, err = s.Q.MaxPaperID(ctx); err != nil {
				return c, explain(err)
			}
		}
		c.docs[i] = estimate(k, r, maxID, c.nrow)
		c.kth[i] = r
	}
	return c, nil
}

// estimate is phraseDocs' estimate of the documents of a phrase whose
// k-th newest match is rowid r, of maxID rowids and nrow rows.
func estimate(k, r, maxID, nrow int64) float64 {
	docs := float64(k) * float64(maxID) / float64(maxID-r+1)
	return min(max(docs, float64(k)), float64(nrow))
}

// wordDocs is the sum of the document counts (phraseDocs' estimates) of a
// phrase's words: what FTS5 reads to count the phrase's documents.
func (s *Store) wordDocs(ctx context.Context, p ftsquery.Phrase, k int64) (float64, error) {
	words := make([]ftsquery.Phrase, len(p.Terms))
	for i, t := range p.Terms {
		words[i] = ftsquery.Phrase{Terms: []string{t}, Column: p.Column}
	}
	docs, err := s.phraseDocs(ctx, words, k)
	return docs.total(), err
}

// ftsSize is the number of rows in papers_fts and their average length
// in tokens, from FTS5's averages record, as bm25 reads them.
func (s *Store) ftsSize(ctx context.Context) (nrow int64, avgLen float64, err error) {
	block, err := s.Q.FTSAverages(ctx)
	if errors.Is(err, sql.ErrNoRows) || err == nil && len(block) == 0 {
		// An index that has never held a row: FTS5 creates the averages
		// record empty and writes its first values with the first row.
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, explain(err)
	}
	nrow, tokens, ok := ftsquery.Averages(block)
	if !ok || len(tokens) != len(ftsColumns) {
		return 0, 0, errors.New("papers_fts: unreadable averages record; run catalog doctor")
	}
	var total int64
	for _, n := range tokens {
		total += n
	}
	if nrow > 0 {
		avgLen = float64(total) / float64(nrow)
	}
	return nrow, avgLen, nil
}

// rankNewest ranks the window newest matches that pass the filters, with
// bm25 computed here (ftsquery.Scorer) rather than by FTS5, and returns
// the page [offset, offset+limit) of them, best first, with their
// snippets.
//
// FTS5's bm25 needs each phrase's document count, and gets it by reading
// the phrase's whole doclist on every query: for a word in a third of the
// catalog that is two thirds of the query's time. Here the counts are
// docs (phraseDocs: counted when small, else estimated). Within that
// estimate the scores are FTS5's: the same formula, weights and length
// normalization, from the same tokens.
func (s *Store) rankNewest(ctx context.Context, match, cond string, phrases []ftsquery.Phrase, docs docCounts, f filterArgs, opt SearchOptions, window, offset, limit int64) ([]Hit, error) {
	match = withCondition(match, cond)
	if err := s.countFew(ctx, phrases, &docs); err != nil {
		return nil, err
	}
	cands, _, err := s.rankWindow(ctx, match, ftsquery.NewScorer(phrases, ftsWeights, idfs(docs), docs.avgLen), f, window, offset, limit)
	if err != nil {
		return nil, err
	}
	return withSnippets(cands, phrases, opt), nil
}

// rankWindow has SQLite rank the window newest matches of match (the
// author condition in it) that pass the filters, by sc's bm25
// (RankMatches; RankMatchesFiltered with filters, RankMatchesInYears for a
// year filter few papers pass), and returns the page [offset,
// offset+limit) of them, best first, with their text; and what
// catalog_bm25 saw of the window: its rows, and the oldest.
func (s *Store) rankWindow(ctx context.Context, match string, sc *ftsquery.Scorer, f filterArgs, window, offset, limit int64) ([]rankee, scoring, error) {
	key, seen, release := registerScorer(sc)
	defer release()
	var cands []rankee
	var err error
	switch lo, hi, few := s.fewInYears(ctx, f); {
	case few:
		var rows []dbgen.RankMatchesInYearsRow
		rows, err = s.Q.RankMatchesInYears(ctx, dbgen.RankMatchesInYearsParams{
			Scorer: key, Match: match,
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			InFrom: lo, InTo: hi,
			Window: window, Offset: offset, Limit: limit,
		})
		cands = rankees(rows)
	case f != (filterArgs{}):
		var rows []dbgen.RankMatchesFilteredRow
		rows, err = s.Q.RankMatchesFiltered(ctx, dbgen.RankMatchesFilteredParams{
			Scorer: key, Match: match,
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			Window: window, Offset: offset, Limit: limit,
		})
		cands = rankees(rows)
	default:
		var rows []dbgen.RankMatchesRow
		rows, err = s.Q.RankMatches(ctx, dbgen.RankMatchesParams{
			Scorer: key, Match: match,
			YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
			AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
			FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
			Window: window, Offset: offset, Limit: limit,
		})
		cands = rankees(rows)
	}
	if err != nil {
		return nil, scoring{}, searchError(err)
	}
	return cands, *seen, nil
}

// rankRow is the row of the statements that rank a window
// (RankMatches, RankMatchesFiltered, RankMatchesInYears): sqlc gives each
// its own type, of this shape.
type rankRow interface {
	~struct {
		ID          int64
		Year        sql.NullInt64
		Title       string
		Venue       sql.NullString
		Doi         sql.NullString
		Abstract    sql.NullString
		Authors     string
		Score       float64
		AuthorCount int64
	}
}

// rankees makes candidates of a ranked window's page, each with its text
// and, when the authors text splits into them, its authors.
func rankees[R rankRow](rows []R) []rankee {
	cands := make([]rankee, len(rows))
	for i, row := range rows {
		r := dbgen.RankMatchesRow(row)
		cands[i] = rankee{
			Hit:  Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String, Score: r.Score},
			text: [3]string{r.Title, r.Abstract.String, r.Authors},
		}
		cands[i].Authors = splitAuthors(r.Authors, r.AuthorCount)
	}
	return cands
}

// rankFew ranks as rankNewest does, in as few statements as it can: the
// window ranked by SQLite with catalog_bm25 (rankWindow), then snippets
// made here. A query of one phrase and no filters gets its document count
// from the window itself (what catalog_bm25 saw): how far back its oldest
// match lies, or how many there are when they are fewer than the window.
// Search takes it for
//   - a query with a prefix that scanNewest left to FTS5, because FTS5
//     merges the prefix's doclists again for each statement that names it;
//   - a phrase of several words alone, because FTS5 counts its documents by
//     intersecting the words' doclists, positions included: "the model" 38
//     -> 8 ms, where counting reads every paper with "the".
func (s *Store) rankFew(ctx context.Context, match, cond string, phrases []ftsquery.Phrase, f filterArgs, opt SearchOptions, window, offset, limit int64) ([]Hit, error) {
	if hasPrefix(phrases) {
		expanded, none, err := s.expandPrefixes(ctx, phrases)
		switch {
		case err != nil:
			return nil, err
		case none:
			return nil, nil // a prefix of no word in the index
		case expanded != "":
			match = expanded
		}
	}
	if len(phrases) > 1 || f != (filterArgs{}) {
		return s.rankExpr(ctx, match, cond, phrases, f, opt, window, offset, limit)
	}
	match = withCondition(match, cond)
	nrow, avgLen, err := s.ftsSize(ctx)
	if err != nil {
		return nil, err
	}
	// One phrase: its weight scales every score alike, so the window is
	// ranked with weight 1, and the weight found from the window itself:
	// its size, when the phrase has fewer matches, else how far back its
	// oldest lies.
	cands, seen, err := s.rankWindow(ctx, match, ftsquery.NewScorer(phrases, ftsWeights, []float64{1}, avgLen), f, window, offset, limit)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	docs := float64(seen.n)
	if seen.n == window {
		maxID, err := s.Q.MaxPaperID(ctx)
		if err != nil {
			return nil, explain(err)
		}
		docs = estimate(window, seen.oldest, maxID, nrow)
	}
	idf := ftsquery.IDF(float64(nrow), docs)
	for i := range cands {
		cands[i].Score *= idf
	}
	return withSnippets(cands, phrases, opt), nil
}

// splitAuthors is a paper's authors, in order, from its authors text (the
// stored names joined by "; ", as the import writes it), when that text
// splits into n names, n being the paper's authorship rows; nil when it
// does not (a name with "; " in it, or a text edited by hand), and Search
// reads them from authorship.
func splitAuthors(text string, n int64) []string {
	if n == 0 {
		if text == "" {
			return []string{}
		}
		return nil
	}
	names := strings.Split(text, "; ")
	if int64(len(names)) != n || slices.Contains(names, "") {
		return nil
	}
	return names
}

// maxPrefixTerms bounds the words expandPrefixes writes a prefix as; a
// prefix of more is left to FTS5's merge.
const maxPrefixTerms = 1000

// expandPrefixes is the FTS5 expression of a query of phrases (all must
// match) with each one-word prefix written as the words of the index it
// starts, joined by OR (PrefixTerms): "graph"* as ("graph" OR "graphs" OR
// ...). The two match the same papers, and catalog_bm25 scores the
// phrases themselves. FTS5 answers a prefix by merging the lists of all
// its words, positions included, before it returns a row (graph* 15 ms on
// the corpora, whatever else the query asks); it walks an OR of words
// newest first, as far as the window goes. expr is "" when a prefix is of
// several words or more than maxPrefixTerms (the query stays as it is);
// none reports a prefix that starts no word, which nothing matches.
func (s *Store) expandPrefixes(ctx context.Context, phrases []ftsquery.Phrase) (expr string, none bool, err error) {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		if !p.Prefix {
			parts[i] = p.String(ftsColumns)
			continue
		}
		if len(p.Terms) > 1 {
			return "", false, nil
		}
		terms, err := s.Q.PrefixTerms(ctx, dbgen.PrefixTermsParams{
			FromTerm: p.Terms[0], ToTerm: p.Terms[0] + string(utf8.MaxRune), Limit: maxPrefixTerms + 1,
		})
		if err != nil {
			return "", false, explain(err)
		}
		if len(terms) == 0 {
			return "", true, nil
		}
		if len(terms) > maxPrefixTerms {
			return "", false, nil
		}
		for j, t := range terms {
			terms[j] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		}
		parts[i] = "(" + strings.Join(terms, " OR ") + ")"
		if p.Column >= 0 {
			parts[i] = ftsColumns[p.Column] + " : " + parts[i]
		}
	}
	return strings.Join(parts, " AND "), false, nil
}

// sortByScore orders candidates best first, ties in rowid order, as
// FTS5's ORDER BY rank leaves them.
func sortByScore(cands []rankee) {
	slices.SortFunc(cands, func(a, b rankee) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.ID, b.ID))
	})
}

// maxByYear is how many matches rankByYear ranks at most.
const maxByYear = 2000

// rankByYear ranks a filtered search sorted by year: every match that
// passes the filters, newest year first, then by bm25 computed here. It
// reads the candidates as rankNewest does (with the author condition), and
// gives up (ok false) when more than maxByYear pass, leaving the search to
// FTS5, which then scores every match of the text, filtered or not.
func (s *Store) rankByYear(ctx context.Context, match, cond string, phrases []ftsquery.Phrase, f filterArgs, opt SearchOptions, offset, limit int64) (hits []Hit, ok bool, err error) {
	rows, err := s.candidates(ctx, match, cond, f, maxByYear+1)
	if err != nil || len(rows) > maxByYear {
		return nil, false, err
	}
	if len(rows) == 0 {
		return nil, true, nil
	}
	docs, err := s.phraseDocs(ctx, phrases, int64(max(s.RankWindow, 1)))
	if err != nil {
		return nil, false, err
	}
	cands, err := s.score(ctx, rows, phrases, docs)
	if err != nil {
		return nil, false, err
	}
	// Newest year first, papers without one last; then by score, ties in
	// rowid order.
	slices.SortFunc(cands, func(a, b rankee) int {
		return cmp.Or(-cmp.Compare(a.Year, b.Year), cmp.Compare(a.Score, b.Score), cmp.Compare(a.ID, b.ID))
	})
	return withSnippets(page(cands, offset, limit), phrases, opt), true, nil
}

// candidates are the at most limit newest matches that pass the filters,
// with their text; cond, the FTS5 condition the author filters imply
// (authorCondition), narrows the walk when it is not "".
func (s *Store) candidates(ctx context.Context, match, cond string, f filterArgs, limit int64) ([]dbgen.SearchCandidatesRow, error) {
	match = withCondition(match, cond)
	if lo, hi, ok := s.fewInYears(ctx, f); ok {
		return s.candidatesInYears(ctx, match, f, lo, hi, limit)
	}
	rows, err := s.Q.SearchCandidates(ctx, dbgen.SearchCandidatesParams{
		Match:    match,
		YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
		AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
		FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
		Limit: limit,
	})
	return rows, searchError(err)
}

// candidatesInYears are candidates' rows for a match (the author
// condition already in it) among the papers with a year in [lo, hi]
// (SearchCandidatesInYears), which pass the filters too.
func (s *Store) candidatesInYears(ctx context.Context, match string, f filterArgs, lo, hi sql.NullInt64, limit int64) ([]dbgen.SearchCandidatesRow, error) {
	rows, err := s.Q.SearchCandidatesInYears(ctx, dbgen.SearchCandidatesInYearsParams{
		Match:    match,
		YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
		AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
		FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
		InFrom: lo, InTo: hi,
		Limit: limit,
	})
	return asCandidates(rows), searchError(err)
}

// maxYearsWalked bounds the years rankEachYear walks for one page.
const maxYearsWalked = 12

// rankEachYear ranks a search sorted by year that matches many papers one
// year at a time, newest first: for each year, the window newest matches
// in it (candidatesInYears: the year's papers as a set, against which the
// matches are tested without reading their rows), scored here, until the
// page is full. Sorting every match by year, as SearchPapersByYear does,
// reads the row of each match for its year and ranks them all: neural
// sort:year read 35,000 rows. Within a year with more matches than the
// window, only the newest window of them are ranked, as a search by
// relevance ranks only the newest window overall. ok is false when the
// years run out (papers without a year come last) or past maxYearsWalked:
// the search is then SearchPapersByYear's. docs are the phrases' counts.
func (s *Store) rankEachYear(ctx context.Context, match, cond string, phrases []ftsquery.Phrase, docs docCounts, f filterArgs, opt SearchOptions, window, offset, limit int64) (hits []Hit, ok bool, err error) {
	match = withCondition(match, cond)
	lo, hi := yearBounds(f)
	var ranked []rankee
	year := hi
	for walked := 0; int64(len(ranked)) < offset+limit; walked++ {
		if walked == maxYearsWalked {
			return nil, false, nil
		}
		y, err := s.Q.YearAtMost(ctx, year)
		if errors.Is(err, sql.ErrNoRows) || err == nil && y.Int64 < lo.Int64 {
			return nil, false, nil // the years ran out
		}
		if err != nil {
			return nil, false, explain(err)
		}
		rows, err := s.candidatesInYears(ctx, match, f, y, y, window)
		if err != nil {
			return nil, false, err
		}
		cands, err := s.score(ctx, rows, phrases, docs)
		if err != nil {
			return nil, false, err
		}
		sortByScore(cands)
		ranked = append(ranked, cands...)
		year = sql.NullInt64{Int64: y.Int64 - 1, Valid: true}
	}
	return withSnippets(page(ranked, offset, limit), phrases, opt), true, nil
}

// defaultYearSetAtMost is the least number of papers a year filter may
// pass for the matches to be tested against the set of their ids
// (RankMatchesInYears, SearchCandidatesInYears) rather than each match's
// year read. Building the set costs about 0.5 µs a paper, reading a year
// about 3 µs a match walked, and the walk passes 250 matches (the window)
// for each share of the catalog the years hold: they break even near the
// square root of 1,500 times the papers, 18,500 for the corpora and 39,000
// for a million, the bound fewInYears uses when it is higher (graph*
// year:2016-2018, 24,000 papers: 17.7 -> 15 ms with the walk). 0 (the
// tests) never takes the set.
const defaultYearSetAtMost = 10_000

// fewInYears reports whether a year filter is on and few enough papers
// pass it (see defaultYearSetAtMost); lo and hi are its bounds, closed.
func (s *Store) fewInYears(ctx context.Context, f filterArgs) (lo, hi sql.NullInt64, ok bool) {
	if !f.yearFrom.Valid && !f.yearTo.Valid || s.yearSetAtMost == 0 {
		return lo, hi, false
	}
	maxID, err := s.Q.MaxPaperID(ctx)
	if err != nil {
		return lo, hi, false
	}
	return s.yearsHoldAtMost(ctx, f, max(s.yearSetAtMost, int64(math.Sqrt(1500*float64(maxID)))))
}

// yearsHoldAtMost reports whether a year filter is on and at most atMost
// papers pass it; lo and hi are its bounds, closed.
func (s *Store) yearsHoldAtMost(ctx context.Context, f filterArgs, atMost int64) (lo, hi sql.NullInt64, ok bool) {
	if !f.yearFrom.Valid && !f.yearTo.Valid {
		return lo, hi, false
	}
	lo, hi = yearBounds(f)
	n, err := s.Q.CountPapersInYears(ctx, dbgen.CountPapersInYearsParams{FromYear: lo, ToYear: hi, Upto: atMost + 1})
	return lo, hi, err == nil && n <= atMost
}

// yearBounds are a year filter's bounds as a closed range, an open end
// made the widest year.
func yearBounds(f filterArgs) (lo, hi sql.NullInt64) {
	lo, hi = f.yearFrom, f.yearTo
	if !lo.Valid {
		lo = sql.NullInt64{Int64: math.MinInt32, Valid: true}
	}
	if !hi.Valid {
		hi = sql.NullInt64{Int64: math.MaxInt32, Valid: true}
	}
	return lo, hi
}

// rankee is a paper that catalog ranks itself: its hit, and the text of
// its indexed columns, from which its snippet is made if it makes the
// page.
type rankee struct {
	Hit
	text [3]string // title, abstract, authors: ftsColumns' order
}

func newRankee(r dbgen.SearchCandidatesRow) rankee {
	return rankee{
		Hit:  Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String},
		text: [3]string{r.Title, r.Abstract.String, r.Authors},
	}
}

// score makes candidates of the rows, each with its bm25 for the phrases,
// whose document counts are docs (the few ones counted now).
func (s *Store) score(ctx context.Context, rows []dbgen.SearchCandidatesRow, phrases []ftsquery.Phrase, docs docCounts) ([]rankee, error) {
	if err := s.countFew(ctx, phrases, &docs); err != nil {
		return nil, err
	}
	idf := idfs(docs)
	cands := make([]rankee, len(rows))
	scoreRange := func(lo, hi int) {
		sc := ftsquery.NewScorer(phrases, ftsWeights, idf, docs.avgLen)
		for i := lo; i < hi; i++ {
			cands[i] = newRankee(rows[i])
			cands[i].Score = sc.Score(cands[i].text[:]...)
		}
	}
	if len(rows) < scoreInTwoFrom {
		scoreRange(0, len(rows))
		return cands, nil
	}
	// Scoring is half of ranking 500 candidates (reading them the other):
	// the second core takes half of the rows.
	var wg sync.WaitGroup
	half := len(rows) / 2
	wg.Go(func() { scoreRange(half, len(rows)) })
	scoreRange(0, half)
	wg.Wait()
	return cands, nil
}

// scoreInTwoFrom is how many candidates are scored on two goroutines;
// fewer take less time than starting one (a few microseconds).
const scoreInTwoFrom = 64

// idfs are the phrases' inverse document frequencies.
func idfs(docs docCounts) []float64 {
	idf := make([]float64, len(docs.docs))
	for i, d := range docs.docs {
		idf[i] = ftsquery.IDF(float64(docs.nrow), d)
	}
	return idf
}

// snippetTokens is the length of a snippet in tokens: the last argument
// of every snippet() call in search.sql.
const snippetTokens = 24

// snippetColumn is the column snippets come from, the second argument of
// every snippet() call in search.sql: the abstract. The title and the
// authors are on a hit's own lines; a hit that matches only there shows
// its abstract's opening rather than the same text again.
const snippetColumn = 1

// withSnippets makes hits of a page of candidates, each with its snippet,
// as FTS5's snippet() would make it (ftsquery.Snippet; checked against it
// by TestRankNewestAgreesWithFTS5).
func withSnippets(cands []rankee, phrases []ftsquery.Phrase, opt SearchOptions) []Hit {
	hits := make([]Hit, len(cands))
	for i, c := range cands {
		hits[i] = c.Hit
		hits[i].Snippet = ftsquery.SnippetColumn(phrases, c.text[:], snippetColumn, opt.MarkOpen, opt.MarkClose, opt.Ellipsis, snippetTokens)
	}
	return hits
}

// countFew replaces the upper bound phraseDocs leaves for a phrase with few
// matches by its count. docs is phraseDocs' result, and is changed.
func (s *Store) countFew(ctx context.Context, phrases []ftsquery.Phrase, docs *docCounts) error {
	for i, p := range phrases {
		if !docs.few[i] {
			continue
		}
		n, err := s.Q.CountMatches(ctx, p.String(ftsColumns))
		if err != nil {
			return searchError(err)
		}
		docs.docs[i], docs.few[i] = float64(n), false
	}
	return nil
}

// page is cands[offset:offset+limit], as far as there are any.
func page(cands []rankee, offset, limit int64) []rankee {
	if offset >= int64(len(cands)) {
		return nil
	}
	return cands[offset:min(offset+limit, int64(len(cands)))]
}

// maxFamilyNames bounds the spellings authorCondition writes out.
const maxFamilyNames = 16

// authorCondition is an FTS5 condition on the authors column that the
// author filters imply: every paper an author filter keeps has the
// family name, as the authors table writes it, in its authors text
// ("Family, Given; ..."). FTS5 tests it in its doclists, so a search for a
// common word by a rare author reads that author's few papers, not every
// paper with the word; the filter itself still decides. The names come
// from the authors table, not from the folded key, because the key folds
// more than the index does ('ss' for the German sharp s). none reports a
// filter no author passes. cond is "" when there is no author filter or
// too many spellings.
func (s *Store) authorCondition(ctx context.Context, f filterArgs) (cond string, none bool, err error) {
	var conds []string
	for _, family := range []sql.NullString{f.authorFamily, f.firstFamily} {
		if !family.Valid {
			continue
		}
		names, err := s.Q.FamilyNames(ctx, dbgen.FamilyNamesParams{FamilyKey: family.String, Limit: maxFamilyNames + 1})
		if err != nil {
			return "", false, explain(err)
		}
		if len(names) == 0 {
			return "", true, nil
		}
		if len(names) > maxFamilyNames {
			continue
		}
		var alts []string
		for _, name := range names {
			tokens := ftsquery.Tokens(name)
			if len(tokens) == 0 {
				alts = nil // a name of no words: no condition to write
				break
			}
			alt := `"` + strings.Join(tokens, " ") + `"`
			if !slices.Contains(alts, alt) {
				alts = append(alts, alt)
			}
		}
		if len(alts) > 0 {
			conds = append(conds, "authors : ("+strings.Join(alts, " OR ")+")")
		}
	}
	return strings.Join(conds, " AND "), false, nil
}

// Scanning, for prefixes. FTS5 answers a prefix ("co"*) by merging the
// doclists of every term with that prefix, positions and all, before it
// returns the first row, and does so for any statement that names the
// prefix, a snippet of one row included: 130 ms for co* in the C shell,
// whatever is asked. A prefix common enough to be worth that is in many
// of the newest papers, so scanNewest reads those and matches them here
// instead.

// defaultScanAtMost is how many papers scanNewest expects to read at most
// (Store's scanAtMost; it stops at twice that): from the share of the first
// ones that match, it gives up on a query that would need more (a rarer
// prefix, which FTS5 merges sooner: rankFew). Reading and matching a
// paper costs about 9 µs; rankFew about 8 ms and 0.2 µs for each paper
// the prefix is in (measured on the corpora: conv* 15 ms, learn* 26 ms).
// They break even near a quarter of the papers, a scan of about 1,800.
const defaultScanAtMost = 1500

// scanProbe is how many papers scanNewest reads first, to judge the
// prefix by.
const scanProbe = 128

// hasPrefix reports whether any phrase ends in a prefix.
func hasPrefix(phrases []ftsquery.Phrase) bool {
	return slices.ContainsFunc(phrases, func(p ftsquery.Phrase) bool { return p.Prefix })
}

// scanNewest ranks the window newest papers that match the phrases and
// pass the filters, like rankNewest, but finds them without FTS5: it reads
// papers newest first (ScanPapers, or the author's papers through
// authorship with an author filter, ScanPapersOfAuthor) and matches each
// here (ftsquery.Scorer's counts). ok is false when, judged by the share
// of papers read so far that match, the window would not fill within
// Store.scanAtMost papers; the search is then FTS5's.
//
// The document counts: a phrase without a prefix is counted or estimated
// through FTS5 as rankNewest does (phraseDocs), which for it is cheap; one
// with a prefix is estimated from its share of the newest papers (those
// the scan read, if it read them unfiltered; else the window's worth read
// for the purpose), exact when they are all the papers there are.
func (s *Store) scanNewest(ctx context.Context, phrases []ftsquery.Phrase, f filterArgs, opt SearchOptions, window, offset, limit int64) (hits []Hit, ok bool, err error) {
	nrow, avgLen, err := s.ftsSize(ctx)
	if err != nil || nrow == 0 {
		return nil, err == nil, err
	}
	// What to walk: the author's papers, or the years' when they hold no
	// more papers than the scan may read (they are sorted by id first);
	// the whole catalog otherwise. With a venue filter that
	// walk reads the venue of row after row that fails, which costs less
	// than rankFew's reading of every match only when the prefix is in
	// most papers: judged on the newest ones.
	scan := s.scanPapers
	var share []int64 // newestShare's, when it was read
	var shareRead int64
	switch lo, hi, few := s.yearsHoldAtMost(ctx, f, 2*s.scanAtMost); {
	case f.authorFamily.Valid || f.firstFamily.Valid:
		scan = s.scanPapersOfAuthor
	case few:
		scan = func(ctx context.Context, f filterArgs, before, limit int64) ([]dbgen.SearchCandidatesRow, error) {
			return s.scanPapersInYears(ctx, f, lo, hi, before, limit)
		}
	case f.venue.Valid:
		if share, shareRead, err = s.newestShare(ctx, phrases); err != nil {
			return nil, false, err
		}
		for i, p := range phrases {
			if p.Prefix && 2*share[i] < shareRead {
				return nil, false, nil
			}
		}
	}
	ones := make([]float64, len(phrases))
	sc := ftsquery.NewScorer(phrases, ftsWeights, ones, avgLen)
	type counted struct {
		rankee
		freq   []float64
		rowLen int
	}
	var (
		cands  []counted
		found  = make([]int64, len(phrases)) // papers read that hold phrase i
		read   int64
		before int64 = math.MaxInt64
		chunk  int64 = scanProbe
	)
	for {
		rows, err := scan(ctx, f, before, chunk)
		if err != nil {
			return nil, false, err
		}
		for _, r := range rows {
			read++
			c := newRankee(r)
			freq, rowLen := sc.Counts(c.text[:]...)
			all := true
			for i, n := range freq {
				if n > 0 {
					found[i]++
				} else {
					all = false
				}
			}
			if all && int64(len(cands)) < window {
				cands = append(cands, counted{c, slices.Clone(freq), rowLen})
			}
		}
		need := window - int64(len(cands))
		if int64(len(rows)) < chunk || need <= 0 {
			break // every paper read, or the window full
		}
		before = rows[len(rows)-1].ID
		// Papers still to read, at the share that matched so far. The
		// probe decides; after it the scan goes on to twice the bound, so
		// that a share misjudged by the probe does not cost both a scan
		// and FTS5's merge.
		more := float64(need) * float64(read) / float64(max(len(cands), 1))
		bound := s.scanAtMost
		if read > scanProbe {
			bound *= 2
		}
		if len(cands) == 0 || float64(read)+more > float64(bound) {
			return nil, false, nil
		}
		chunk = max(min(int64(more*1.25)+16, bound-read), 1)
	}

	if f != (filterArgs{}) {
		// The papers read were filtered: the share is the newest papers'.
		if share == nil {
			if share, shareRead, err = s.newestShare(ctx, phrases); err != nil {
				return nil, false, err
			}
		}
		found, read = share, shareRead
	}
	docs, err := s.scanDocs(ctx, phrases, found, read, nrow, avgLen)
	if err != nil {
		return nil, false, err
	}
	sc.SetIDF(idfs(docs))
	ranked := make([]rankee, len(cands))
	for i, c := range cands {
		ranked[i] = c.rankee
		ranked[i].Score = sc.ScoreCounts(c.freq, c.rowLen)
	}
	sortByScore(ranked)
	return withSnippets(page(ranked, offset, limit), phrases, opt), true, nil
}

// scanDocs are the document counts of phrases some of which have a
// prefix (see scanNewest): a phrase without one is counted or estimated
// through FTS5 (phraseDocs, countFew); one with a prefix from its share of
// papers read, found[i] of read. nrow and avgLen are ftsSize's.
func (s *Store) scanDocs(ctx context.Context, phrases []ftsquery.Phrase, found []int64, read, nrow int64, avgLen float64) (docCounts, error) {
	docs := docCounts{docs: make([]float64, len(phrases)), few: make([]bool, len(phrases)), nrow: nrow, avgLen: avgLen}
	var plain []ftsquery.Phrase
	var at []int
	for i, p := range phrases {
		if !p.Prefix {
			plain = append(plain, p)
			at = append(at, i)
		}
	}
	if len(plain) > 0 {
		d, err := s.phraseDocs(ctx, plain, int64(max(s.RankWindow, 1)))
		if err != nil {
			return docs, err
		}
		if err := s.countFew(ctx, plain, &d); err != nil {
			return docs, err
		}
		for j, i := range at {
			docs.docs[i] = d.docs[j]
		}
	}
	for i, p := range phrases {
		if p.Prefix {
			est := float64(found[i]) * float64(nrow) / float64(max(read, 1))
			docs.docs[i] = min(max(est, float64(found[i])), float64(nrow))
		}
	}
	return docs, nil
}

// newestShare reads the window's worth of newest papers, unfiltered, and
// counts those that hold each phrase: scanDocs' estimate for a prefix,
// cheaper than FTS5's merge of its terms, and exact when those are all
// the papers there are.
func (s *Store) newestShare(ctx context.Context, phrases []ftsquery.Phrase) (found []int64, read int64, err error) {
	rows, err := s.scanPapers(ctx, filterArgs{}, math.MaxInt64, int64(max(s.RankWindow, scanProbe)))
	if err != nil {
		return nil, 0, err
	}
	found = make([]int64, len(phrases))
	sc := ftsquery.NewScorer(phrases, ftsWeights, make([]float64, len(phrases)), 1)
	for _, r := range rows {
		freq, _ := sc.Counts(r.Title, r.Abstract.String, r.Authors)
		for i, n := range freq {
			if n > 0 {
				found[i]++
			}
		}
	}
	return found, int64(len(rows)), nil
}

// candidateRow is the row of every query that reads candidates with their
// text (SearchCandidates, SearchCandidatesInYears and the Scan queries):
// sqlc gives each its own type, of this shape.
type candidateRow interface {
	~struct {
		ID       int64
		Year     sql.NullInt64
		Title    string
		Venue    sql.NullString
		Doi      sql.NullString
		Abstract sql.NullString
		Authors  string
	}
}

// asCandidates converts such rows to SearchCandidates' type.
func asCandidates[R candidateRow](rows []R) []dbgen.SearchCandidatesRow {
	out := make([]dbgen.SearchCandidatesRow, len(rows))
	for i, r := range rows {
		out[i] = dbgen.SearchCandidatesRow(r)
	}
	return out
}

// scanPapers is ScanPapers, its rows as SearchCandidates'.
func (s *Store) scanPapers(ctx context.Context, f filterArgs, before, limit int64) ([]dbgen.SearchCandidatesRow, error) {
	rows, err := s.Q.ScanPapers(ctx, dbgen.ScanPapersParams{
		Before:   before,
		YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
		AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
		FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
		Limit: limit,
	})
	return asCandidates(rows), explain(err)
}

// scanPapersInYears is ScanPapersInYears, its rows as SearchCandidates'.
func (s *Store) scanPapersInYears(ctx context.Context, f filterArgs, lo, hi sql.NullInt64, before, limit int64) ([]dbgen.SearchCandidatesRow, error) {
	rows, err := s.Q.ScanPapersInYears(ctx, dbgen.ScanPapersInYearsParams{
		InFrom: lo, InTo: hi, Before: before,
		YearFrom: f.yearFrom, YearTo: f.yearTo, Venue: f.venue,
		AuthorFamily: f.authorFamily, AuthorGiven: f.authorGiven,
		FirstFamily: f.firstFamily, FirstGiven: f.firstGiven,
		Limit: limit,
	})
	return asCandidates(rows), explain(err)
}

// scanPapersOfAuthor is ScanPapersOfAuthor, its rows as SearchCandidates'.
func (s *Store) scanPapersOfAuthor(ctx context.Context, f filterArgs, before, limit int64) ([]dbgen.SearchCandidatesRow, error) {
	family, given, first, rest, _ := f.byAuthor()
	rows, err := s.Q.ScanPapersOfAuthor(ctx, dbgen.ScanPapersOfAuthorParams{
		ByFamily: family, ByGiven: given, ByFirst: first,
		Before:   before,
		YearFrom: rest.yearFrom, YearTo: rest.yearTo, Venue: rest.venue,
		AuthorFamily: rest.authorFamily, AuthorGiven: rest.authorGiven,
		FirstFamily: rest.firstFamily, FirstGiven: rest.firstGiven,
		Limit: limit,
	})
	return asCandidates(rows), explain(err)
}
