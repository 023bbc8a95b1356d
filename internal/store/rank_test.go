package store

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/dbgen"
	"github.com/catalog-dev/catalog/internal/ftsquery"
)

var rankFixtures = []string{
	"../importer/testdata/bibtex/biblatex-examples.bib",
	"../importer/testdata/bibtex/acl-excerpt.bib",
	"../importer/testdata/csljson/mlanthology-excerpt.jsonl",
	"../importer/testdata/csljson/mlanthology-picked.jsonl",
	"../importer/testdata/ris/example_full.ris",
	"../../sample/profile-chan-chi-min.txt",
}

// TestRankNewestAgreesWithFTS5: when a query has fewer matches than the
// rank window, catalog's own ranking (rankNewest, which rankInGoFrom 0
// makes Search use for every query of phrases) counts every phrase's
// documents exactly, so its hits, order, scores and snippets must be those
// of FTS5's ORDER BY rank (RankWindow 0 makes Search use it).
func TestRankNewestAgreesWithFTS5(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	s.rankInGoFrom = 0
	ctx := context.Background()
	tests := []struct {
		name string
		text string
		f    Filters
		fts  bool // text is FTS5 syntax (catalog query --fts)
	}{
		{"one word", "learning", Filters{}, false},
		{"two words", "linear models", Filters{}, false},
		{"three words", "efficient algorithm data", Filters{}, false},
		{"phrase", "machine-learning", Filters{}, false},
		{"prefix", "algorithm*", Filters{}, false},
		{"author's name", "chan", Filters{}, false},
		{"stopwords dropped", "the performance of the method", Filters{}, false},
		{"title filter", "model", Filters{Title: "language"}, false},
		{"title filter alone", "", Filters{Title: "learning"}, false},
		{"year filter", "model", Filters{YearFrom: 2019, YearTo: 2019}, false},
		{"author filter", "model", Filters{Author: nameFilter(t, "Chan")}, false},
		{"venue filter", "translation", Filters{Venue: "translating and"}, false},
		{"NOT", "learning NOT neural", Filters{}, true},
		{"NOT a phrase", `"machine learning" NOT neural`, Filters{}, true},
		{"AND, column filter", "title:learning AND data", Filters{}, true},
		{"authors column", "authors:chan AND model", Filters{}, true},
		{"NOT a prefix", "model NOT learn*", Filters{Title: "model"}, true},
		{"prefix NOT", "algorithm* NOT efficient", Filters{YearFrom: 2000}, true},
	}
	// The years' set and the years read match by match (candidates).
	for _, setAtMost := range []int64{defaultYearSetAtMost, 0} {
		s.yearSetAtMost = setAtMost
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/year set at most %d", tt.name, setAtMost), func(t *testing.T) {
				match := ftsquery.Plain(tt.text)
				if tt.fts {
					match = tt.text
					if _, ok := rankedPhrases(match, tt.f); !ok {
						t.Fatalf("%q is not ranked by catalog: not a test of it", tt.text)
					}
				} else if _, ok := queryPhrases(match, tt.f); !ok {
					t.Fatalf("%q is not ranked by catalog: not a test of it", tt.text)
				}
				opt := SearchOptions{Filters: tt.f, Limit: 20, MarkOpen: "[", MarkClose: "]", Ellipsis: "..."}
				s.RankWindow = DefaultRankWindow
				got, err := s.Search(ctx, match, opt)
				if err != nil {
					t.Fatal(err)
				}
				s.RankWindow = 0
				want, err := s.Search(ctx, match, opt)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 {
					t.Fatal("no hits: not a test")
				}
				sameHits(t, got, want)
			})
		}
	}
}

