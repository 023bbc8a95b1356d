package importer

import "testing"

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
