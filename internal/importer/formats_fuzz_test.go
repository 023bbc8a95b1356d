package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addSeeds adds the files of testdata/dir (golden outputs excepted) to f's
// corpus. Big files are cut to their first lines (8 KiB at most), and their
// shortest line is added alone: small seeds keep mutation and the fuzzer's
// minimization of new inputs fast.
func addSeeds(f *testing.F, dir string) {
	const maxSeed = 8 << 10
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, ".golden.json") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= maxSeed {
			f.Add(data)
			continue
		}
		cut := data[:maxSeed]
		if i := bytes.LastIndexByte(cut, '\n'); i > 0 {
			cut = cut[:i+1]
		}
		f.Add(cut)
		var shortest []byte
		for _, line := range bytes.SplitAfter(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 && (shortest == nil || len(line) < len(shortest)) {
				shortest = line
			}
		}
		if len(shortest) <= 4*maxSeed {
			f.Add(shortest)
		}
	}
}

// checkStream drains p, read from data, and checks the Parser contract: no
// panic; it stops (each call consumes input, so there are at most about as
// many results as bytes); records and record errors have a line within the
// input; io.EOF and fatal errors are sticky.
func checkStream(t *testing.T, data []byte, p Parser) {
	lines := bytes.Count(data, []byte("\n")) + 1
	for calls := 0; ; calls++ {
		if calls > len(data)+3 {
			t.Fatalf("no end after %d calls on %d bytes", calls, len(data))
		}
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			if rec != nil {
				t.Fatal("record returned with io.EOF")
			}
			if _, err := p.Next(); !errors.Is(err, io.EOF) {
				t.Fatalf("Next after io.EOF returned %v", err)
			}
			return
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				if _, err2 := p.Next(); err2 == nil {
					t.Fatalf("a record after the fatal error %v", err)
				}
				return
			}
			if rec != nil {
				t.Fatal("record returned with an error")
			}
			if pe.Line < 1 || pe.Line > lines {
				t.Fatalf("error line %d outside 1..%d: %v", pe.Line, lines, err)
			}
			continue
		}
		if rec == nil {
			t.Fatal("nil record without an error")
		}
		if rec.Line < 1 || rec.Line > lines {
			t.Fatalf("record line %d outside 1..%d", rec.Line, lines)
		}
		if len(rec.Authors) > MaxAuthors || len(rec.Editors) > MaxAuthors {
			t.Fatalf("%d authors, %d editors", len(rec.Authors), len(rec.Editors))
		}
	}
}

func FuzzRIS(f *testing.F) {
	addSeeds(f, "ris")
	f.Add([]byte("TY  - JOUR\nTI  - A\nER  - \n"))
	f.Add([]byte("PT J\nAU A, B\n   C, D\nER\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStream(t, data, NewRISParser(bytes.NewReader(data)))
	})
}

func FuzzCSLJSON(f *testing.F) {
	addSeeds(f, "csljson")
	f.Add([]byte(`[{"id": 1, "author": [{"family": "a"}], "issued": {"date-parts": [["2019", 5]]}}]`))
	f.Add([]byte("{\n\"title\": [\"a\"],\n\"issued\": \"2001-02\"\n}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStream(t, data, NewCSLJSONParser(bytes.NewReader(data)))

		// A valid JSON array gives exactly one record or record error per
		// item: the splitter agrees with encoding/json on where items end.
		var items []json.RawMessage
		if head := bytes.TrimLeft(data, " \t\r\n"); len(head) == 0 || head[0] != '[' || json.Unmarshal(data, &items) != nil {
			return
		}
		p := NewCSLJSONParser(bytes.NewReader(data))
		n := 0
		for {
			_, err := p.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil && !IsRecordError(err) {
				t.Fatal(err)
			}
			n++
		}
		if n != len(items) {
			t.Fatalf("%d results for an array of %d items", n, len(items))
		}
	})
}

func FuzzOpenAlex(f *testing.F) {
	addSeeds(f, "openalex")
	f.Add([]byte(`{"results": [{"id": "W1", "abstract_inverted_index": {"a": [1, 0]}}, 5]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStream(t, data, NewOpenAlexParser(bytes.NewReader(data)))
	})
}
