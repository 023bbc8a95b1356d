package export

import (
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
	"github.com/catalog-dev/catalog/internal/store"
)

// FuzzBibTeXNameReadsBack: any person the importer can store, BibTeXName
// writes so that the importer reads back the same person: the same
// family and given names and the same display name (suffix included).
func FuzzBibTeXNameReadsBack(f *testing.F) {
	for _, s := range [][3]string{
		{"Breternitz Jr", "Mauricio", ""}, {"Gonzalez", "Ruben", "Jr."}, {"Ford", "Jr.", ""},
		{"van der Berg", "Jan", ""}, {"de la", "x", ""}, {"Barnes and Noble, Inc.", "", ""},
		{"H{o", "Jan", ""}, {"Agi{\\'c}", "{\\v{Z}}eljko", ""}, {"O'Neil_x", "A~B", "III"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, family, given, suffix string) {
		if _, ok := importer.NormalizePerson(importer.Person{Family: family}); !ok {
			// A given name alone becomes the family name, but keeps the
			// capitals a family name would lose: it does not read back.
			return
		}
		a, ok := importer.NormalizePerson(importer.Person{Family: family, Given: given, Suffix: suffix})
		if !ok {
			return
		}
		stored := store.Author{Name: a.Name, Family: a.Family, Given: a.Given}
		if stored.Suffix() == "" && a.Name != joinName(a.Family, "", a.Given) {
			return // a suffix the stored name cannot tell apart (a part with ", " in it)
		}
		name := BibTeXName(stored)
		got, ok := importer.NormalizePerson(importer.ParseName(name))
		if !ok || got.Name != a.Name || got.Family != a.Family || got.Given != a.Given {
			t.Errorf("%+v written %q reads back as %+v", stored, name, got)
		}
	})
}
