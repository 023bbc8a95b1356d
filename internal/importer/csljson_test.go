package importer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testdata/csljson holds:
//   - mlanthology-excerpt.jsonl: the first 30 lines of the ML Anthology
//     CSL-JSON export (github.com/rbnyng/mlanthology, Apache-2.0; metadata
//     from DBLP, CC0, and the proceedings' publishers), and
//     mlanthology-picked.jsonl: 7 lines of it picked for their names (a
//     "literal" name, LaTeX such as B\"{u}nz and Cl\'emen\con, ALL-CAPS
//     surnames) and a DOI;
//   - hand.json, broken.jsonl, broken-array.json, pretty-object.json: written
//     for these tests (particles, literal, suffix, string and numeric
//     date-parts, missing fields; invalid items with their error lines; a
//     pretty-printed object sequence).
func TestCSLJSONGolden(t *testing.T) {
	for _, name := range []string{"mlanthology-excerpt.jsonl", "mlanthology-picked.jsonl", "hand.json",
		"broken.jsonl", "broken-array.json", "pretty-object.json"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "csljson", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			checkGolden(t, "csljson/"+name+".golden.json", readAll(t, NewCSLJSONParser(f)))
		})
	}
}

func TestCSLNames(t *testing.T) {
	tests := []struct {
		in   string
		want Person
		ok   bool
	}{
		{`{"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}`, Person{Family: "van Gogh", Given: "Vincent"}, true},
		{`{"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}`, Person{Family: "Beethoven", Given: "Ludwig van"}, true},
		{`{"family": "Fontaine", "given": "Jean", "dropping-particle": "de", "non-dropping-particle": "La"}`, Person{Family: "La Fontaine", Given: "Jean de"}, true},
		{`{"family": "Alembert", "non-dropping-particle": "d'"}`, Person{Family: "d'Alembert"}, true},
		{`{"family": "King", "given": "Martin Luther", "suffix": "Jr."}`, Person{Family: "King", Given: "Martin Luther", Suffix: "Jr."}, true},
		{`{"literal": "World Health Organization", "family": "ignored"}`, Person{Family: "World Health Organization", Literal: true}, true},
		{`{"family": "B\\\"{u}nz", "given": "Benedikt"}`, Person{Family: `B\"{u}nz`, Given: "Benedikt"}, true},
		{`{"family": " DING ", "given": "QIN "}`, Person{Family: "DING", Given: "QIN"}, true},
		{`{"given": "Plato"}`, Person{Given: "Plato"}, true},
		{`{"family": 7, "given": null}`, Person{Family: "7"}, true},
		{`{"family": "", "literal": "  "}`, Person{}, false},
		{`{}`, Person{}, false},
	}
	for _, tt := range tests {
		var n cslName
		if err := json.Unmarshal([]byte(tt.in), &n); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		got, ok := n.person()
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: got %+v %v, want %+v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCSLDates(t *testing.T) {
	tests := []struct {
		in          string
		year, month int
	}{
		{`{"date-parts": [[2019, 5, 1]]}`, 2019, 5},
		{`{"date-parts": [[2019]]}`, 2019, 0},
		{`{"date-parts": [["2019", "5", "1"]]}`, 2019, 5},
		{`{"date-parts": [[" 2019 ", "05"]]}`, 2019, 5},
		{`{"date-parts": [["2019-05-01"]]}`, 2019, 5},
		{`{"date-parts": [[2019.0, 12.0]]}`, 2019, 12},
		{`{"date-parts": [[2019, 5.5]]}`, 2019, 0},
		{`{"date-parts": [[2019, 13]]}`, 2019, 0},
		{`{"date-parts": [[2019, 21]]}`, 2019, 0},
		{`{"date-parts": [[2003, 11], [2004, 2]]}`, 2003, 11},
		{`{"date-parts": [2006, 8]}`, 2006, 8},
		{`{"date-parts": [[]]}`, 0, 0},
		{`{"date-parts": []}`, 0, 0},
		{`{"date-parts": null}`, 0, 0},
		{`{"date-parts": [[1e300]]}`, 0, 0},
		{`{"date-parts": [[null]]}`, 0, 0},
		{`{"date-parts": [[]], "raw": "2010-04"}`, 2010, 4},
		{`{"raw": "circa 1999"}`, 1999, 0},
		{`{"literal": "Spring 2005"}`, 2005, 0},
		{`{"season": 1, "date-parts": [[2001]]}`, 2001, 0},
		{`"2007-09-30"`, 2007, 9},
		{`2008`, 2008, 0},
		{`null`, 0, 0},
		{`[2009]`, 0, 0},
	}
	for _, tt := range tests {
		var it cslItem
		if err := json.Unmarshal([]byte(`{"issued": `+tt.in+`}`), &it); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if it.Issued.year != tt.year || it.Issued.month != tt.month {
			t.Errorf("%s: got %d, %d; want %d, %d", tt.in, it.Issued.year, it.Issued.month, tt.year, tt.month)
		}
	}
}

func TestFlexString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"plain"`, "plain"},
		{`"esc\"aped \u00e9\n"`, "esc\"aped é\n"},
		{`12`, "12"},
		{`-1.5e3`, "-1.5e3"},
		{`null`, ""},
		{`true`, ""},
		{`{"a": 1}`, ""},
		{`["", "first", "second"]`, "first"},
		{`[]`, ""},
		{"\"bad \xff utf8\"", "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		var v struct {
			F flexString `json:"f"`
		}
		if err := json.Unmarshal([]byte(`{"f": `+tt.in+`}`), &v); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if string(v.F) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.in, v.F, tt.want)
		}
	}
}

func TestCSLJSONMapping(t *testing.T) {
	in := `{"id": 42, "type": "chapter", "title": " T ", "author": [{"family": "Doe", "given": "Jane"}],
	"editor": [{"literal": "Committee"}], "issued": {"date-parts": [[2019, 5, 1]]},
	"container-title": ["Book", "B."], "volume": 3, "issue": "2", "page": "10-20",
	"DOI": "10.1/x", "URL": "http://a", "abstract": "<p>Abs</p>", "unknown": {"deep": [1, 2]},
	"translator": [{"family": "Trans", "given": "Lator"}], "publisher": "MIT Press", "publisher-place": "Cambridge, MA"}`
	rec, err := NewCSLJSONParser(strings.NewReader("[" + in + "]")).Next()
	if err != nil {
		t.Fatal(err)
	}
	want := &Record{
		Line: 1, Key: "42", Type: "chapter", Title: "T",
		Authors: []Person{{Family: "Doe", Given: "Jane"}},
		Editors: []Person{{Family: "Committee", Literal: true}},
		Year:    2019, Month: 5, Venue: "Book", Volume: "3", Issue: "2", Pages: "10-20",
		DOI: "10.1/x", URL: "http://a", Abstract: "<p>Abs</p>",
		Translators: []Person{{Family: "Trans", Given: "Lator"}},
		Publisher:   "MIT Press", Address: "Cambridge, MA",
	}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("got  %+v\nwant %+v", rec, want)
	}
}

func TestCSLJSONLayouts(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"spaces", " \n\t\n", nil},
		{"empty array", "[]", nil},
		{"jsonl", `{"title": "A"}` + "\n" + `{"title": "B"}`, []string{"1:A", "2:B"}},
		{"jsonl blank lines and crlf", "\r\n\r\n" + `{"title": "A"}` + "\r\n\r\n" + `{"title": "B"}` + "\r\n", []string{"3:A", "5:B"}},
		{"jsonl bom", "\uFEFF" + `{"title": "A"}`, []string{"1:A"}},
		{"array one line", `[{"title": "A"}, {"title": "B"}]`, []string{"1:A", "1:B"}},
		{"array lines", "\n[\n  {\"title\": \"A\"},\n\n  {\n \"title\": \"B\"}\n]\n", []string{"3:A", "5:B"}},
		{"array newline in string", "[{\"title\": \"A\\nstill A\", \"x\": \"\n\"},\n{\"title\": \"B\"}]", []string{"!1", "3:B"}},
		{"array bom", "\uFEFF[{\"title\": \"A\"}]", []string{"1:A"}},
		{"array trailing comma", `[{"title": "A"},]`, []string{"1:A"}},
		{"array unclosed", "[{\"title\": \"A\"},\n", []string{"1:A", "!2"}},
		{"array truncated item", "[{\"title\": \"A\"},\n{\"title\": \"B", []string{"1:A", "!2"}},
		{"array bad item", "[{\"title\": \"A\"},\n{\"title\" \"B\"},\n{\"title\": \"C\"}]", []string{"1:A", "!2", "3:C"}},
		{"array of non-objects", `[1, "s", null, [], {"title": "A"}]`, []string{"!1", "!1", "!1", "!1", "1:A"}},
		{"stray bracket", `{"title": "A"}` + "\n]\n" + `{"title": "B"}`, []string{"1:A", "!2", "3:B"}},
		{"two arrays", "[{\"title\": \"A\"}]\n[{\"title\": \"B\"}]", []string{"1:A", "2:B"}},
		{"pretty objects", "{\n  \"title\": \"A\"\n}\n{\n  \"title\": \"B\"\n}\n", []string{"1:A", "4:B"}},
		{"jsonl first line cut", "{\"title\": \"A\n{\"title\": \"B\"}", []string{"!1", "2:B"}},
		{"jsonl garbage", "{\"title\": \"A\"}\nx\n{\"title\": \"B\"}\n{\n", []string{"1:A", "!2", "3:B", "!4"}},
		{"jsonl type error", `{"title": "A", "author": 5}` + "\n" + `{"title": "B"}`, []string{"!1", "2:B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := outline(t, NewCSLJSONParser(strings.NewReader(tt.in)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSLJSONErrorMessages(t *testing.T) {
	in := `{"id": "a", "author": "Doe"}` + "\n" + `{"id": ` + "\n" + `[1]` + "\n"
	p := NewCSLJSONParser(strings.NewReader(in))
	want := []string{
		`line 1: field "author": unexpected JSON string`,
		`line 2: invalid JSON: unexpected end of JSON input`,
		`line 3: item is not a JSON object`,
	}
	for _, w := range want {
		_, err := p.Next()
		if err == nil || err.Error() != w {
			t.Errorf("got %v, want %s", err, w)
		}
	}
	if _, err := p.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("got %v, want EOF", err)
	}
}

func TestCSLJSONLongItem(t *testing.T) {
	long := strings.Repeat("x", MaxRecordBytes)
	item := `{"title": "Long", "abstract": "` + long + `"}`
	t.Run("jsonl", func(t *testing.T) {
		in := `{"title": "A"}` + "\n" + item + "\n" + `{"title": "B"}` + "\n"
		got := outline(t, NewCSLJSONParser(strings.NewReader(in)))
		if want := []string{"1:A", "!2", "3:B"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("array", func(t *testing.T) {
		in := "[" + `{"title": "A"},` + "\n" + item + ",\n" + `{"title": "B"}]`
		got := outline(t, NewCSLJSONParser(strings.NewReader(in)))
		if want := []string{"1:A", "!2", "3:B"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("first line", func(t *testing.T) {
		in := item + "\n" + `{"title": "B"}` + "\n"
		got := outline(t, NewCSLJSONParser(strings.NewReader(in)))
		if want := []string{"!1", "2:B"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

// Escapes across the reader's 64 KiB windows: a title of 300,000 escaped
// quotes and backslashes (scanned in linear time), then a line count check.
func TestCSLJSONEscapedStrings(t *testing.T) {
	title := strings.Repeat(`\"\\`, 150000)
	in := "[\n" + `{"title": "` + title + `"},` + "\n" + `{"title": "B\n"}` + "\n]"
	got := outline(t, NewCSLJSONParser(strings.NewReader(in)))
	want := []string{"2:" + strings.Repeat(`"\`, 150000), "3:B"} // the title is trimmed
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %d results (last %.40q), want %d", len(got), got[len(got)-1], len(want))
	}
}

func TestCSLJSONTooManyAuthors(t *testing.T) {
	names := strings.TrimSuffix(strings.Repeat(`{"family": "F"},`, MaxAuthors+1), ",")
	in := `{"title": "Crowd", "author": [` + names + `]}` + "\n" + `{"title": "B"}`
	got := outline(t, NewCSLJSONParser(strings.NewReader(in)))
	if want := []string{"!1", "2:B"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCSLJSONReadErrorIsFatal(t *testing.T) {
	for _, in := range []string{`{"title": "A"}` + "\n" + `{"title": "B"`, `[{"title": "A"}, {"title": "B"`} {
		p := NewCSLJSONParser(failingReader{strings.NewReader(in)})
		if rec, err := p.Next(); err != nil || rec.Title != "A" {
			t.Fatalf("%s: first record: %v %v", in, rec, err)
		}
		for range 2 {
			if _, err := p.Next(); err == nil || IsRecordError(err) || errors.Is(err, io.EOF) {
				t.Fatalf("%s: want a sticky fatal error, got %v", in, err)
			}
		}
	}
}

// The array and JSON Lines layouts give the same records.
func TestCSLJSONArrayMatchesLines(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "csljson", "mlanthology-excerpt.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	array := append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...)
	array = append(array, "\n]\n"...)
	a := drain(t, NewCSLJSONParser(bytes.NewReader(data)))
	b := drain(t, NewCSLJSONParser(bytes.NewReader(array)))
	if len(a) != 30 || len(b) != 30 {
		t.Fatalf("got %d and %d records, want 30", len(a), len(b))
	}
	for i := range a {
		if b[i].Line != a[i].Line+1 {
			t.Errorf("record %d: array line %d, want %d", i, b[i].Line, a[i].Line+1)
		}
		b[i].Line = a[i].Line
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Errorf("record %d differs:\n%+v\n%+v", i, a[i], b[i])
		}
	}
}

// drain reads every record of p and fails on any error.
func drain(t *testing.T, p Parser) []*Record {
	t.Helper()
	var out []*Record
	for {
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// mlanthologyCorpus is the full ML Anthology export, in shared/ beside the
// repository (../../../shared from this package).
var mlanthologyCorpus = filepath.Join("..", "..", "..", "shared", "data", "corpus", "mlanthology.csl.jsonl.gz")

func TestCSLJSONCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 158,407-item ML Anthology corpus")
	}
	f, err := os.Open(mlanthologyCorpus)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("corpus not found at %s (shared/ is not beside the repository)", mlanthologyCorpus)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	p := NewCSLJSONParser(gz)
	n, withAuthors, withYear, withDOI := 0, 0, 0, 0
	for {
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %d records: %v", n, err)
		}
		n++
		if rec.Line != n {
			t.Fatalf("record %d has line %d", n, rec.Line)
		}
		if rec.Key == "" || rec.Title == "" {
			t.Errorf("line %d: no key or title: %+v", rec.Line, rec)
		}
		if len(rec.Authors) > 0 {
			withAuthors++
		}
		if rec.Year != 0 {
			withYear++
		}
		if rec.DOI != "" {
			withDOI++
		}
	}
	if n != 158407 {
		t.Errorf("got %d records, want 158407", n)
	}
	// Every item has an issued year; all but one have authors; 68,266 a DOI.
	if withYear != n || withAuthors != n-1 || withDOI != 68266 {
		t.Errorf("years %d, authors %d, DOIs %d", withYear, withAuthors, withDOI)
	}
}

// cslBenchData is the ML Anthology excerpt repeated to about 8 MB, as JSON
// Lines or as one JSON array.
func cslBenchData(b *testing.B, array bool) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", "csljson", "mlanthology-excerpt.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	data = bytes.Repeat(data, 8<<20/len(data)+1)
	if !array {
		return data
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	out := append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...)
	return append(out, "\n]\n"...)
}

func BenchmarkCSLJSON(b *testing.B) {
	newCSL := func(r io.Reader) Parser { return NewCSLJSONParser(r) }
	b.Run("jsonl", func(b *testing.B) { benchParser(b, cslBenchData(b, false), newCSL) })
	b.Run("array", func(b *testing.B) { benchParser(b, cslBenchData(b, true), newCSL) })
}

// TestJSONInvalidUTF8: a JSON item with a byte that is not UTF-8, after
// UTF-8 text (so not a whole file in another encoding), is an invalid
// record naming its line, not a title with U+FFFD in it.
func TestJSONInvalidUTF8(t *testing.T) {
	for _, tt := range []struct {
		name string
		new  func(io.Reader) Parser
		item string
	}{
		{"csljson", func(r io.Reader) Parser { return NewCSLJSONParser(r) }, `{"id": "b", "type": "article", "title": "caf` + "\xe9" + ` bad", "author": [{"family": "X"}]}`},
		{"openalex", func(r io.Reader) Parser { return NewOpenAlexParser(r) }, `{"id": "https://openalex.org/W2", "title": "caf` + "\xe9" + `", "publication_year": 2020, "authorships": []}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			first := `{"id": "a", "type": "article", "title": "Café", "author": [{"family": "X"}]}`
			if tt.name == "openalex" {
				first = `{"id": "https://openalex.org/W1", "title": "Café", "publication_year": 2020, "authorships": []}`
			}
			p := tt.new(strings.NewReader(first + "\n" + tt.item + "\n"))
			if _, err := p.Next(); err != nil {
				t.Fatalf("first item: %v", err)
			}
			_, err := p.Next()
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line != 2 || !strings.Contains(pe.Msg, "invalid UTF-8 (byte 0xe9") {
				t.Errorf("got %v, want a record error at line 2 naming the byte", err)
			}
		})
	}
}
