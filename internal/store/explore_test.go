package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/catalog-dev/catalog/internal/ftsquery"
	"github.com/catalog-dev/catalog/internal/importer"
)

func TestParseNameFilter(t *testing.T) {
	tests := []struct {
		in            string
		family, given string
		wantErr       bool
	}{
		{in: "Chan, Chi-Min", family: "chan", given: "chi min"},
		{in: "Chi-Min Chan", family: "chan", given: "chi min"},
		{in: "chi-min chan", family: "chan", given: "chi min"},
		{in: "CHAN, C.", family: "chan", given: "c"},
		{in: "chan", family: "chan"},
		{in: "  Müller ", family: "muller"},
		{in: "jürgen MÜLLER", family: "muller", given: "jurgen"},
		{in: "Agi{\\'c}, {\\v{Z}}eljko", family: "agic", given: "zeljko"},
		{in: "van der Berg, Jan", family: "van der berg", given: "jan"},
		{in: "Jan van der Berg", family: "van der berg", given: "jan"},
		{in: "jan van der berg", family: "van der berg", given: "jan"},
		{in: "van der Berg", family: "van der berg"},
		{in: "Martin Luther King Jr.", family: "king", given: "martin luther"},
		{in: "", wantErr: true},
		{in: ", ,", wantErr: true},
		{in: "!!!", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNameFilter(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Family != tt.family || got.Given != tt.given {
				t.Errorf("got family %q given %q, want %q and %q", got.Family, got.Given, tt.family, tt.given)
			}
		})
	}
}

func TestMatchExpr(t *testing.T) {
	tests := []struct{ match, title, want string }{
		{`"a"`, "", `"a"`},
		{"", "language models", `title : ("language" "models")`},
		{`"a" OR "b"`, "self-attention", `("a" OR "b") AND title : ("self attention")`},
		{"", "++", ""},
	}
	for _, tt := range tests {
		if got := MatchExpr(tt.match, Filters{Title: tt.title}); got != tt.want {
			t.Errorf("MatchExpr(%q, title %q): got %q, want %q", tt.match, tt.title, got, tt.want)
		}
	}
}

// filterCatalog imports papers that the filter tests tell apart.
func filterCatalog(t *testing.T) *Store {
	t.Helper()
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"},
		paper(t, importer.Record{Title: "Attention Is All You Need", Year: 2017, Venue: "Advances in Neural Information Processing Systems",
			Authors: people("Vaswani, Ashish", "Shazeer, Noam")}),
		paper(t, importer.Record{Title: "Graph Attention for Language Models", Year: 2020, Venue: "Zeitschrift für Sprachverarbeitung",
			Authors: people("Müller, Jürgen", "Vaswani, Ashish")}),
		paper(t, importer.Record{Title: "Language Models as Graphs", Year: 2021, Venue: "Journal of Machine Learning Research",
			Abstract: "Attention to graphs.", Authors: people("Müller, Anna", "Dai, Zheqi")}),
		paper(t, importer.Record{Title: "A Language Model Without a Year", Authors: people("Vaswani, Ashish")}),
		paper(t, importer.Record{Title: "Deep Contextualized Word Representations", Year: 2018, Venue: "Proceedings of NAACL",
			Authors: people("Peters, Matthew E.")}),
	)
	return s
}

func nameFilter(t *testing.T, s string) *NameFilter {
	t.Helper()
	n, err := ParseNameFilter(s)
	if err != nil {
		t.Fatal(err)
	}
	return &n
}

