package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// personNames lists people's display names.
func personNames(people []Author) []string {
	out := []string{}
	for _, a := range people {
		out = append(out, a.Name)
	}
	return out
}

// storedPaper reads the one paper with this DOI.
func storedPaper(t *testing.T, s *Store, doi string) *Paper {
	t.Helper()
	ctx := context.Background()
	ids, err := s.FindPapers(ctx, doi)
	if err != nil || len(ids) != 1 {
		t.Fatalf("FindPapers(%s): %v, %v", doi, ids, err)
	}
	p, err := s.Paper(ctx, ids[0], false)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// storedPeople is what a test expects of a stored paper: its people
// (nil: none), publisher and address, and papers.authors.
type storedPeople struct {
	doi                           string
	authors, editors, translators []string
	publisher, address            string
	text                          string
}

// checkStored compares the paper with w.doi with w.
func checkStored(t *testing.T, s *Store, w storedPeople) {
	t.Helper()
	p := storedPaper(t, s, w.doi)
	for _, role := range []struct {
		name      string
		got, want []string
	}{{"authors", personNames(p.Authors), w.authors}, {"editors", personNames(p.Editors), w.editors},
		{"translators", personNames(p.Translators), w.translators}} {
		if !slices.Equal(role.got, role.want) && len(role.got)+len(role.want) > 0 {
			t.Errorf("%s: got %q, want %q", role.name, role.got, role.want)
		}
	}
	if p.Publisher != w.publisher || p.Address != w.address {
		t.Errorf("publisher, address: got %q, %q, want %q, %q", p.Publisher, p.Address, w.publisher, w.address)
	}
	var text string
	if err := s.DB.QueryRow("SELECT authors FROM papers WHERE id = ?", p.ID).Scan(&text); err != nil || text != w.text {
		t.Errorf("papers.authors: got %q (%v), want %q", text, err, w.text)
	}
}

// expectHits checks that a search for text finds n papers, and returns
// them.
func expectHits(t *testing.T, s *Store, text string, n int, why string) []Hit {
	t.Helper()
	hits, err := s.Search(context.Background(), text, SearchOptions{Limit: 5})
	if err != nil || len(hits) != n {
		t.Errorf("search %s: got %v, %v, want %d: %s", text, hits, err, n, why)
	}
	return hits
}

// checkSound checks that doctor finds nothing and the file and the index
// are sound.
func checkSound(t *testing.T, s *Store) {
	t.Helper()
	if problems := failed(t, s); len(problems) > 0 {
		t.Errorf("doctor: problems %v", problems)
	}
	checkIntegrity(t, s.DB)
}

// TestEditorsKept: editors and translators are stored with their role and
// order, as the same people as authors, with the publisher and address;
// a paper without authors is found by its editors' names; doctor finds
// the catalog sound.
func TestEditorsKept(t *testing.T) {
	s, _ := openTemp(t)
	proceedings := importer.Record{Type: "proceedings", Title: "Proceedings of the Workshop on Editing", Year: 2020,
		DOI: "10.1/proc", Editors: people("Zeditor, Ann", "Knuth, Donald"), Publisher: "ACL", Address: "Online"}
	translated := importer.Record{Type: "book", Title: "A Translated Book", Year: 1990, DOI: "10.1/book",
		Authors: people("Writer, Wanda"), Editors: people("Knuth, Donald"), Translators: people("Trans, Lator")}
	written := importer.Record{Title: "Written by an editor", DOI: "10.1/paper", Authors: people("Knuth, Donald", "Other, Olga")}
	stats := importPapers(t, s, SourceInfo{Path: "e.bib", SHA256: "e", Format: "bibtex"},
		paper(t, proceedings), paper(t, translated), paper(t, written))
	if stats.Added != 3 || stats.AuthorsAdded != 5 {
		t.Errorf("got %d papers and %d people added, want 3 and 5 (Knuth once)", stats.Added, stats.AuthorsAdded)
	}

	for _, w := range []storedPeople{
		{"10.1/proc", nil, []string{"Zeditor, Ann", "Knuth, Donald"}, nil, "ACL", "Online", "Zeditor, Ann; Knuth, Donald"},
		{"10.1/book", []string{"Writer, Wanda"}, []string{"Knuth, Donald"}, []string{"Trans, Lator"}, "", "", "Writer, Wanda"},
		{"10.1/paper", []string{"Knuth, Donald", "Other, Olga"}, nil, nil, "", "", "Knuth, Donald; Other, Olga"},
	} {
		t.Run(w.doi, func(t *testing.T) { checkStored(t, s, w) })
	}

	// The same person in every role: one row of authors.
	if n := count(t, s.DB, "SELECT count(*) FROM authors WHERE name = 'Knuth, Donald'"); n != 1 {
		t.Errorf("Knuth is %d rows of authors, want 1", n)
	}
	// The proceedings, which have no authors, are found by an editor.
	hits := expectHits(t, s, "zeditor", 1, "the proceedings")
	if len(hits) == 1 && (!strings.HasPrefix(hits[0].Title, "Proceedings") || len(hits[0].Authors) != 0) {
		t.Errorf("search zeditor: got %q by %q, want the proceedings, without authors", hits[0].Title, hits[0].Authors)
	}
	// An editor of a paper with authors is not an author of it.
	expectHits(t, s, "knuth", 2, "the proceedings and the paper he wrote")
	checkSound(t, s)
}

// TestMergeFillsEditors: a merge gives a paper the editors, translators,
// publisher and address it lacks and never replaces those it has; a paper
// found by its editors that gets authors is found by them instead.
func TestMergeFillsEditors(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"},
		paper(t, importer.Record{Title: "Edited Volume", DOI: "10.1/vol", Editors: people("First, Ed"), Publisher: "Kept Press"}),
		paper(t, importer.Record{Title: "Plain Paper", DOI: "10.1/plain", Authors: people("Author, Al")}),
		paper(t, importer.Record{Title: "Translated", DOI: "10.1/tr", Authors: people("Author, Al"), Translators: people("Kept, Translator")}))
	stats := importPapers(t, s, SourceInfo{Path: "b.json", SHA256: "b", Format: "csljson"},
		paper(t, importer.Record{Title: "Edited Volume", DOI: "10.1/vol", Editors: people("Second, Ed"),
			Translators: people("New, Translator"), Publisher: "Other Press", Address: "Filled"}),
		paper(t, importer.Record{Title: "Plain Paper", DOI: "10.1/plain", Editors: people("Added, Editor"), Address: "Town"}),
		paper(t, importer.Record{Title: "Translated", DOI: "10.1/tr", Editors: people("Added, Editor"), Translators: people("Dropped, Translator")}))
	if stats.Merged != 3 {
		t.Fatalf("got %d merged, want 3", stats.Merged)
	}
	for _, w := range []storedPeople{
		{"10.1/vol", nil, []string{"First, Ed"}, []string{"New, Translator"}, "Kept Press", "Filled", "First, Ed; New, Translator"},
		{"10.1/plain", []string{"Author, Al"}, []string{"Added, Editor"}, nil, "", "Town", "Author, Al"},
		{"10.1/tr", []string{"Author, Al"}, []string{"Added, Editor"}, []string{"Kept, Translator"}, "", "", "Author, Al"},
	} {
		t.Run(w.doi, func(t *testing.T) { checkStored(t, s, w) })
	}
	expectHits(t, s, "translator", 1, "the edited volume, found by its new translator")

	// The edited volume gets authors: they are what the index holds now.
	importPapers(t, s, SourceInfo{Path: "c.ris", SHA256: "c", Format: "ris"},
		paper(t, importer.Record{Title: "Edited Volume", DOI: "10.1/vol", Authors: people("Late, Author")}))
	p := storedPaper(t, s, "10.1/vol")
	if got := personNames(p.Authors); !slices.Equal(got, []string{"Late, Author"}) {
		t.Errorf("authors after a third merge: got %q, want Late, Author", got)
	}
	expectHits(t, s, "first", 0, "the volume is found by its authors now")
	expectHits(t, s, "late", 1, "the volume, by its new author")
	checkSound(t, s)
}

