package store

import (
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"github.com/catalog-dev/catalog/internal/ftsquery"
	"github.com/catalog-dev/catalog/internal/importer"
)

// Filters narrow a search or a listing. The zero value lets everything
// through; the fields combine with AND.
type Filters struct {
	// Author keeps papers with this author at any position, FirstAuthor
	// those with this author first.
	Author, FirstAuthor *NameFilter
	// YearFrom and YearTo bound the year, inclusive; 0 leaves a side open.
	// A paper without a year passes only when both are 0.
	YearFrom, YearTo int
	// Venue is a phrase the venue must contain, starting at a word, in any
	// case and with or without accents ("neural inf" finds "Advances in
	// Neural Information Processing Systems").
	Venue string
	// Title is words that must all appear in the title (plain words, as
	// ftsquery.Plain reads them); it becomes an FTS5 column filter.
	Title string
}

// NameFilter selects authors by name, the way --author and catalog authors
// read one: "Family, Given", "Given Family", or one word, the family name.
// Comparison is on the folded identity keys (case, diacritics and
// punctuation ignored), and the given name may be shortened: "Chan, C" and
// "Chan, Chi" find "Chan, Chi-Min".
type NameFilter struct {
	Name   string // as written
	Family string // folded family name, compared with authors.family_key
	Given  string // folded given name, a prefix of the author's; "" for any
}

// ParseNameFilter reads a name as NameFilter describes. Names are split by
// importer.ParseName (BibTeX's rules). BibTeX takes lower-case words before
// the last for a "von" part; people type names in lower case, so without a
// comma every word but a known particle (van, de, von ...) is read as if
// capitalized: "chi-min chan" is Chan, Chi-Min and "jan van der berg" is
// van der Berg, Jan.
func ParseNameFilter(s string) (NameFilter, error) {
	s = strings.TrimSpace(s)
	raw := s
	if !strings.Contains(s, ",") {
		raw = capitalizeWords(s)
	}
	a, ok := importer.NormalizePerson(importer.ParseName(raw))
	family := ""
	if ok {
		family = importer.Fold(a.Family)
	}
	if family == "" {
		return NameFilter{}, fmt.Errorf("no name in %q: want \"Family, Given\", \"Given Family\" or a family name", s)
	}
	return NameFilter{Name: s, Family: family, Given: importer.Fold(a.Given)}, nil
}

// String describes the filter with the keys it compares.
func (n NameFilter) String() string {
	if n.Given == "" {
		return fmt.Sprintf("%q (family name %q)", n.Name, n.Family)
	}
	return fmt.Sprintf("%q (family name %q, given name starting %q)", n.Name, n.Family, n.Given)
}

// particles are the lower-case words of family names ("van der Berg").
var particles = map[string]bool{
	"van": true, "von": true, "der": true, "den": true, "de": true, "del": true,
	"della": true, "di": true, "da": true, "dos": true, "das": true, "du": true,
	"la": true, "le": true, "les": true, "ten": true, "ter": true, "zu": true,
	"af": true, "al": true, "el": true, "bin": true, "ibn": true, "st": true,
}

// capitalizeWords upper-cases the first letter of each word that is not a
// particle, and of each part after a hyphen.
func capitalizeWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if particles[w] {
			continue
		}
		var b strings.Builder
		start := true
		for _, r := range w {
			if start && unicode.IsLetter(r) {
				r = unicode.ToUpper(r)
			}
			start = r == '-' || r == '~'
			b.WriteRune(r)
		}
		words[i] = b.String()
	}
	return strings.Join(words, " ")
}

// MatchExpr is the FTS5 expression a search runs: match (an FTS5 query, or
// "") and the title filter as a column filter. It is "" when neither has
// words, and the search is then a listing.
func MatchExpr(match string, f Filters) string {
	title := ftsquery.Plain(f.Title)
	switch {
	case title == "":
		return match
	case match == "":
		return "title : (" + title + ")"
	default:
		return "(" + match + ") AND title : (" + title + ")"
	}
}

// Describe lists the filters in force, one phrase each, with the values
// they compare (for catalog query --explain).
func (f Filters) Describe() []string {
	var out []string
	if f.Author != nil {
		out = append(out, "author "+f.Author.String())
	}
	if f.FirstAuthor != nil {
		out = append(out, "first author "+f.FirstAuthor.String())
	}
	switch {
	case f.YearFrom != 0 && f.YearFrom == f.YearTo:
		out = append(out, fmt.Sprintf("year %d", f.YearFrom))
	case f.YearFrom != 0 && f.YearTo != 0:
		out = append(out, fmt.Sprintf("year %d to %d", f.YearFrom, f.YearTo))
	case f.YearFrom != 0:
		out = append(out, fmt.Sprintf("year %d or later", f.YearFrom))
	case f.YearTo != 0:
		out = append(out, fmt.Sprintf("year %d or earlier", f.YearTo))
	}
	if v := importer.Fold(f.Venue); v != "" {
		out = append(out, fmt.Sprintf("venue contains %q (folded, from the start of a word)", v))
	}
	if t := ftsquery.Plain(f.Title); t != "" {
		out = append(out, "title has "+t+" (FTS5 column filter)")
	}
	return out
}

// filterArgs are the filter parameters of the search queries (see
// db/queries/search.sql), NULL where a filter is off.
type filterArgs struct {
	yearFrom, yearTo          sql.NullInt64
	venue                     sql.NullString
	authorFamily, authorGiven sql.NullString
	firstFamily, firstGiven   sql.NullString
}

func (f Filters) args() filterArgs {
	a := filterArgs{
		yearFrom: optInt(f.YearFrom),
		yearTo:   optInt(f.YearTo),
		venue:    optString(importer.Fold(f.Venue)),
	}
	if f.Author != nil {
		a.authorFamily, a.authorGiven = optString(f.Author.Family), optString(f.Author.Given)
	}
	if f.FirstAuthor != nil {
		a.firstFamily, a.firstGiven = optString(f.FirstAuthor.Family), optString(f.FirstAuthor.Given)
	}
	return a
}

// optString and optInt map "" and 0 to NULL.
func optString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func optInt(v int) sql.NullInt64 { return sql.NullInt64{Int64: int64(v), Valid: v != 0} }

// byAuthor splits off the author filter that a plan driven by an author's
// papers applies itself (ListPapersOfAuthor, ScanPapersOfAuthor: the
// author anywhere in the list if that filter is given, else the first
// author), leaving the others for the filter block. ok is false when
// there is no author filter.
func (f filterArgs) byAuthor() (family string, given sql.NullString, first int64, rest filterArgs, ok bool) {
	rest = f
	switch {
	case f.authorFamily.Valid:
		rest.authorFamily, rest.authorGiven = sql.NullString{}, sql.NullString{}
		return f.authorFamily.String, f.authorGiven, 0, rest, true
	case f.firstFamily.Valid:
		rest.firstFamily, rest.firstGiven = sql.NullString{}, sql.NullString{}
		return f.firstFamily.String, f.firstGiven, 1, rest, true
	}
	return "", sql.NullString{}, 0, f, false
}