func TestSearchFilters(t *testing.T) {
	s := filterCatalog(t)
	tests := []struct {
		name  string
		match string
		opt   SearchOptions
		want  []int64 // ids in order
	}{
		{"author any position, newest first, no year last", "", SearchOptions{Filters: Filters{Author: nameFilter(t, "vaswani")}}, []int64{2, 1, 4}},
		{"author given prefix", "", SearchOptions{Filters: Filters{Author: nameFilter(t, "Vaswani, A")}}, []int64{2, 1, 4}},
		{"author other given", "", SearchOptions{Filters: Filters{Author: nameFilter(t, "Vaswani, Noam")}}, nil},
		{"first author", "", SearchOptions{Filters: Filters{FirstAuthor: nameFilter(t, "Ashish Vaswani")}}, []int64{1, 4}},
		{"author and first author", "", SearchOptions{Filters: Filters{Author: nameFilter(t, "vaswani"), FirstAuthor: nameFilter(t, "muller")}}, []int64{2}},
		{"diacritics", "", SearchOptions{Filters: Filters{Author: nameFilter(t, "MULLER, jurgen")}}, []int64{2}},
		{"year", "", SearchOptions{Filters: Filters{YearFrom: 2020, YearTo: 2020}}, []int64{2}},
		{"year range", "", SearchOptions{Filters: Filters{YearFrom: 2017, YearTo: 2020}}, []int64{2, 5, 1}},
		{"year from", "", SearchOptions{Filters: Filters{YearFrom: 2020}}, []int64{3, 2}},
		{"year to", "", SearchOptions{Filters: Filters{YearTo: 2017}}, []int64{1}},
		{"venue folded", "", SearchOptions{Filters: Filters{Venue: "FUR sprach"}}, []int64{2}},
		{"venue word start", "", SearchOptions{Filters: Filters{Venue: "eural"}}, nil},
		{"venue prefix", "", SearchOptions{Filters: Filters{Venue: "naa"}}, []int64{5}},
		{"venues, newest first", "", SearchOptions{Filters: Filters{Venue: "n"}}, []int64{5, 1}},
		{"venues, offset", "", SearchOptions{Limit: 1, Offset: 1, Filters: Filters{Venue: "n"}}, []int64{1}},
		{"venue and year", "", SearchOptions{Filters: Filters{Venue: "n", YearTo: 2017}}, []int64{1}},
		{"venue and author", "", SearchOptions{Filters: Filters{Venue: "journal", Author: nameFilter(t, "dai")}}, []int64{3}},
		{"venue and text", `"attention"`, SearchOptions{Filters: Filters{Venue: "zeitschrift"}}, []int64{2}},
		{"title filter", "", SearchOptions{Filters: Filters{Title: "graphs"}}, []int64{3}},
		{"title filter and year", "", SearchOptions{Filters: Filters{Title: "language", YearFrom: 2021}}, []int64{3}},
		{"text and author", `"attention"`, SearchOptions{Filters: Filters{Author: nameFilter(t, "muller")}}, []int64{2, 3}},
		{"text by year", `"language"`, SearchOptions{Sort: ByYear}, []int64{3, 2, 4}},
		{"limit and offset", "", SearchOptions{Limit: 1, Offset: 1, Filters: Filters{Author: nameFilter(t, "vaswani")}}, []int64{1}},
		{"everything", "", SearchOptions{}, []int64{3, 2, 5, 1, 4}},
	}
	// A venue filter's listing reads the venues' papers and sorts them
	// (ListPapersInVenues), or walks the papers newest first.
	for _, listAtMost := range []int64{defaultVenueListAtMost, 0} {
		s.venueListAtMost = listAtMost
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/venue list at most %d", tt.name, listAtMost), func(t *testing.T) {
				tt.opt.MarkOpen, tt.opt.MarkClose = "[", "]"
				hits, err := s.Search(context.Background(), tt.match, tt.opt)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, h := range hits {
					got = append(got, h.ID)
					// Snippets are the abstract's: a paper without
					// one has none.
					if tt.match != "" && h.Snippet == "" && count(t, s.DB, "SELECT count(*) FROM papers WHERE id = ? AND abstract <> ''", h.ID) > 0 {
						t.Errorf("hit %d has no snippet", h.ID)
					}
				}
				if !equalIDs(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
				ids, err := s.Select(context.Background(), tt.match, tt.opt)
				if err != nil || !equalIDs(ids, tt.want) {
					t.Errorf("Select: got %v, %v; want %v", ids, err, tt.want)
				}
			})
		}
	}
}