// TestDoctorEditorNames: for a paper without authors, doctor compares
// papers.authors with its editors, and --repair writes them back.
func TestDoctorEditorNames(t *testing.T) {
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"},
		paper(t, importer.Record{Title: "Edited Volume", DOI: "10.1/vol", Editors: people("First, Ed", "Second, Ed")}))
	if _, err := s.DB.Exec("UPDATE papers SET authors = '' WHERE doi = '10.1/vol'"); err != nil {
		t.Fatal(err)
	}
	if got := failed(t, s); !slices.Equal(got, []string{"authors"}) {
		t.Fatalf("doctor: got problems %v, want authors", got)
	}
	done, err := s.Repair(context.Background())
	if err != nil || len(done) != 1 {
		t.Fatalf("Repair: %v, %v", done, err)
	}
	var text string
	if err := s.DB.QueryRow("SELECT authors FROM papers WHERE doi = '10.1/vol'").Scan(&text); err != nil || text != "First, Ed; Second, Ed" {
		t.Errorf("after repair: got %q (%v), want the editors", text, err)
	}
	if got := failed(t, s); len(got) > 0 {
		t.Errorf("doctor after repair: problems %v", got)
	}
}

// TestEditorsMigrationDown: below the editors' migration, papers.authors
// names authors only, so going down clears it for a paper found by its
// editors, through the FTS update trigger; going up again keeps the
// catalog sound.
func TestEditorsMigrationDown(t *testing.T) {
	ctx := context.Background()
	versions := embeddedVersions(t)
	i := slices.Index(versions, editorsVersion)
	if i < 1 {
		t.Fatalf("migration %d not embedded", editorsVersion)
	}
	s, _ := openTemp(t)
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"},
		paper(t, importer.Record{Title: "Edited Volume", DOI: "10.1/vol", Editors: people("Zeditor, Ann")}),
		paper(t, importer.Record{Title: "Written", DOI: "10.1/w", Authors: people("Writer, Wanda"), Editors: people("Zeditor, Ann")}))
	if _, err := s.MigrateDown(ctx, versions[i-1]); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM papers WHERE authors = ''"); n != 1 {
		t.Errorf("after down: %d papers with no names, want 1 (the edited volume)", n)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'zeditor'"); n != 0 {
		t.Errorf("after down: zeditor still in the index (%d papers)", n)
	}
	checkIntegrity(t, s.DB)
	if _, err := s.MigrateUp(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if problems := failed(t, s); len(problems) > 0 {
		t.Errorf("doctor after up again: problems %v", problems)
	}
}
