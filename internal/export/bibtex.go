package export

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/catalog-dev/catalog/internal/importer"
	"github.com/catalog-dev/catalog/internal/store"
)

// BibTeX writes papers as BibTeX entries, UTF-8, with the keys Keys gives.
// Fields: title, author, editor and translator (BibLaTeX's; Family, Given,
// joined by "and"; a name without a given name, such as a corporate
// author, in braces), year, month (as a macro), journal or booktitle,
// volume, number, pages, publisher, address, doi, url, abstract.
func BibTeX(w io.Writer, papers []store.Paper) error {
	return writeAll(NewBibTeX(w, keyMaker(papers)), papers)
}

// NewBibTeX returns a Writer of BibTeX entries (see BibTeX), with the
// keys km gives.
func NewBibTeX(w io.Writer, km *KeyMaker) Writer {
	ew := &ErrWriter{W: w}
	return &bibtexWriter{ew: ew, bw: bufio.NewWriter(ew), km: km}
}

type bibtexWriter struct {
	ew *ErrWriter
	bw *bufio.Writer
	km *KeyMaker
	n  int
}

func (b *bibtexWriter) Write(p *store.Paper) error {
	if b.n > 0 {
		b.bw.WriteByte('\n')
	}
	b.n++
	writeEntry(b.bw, p, b.km.Next(p))
	return b.ew.Err
}

func (b *bibtexWriter) Close() error { return b.bw.Flush() }

var monthMacros = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func writeEntry(w *bufio.Writer, p *store.Paper, key string) {
	typ := BibTeXType(p.Type, p.Venue)
	fmt.Fprintf(w, "@%s{%s,\n", typ, key)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %s = {%s},\n", name, value)
		}
	}
	field("title", TeXTitle(p.Title))
	field("author", bibtexNames(p.Authors))
	field("editor", bibtexNames(p.Editors))
	field("translator", bibtexNames(p.Translators))
	if p.Year != 0 {
		field("year", strconv.Itoa(p.Year))
	}
	if p.Month >= 1 && p.Month <= 12 {
		fmt.Fprintf(w, "  month = %s,\n", monthMacros[p.Month-1])
	}
	if p.Venue != "" {
		if bookTypes[typ] {
			field("booktitle", TeX(p.Venue))
		} else {
			field("journal", TeX(p.Venue))
		}
	}
	// The importer reads volume and number as written (no LaTeX decoding).
	field("volume", verbatim(p.Volume))
	field("number", verbatim(p.Issue))
	pages := TeX(p.Pages)
	if m := pageRange.FindStringSubmatch(p.Pages); m != nil {
		pages = m[1] + "--" + m[2] // an en dash in BibTeX
	}
	field("pages", pages)
	field("publisher", TeX(p.Publisher))
	field("address", TeX(p.Address))
	field("doi", verbatim(p.DOI))
	field("url", verbatim(p.URL))
	field("abstract", TeX(p.Abstract))
	w.WriteString("}\n")
}

// bibtexNames is a name list field: the names joined by "and".
func bibtexNames(people []store.Author) string {
	names := make([]string, len(people))
	for i, a := range people {
		names[i] = BibTeXName(a)
	}
	return strings.Join(names, " and ")
}

// pageRange is a page range written with one hyphen (the catalog's form).
var pageRange = regexp.MustCompile(`^(\w+)-(\w+)$`)

// verbatim prepares a value the importer reads as it stands (URL, DOI,
// volume): it is written as it is, unless its braces would unbalance the
// entry; then they are percent-encoded, which a URL means the same way
// (and a volume or DOI with an unpaired brace is not worth more).
func verbatim(s string) string {
	depth := 0
	for i := 0; i < len(s) && depth >= 0; i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
	}
	if depth == 0 {
		return s
	}
	return braceEscaper.Replace(s)
}

// braceEscaper is built once: building one for each value was a sixth of
// a BibTeX export's time.
var braceEscaper = strings.NewReplacer("{", "%7B", "}", "%7D")