// TestVenueFromAnotherClient: a paper written by another client (the
// sqlite3 shell) adds its venue through the trigger, unfolded; a venue
// filter folds it as it reads it, and catalog's next import stores the
// folded form.
func TestVenueFromAnotherClient(t *testing.T) {
	s := filterCatalog(t)
	ctx := context.Background()
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO papers (title, year, venue) VALUES ('Ölprüfung', 2022, 'Österreichische Zeitschrift')`); err != nil {
		t.Fatal(err)
	}
	var key sql.NullString
	if err := s.DB.QueryRowContext(ctx, `SELECT name_key FROM venues WHERE name = 'Österreichische Zeitschrift'`).Scan(&key); err != nil {
		t.Fatalf("the trigger did not add the venue: %v", err)
	}
	if key.Valid {
		t.Fatalf("name_key %q, want NULL until catalog folds it", key.String)
	}
	for _, listAtMost := range []int64{defaultVenueListAtMost, 0} {
		s.venueListAtMost = listAtMost
		ids, err := s.Select(ctx, "", SearchOptions{Filters: Filters{Venue: "osterreichische"}})
		if err != nil || !equalIDs(ids, []int64{6}) {
			t.Errorf("venue list at most %d: got %v, %v; want [6]", listAtMost, ids, err)
		}
	}
	importPapers(t, s, SourceInfo{Path: "b.bib", SHA256: "b", Format: "bibtex"},
		paper(t, importer.Record{Title: "Another Paper", Year: 2023}))
	if err := s.DB.QueryRowContext(ctx, `SELECT name_key FROM venues WHERE name = 'Österreichische Zeitschrift'`).Scan(&key); err != nil {
		t.Fatal(err)
	}
	if key.String != "osterreichische zeitschrift" {
		t.Errorf("after an import, name_key %q, want %q", key.String, "osterreichische zeitschrift")
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestExplainWeights: the per-column parts use the weights of the rank
// configured in the migration, and the full score computed with those
// weights is rank.
func TestExplainWeights(t *testing.T) {
	s := filterCatalog(t)
	hits, err := s.Search(context.Background(), `"attention"`, SearchOptions{Explain: true})
	if err != nil || len(hits) != 3 {
		t.Fatalf("got %d hits, %v", len(hits), err)
	}
	for _, h := range hits {
		if h.Explain == nil {
			t.Fatalf("hit %d: no explanation", h.ID)
		}
		var full float64
		err := s.DB.QueryRow(`SELECT bm25(papers_fts, 10.0, 1.0, 4.0) - rank FROM papers_fts WHERE papers_fts MATCH '"attention"' AND rowid = ?`, h.ID).Scan(&full)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(full) > 1e-9 {
			t.Errorf("hit %d: bm25 with the explain weights differs from rank by %g", h.ID, full)
		}
	}
	// Paper 3 has the word in its abstract only; the others in the title.
	for _, h := range hits {
		x := h.Explain
		inTitle := h.ID != 3
		if (x.Title < 0) != inTitle || (x.Abstract < 0) == inTitle || x.Authors != 0 {
			t.Errorf("hit %d: explanation %+v", h.ID, *x)
		}
	}
}

// TestFilterBlocksAgree: sqlc has no shared fragments, so the filter block
// is written out in each query of search.sql; they must stay identical
// (but for their indentation).
func TestFilterBlocksAgree(t *testing.T) {
	src, err := os.ReadFile("../../db/queries/search.sql")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile(`(?s)-- filters:\n(.*?)-- end filters`).FindAllSubmatch(src, -1)
	if len(blocks) != 17 {
		t.Fatalf("found %d filter blocks in search.sql, want 17", len(blocks))
	}
	// Compared line by line without the indentation, which a block in a
	// subquery has more of.
	indent := regexp.MustCompile(`(?m)^[ \t]+`)
	for i := range blocks {
		blocks[i][1] = indent.ReplaceAll(blocks[i][1], nil)
	}
	for i := 1; i < len(blocks); i++ {
		if string(blocks[i][1]) != string(blocks[0][1]) {
			t.Errorf("filter block %d differs from the first:\n%s\nvs\n%s", i+1, blocks[i][1], blocks[0][1])
		}
	}
}

func TestFindPapersAndPaper(t *testing.T) {
	s, _ := openTemp(t)
	rec := attention
	rec.DOI = "https://doi.org/10.5555/3295222.3295349"
	rec.Key = "Vaswani2017"
	rec.Month = 12
	rec.Pages = "5998--6008"
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"}, paper(t, rec), paper(t, bert))
	ctx := context.Background()
	for _, ref := range []string{"1", "10.5555/3295222.3295349", "doi:10.5555/3295222.3295349", "vaswani2017", "VASWANI2017"} {
		ids, err := s.FindPapers(ctx, ref)
		if err != nil || !equalIDs(ids, []int64{1}) {
			t.Errorf("FindPapers(%q): got %v, %v; want [1]", ref, ids, err)
		}
	}
	for _, ref := range []string{"3", "10.1/none", "nokey", "0"} {
		if ids, err := s.FindPapers(ctx, ref); err != nil || len(ids) != 0 {
			t.Errorf("FindPapers(%q): got %v, %v; want none", ref, ids, err)
		}
	}
	p, err := s.Paper(ctx, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Attention Is All You Need" || p.Year != 2017 || p.Month != 12 || p.Pages != "5998-6008" ||
		p.DOI != "10.5555/3295222.3295349" || p.CitationKey != "Vaswani2017" || len(p.Authors) != 3 || p.Authors[2].Name != "Parmar, Niki" {
		t.Errorf("Paper: got %+v", p)
	}
	if len(p.Sources) != 1 || p.Sources[0].Path != "a.bib" || p.Sources[0].Action != "added" || p.Sources[0].Line != 2 {
		t.Errorf("Paper sources: got %+v", p.Sources)
	}
	if _, err := s.Paper(ctx, 42, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("Paper(42): got %v, want ErrNotFound", err)
	}
}

func TestAuthorSuffix(t *testing.T) {
	tests := []struct {
		a    Author
		want string
	}{
		{Author{Name: "King, Jr., Martin Luther", Family: "King", Given: "Martin Luther"}, "Jr."},
		{Author{Name: "Ford, Jr.", Family: "Ford"}, "Jr."},
		{Author{Name: "Chan, Chi-Min", Family: "Chan", Given: "Chi-Min"}, ""},
		{Author{Name: "IBM", Family: "IBM"}, ""},
	}
	for _, tt := range tests {
		if got := tt.a.Suffix(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.a.Name, got, tt.want)
		}
	}
}

func TestAuthorsAndCoauthors(t *testing.T) {
	s := filterCatalog(t)
	ctx := context.Background()
	all, err := s.Authors(ctx, nil, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 || all[0].Name != "Vaswani, Ashish" || all[0].Papers != 3 || all[0].FirstYear != 2017 || all[0].LastYear != 2020 {
		t.Errorf("Authors: got %+v", all)
	}
	mullers, err := s.Authors(ctx, nameFilter(t, "muller"), 0, 0)
	if err != nil || len(mullers) != 2 {
		t.Fatalf("Authors(muller): got %+v, %v", mullers, err)
	}
	_, err = s.ResolveAuthor(ctx, *nameFilter(t, "Müller"))
	var amb *AmbiguousError
	if !errors.As(err, &amb) || len(amb.Authors) != 2 {
		t.Errorf("ResolveAuthor(Müller): got %v, want an AmbiguousError with 2 authors", err)
	}
	if _, err := s.ResolveAuthor(ctx, *nameFilter(t, "Nobody")); !errors.Is(err, ErrNotFound) {
		t.Errorf("ResolveAuthor(Nobody): got %v, want ErrNotFound", err)
	}
	v, err := s.ResolveAuthor(ctx, *nameFilter(t, "vaswani"))
	if err != nil || v.Name != "Vaswani, Ashish" {
		t.Fatalf("ResolveAuthor(vaswani): got %+v, %v", v, err)
	}
	co, err := s.Coauthors(ctx, v.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range co {
		got = append(got, a.Name)
	}
	if strings.Join(got, "; ") != "Müller, Jürgen; Shazeer, Noam" {
		t.Errorf("Coauthors(Vaswani): got %q", got)
	}
	// The coauthor_pairs view agrees.
	if n := count(t, s.DB, `SELECT count(*) FROM coauthor_pairs WHERE ? IN (author_a, author_b)`, v.ID); n != 2 {
		t.Errorf("coauthor_pairs rows for Vaswani: got %d, want 2", n)
	}
}

func TestStats(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a.txt", SHA256: "a", Format: "profile"},
		paper(t, importer.Record{Title: "Attention is all you need!", Authors: people("Vaswani, Ashish")}))
	withDOI := attention
	withDOI.DOI = "10.5555/3295222.3295349"
	importPapers(t, s, SourceInfo{Path: "b.bib", SHA256: "b", Format: "bibtex"}, paper(t, withDOI), paper(t, bert))
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Papers != 2 || st.Sources != 2 || st.SourceRecords != 3 || st.Merges != 1 || st.FirstYear != 2017 || st.LastYear != 2019 ||
		st.PapersPerFormat["profile"] != 1 || st.PapersPerFormat["bibtex"] != 2 || st.DatabaseBytes < 4096 {
		t.Errorf("Stats: got %+v", st)
	}
}

// TestOpenWhileImporting: a catalog whose schema is current opens, and
// searches, while another connection holds the write lock: Open only
// reads. (With _txlock=immediate, any transaction would wait for the lock.)
func TestOpenWhileImporting(t *testing.T) {
	s, path := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a", SHA256: "a", Format: "bibtex"}, paper(t, attention))
	ctx := context.Background()
	im, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		r, err := Open(ctx, path, Options{})
		if err == nil {
			_, err = r.Search(ctx, `"attention"`, SearchOptions{Limit: 1})
			r.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Open during an import: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Open waited for the writer's lock")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Open took %v during an import", d)
	}
}

// TestNewestFirstIsByYear: every listing that comes "newest first" (a
// listing without search text, whichever plan Search picks for its
// filters, and a query of stopwords only, by relevance or by year) orders
// by year, newest first, then by id, most recently added first, with the
// papers that have no year last, whatever order the papers were imported
// in.
func TestNewestFirstIsByYear(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	var papers []*importer.Paper
	// Imported out of year order, as the ML Anthology's classics are (a
	// 1989 thesis added after 2024's papers).
	for i, y := range []int{2021, 1989, 1971, 0, 2019, 1984, 2019, 1950, 0, 2021, 2003} {
		venue := "Journal of Old Results"
		if i%2 == 0 {
			venue = "Proceedings of New Results"
		}
		papers = append(papers, paper(t, importer.Record{
			Title: fmt.Sprintf("The Theory of Paper %d", i+1), Year: y, Venue: venue,
			Abstract: "It is the study of the matter.",
			Authors:  people("Turing, Alan", fmt.Sprintf("Author%c, Some", 'a'+i)),
		}))
	}
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"}, papers...)
	want := func(where string) []int64 {
		t.Helper()
		rows, err := s.DB.Query(`SELECT id FROM papers p WHERE ` + where + ` ORDER BY year DESC NULLS LAST, id DESC`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	stop := ftsquery.Plain("the of")
	tests := []struct {
		name  string
		match string
		opt   SearchOptions
		where string
	}{
		{"listing", "", SearchOptions{}, "TRUE"},
		{"listing by year", "", SearchOptions{Sort: ByYear}, "TRUE"},
		{"listing of years", "", SearchOptions{Filters: Filters{YearFrom: 1960, YearTo: 2020}}, "year BETWEEN 1960 AND 2020"},
		{"listing of a venue", "", SearchOptions{Filters: Filters{Venue: "old results"}}, "venue LIKE '%Old%'"},
		{"listing of an author", "", SearchOptions{Filters: Filters{Author: nameFilter(t, "Turing")}}, "TRUE"},
		{"listing of a first author", "", SearchOptions{Filters: Filters{FirstAuthor: nameFilter(t, "Turing, A")}}, "TRUE"},
		{"stopwords", stop, SearchOptions{NewestFirst: true}, "TRUE"},
		{"stopwords by year", stop, SearchOptions{NewestFirst: true, Sort: ByYear}, "TRUE"},
		{"stopwords of a venue", stop, SearchOptions{NewestFirst: true, Filters: Filters{Venue: "new results"}}, "venue LIKE '%New%'"},
		{"stopwords of years", stop, SearchOptions{NewestFirst: true, Filters: Filters{YearFrom: 1980}}, "year >= 1980"},
	}
	// Both plans of each: the venue's papers read and sorted or the year
	// index walked; the author's papers through authorship or the walk.
	for _, few := range []int64{defaultVenueListAtMost, 0} {
		s.venueListAtMost = few
		for _, tt := range tests {
			for _, page := range []struct{ limit, offset int }{{0, 0}, {3, 0}, {4, 5}} {
				t.Run(fmt.Sprintf("%s/venue list at most %d/limit %d offset %d", tt.name, few, page.limit, page.offset), func(t *testing.T) {
					tt.opt.Limit, tt.opt.Offset = page.limit, page.offset
					hits, err := s.Search(ctx, tt.match, tt.opt)
					if err != nil {
						t.Fatal(err)
					}
					var got []int64
					for _, h := range hits {
						got = append(got, h.ID)
					}
					all := want(tt.where)
					w := all[min(page.offset, len(all)):]
					if page.limit > 0 {
						w = w[:min(page.limit, len(w))]
					}
					if !equalIDs(got, w) {
						t.Errorf("got %v, want %v", got, w)
					}
				})
			}
		}
	}
}

// TestAuthorsAgreeWithView: Authors pages through the authors as the
// author_list view orders them (papers, then family and name keys, then
// id; authors without papers last), with the view's counts and years,
// for every page, with and without a name filter, though it reads only
// the authors a page can hold.
func TestAuthorsAgreeWithView(t *testing.T) {
	s, _ := openTemp(t)
	importFiles(t, s, rankFixtures...)
	ctx := context.Background()
	// Authors another client added without papers come last.
	for _, name := range []string{"Zero, Ann", "Aardvark, Zed", "Dai, Nobody"} {
		family, given, _ := strings.Cut(name, ", ")
		key := importer.Fold(family) + "|" + importer.Fold(given)
		if _, err := s.DB.Exec(`INSERT INTO authors (name, family, given, name_key, family_key) VALUES (?, ?, ?, ?, ?)`,
			name, family, given, key, importer.Fold(family)); err != nil {
			t.Fatal(err)
		}
	}
	total := count(t, s.DB, `SELECT count(*) FROM authors`)
	want := func(family string, limit, offset int) []AuthorCount {
		t.Helper()
		if limit < 1 {
			limit = -1
		}
		rows, err := s.DB.Query(`SELECT id, name, papers, coalesce(first_year, 0), coalesce(last_year, 0) FROM author_list
			WHERE family_key = ? OR ? = '' ORDER BY papers DESC, family_key, name_key, id LIMIT ? OFFSET ?`, family, family, limit, offset)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []AuthorCount
		for rows.Next() {
			var a AuthorCount
			if err := rows.Scan(&a.ID, &a.Name, &a.Papers, &a.FirstYear, &a.LastYear); err != nil {
				t.Fatal(err)
			}
			out = append(out, a)
		}
		return out
	}
	same := func(got, want []AuthorCount) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			g := got[i]
			g.key = ""
			if g != want[i] {
				return false
			}
		}
		return true
	}
	pages := []struct{ limit, offset int }{{0, 0}, {1, 0}, {5, 0}, {50, 0}, {7, 3}, {20, 40}, {10, total - 5}, {10, total + 5}, {0, total - 2}}
	for _, family := range []string{"", "dai", "chan"} {
		for _, p := range pages {
			t.Run(fmt.Sprintf("%q limit %d offset %d", family, p.limit, p.offset), func(t *testing.T) {
				var name *NameFilter
				if family != "" {
					name = nameFilter(t, family)
				}
				got, err := s.Authors(ctx, name, p.limit, p.offset)
				if err != nil {
					t.Fatal(err)
				}
				if w := want(family, p.limit, p.offset); !same(got, w) {
					t.Errorf("got %d authors %+v\nwant %d %+v", len(got), got, len(w), w)
				}
			})
		}
	}
}

// TestAmbiguousCountsEveryMatch: a name that matches more authors than
// the candidates listed says how many it matches, not how many are shown.
func TestAmbiguousCountsEveryMatch(t *testing.T) {
	s, _ := openTemp(t)
	var papers []*importer.Paper
	for i := range maxCandidates + 5 {
		papers = append(papers, paper(t, importer.Record{Title: fmt.Sprintf("Paper %d", i), Year: 2000 + i,
			Authors: people(fmt.Sprintf("Dai, Given%c", 'a'+i))}))
	}
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"}, papers...)
	_, err := s.ResolveAuthor(context.Background(), *nameFilter(t, "dai"))
	var amb *AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("got %v, want an AmbiguousError", err)
	}
	if want := fmt.Sprintf(`"dai" matches %d authors`, maxCandidates+5); err.Error() != want || len(amb.Authors) != maxCandidates {
		t.Errorf("got %q with %d candidates, want %q with %d", err, len(amb.Authors), want, maxCandidates)
	}
}
