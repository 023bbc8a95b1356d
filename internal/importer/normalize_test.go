package importer

import (
	"strings"
	"testing"
)

// TestNormalizePersonCase: names in capitals only are written in title case,
// except what braces protect, initials and generational numerals. The rule
// once title-cased "{Bell, II}" to "Bell, Ii", "{TUG}" to "Tug" and "M.A."
// to "M.a.". In formats without LaTeX (names split as RIS splits them),
// braces are text and HTML references are decoded the same.
func TestNormalizePersonCase(t *testing.T) {
	tests := []struct {
		markup Markup
		name   string // a BibTeX author field, or a RIS name
		want   string // the first name's display form
	}{
		{MarkupLaTeX, `DAI, Zheqi`, "Dai, Zheqi"},
		{MarkupLaTeX, `O'BRIEN-SMITH, Pat`, "O'Brien-Smith, Pat"},
		{MarkupLaTeX, `JEAN-PIERRE DUPONT`, "Dupont, Jean-Pierre"},
		{MarkupLaTeX, `McDonald, Ann`, "McDonald, Ann"},
		{MarkupLaTeX, `{Bell, II}, Edward`, "Bell, II, Edward"},
		{MarkupLaTeX, `{TUG} Board`, "Board, TUG"},
		{MarkupLaTeX, `{DAI}, Zheqi`, "DAI, Zheqi"},
		{MarkupLaTeX, `{D}AI, Zheqi`, "DAI, Zheqi"},
		{MarkupLaTeX, `{\"U}NAL, Ali`, "Ünal, Ali"},
		{MarkupLaTeX, `\"UNAL, Ali`, "Ünal, Ali"},
		{MarkupLaTeX, `Smith, John III`, "Smith, John III"},
		{MarkupLaTeX, `SMITH, JOHN IV`, "Smith, John IV"},
		{MarkupLaTeX, `III, Jones`, "III, Jones"},
		{MarkupLaTeX, `Ford, Jr., Henry`, "Ford, Jr., Henry"},
		{MarkupLaTeX, `Ford, JR, HENRY`, "Ford, JR, Henry"},
		{MarkupLaTeX, `{\relax Ch}ristopher SMITH`, "Smith, Christopher"},
		// initials are not words in capitals
		{MarkupLaTeX, `M.A., Anusuya`, "M.A., Anusuya"},
		{MarkupLaTeX, `SZANSER, A.J.M.`, "Szanser, A.J.M."},
		{MarkupLaTeX, `Landsbergen, S.P.J.`, "Landsbergen, S.P.J."},
		{MarkupLaTeX, `{\'E}.B., J.-P.`, "É.B., J.-P."},
		// unknown macros do not leak into names
		{MarkupLaTeX, "H\\`an Th\\^e\\llap{\\raise 0.5ex\\hbox{\\'{}}} Th\\`anh", "Thành, Hàn Thê"},
		{MarkupLaTeX, `{\ssf Knuth}, Donald`, "Knuth, Donald"},
		// HTML character references
		{MarkupLaTeX, `Garc&#237;a-Molina, H&#233;ctor`, "García-Molina, Héctor"},
		{MarkupLaTeX, `H&eacute;ctor Garc&iacute;a-Molina`, "García-Molina, Héctor"},
		{MarkupPlain, `DAI, Zheqi`, "Dai, Zheqi"},
		{MarkupPlain, `Smith, JOHN III`, "Smith, John III"},
		{MarkupPlain, `Garc&#237;a-Molina, H&#233;ctor`, "García-Molina, Héctor"},
		{MarkupPlain, `Smith, Ann~Marie`, "Smith, Ann~Marie"},
		{MarkupPlain, `B\"{u}nz, Benedikt`, "Bünz, Benedikt"},
	}
	for _, tt := range tests {
		person := risPerson(tt.name)
		if tt.markup == MarkupLaTeX {
			people := SplitNames(tt.name)
			if len(people) == 0 {
				t.Errorf("%q: no name", tt.name)
				continue
			}
			person = people[0]
		}
		a, ok := normalizePerson(person, tt.markup)
		if !ok || a.Name != tt.want {
			t.Errorf("%q: got %q, want %q", tt.name, a.Name, tt.want)
		}
	}
}

// TestNormalizeUntitled: a record without a title is a paper with a warning;
// one with nothing to tell the work by is refused.
func TestNormalizeUntitled(t *testing.T) {
	tests := []struct {
		name    string
		rec     Record
		warning string
		err     string
	}{
		{"authors", Record{Authors: []Person{{Family: "Lovelace", Given: "Ada"}}}, "record has no title; imported untitled", ""},
		{"doi", Record{DOI: "10.1/x"}, "record has no title; imported untitled", ""},
		{"url", Record{URL: "https://example.org/x"}, "record has no title; imported untitled", ""},
		{"title cleans to nothing", Record{Title: `{\relax}`, Markup: MarkupLaTeX, DOI: "10.1/x"}, "record has no title; imported untitled", ""},
		{"titled", Record{Title: "A title"}, "", ""},
		{"nothing", Record{Year: 2020, Pages: "1--2", Key: "k"}, "", "record has no title, no authors and no DOI or URL: nothing to tell the work by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Normalize(&tt.rec)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(p.Warnings) > 0 {
				got = p.Warnings[0]
			}
			if got != tt.warning || len(p.Warnings) > 1 {
				t.Errorf("warnings: got %q, want %q", p.Warnings, tt.warning)
			}
			if p.Title == "" && p.TitleKey != "" {
				t.Errorf("untitled paper with title key %q", p.TitleKey)
			}
		})
	}
}

// TestBibTeXSetSkipped: @set and @xdata entries are not works, with or
// without a crossref to a parent that comes later (such a @set once
// waited for its parent and came out as a record with no title).
func TestBibTeXSetSkipped(t *testing.T) {
	in := `@set{s1, entryset = {a}}
@set{s2, crossref = {later}, entryset = {a}}
@xdata{x, crossref = {later}, publisher = {P}}
@article{a, title = {A}, crossref = {later}}
@proceedings{later, title = {Later}}
`
	got := outline(t, NewBibTeXParser(strings.NewReader(in)))
	if strings.Join(got, " ") != "4:A 5:Later" {
		t.Errorf("got records %q, want %q", got, "4:A 5:Later")
	}
}
