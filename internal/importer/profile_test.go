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

// TestProfileGolden parses author-profile lists and normalizes each record;
// the golden file holds the owner and the clean Paper values.
// testdata/profile/seed.txt is the project's seed list (shared/seeds).
func TestProfileGolden(t *testing.T) {
	for _, name := range []string{"seed.txt", "bom-crlf.txt"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "profile", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			p := NewProfileParser(f)
			var papers []*Paper
			for {
				rec, err := p.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("Next: %v", err)
				}
				paper, err := Normalize(rec)
				if err != nil {
					t.Fatalf("Normalize(line %d): %v", rec.Line, err)
				}
				papers = append(papers, paper)
			}
			out, err := json.MarshalIndent(struct {
				Owner  string
				Papers []*Paper
			}{p.Owner(), papers}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("profile", strings.TrimSuffix(name, ".txt")+".golden.json"), append(out, '\n'))
		})
	}
}

// TestProfileSeedCounts pins the figures the foundation issue names.
func TestProfileSeedCounts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "profile", "seed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p := NewProfileParser(bytes.NewReader(data))
	records, authorships := 0, 0
	distinct := map[string]bool{}
	chanPositions := []int{}
	for {
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		paper, err := Normalize(rec)
		if err != nil {
			t.Fatal(err)
		}
		records++
		for i, a := range paper.Authors {
			authorships++
			distinct[a.Key] = true
			if a.Name == "Chan, Chi-Min" {
				chanPositions = append(chanPositions, i+1)
			}
		}
	}
	if got, want := p.Owner(), "Chan, Chi-Min"; got != want {
		t.Errorf("owner: got %q, want %q", got, want)
	}
	if records != 9 || len(distinct) != 76 || authorships != 108 {
		t.Errorf("got %d records, %d authors, %d authorships; want 9, 76, 108", records, len(distinct), authorships)
	}
	if len(chanPositions) != 9 {
		t.Errorf("Chan, Chi-Min on %d papers, want 9 (positions %v)", len(chanPositions), chanPositions)
	}
}

func TestProfileErrors(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		wantLine int
		wantMsg  string
		wantRecs int // good records read around the error
	}{
		{"empty file", "", 1, "empty file", 0},
		{"blank owner", "\nTitle\nA, B\nabs\n", 1, "line 1 is empty", 0},
		{"odd authors", "Own, Er\nT1\nA, B, C\nabs\nT2\nA, B\nabs\n", 3, "3 comma-separated parts", 1},
		{"truncated record", "Own, Er\nT1\nA, B\nabs\nT2\n", 5, "record ends early", 1},
		{"NUL byte", "Own, Er\nT1\x00\nA, B\nabs\nT2\nA, B\nabs\n", 2, "NUL byte", 1},
		{"invalid UTF-8", "Own, Er\nT1\nA, B\nab\xffs\nT2\nA, B\nabs\n", 4, "invalid UTF-8", 1},
		{"empty author", "Own, Er\nT1\nA, B, , \nabs\n", 3, "author 2 is empty", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewProfileParser(strings.NewReader(tt.input))
			var gotErr *ParseError
			recs := 0
			for i := 0; i < 100; i++ {
				rec, err := p.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				var pe *ParseError
				if errors.As(err, &pe) {
					if gotErr == nil {
						gotErr = pe
					}
					continue
				}
				if err != nil {
					t.Fatalf("fatal error: %v", err)
				}
				if rec != nil {
					recs++
				}
			}
			if gotErr == nil {
				t.Fatalf("got no error, want line %d: %s", tt.wantLine, tt.wantMsg)
			}
			if gotErr.Line != tt.wantLine || !strings.Contains(gotErr.Msg, tt.wantMsg) {
				t.Errorf("got %v, want line %d: ...%s...", gotErr, tt.wantLine, tt.wantMsg)
			}
			if recs != tt.wantRecs {
				t.Errorf("got %d good records, want %d", recs, tt.wantRecs)
			}
		})
	}
}

func TestProfileLongLine(t *testing.T) {
	long := strings.Repeat("x", MaxRecordBytes+10)
	p := NewProfileParser(strings.NewReader("Own, Er\n" + long + "\nA, B\nabs\nT2\nA, B\nabs"))
	_, err := p.Next()
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("got %v, want a line 2 error", err)
	}
	rec, err := p.Next()
	if err != nil || rec.Title != "T2" || rec.Line != 5 {
		t.Fatalf("after the long line: got %+v, %v; want T2 at line 5", rec, err)
	}
}

func FuzzProfile(f *testing.F) {
	for _, name := range []string{"seed.txt", "bom-crlf.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", "profile", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Own, Er\nT\nA, B\n"))
	f.Add([]byte("\xef\xbb\xbf\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := NewProfileParser(bytes.NewReader(data))
		for i := 0; i <= len(data)+1; i++ {
			rec, err := p.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var fe *FormatError
				if errors.As(err, &fe) {
					// Not a profile list: the parser stops there.
					if _, err2 := p.Next(); err2 != err {
						t.Fatalf("Next after %v returned %v", err, err2)
					}
					return
				}
				if !IsRecordError(err) {
					t.Fatalf("fatal error on in-memory input: %v", err)
				}
				continue
			}
			if rec.Line < 2 {
				t.Fatalf("record at line %d, want >= 2", rec.Line)
			}
			if _, err := Normalize(rec); err != nil && CleanText(rec.Title) != "" {
				t.Fatalf("Normalize: %v", err)
			}
		}
		t.Fatalf("parser did not reach EOF")
	})
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{"refs.bib", "@article{x,\n title={T}}", "bibtex"},
		{"refs.txt", "% comment\n\n@InProceedings {x,", "bibtex"},
		{"x.dat", "TY  - JOUR\nTI  - T\nER  - ", "ris"},
		{"x.dat", "1.\nTY  - JOUR\n", "ris"},
		{"x.dat", "FN Clarivate Analytics Web of Science\nVR 1.0\n", "ris"},
		{"x.dat", `[{"title": "T"}]`, "csljson"},
		{"x.dat", `{"title": "T"}` + "\n", "csljson"},
		{"x.dat", `{"id": "https://openalex.org/W1", "authorships": []}`, "openalex"},
		{"x.dat", `{"id": "https://openalex.org/W1", "publication_year": 2020}`, "openalex"},
		// catalog's own CSL-JSON export keeps OpenAlex ids as item ids.
		{"x.json", `[{"id": "https://openalex.org/W1", "type": "article", "title": "T", "author": [{"family": "F"}]}]`, "csljson"},
		{"x.dat", "Chan, Chi-Min\nA title\nJi, Jiaming, Chan, Chi-Min\nabstract", "profile"},
		{"x.txt", "just words", "profile"},
		{"x.ris", "", "ris"},
		{"x.dat", "just words", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.want, func(t *testing.T) {
			if got := DetectFormat(tt.name, []byte(tt.head)); got != tt.want {
				t.Errorf("DetectFormat(%q, %q): got %q, want %q", tt.name, tt.head, got, tt.want)
			}
		})
	}
}