// BibTeXName writes one author for an author field: "Family, Given", or
// "Family, Suffix, Given" (BibTeX's "von Last, Jr, First"). A name without
// a given name is one brace group, so that a corporate name ("{Barnes and
// Noble, Inc.}") is never split. A part with a comma or the word "and" in
// it is braced too, and so is any part BibTeX's rules would read otherwise:
// a family name that ends in a suffix word ("{Breternitz Jr}, Mauricio",
// not Jr as a suffix), a given name that is one ("{Ford}, {Jr.}"), a part
// that is only a separator ("-").
func BibTeXName(a store.Author) string {
	suffix := a.Suffix()
	if a.Given == "" && suffix == "" {
		return "{" + TeX(a.Family) + "}"
	}
	var name string
	for _, braced := range [...]struct{ family, given bool }{{false, false}, {true, false}, {true, true}} {
		name = joinName(namePart(a.Family, braced.family), namePart(suffix, braced.given), namePart(a.Given, braced.given))
		if suffix != "" && a.Given == "" && braced.given {
			// "von Last, Jr," with First empty: a suffix alone after
			// one comma reads as a given name, unless it is Jr or III.
			name += ","
		}
		if readsBackAs(name, a) {
			break
		}
	}
	return name
}

// namePart escapes one part of a name, braced when asked to or when it
// holds a comma or the word "and".
func namePart(s string, brace bool) string {
	t := TeX(s)
	if t != "" && (brace || strings.Contains(s, ",") || andWord.MatchString(s)) {
		return "{" + t + "}"
	}
	return t
}

func joinName(family, suffix, given string) string {
	name := family
	if suffix != "" {
		name += ", " + suffix
	}
	if given != "" {
		name += ", " + given
	}
	return name
}

// readsBackAs reports whether the importer reads name as a: the same
// family and given names, and the same suffix.
func readsBackAs(name string, a store.Author) bool {
	got, ok := importer.NormalizePerson(importer.ParseName(name))
	return ok && got.Family == a.Family && got.Given == a.Given && got.Name == a.Name
}

var andWord = regexp.MustCompile(`(?i)(^|\s)and(\s|$)`)

// bookTypes take the venue as booktitle; other types as journal.
var bookTypes = map[string]bool{"inproceedings": true, "incollection": true, "inbook": true}

// bibtexTypes maps the types sources give (BibTeX, CSL, RIS, OpenAlex) to
// BibTeX entry types.
var bibtexTypes = map[string]string{
	// BibTeX and BibLaTeX
	"article": "article", "inproceedings": "inproceedings", "conference": "inproceedings",
	"book": "book", "inbook": "inbook", "incollection": "incollection", "booklet": "booklet",
	"proceedings": "proceedings", "phdthesis": "phdthesis", "mastersthesis": "mastersthesis",
	"thesis": "phdthesis", "techreport": "techreport", "report": "techreport",
	"manual": "manual", "unpublished": "unpublished", "misc": "misc", "online": "misc",
	"collection": "book",
	// CSL
	"article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
	"paper-conference": "inproceedings", "chapter": "incollection", "manuscript": "unpublished",
	"webpage": "misc", "dataset": "misc", "document": "misc",
	// RIS
	"jour": "article", "conf": "inproceedings", "cpaper": "inproceedings", "chap": "incollection",
	"thes": "phdthesis", "rprt": "techreport", "gen": "misc", "elec": "misc", "unpb": "unpublished",
	// OpenAlex
	"book-chapter": "incollection", "dissertation": "phdthesis", "preprint": "misc",
}

// BibTeXType is the entry type for a paper of the given source type: the
// matching BibTeX type, else article when it has a venue, else misc.
func BibTeXType(typ, venue string) string {
	if t, ok := bibtexTypes[strings.ToLower(typ)]; ok {
		return t
	}
	if venue != "" {
		return "article"
	}
	return "misc"
}