// TestRankNewestWindow: with more matches than the window, catalog ranks
// the window newest, as FTS5's windowed ranking did (SearchPapers from the
// window's lowest rowid); for one phrase the document count scales every
// score alike, so the order must be the same even though it is estimated.
func TestRankNewestWindow(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	s.rankInGoFrom = 0
	ctx := context.Background()
	for _, word := range []string{"learning", "model", "algorithm*"} {
		t.Run(word, func(t *testing.T) {
			const window = 10
			match := ftsquery.Plain(word)
			s.RankWindow = window
			got, err := s.Search(ctx, match, SearchOptions{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			min, err := s.Q.NthNewestMatch(ctx, dbgen.NthNewestMatchParams{Match: match, N: window - 1})
			if err != nil {
				t.Fatalf("fewer than %d matches: not a test (%v)", window, err)
			}
			want, err := s.Q.SearchPapers(ctx, dbgen.SearchPapersParams{Match: match, MinRowid: min, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs, wantIDs []int64
			for _, h := range got {
				gotIDs = append(gotIDs, h.ID)
			}
			for _, r := range want {
				wantIDs = append(wantIDs, r.ID)
			}
			if !reflect.DeepEqual(gotIDs, wantIDs) {
				t.Errorf("got %v, want %v", gotIDs, wantIDs)
			}
		})
	}
}

// TestPhraseDocs: a phrase with fewer matches than k is marked few; one
// with more is estimated from its k-th newest match, and lands between k
// and the number of rows.
func TestPhraseDocs(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	nrow, err := s.Q.CountPapers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		k     int64
	}{
		{`"learning"`, 1000},
		{`"learning"`, 5},
		{`"the"`, 20},
		{`"zzzznotaword"`, 5},
		{`"model" "the" "zzzznotaword"`, 3},
	} {
		phrases, ok := ftsquery.ParseSimple(tt.query)
		if !ok {
			t.Fatalf("ParseSimple(%q): not simple", tt.query)
		}
		got, err := s.phraseDocs(ctx, phrases, tt.k)
		if err != nil {
			t.Fatal(err)
		}
		if got.nrow != nrow || got.avgLen <= 1 {
			t.Errorf("%s: got %d rows, %g tokens a row; want %d rows, more than 1 token", tt.query, got.nrow, got.avgLen, nrow)
		}
		for i, p := range phrases {
			exact, err := s.Q.CountMatches(ctx, p.String(ftsColumns))
			if err != nil {
				t.Fatal(err)
			}
			d := got.docs[i]
			switch {
			case exact < tt.k && (!got.few[i] || d != float64(tt.k)):
				t.Errorf("%s, k %d: got %g (few %v), want few (count %d)", p.String(ftsColumns), tt.k, d, got.few[i], exact)
			case exact >= tt.k && (got.few[i] || d < float64(tt.k) || d > float64(nrow)):
				t.Errorf("%s, k %d: got %g (few %v), want an estimate in [%d, %d] (count %d)", p.String(ftsColumns), tt.k, d, got.few[i], tt.k, nrow, exact)
			}
		}
	}
}

// TestAuthorCondition: the FTS5 condition an author filter adds is written
// from the family names as stored, so an author whose key folds further
// than the index does (the German sharp s: key "grossmann", token
// "großmann") is still found, under either spelling.
func TestAuthorCondition(t *testing.T) {
	bib := filepath.Join(t.TempDir(), "names.bib")
	err := os.WriteFile(bib, []byte(`
@article{a, title = {Neural networks for fields}, author = {Großmann, Anna}, year = 2020}
@article{b, title = {Neural fields}, author = {Grossmann, Bob and Smith, Jo}, year = 2021}
@article{c, title = {Neural codes}, author = {Smith, Jo}, year = 2022}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := openTemp(t)
	importFiles(t, s, bib)
	ctx := context.Background()
	for _, tt := range []struct {
		author string
		first  bool
		want   int
	}{
		{"Grossmann", false, 2},
		{"Großmann", false, 2},
		{"Großmann, A", false, 1},
		{"Smith", true, 1},
		{"Smith", false, 2},
		{"Nobody", false, 0},
	} {
		t.Run(tt.author, func(t *testing.T) {
			n, err := ParseNameFilter(tt.author)
			if err != nil {
				t.Fatal(err)
			}
			f := Filters{Author: &n}
			if tt.first {
				f = Filters{FirstAuthor: &n}
			}
			opt := SearchOptions{Filters: f, Limit: 20}
			s.RankWindow = DefaultRankWindow
			got, err := s.Search(ctx, `"neural"`, opt)
			if err != nil {
				t.Fatal(err)
			}
			s.RankWindow = 0 // FTS5 ranks, no condition
			want, err := s.Search(ctx, `"neural"`, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want || len(want) != tt.want {
				t.Fatalf("got %d hits, FTS5 alone %d; want %d", len(got), len(want), tt.want)
			}
			for i := range got {
				if got[i].ID != want[i].ID || math.Abs(got[i].Score-want[i].Score) > 1e-9 {
					t.Errorf("hit %d: got %d %.9f, want %d %.9f", i, got[i].ID, got[i].Score, want[i].ID, want[i].Score)
				}
			}
		})
	}
}

// TestStopwordsByYear: a query of stopwords is unranked, sorted by year or
// by relevance: its page must be the matches in year order, newest first,
// ties newest added first, whether the year index is walked ("the", in
// most papers: ListMatchingByYear) or every match sorted ("it", in few).
func TestStopwordsByYear(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	for _, tt := range []struct {
		word string
		walk bool
	}{{"the", true}, {"it", false}} {
		match := ftsquery.Plain(tt.word)
		if s.mostMatch(ctx, match, Filters{}) != tt.walk {
			t.Fatalf("%q: mostMatch %v, want %v: not the test meant", tt.word, !tt.walk, tt.walk)
		}
		for _, c := range []struct {
			sort   Sort
			offset int
		}{{ByYear, 0}, {ByYear, 7}, {ByRelevance, 0}, {ByRelevance, 7}} {
			offset := c.offset
			got, err := s.Search(ctx, match, SearchOptions{Sort: c.sort, NewestFirst: true, Limit: 8, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := s.DB.Query(`SELECT p.id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid
				WHERE papers_fts MATCH ? ORDER BY p.year DESC, p.id DESC LIMIT 8 OFFSET ?`, match, offset)
			if err != nil {
				t.Fatal(err)
			}
			var want, gotIDs []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				want = append(want, id)
			}
			rows.Close()
			for _, h := range got {
				gotIDs = append(gotIDs, h.ID)
				if h.Snippet == "" {
					t.Errorf("hit %d has no snippet", h.ID)
				}
			}
			if len(want) != 8 || !reflect.DeepEqual(gotIDs, want) {
				t.Errorf("%q, sort %d, offset %d: got %v, want %v", tt.word, c.sort, offset, gotIDs, want)
			}
		}
	}
}

// TestListPapersOfAuthor: a listing with an author filter, found through
// authorship, must be the listing ListPapers gives, which walks every
// paper in year order.
func TestListPapersOfAuthor(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	for _, tt := range []struct {
		author, first string
		f             Filters
	}{
		{author: "Chan"},
		{author: "Chan, C"},
		{first: "Chan"},
		{author: "Chan", first: "Chan"},
		{author: "Chan", f: Filters{YearFrom: 2019}},
		{author: "Smith"},
	} {
		f := tt.f
		if tt.author != "" {
			n, err := ParseNameFilter(tt.author)
			if err != nil {
				t.Fatal(err)
			}
			f.Author = &n
		}
		if tt.first != "" {
			n, err := ParseNameFilter(tt.first)
			if err != nil {
				t.Fatal(err)
			}
			f.FirstAuthor = &n
		}
		got, err := s.Search(ctx, "", SearchOptions{Filters: f, Limit: 8, Offset: 1})
		if err != nil {
			t.Fatal(err)
		}
		a := f.args()
		want, err := s.Q.ListPapers(ctx, dbgen.ListPapersParams{
			YearFrom: a.yearFrom, YearTo: a.yearTo, Venue: a.venue,
			AuthorFamily: a.authorFamily, AuthorGiven: a.authorGiven,
			FirstFamily: a.firstFamily, FirstGiven: a.firstGiven,
			Limit: 8, Offset: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs, wantIDs []int64
		for _, h := range got {
			gotIDs = append(gotIDs, h.ID)
		}
		for _, r := range want {
			wantIDs = append(wantIDs, r.ID)
		}
		if !reflect.DeepEqual(gotIDs, wantIDs) {
			t.Errorf("%+v: got %v, want %v", tt, gotIDs, wantIDs)
		}
		if tt.author == "Chan" && tt.first == "" && tt.f == (Filters{}) && len(wantIDs) < 5 {
			t.Errorf("Chan has %d papers: not a test", len(wantIDs))
		}
	}
}

// TestRankByYearAgreesWithFTS5: a filtered search sorted by year, ranked
// by catalog (rankByYear) when few papers pass, must give FTS5's page:
// newest year first, then by bm25 (RankWindow 0 leaves it to FTS5).
func TestRankByYearAgreesWithFTS5(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	chan_, err := ParseNameFilter("Chan")
	if err != nil {
		t.Fatal(err)
	}
	knuth, err := ParseNameFilter("Knuth")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		text string
		f    Filters
	}{
		{"author", "language models", Filters{Author: &chan_}},
		{"first author", "the", Filters{FirstAuthor: &knuth}},
		{"years", "learning", Filters{YearFrom: 1970, YearTo: 2019}},
		{"venue", "translation", Filters{Venue: "translating"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			match := ftsquery.Plain(tt.text)
			opt := SearchOptions{Filters: tt.f, Sort: ByYear, Limit: 6, Offset: 1, MarkOpen: "[", MarkClose: "]"}
			s.RankWindow = DefaultRankWindow
			got, err := s.Search(ctx, match, opt)
			if err != nil {
				t.Fatal(err)
			}
			s.RankWindow = 0
			want, err := s.Search(ctx, match, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 2 {
				t.Fatalf("%d hits: not a test", len(want))
			}
			sameHits(t, got, want)
		})
	}
}

// TestPrefixPlansAgreeWithFTS5: the two plans for a query with a prefix
// must give FTS5's page when the fixtures, fewer than the window, make the
// document counts exact: the same hits, order, scores, snippets and
// authors, with and without filters. scanNewest finds the matches by
// reading every paper (scanAtMost is raised so that it does); rankFew
// takes them from FTS5 and ranks them with as few statements as it can.
func TestPrefixPlansAgreeWithFTS5(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	s.scanAtMost = 1 << 40
	ctx := context.Background()
	plans := map[string]func(match string, phrases []ftsquery.Phrase, f filterArgs, opt SearchOptions) ([]Hit, bool, error){
		"scanNewest": func(match string, phrases []ftsquery.Phrase, f filterArgs, opt SearchOptions) ([]Hit, bool, error) {
			return s.scanNewest(ctx, phrases, f, opt, DefaultRankWindow, 0, 20)
		},
		"rankFew": func(match string, phrases []ftsquery.Phrase, f filterArgs, opt SearchOptions) ([]Hit, bool, error) {
			cond, _, err := s.authorCondition(ctx, f)
			if err != nil {
				return nil, false, err
			}
			hits, err := s.rankFew(ctx, MatchExpr(match, opt.Filters), cond, phrases, f, opt, DefaultRankWindow, 0, 20)
			return hits, true, err
		},
	}
	tests := []struct {
		name string
		text string
		f    Filters
	}{
		{"prefix", "algorithm*", Filters{}},
		{"short prefix", "a*", Filters{}},
		{"prefix and word", "a* learning", Filters{}},
		{"phrase with a prefix", "this-pap*", Filters{}},
		{"phrase with a prefix and a word", "in-th* model", Filters{}},
		{"two prefixes", "stat* learn*", Filters{}},
		{"prefix of an author's name", "cha*", Filters{}},
		{"prefix in the title filter", "data", Filters{Title: "a*"}},
		{"year filter", "model*", Filters{YearFrom: 2019, YearTo: 2023}},
		{"author filter", "mod*", Filters{Author: nameFilter(t, "Chan")}},
		{"first-author filter", "a*", Filters{FirstAuthor: nameFilter(t, "Chan")}},
		{"venue filter", "transl*", Filters{Venue: "translating and"}},
	}
	for plan, rank := range plans {
		for _, tt := range tests {
			t.Run(plan+"/"+tt.name, func(t *testing.T) {
				match := ftsquery.Plain(tt.text)
				phrases, ok := queryPhrases(match, tt.f)
				if !ok || !hasPrefix(phrases) {
					t.Fatalf("%q has no prefix: not a test of these plans", tt.text)
				}
				opt := SearchOptions{Filters: tt.f, Limit: 20, MarkOpen: "[", MarkClose: "]", Ellipsis: "..."}
				got, ok, err := rank(match, phrases, tt.f.args(), opt)
				if plan == "scanNewest" && tt.f.Venue != "" {
					// A venue filter alone and a prefix in fewer than
					// half the papers: no walk of the catalog, row by
					// row, for the venues that pass; rankFew's case.
					if err != nil || ok {
						t.Errorf("scanNewest with a venue filter: ok %v, %v; want not ok", ok, err)
					}
					return
				}
				if err != nil || !ok {
					t.Fatalf("%s: ok %v, %v", plan, ok, err)
				}
				if err := s.authors(ctx, got, 0); err != nil {
					t.Fatal(err)
				}
				s.RankWindow = 0
				want, err := s.Search(ctx, match, opt)
				s.RankWindow = DefaultRankWindow
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 {
					t.Fatal("no hits: not a test")
				}
				sameHits(t, got, want)
			})
		}
	}
}

// TestScanNewestGivesUp: a prefix too rare for the window to fill within
// scanAtMost papers is left to FTS5, which then answers the search.
func TestScanNewestGivesUp(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	match := ftsquery.Plain("learn*")
	phrases, _ := queryPhrases(match, Filters{})
	opt := SearchOptions{Limit: 5}
	s.scanAtMost = 1 << 40
	if _, ok, err := s.scanNewest(ctx, phrases, filterArgs{}, opt, DefaultRankWindow, 0, 5); err != nil || !ok {
		t.Fatalf("reading every paper: ok %v, %v; want ok", ok, err)
	}
	s.scanAtMost = scanProbe + 1
	if _, ok, err := s.scanNewest(ctx, phrases, filterArgs{}, opt, DefaultRankWindow, 0, 5); err != nil || ok {
		t.Fatalf("at most %d papers: ok %v, %v; want not ok", s.scanAtMost, ok, err)
	}
	got, err := s.Search(ctx, match, opt)
	if err != nil {
		t.Fatal(err)
	}
	s.RankWindow = 0
	want, err := s.Search(ctx, match, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || !reflect.DeepEqual(ids(got), ids(want)) {
		t.Errorf("got %v, want %v", ids(got), ids(want))
	}
}

func ids(hits []Hit) []int64 {
	var out []int64
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

// TestListPapersInYears: a listing with a year filter walks the year
// range (ListPapersInYears) and must list what ListPapers, which walks
// every year, lists.
func TestListPapersInYears(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	for _, f := range []Filters{
		{YearFrom: 2019},
		{YearTo: 2010},
		{YearFrom: 2000, YearTo: 2020},
		{YearFrom: 1990, YearTo: 2010, Venue: "chem"},
		{YearFrom: 3000},
	} {
		t.Run(fmt.Sprint(f.YearFrom, "-", f.YearTo, f.Venue), func(t *testing.T) {
			got, err := s.Search(ctx, "", SearchOptions{Filters: f, Limit: 12, Offset: 2})
			if err != nil {
				t.Fatal(err)
			}
			a := f.args()
			want, err := s.Q.ListPapers(ctx, dbgen.ListPapersParams{
				YearFrom: a.yearFrom, YearTo: a.yearTo, Venue: a.venue,
				Limit: 12, Offset: 2,
			})
			if err != nil {
				t.Fatal(err)
			}
			var wantIDs []int64
			for _, r := range want {
				wantIDs = append(wantIDs, r.ID)
			}
			if !reflect.DeepEqual(ids(got), wantIDs) {
				t.Errorf("got %v, want %v", ids(got), wantIDs)
			}
			if len(wantIDs) == 0 && f.YearFrom != 3000 {
				t.Error("no papers: not a test")
			}
		})
	}
}

// TestRankEachYearAgreesWithFTS5: ranked a year at a time, with a window
// that holds every match of a year (the fixtures are small, and the
// document counts exact), a search sorted by year must give FTS5's page
// (RankWindow 0: SearchPapersByYear, every match sorted by year and
// rank), with and without filters; and rankEachYear must give up when the
// page reaches the papers without a year.
func TestRankEachYearAgreesWithFTS5(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	for _, tt := range []struct {
		name          string
		text          string
		f             Filters
		offset, limit int64
	}{
		{"word", "learning", Filters{}, 0, 10},
		{"page", "model", Filters{}, 3, 5},
		{"two words", "linear models", Filters{}, 0, 4},
		{"phrase", "machine-learning", Filters{}, 0, 3},
		{"years", "data", Filters{YearFrom: 2000, YearTo: 2020}, 1, 6},
		{"venue", "learning", Filters{Venue: "proceedings"}, 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			match := MatchExpr(ftsquery.Plain(tt.text), tt.f)
			phrases, ok := queryPhrases(ftsquery.Plain(tt.text), tt.f)
			if !ok {
				t.Fatal("not phrases")
			}
			docs, err := s.phraseDocs(ctx, phrases, DefaultRankWindow)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.countFew(ctx, phrases, &docs); err != nil {
				t.Fatal(err)
			}
			opt := SearchOptions{Filters: tt.f, Sort: ByYear, Limit: int(tt.limit), Offset: int(tt.offset), MarkOpen: "[", MarkClose: "]"}
			got, ok, err := s.rankEachYear(ctx, match, "", phrases, docs, tt.f.args(), opt, DefaultRankWindow, tt.offset, tt.limit)
			if err != nil || !ok {
				t.Fatalf("rankEachYear: ok %v, %v", ok, err)
			}
			if err := s.authors(ctx, got, 0); err != nil {
				t.Fatal(err)
			}
			s.RankWindow = 0
			want, err := s.Search(ctx, ftsquery.Plain(tt.text), opt)
			s.RankWindow = DefaultRankWindow
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(want)) != tt.limit {
				t.Fatalf("%d hits: not a test", len(want))
			}
			sameHits(t, got, want)
		})
	}
	// Every match of "learning": the last page holds papers without a year.
	phrases, _ := queryPhrases(ftsquery.Plain("learning"), Filters{})
	docs, err := s.phraseDocs(ctx, phrases, DefaultRankWindow)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Q.CountMatches(ctx, ftsquery.Plain("learning"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.rankEachYear(ctx, ftsquery.Plain("learning"), "", phrases, docs, filterArgs{}, SearchOptions{}, DefaultRankWindow, 0, n); err != nil || ok {
		t.Errorf("every match: ok %v, %v; want not ok (papers without a year, or too many years)", ok, err)
	}
}

// sameHits fails the test unless got is want: the same papers in the same
// order, with the same years, scores (to rounding), snippets and authors.
func sameHits(t *testing.T, got, want []Hit) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d hits, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Year != w.Year || math.Abs(g.Score-w.Score) > 1e-9 || g.Snippet != w.Snippet || !reflect.DeepEqual(g.Authors, w.Authors) {
			t.Errorf("hit %d: got %d (%d) %.12f %q %v, want %d (%d) %.12f %q %v", i, g.ID, g.Year, g.Score, g.Snippet, g.Authors, w.ID, w.Year, w.Score, w.Snippet, w.Authors)
		}
	}
}

// TestExpandPrefixes: a query with each one-word prefix written as the
// words it starts matches exactly the papers the prefix query matches; a
// prefix that starts no word is reported as matching nothing; a prefix of
// several words is left alone.
func TestExpandPrefixes(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	ids := func(expr string) []int64 {
		t.Helper()
		rows, err := s.DB.QueryContext(ctx, "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid", expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	for _, q := range []string{"algorithm*", "learn* model", "the* data*", "zzzz*"} {
		t.Run(q, func(t *testing.T) {
			match := ftsquery.Plain(q)
			phrases, ok := queryPhrases(match, Filters{Title: "learn*"})
			if !ok {
				t.Fatalf("%q: not phrases", q)
			}
			expr, none, err := s.expandPrefixes(ctx, phrases)
			if err != nil {
				t.Fatal(err)
			}
			want := ids(MatchExpr(match, Filters{Title: "learn*"}))
			if none {
				if len(want) != 0 {
					t.Errorf("%q: reported as matching nothing, but FTS5 finds %v", q, want)
				}
				return
			}
			if expr == "" || !strings.Contains(expr, " OR ") && q != "zzzz*" {
				t.Fatalf("%q: not expanded (%q)", q, expr)
			}
			if got := ids(expr); !reflect.DeepEqual(got, want) || len(want) == 0 {
				t.Errorf("%q as %s:\n got %v\nwant %v", q, expr, got, want)
			}
		})
	}
	phrases, _ := queryPhrases(`"neural net"*`, Filters{})
	if expr, none, err := s.expandPrefixes(ctx, phrases); expr != "" || none || err != nil {
		t.Errorf(`"neural net"*: got %q, %v, %v; want it left alone`, expr, none, err)
	}
}

func TestSplitAuthors(t *testing.T) {
	tests := []struct {
		text string
		n    int64
		want []string // nil: read them from authorship
	}{
		{"Vaswani, Ashish; Shazeer, Noam", 2, []string{"Vaswani, Ashish", "Shazeer, Noam"}},
		{"OpenAI", 1, []string{"OpenAI"}},
		{"", 0, []string{}},
		{"Vaswani, Ashish", 0, nil},                  // a text without authorship rows
		{"Group; Lab; Smith, J", 2, nil},             // a name with "; " in it
		{"Vaswani, Ashish; Shazeer, Noam", 3, nil},   // edited by hand
		{"Vaswani, Ashish; ; Shazeer, Noam", 3, nil}, // an empty name
		{"Smith, J.;; Jones, K", 2, []string{"Smith, J.;", "Jones, K"}},
	}
	for _, tt := range tests {
		if got := splitAuthors(tt.text, tt.n); !reflect.DeepEqual(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("splitAuthors(%q, %d) = %#v, want %#v", tt.text, tt.n, got, tt.want)
		}
	}
}
