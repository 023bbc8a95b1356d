package importer

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testdata/openalex holds:
//   - openalex-works.jsonl: 50 OpenAlex works, one per line, from the shared
//     samples (OpenAlex data, CC0); it carries a plain "abstract" beside the
//     API's fields;
//   - hand.jsonl, api-response.json: written for these tests (inverted-index
//     abstracts, fallbacks, an API response object, invalid lines).
func TestOpenAlexGolden(t *testing.T) {
	for _, name := range []string{"openalex-works.jsonl", "hand.jsonl", "api-response.json"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "openalex", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			checkGolden(t, "openalex/"+name+".golden.json", readAll(t, NewOpenAlexParser(f)))
		})
	}
}

func TestRebuildInvertedIndex(t *testing.T) {
	tests := []struct{ in, want string }{
		{`null`, ""},
		{`{}`, ""},
		{`{"Hello": [0], "world.": [1]}`, "Hello world."},
		{`{"the": [0, 2], "cat": [1], "hat.": [3]}`, "the cat the hat."},
		{`{"b": [10], "a": [3], "c": [100]}`, "a b c"}, // gaps closed up
		{`{"y": [1], "x": [1], "z": [0]}`, "z x y"},    // a shared position: alphabetical
		{`{"late": [5], "early": [-1], "mid": [2]}`, "early mid late"},
		{`{"word": []}`, ""},
		{`{"<b>bold</b>": [0], "\\alpha": [1]}`, `<b>bold</b> \alpha`}, // raw text kept
	}
	for _, tt := range tests {
		var idx map[string][]int
		if err := json.Unmarshal([]byte(tt.in), &idx); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := rebuildInvertedIndex(idx); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOpenAlexMapping(t *testing.T) {
	in := `{"id": "https://openalex.org/W9", "doi": "https://doi.org/10.1/X", "title": "T",
	"publication_year": 2019, "publication_date": "2019-05-20", "type": "article",
	"authorships": [{"author": {"display_name": "Yonghui Wu"}}, {"author": {}, "raw_author_name": "Raw Name"}],
	"primary_location": {"source": {"display_name": "Venue"}, "landing_page_url": "https://example.org"},
	"biblio": {"volume": "7", "issue": "2", "first_page": "12", "last_page": "19"},
	"abstract_inverted_index": {"An": [0], "abstract.": [1]}}`
	rec, err := NewOpenAlexParser(strings.NewReader(in)).Next()
	if err != nil {
		t.Fatal(err)
	}
	want := &Record{
		Line: 1, Key: "https://openalex.org/W9", Type: "article", Title: "T",
		Authors: []Person{ParseName("Yonghui Wu"), ParseName("Raw Name")},
		Year:    2019, Month: 5, Venue: "Venue", Volume: "7", Issue: "2", Pages: "12-19",
		DOI: "https://doi.org/10.1/X", URL: "https://example.org", Abstract: "An abstract.",
	}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("got  %+v\nwant %+v", rec, want)
	}
}

func TestOpenAlexLayouts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "openalex", "openalex-works.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	works := drain(t, NewOpenAlexParser(bytes.NewReader(data)))
	if len(works) != 50 {
		t.Fatalf("got %d works, want 50", len(works))
	}

	// The same works as a JSON array, one per line after "[".
	array := append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...)
	array = append(array, "\n]"...)
	fromArray := drain(t, NewOpenAlexParser(bytes.NewReader(array)))

	// The same works as one API response on one line.
	resp := append([]byte(`{"meta": {"count": 50}, "results": [`), bytes.Join(lines, []byte(","))...)
	resp = append(resp, "]}\n"...)
	fromResponse := drain(t, NewOpenAlexParser(bytes.NewReader(resp)))

	if len(fromArray) != 50 || len(fromResponse) != 50 {
		t.Fatalf("got %d and %d works, want 50", len(fromArray), len(fromResponse))
	}
	for i, w := range works {
		if fromArray[i].Line != w.Line+1 || fromResponse[i].Line != 1 {
			t.Errorf("work %d: lines %d and %d", i, fromArray[i].Line, fromResponse[i].Line)
		}
		a, r := *fromArray[i], *fromResponse[i]
		a.Line, r.Line = w.Line, w.Line
		if !reflect.DeepEqual(&a, w) || !reflect.DeepEqual(&r, w) {
			t.Errorf("work %d differs", i)
		}
	}
}

func BenchmarkOpenAlex(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "openalex", "openalex-works.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	benchParser(b, data, func(r io.Reader) Parser { return NewOpenAlexParser(r) })
}
