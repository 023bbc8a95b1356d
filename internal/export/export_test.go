package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
	"github.com/catalog-dev/catalog/internal/store"
)

func TestBibTeXName(t *testing.T) {
	tests := []struct {
		name string
		in   store.Author
		want string
	}{
		{"family, given", store.Author{Name: "Chan, Chi-Min", Family: "Chan", Given: "Chi-Min"}, "Chan, Chi-Min"},
		{"particle", store.Author{Name: "van der Berg, Jan", Family: "van der Berg", Given: "Jan"}, "van der Berg, Jan"},
		{"corporate", store.Author{Name: "Barnes and Noble, Inc.", Family: "Barnes and Noble, Inc."}, "{Barnes and Noble, Inc.}"},
		{"single name", store.Author{Name: "Plato", Family: "Plato"}, "{Plato}"},
		{"suffix", store.Author{Name: "King, Jr., Martin Luther", Family: "King", Given: "Martin Luther"}, "King, Jr., Martin Luther"},
		{"suffix only", store.Author{Name: "Ford, Jr.", Family: "Ford"}, "Ford, Jr."},
		{"and inside", store.Author{Name: "Sand and Sons, Al", Family: "Sand and Sons", Given: "Al"}, "{Sand and Sons}, Al"},
		{"escaped", store.Author{Name: "O'Neil_x, A~B", Family: "O'Neil_x", Given: "A~B"}, `O'Neil\_x, A\textasciitilde{}B`},
		{"unicode", store.Author{Name: "Agić, Željko", Family: "Agić", Given: "Željko"}, "Agić, Željko"},
		{"family ending in a suffix word", store.Author{Name: "Breternitz Jr, Mauricio", Family: "Breternitz Jr", Given: "Mauricio"}, "{Breternitz Jr}, Mauricio"},
		{"family ending in Jr.", store.Author{Name: "de Souza Britto Jr., Alceu", Family: "de Souza Britto Jr.", Given: "Alceu"}, "{de Souza Britto Jr.}, Alceu"},
		{"family ending in Sr.", store.Author{Name: "Gates Sr., William", Family: "Gates Sr.", Given: "William"}, "{Gates Sr.}, William"},
		{"suffix kept apart", store.Author{Name: "Gonzalez, Jr., Ruben", Family: "Gonzalez", Given: "Ruben"}, "Gonzalez, Jr., Ruben"},
		{"given that is a suffix word", store.Author{Name: "Ford, Jr.", Family: "Ford", Given: "Jr."}, "{Ford}, {Jr.}"},
		{"lower-case family", store.Author{Name: "van der Berg, Jan", Family: "van der Berg", Given: "Jan"}, "van der Berg, Jan"},
		{"lone brace", store.Author{Name: "H{o, Jan", Family: "H{o", Given: "Jan"}, `H\textbraceleft{}o, Jan`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BibTeXName(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVerbatim(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/a_b%20c?x=1&y={2}", "https://example.org/a_b%20c?x=1&y={2}"},
		{"10.1/a{b", "10.1/a%7Bb"},
		{"x}y{z", "x%7Dy%7Bz"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := verbatim(tt.in); got != tt.want {
			t.Errorf("verbatim(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMakeKey(t *testing.T) {
	chan_ := []store.Author{{Name: "Chan, Chi-Min", Family: "Chan", Given: "Chi-Min"}}
	tests := []struct {
		name string
		in   store.Paper
		want string
	}{
		{"family year word", store.Paper{Title: "ChatEval: Towards Better Evaluators", Year: 2023, Authors: chan_}, "chan-2023-chateval"},
		{"stop words skipped", store.Paper{Title: "On the Impact of Scaling", Year: 2022, Authors: chan_}, "chan-2022-impact"},
		{"accents and particles folded", store.Paper{Title: "Über Alles", Year: 1999,
			Authors: []store.Author{{Family: "van der Müller", Given: "J."}}}, "vandermuller-1999-uber"},
		{"no year", store.Paper{Title: "Graphs", Authors: chan_}, "chan-graphs"},
		{"no authors", store.Paper{Title: "Graphs", Year: 2001}, "2001-graphs"},
		{"nothing usable", store.Paper{ID: 7, Title: "!!!", Year: 2001}, "paper-7-2001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MakeKey(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	a := []store.Author{{Family: "Smith", Given: "A."}}
	papers := []store.Paper{
		{Title: "Graphs", Year: 2020, Authors: a},                        // generated: smith-2020-graphs, but a later paper owns it
		{Title: "Other", CitationKey: "smith-2020-graphs"},               // own key wins
		{Title: "Graphs again", Year: 2020, Authors: a},                  // smith-2020-graphs taken twice
		{Title: "Dup", CitationKey: "Key1"},                              // own
		{Title: "Dup 2", CitationKey: "key1"},                            // same key, other case: renamed
		{Title: "Odd", CitationKey: "a key, with {braces}"},              // cleaned
		{Title: "Graphs", Year: 2020, Authors: a, CitationKey: "  \t  "}, // blank: generated
	}
	want := []string{"smith-2020-graphs-2", "smith-2020-graphs", "smith-2020-graphs-3", "Key1", "key1-2", "a-key-with-braces", "smith-2020-graphs-4"}
	got := Keys(papers)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// hardPapers are records whose text and names need escaping.
var hardPapers = []store.Paper{
	{ID: 1, Title: "ChatEval: Towards Better LLM-based Evaluators through Multi-Agent Debate", Year: 2023, Month: 8,
		Venue: "Proceedings of ICLR", Pages: "1-12", DOI: "10.48550/arxiv.2308.07201", URL: "https://example.org/a_b%20c?x=1&y={2}",
		Type: "inproceedings", CitationKey: "chan2023chateval",
		Abstract: "We use 50% less & cost $5 with $\\alpha$-divergence; see {braces} here, ~home, x^2, a\\b, <i>tags</i>, 'quotes'' and -- dashes.",
		Authors: []store.Author{
			{Name: "Chan, Chi-Min", Family: "Chan", Given: "Chi-Min"},
			{Name: "Agić, Željko", Family: "Agić", Given: "Željko"},
			{Name: "van der Berg, Jan", Family: "van der Berg", Given: "Jan"},
			{Name: "Barnes and Noble, Inc.", Family: "Barnes and Noble, Inc."},
			{Name: "King, Jr., Martin Luther", Family: "King", Given: "Martin Luther"},
			{Name: "IBM Research", Family: "IBM Research"},
			{Name: "Dai, Zheqi", Family: "Dai", Given: "Zheqi"},
			{Name: "Breternitz Jr, Mauricio", Family: "Breternitz Jr", Given: "Mauricio"},
		},
		Editors: []store.Author{
			{Name: "Ditor, E.", Family: "Ditor", Given: "E."},
			{Name: "Association for Computational Linguistics", Family: "Association for Computational Linguistics"},
			{Name: "Gonzalez, Jr., Ruben", Family: "Gonzalez", Given: "Ruben"},
		},
		Translators: []store.Author{{Name: "Trans, Lator", Family: "Trans", Given: "Lator"}},
		Publisher:   "Barnes & Noble {Press}", Address: "New York, NY"},
	{ID: 2, Title: "Plain", Authors: []store.Author{{Name: "Wu, Y.", Family: "Wu", Given: "Y."}}},
	{ID: 3, Title: "Proceedings of H{older Things", Type: "proceedings", Year: 2020,
		Editors: []store.Author{{Name: "Zeditor, Ann", Family: "Zeditor", Given: "Ann"}}},
}

// TestBibTeXReadsBack: what BibTeX writes, the importer's own BibTeX
// parser reads back to the same title, authors, editors, translators,
// year, month, venue, pages, publisher, address, DOI, URL and abstract.
func TestBibTeXReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := BibTeX(&buf, hardPapers); err != nil {
		t.Fatal(err)
	}
	got := readBack(t, importer.NewBibTeXParser(bytes.NewReader(buf.Bytes())), buf.String())
	compare(t, got, hardPapers, buf.String())
	for i, want := range []string{"chan2023chateval", "wu-plain", "2020-proceedings"} {
		if got[i].CitationKey != want {
			t.Errorf("key %d: got %q, want %q", i, got[i].CitationKey, want)
		}
	}
}

// TestCSLJSONReadsBack is the same for CSL-JSON.
func TestCSLJSONReadsBack(t *testing.T) {
	// CSL-JSON text is plain; the importer reads it as it reads any source
	// (LaTeX and HTML decoded), so keep to text that survives that.
	papers := slices.Clone(hardPapers)
	papers[0].Abstract = "We use 50% less & cost with $\\alpha$-divergence; x^2 and “quotes”."
	papers[0].URL = "https://example.org/a_b"
	papers[0].Publisher = "Barnes & Noble"
	papers[2].Title = "Proceedings of Things"
	var buf bytes.Buffer
	if err := CSLJSON(&buf, papers); err != nil {
		t.Fatal(err)
	}
	got := readBack(t, importer.NewCSLJSONParser(bytes.NewReader(buf.Bytes())), buf.String())
	compare(t, got, papers, buf.String())
	if got[0].EntryType != "paper-conference" || got[1].EntryType != "document" || got[2].EntryType != "book" {
		t.Errorf("types: got %q, %q and %q, want paper-conference, document and book", got[0].EntryType, got[1].EntryType, got[2].EntryType)
	}
}

func readBack(t *testing.T, p importer.Parser, text string) []*importer.Paper {
	t.Helper()
	var out []*importer.Paper
	for {
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("reading back: %v\n%s", err, text)
		}
		np, err := importer.Normalize(rec)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, np)
	}
}

func compare(t *testing.T, got []*importer.Paper, want []store.Paper, text string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read back %d papers, want %d\n%s", len(got), len(want), text)
	}
	for i, g := range got {
		w := want[i]
		check := func(field, got, want string) {
			if got != want {
				t.Errorf("paper %d %s:\n got %q\nwant %q", w.ID, field, got, want)
			}
		}
		check("title", g.Title, w.Title)
		check("abstract", g.Abstract, w.Abstract)
		check("venue", g.Venue, w.Venue)
		check("pages", g.Pages, w.Pages)
		check("volume", g.Volume, w.Volume)
		check("issue", g.Issue, w.Issue)
		check("doi", g.DOI, w.DOI)
		check("url", g.URL, w.URL)
		check("publisher", g.Publisher, w.Publisher)
		check("address", g.Address, w.Address)
		if g.Year != w.Year || g.Month != w.Month {
			t.Errorf("paper %d date: got %d-%d, want %d-%d", w.ID, g.Year, g.Month, w.Year, w.Month)
		}
		check("authors", importedNames(g.Authors), storedNames(w.Authors))
		check("editors", importedNames(g.Editors), storedNames(w.Editors))
		check("translators", importedNames(g.Translators), storedNames(w.Translators))
	}
}

// importedNames and storedNames list people as "Name [family|given]",
// joined by "; ", to compare who they are, not only how they are written.
func importedNames(people []importer.Author) string {
	var out []string
	for _, a := range people {
		out = append(out, a.Name+" ["+a.Family+"|"+a.Given+"]")
	}
	return strings.Join(out, "; ")
}

func storedNames(people []store.Author) string {
	var out []string
	for _, a := range people {
		out = append(out, a.Name+" ["+a.Family+"|"+a.Given+"]")
	}
	return strings.Join(out, "; ")
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, hardPapers); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("got %d rows, header %q", len(rows), rows[0])
	}
	if rows[1][4] != "Chan, Chi-Min; Agić, Željko; van der Berg, Jan; Barnes and Noble, Inc.; King, Jr., Martin Luther; IBM Research; Dai, Zheqi; Breternitz Jr, Mauricio" {
		t.Errorf("authors: got %q", rows[1][4])
	}
	if rows[1][13] != hardPapers[0].Abstract {
		t.Errorf("abstract: got %q", rows[1][13])
	}
	want := []string{"Ditor, E.; Association for Computational Linguistics; Gonzalez, Jr., Ruben", "Trans, Lator", "Barnes & Noble {Press}", "New York, NY"}
	if got := rows[1][14:]; !slices.Equal(got, want) {
		t.Errorf("editors, translators, publisher, address: got %q, want %q", got, want)
	}
}

func TestSafeCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"Attention Is All You Need", "Attention Is All You Need"},
		{"a=b", "a=b"},
		{"", ""},
	} {
		if got := SafeCell(tt.in); got != tt.want {
			t.Errorf("SafeCell(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCSVSpreadsheetSafe: with SpreadsheetSafe, text cells that start like
// a formula are neutralised; numbers (id, year) and other cells are as
// CSV writes them.
func TestCSVSpreadsheetSafe(t *testing.T) {
	papers := []store.Paper{{ID: 1, Title: "=cmd|' /C calc'!A0", Year: 2020, Pages: "-5", Venue: "@venue", Abstract: "plain",
		Authors: []store.Author{{Name: "+Plus, P"}}, Editors: []store.Author{{Name: "=Ed, E"}}, Publisher: "@pub"}}
	var plain, safe bytes.Buffer
	if err := CSV(&plain, papers); err != nil {
		t.Fatal(err)
	}
	if err := CSVWith(&safe, papers, CSVOptions{SpreadsheetSafe: true}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&safe).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := rows[1]
	want := []string{"1", "2020-cmd", "", "'=cmd|' /C calc'!A0", "'+Plus, P", "2020", "", "'@venue", "", "", "'-5", "", "", "plain", "'=Ed, E", "", "'@pub", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("safe row:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(plain.String(), ",=cmd|' /C calc'!A0,") {
		t.Errorf("without the option the title is as it is: %q", plain.String())
	}
}

// failAfter fails every write once n bytes have been written.
type failAfter struct{ n int }

var errFull = errors.New("no space left on device")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errFull
	}
	f.n -= len(p)
	return len(p), nil
}

// TestWritersStopAtOutputError: a Writer returns the output's error from
// the first Write after the output failed (its buffer was flushed into
// it), so that the export stops reading papers there, and from Close.
func TestWritersStopAtOutputError(t *testing.T) {
	papers := make([]store.Paper, 200)
	for i := range papers {
		papers[i] = hardPapers[0]
		papers[i].ID = int64(i + 1)
	}
	for _, format := range []string{"bibtex", "csljson", "csv"} {
		t.Run(format, func(t *testing.T) {
			wr, err := NewWriter(format, &failAfter{n: 10000}, keyMaker(papers), CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			written := 0
			for i := range papers {
				if err = wr.Write(&papers[i]); err != nil {
					break
				}
				written++
			}
			if !errors.Is(err, errFull) || written == len(papers) {
				t.Fatalf("got %v after %d of %d papers, want %v before the end", err, written, len(papers), errFull)
			}
			// 10,000 bytes and a 4 KiB buffer hold about 25 entries.
			if written > 60 {
				t.Errorf("the error came after %d papers, well past the 10,000 bytes the output took", written)
			}
			if err := wr.Close(); !errors.Is(err, errFull) {
				t.Errorf("Close: got %v, want %v", err, errFull)
			}
		})
	}
	if _, err := NewWriter("ris", io.Discard, keyMaker(papers), CSVOptions{}); err == nil {
		t.Error("NewWriter(ris): no error")
	}
}
