package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BibTeXName(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
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
		}},
	{ID: 2, Title: "Plain", Authors: []store.Author{{Name: "Wu, Y.", Family: "Wu", Given: "Y."}}},
}

// TestBibTeXReadsBack: what BibTeX writes, the importer's own BibTeX
// parser reads back to the same title, authors, year, month, venue, pages,
// DOI, URL and abstract.
func TestBibTeXReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := BibTeX(&buf, hardPapers); err != nil {
		t.Fatal(err)
	}
	got := readBack(t, importer.NewBibTeXParser(bytes.NewReader(buf.Bytes())), buf.String())
	compare(t, got, hardPapers, buf.String())
	for i, want := range []string{"chan2023chateval", "wu-plain"} {
		if got[i].CitationKey != want {
			t.Errorf("key %d: got %q, want %q", i, got[i].CitationKey, want)
		}
	}
}

// TestCSLJSONReadsBack is the same for CSL-JSON.
func TestCSLJSONReadsBack(t *testing.T) {
	// CSL-JSON text is plain; the importer reads it as it reads any source
	// (LaTeX and HTML decoded), so keep to text that survives that.
	papers := []store.Paper{hardPapers[0], hardPapers[1]}
	papers[0].Abstract = "We use 50% less & cost with $\\alpha$-divergence; x^2 and “quotes”."
	papers[0].URL = "https://example.org/a_b"
	var buf bytes.Buffer
	if err := CSLJSON(&buf, papers); err != nil {
		t.Fatal(err)
	}
	got := readBack(t, importer.NewCSLJSONParser(bytes.NewReader(buf.Bytes())), buf.String())
	compare(t, got, papers, buf.String())
	if got[0].EntryType != "paper-conference" || got[1].EntryType != "document" {
		t.Errorf("types: got %q and %q, want paper-conference and document", got[0].EntryType, got[1].EntryType)
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
		check("doi", g.DOI, w.DOI)
		if g.Year != w.Year || g.Month != w.Month {
			t.Errorf("paper %d date: got %d-%d, want %d-%d", w.ID, g.Year, g.Month, w.Year, w.Month)
		}
		var gn, wn []string
		for _, a := range g.Authors {
			gn = append(gn, a.Name)
		}
		for _, a := range w.Authors {
			wn = append(wn, a.Name)
		}
		check("authors", strings.Join(gn, "; "), strings.Join(wn, "; "))
	}
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
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("got %d rows, header %q", len(rows), rows[0])
	}
	if rows[1][4] != "Chan, Chi-Min; Agić, Željko; van der Berg, Jan; Barnes and Noble, Inc.; King, Jr., Martin Luther; IBM Research; Dai, Zheqi" {
		t.Errorf("authors: got %q", rows[1][4])
	}
	if rows[1][13] != hardPapers[0].Abstract {
		t.Errorf("abstract: got %q", rows[1][13])
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
			wr, err := NewWriter(format, &failAfter{n: 10000}, keyMaker(papers))
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
	if _, err := NewWriter("ris", io.Discard, keyMaker(papers)); err == nil {
		t.Error("NewWriter(ris): no error")
	}
}
