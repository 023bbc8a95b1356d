package importer

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestNormalizePersonCase: names in capitals only are written in title case,
// except what braces protect and generational numerals. The rule once
// title-cased "{Bell, II}" to "Bell, Ii" and "{TUG}" to "Tug".
func TestNormalizePersonCase(t *testing.T) {
	tests := []struct {
		bibtex string // an author field
		want   string // the first name's display form
	}{
		{`DAI, Zheqi`, "Dai, Zheqi"},
		{`O'BRIEN-SMITH, Pat`, "O'Brien-Smith, Pat"},
		{`JEAN-PIERRE DUPONT`, "Dupont, Jean-Pierre"},
		{`McDonald, Ann`, "McDonald, Ann"},
		{`{Bell, II}, Edward`, "Bell, II, Edward"},
		{`{TUG} Board`, "Board, TUG"},
		{`{DAI}, Zheqi`, "DAI, Zheqi"},
		{`{D}AI, Zheqi`, "DAI, Zheqi"},
		{`{\"U}NAL, Ali`, "Ünal, Ali"},
		{`\"UNAL, Ali`, "Ünal, Ali"},
		{`Smith, John III`, "Smith, John III"},
		{`SMITH, JOHN IV`, "Smith, John IV"},
		{`III, Jones`, "III, Jones"},
		{`Ford, Jr., Henry`, "Ford, Jr., Henry"},
		{`Ford, JR, HENRY`, "Ford, JR, Henry"},
		{`{\relax Ch}ristopher SMITH`, "Smith, Christopher"},
		// initials are not words in capitals
		{`M.A., Anusuya`, "M.A., Anusuya"},
		{`SZANSER, A.J.M.`, "Szanser, A.J.M."},
		{`Landsbergen, S.P.J.`, "Landsbergen, S.P.J."},
		{`{\'E}.B., J.-P.`, "É.B., J.-P."},
		// unknown macros do not leak into names
		{"H\\`an Th\\^e\\llap{\\raise 0.5ex\\hbox{\\'{}}} Th\\`anh", "Thành, Hàn Thê"},
		{`{\ssf Knuth}, Donald`, "Knuth, Donald"},
		// HTML character references
		{`Garc&#237;a-Molina, H&#233;ctor`, "García-Molina, Héctor"},
		{`H&eacute;ctor Garc&iacute;a-Molina`, "García-Molina, Héctor"},
	}
	for _, tt := range tests {
		people := SplitNames(tt.bibtex)
		if len(people) == 0 {
			t.Errorf("%q: no name", tt.bibtex)
			continue
		}
		a, ok := NormalizePerson(people[0])
		if !ok || a.Name != tt.want {
			t.Errorf("%q: got %q, want %q", tt.bibtex, a.Name, tt.want)
		}
	}
}

// TestNormalizePersonPlain: in formats without LaTeX, capitals are title-cased
// the same way, braces are text, and HTML references are decoded.
func TestNormalizePersonPlain(t *testing.T) {
	tests := []struct {
		person Person
		want   string
	}{
		{Person{Family: "DAI", Given: "Zheqi"}, "Dai, Zheqi"},
		{Person{Family: "Smith", Given: "JOHN III"}, "Smith, John III"},
		{Person{Family: "Garc&#237;a-Molina", Given: "H&#233;ctor"}, "García-Molina, Héctor"},
		{Person{Family: "Smith", Given: "Ann~Marie"}, "Smith, Ann~Marie"},
		{Person{Family: "B\\\"{u}nz", Given: "Benedikt"}, "Bünz, Benedikt"},
	}
	for _, tt := range tests {
		a, ok := normalizePerson(tt.person, MarkupPlain)
		if !ok || a.Name != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.person, a.Name, tt.want)
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
	p := NewBibTeXParser(strings.NewReader(in))
	var keys []string
	for {
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, rec.Key)
	}
	if got := strings.Join(keys, " "); got != "a later" {
		t.Errorf("got records %q, want %q", got, "a later")
	}
}
