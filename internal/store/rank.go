package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

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
	if title := ftsquery.Plain(f.Title); title != "" {
		p, ok := ftsquery.ParseSimple(title)
		if !ok {
			return nil, false
		}
		for i := range p {
			p[i].Column = 0
		}
		phrases = append(phrases, p...)
	}
	return phrases, len(phrases) > 0
}

// defaultRankInGoFrom is the number of documents, summed over a query's phrases,
// from which catalog ranks a search itself rather than through FTS5's
// bm25. bm25 reads every document of every phrase to count them (in this
// build about 60 ns a document); rankNewest reads and scores the text of
// the window's candidates instead (about 3 ms for 500). Below this FTS5 is
// the faster; both give the same order (TestRankNewestAgreesWithFTS5).
const defaultRankInGoFrom = 50_000

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
	block, err := s.Q.FTSAverages(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil // an empty index: nothing matches
	}
	if err != nil {
		return c, explain(err)
	}
	nrow, tokens, ok := ftsquery.Averages(block)
	if !ok || len(tokens) != len(ftsColumns) {
		return c, errors.New("papers_fts: unreadable averages record; run catalog doctor")
	}
	var total int64
	for _, n := range tokens {
		total += n
	}
	c.nrow = nrow
	if nrow > 0 {
		c.avgLen = float64(total) / float64(nrow)
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
		docs := float64(k) * float64(maxID) / float64(maxID-r+1)
		c.docs[i] = min(max(docs, float64(k)), float64(nrow))
		c.kth[i] = r
	}
	return c, nil
}

// rankNewest ranks the window newest matches that pass the filters, with
// bm25 computed here (ftsquery.Scorer) rather than by FTS5, and returns
// the page [offset, offset+limit) of them, best first.
//
// FTS5's bm25 needs each phrase's document count, and gets it by reading
// the phrase's whole doclist on every query: for a word in a third of the
// catalog that is two thirds of the query's time. Here the counts are
// docs (phraseDocs: counted when small, else estimated). Within that
// estimate the scores are FTS5's: the same formula, weights and length
// normalization, from the same tokens.
func (s *Store) rankNewest(ctx context.Context, match, cond string, phrases []ftsquery.Phrase, docs docCounts, f filterArgs, window, offset, limit int64) ([]Hit, error) {
	rows, err := s.candidates(ctx, match, cond, f, window)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	hits, err := s.score(ctx, rows, phrases, docs)
	if err != nil {
		return nil, err
	}
	// Ties in rowid order, as FTS5's ORDER BY rank leaves them.
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.ID, b.ID))
	})
	return page(hits, offset, limit), nil
}

// maxByYear is how many matches rankByYear ranks at most.
const maxByYear = 2000

// rankByYear ranks a filtered search sorted by year: every match that
// passes the filters, newest year first, then by bm25 computed here. It
// reads the candidates as rankNewest does (with the author condition), and
// gives up (ok false) when more than maxByYear pass, leaving the search to
// FTS5, which then scores every match of the text, filtered or not.
func (s *Store) rankByYear(ctx context.Context, match, cond string, phrases []ftsquery.Phrase, f filterArgs, offset, limit int64) (hits []Hit, ok bool, err error) {
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
	if hits, err = s.score(ctx, rows, phrases, docs); err != nil {
		return nil, false, err
	}
	// Newest year first, papers without one last; then by score, ties in
	// rowid order.
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(-cmp.Compare(a.Year, b.Year), cmp.Compare(a.Score, b.Score), cmp.Compare(a.ID, b.ID))
	})
	return page(hits, offset, limit), true, nil
}

// candidates are the at most limit newest matches that pass the filters,
// with their text; cond, the FTS5 condition the author filters imply
// (authorCondition), narrows the walk when it is not "".
func (s *Store) candidates(ctx context.Context, match, cond string, f filterArgs, limit int64) ([]dbgen.SearchCandidatesRow, error) {
	if cond != "" {
		match = "(" + match + ") AND " + cond
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

// score makes hits of the candidates, each with its bm25 for the phrases,
// whose document counts are docs (the few ones counted now).
func (s *Store) score(ctx context.Context, rows []dbgen.SearchCandidatesRow, phrases []ftsquery.Phrase, docs docCounts) ([]Hit, error) {
	if err := s.countFew(ctx, phrases, &docs); err != nil {
		return nil, err
	}
	idf := make([]float64, len(phrases))
	for i, d := range docs.docs {
		idf[i] = ftsquery.IDF(float64(docs.nrow), d)
	}
	sc := ftsquery.NewScorer(phrases, ftsWeights, idf, docs.avgLen)
	hits := make([]Hit, len(rows))
	for i, r := range rows {
		hits[i] = Hit{
			ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Venue: r.Venue.String, DOI: r.Doi.String,
			Score: sc.Score(r.Title, r.Abstract.String, r.Authors),
		}
	}
	return hits, nil
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

// page is hits[offset:offset+limit], as far as there are hits.
func page(hits []Hit, offset, limit int64) []Hit {
	if offset >= int64(len(hits)) {
		return nil
	}
	return hits[offset:min(offset+limit, int64(len(hits)))]
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
