package importer

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The golden inputs:
//   - testdata/bibtex/biblatex-examples.bib is the example database shipped
//     with biblatex (https://ctan.org/pkg/biblatex, LPPL 1.3c);
//   - testdata/bibtex/acl-excerpt.bib is an excerpt of the ACL Anthology
//     BibTeX export (https://aclanthology.org/, CC BY 4.0): its first 20
//     entries and 20 entries from the 2005 volumes;
//   - testdata/bibtex/edge.bib is written for these tests.
func TestBibTeXGolden(t *testing.T) {
	for _, name := range []string{"biblatex-examples", "acl-excerpt", "edge"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "bibtex", name+".bib"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := readAll(t, NewBibTeXParser(f))
			checkGolden(t, filepath.Join("bibtex", name+".golden.json"), got)
		})
	}
}

// bibSummarize drains a parser into one line per record ("key@line") or error
// ("error@line: message").
func bibSummarize(t *testing.T, p Parser) []string {
	t.Helper()
	var out []string
	for range 1_000_000 {
		rec, err := p.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("fatal error: %v", err)
			}
			out = append(out, fmt.Sprintf("error@%d: %s", pe.Line, pe.Msg))
			continue
		}
		out = append(out, fmt.Sprintf("%s@%d", rec.Key, rec.Line))
	}
	t.Fatal("parser does not stop")
	return nil
}

func TestBibTeXErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // "key@line", or "error@line: " and a part of the message
	}{
		{"unclosed brace then entry",
			"@article{a,\n  title = {x,\n  year = 2000}\n@article{b, title = {y}}\n",
			[]string{`error@1: entry "a" is not closed (the entry at line 4 starts inside it)`, "b@4"}},
		{"missing entry close",
			"@article{a, title = {x}\n\n@article{b, title = {y}}",
			[]string{`error@1: entry "a" is not closed (the entry at line 3`, "b@3"}},
		{"missing equals",
			"\n\n@article{a,\n title {x}}\n@misc{b}",
			[]string{`error@3: expected "=" after field name "title" in entry "a" (line 4), found "{"`, "b@5"}},
		{"missing comma",
			"@article{a, title = {x}\n  year = 2000}\n@misc{b}",
			[]string{`error@1: expected "," or "}" after field "title" in entry "a" (line 2), found "y"`, "b@3"}},
		{"missing value",
			"@article{a, title = }\n@misc{b}",
			[]string{`error@1: expected a value for field "title" in entry "a" (line 1), found "}"`, "b@2"}},
		{"missing field name",
			"@article{a, = {x}}\n@misc{b}",
			[]string{`error@1: expected a field name in entry "a" (line 1), found "="`, "b@2"}},
		{"missing comma after key",
			"@article{a title = {x}}\n@misc{b}",
			[]string{`error@1: expected "," after the key of entry "a" (line 1), found "t"`, "b@2"}},
		{"extra brace in quotes",
			"@article{a, title = \"x}y\"}\n@misc{b}",
			[]string{`error@1: unbalanced braces in entry "a": an extra "}" in field "title" (line 1)`, "b@2"}},
		{"unterminated at eof",
			"@misc{ok}\n@article{a,\n title = {x}",
			[]string{"ok@1", `error@2: entry "a" is not closed: missing "}" at end of file`}},
		{"unterminated value at eof",
			"@article{a,\n title = {x\n\n",
			[]string{`error@1: unbalanced braces in entry "a": the value of field "title" (line 2) is not closed at end of file`}},
		{"unterminated quotes at eof",
			"@article{a,\n title = \"x",
			[]string{`error@1: unbalanced quotes in entry "a": the value of field "title" (line 2) is not closed`}},
		{"unterminated paren entry",
			"@article(a, title = {x}\n",
			[]string{`error@1: entry "a" is not closed: missing ")" at end of file`}},
		{"unterminated comment",
			"@comment{ never closed\n@misc{b}\n",
			[]string{`error@1: @comment is not closed (the entry at line 2 starts inside it)`, "b@2"}},
		{"broken string",
			"@string{x = }\n@string{y = {ok}}\n@misc{b, title = y}",
			[]string{`error@1: expected a value for field "x"`, "b@3"}},
		{"resync skips the rest of the broken entry",
			"@article{a, title {x},\n  note = {@misc{inline}},\n  year = 1}\n@misc{b}",
			[]string{`error@1: expected "="`, "b@4"}},
		{"resync at indented entry",
			"@article{a, title {x}}\n   @misc{b}",
			[]string{`error@1: expected "="`, "b@2"}},
		{"error on the last line",
			"@misc{a}\n@article{b, title {x}}",
			[]string{"a@1", `error@2: expected "="`}},
		{"many errors",
			"@a{1, x}\n@a{2, x}\n@a{3, x = {}}\n@a{4, x}\n",
			[]string{`error@1: expected "=" after field name "x"`, `error@2: expected "="`, "3@3", `error@4: expected "="`}},
		{"key too long",
			"@misc{" + strings.Repeat("k", 2000) + ", title = {x}}\n@misc{b}",
			[]string{"error@1: @misc entry has a key longer than 1024 bytes", "b@2"}},
		{"too many authors",
			"@misc{a, author = {" + strings.Repeat("A and ", MaxAuthors) + "B}}\n@misc{b}",
			[]string{`error@1: entry "a" has more than 10000 authors`, "b@2"}},
		{"CRLF line numbers",
			"% x\r\n\r\n@misc{a,\r\n title = {x\r\n y}}\r\n@article{b, title {x}}\r\n@misc{c}\r\n",
			[]string{"a@3", `error@6: expected "="`, "c@7"}},
		{"stray at signs", "@ @@ @{x} @123 a@b.c\n@misc{a}", []string{"a@2"}},
		{"at sign followed by text", "@misc\n@misc{a}", []string{"a@2"}},
		{"byte order mark", "\ufeff@misc{a}", []string{"a@1"}},
		{"empty input", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bibSummarize(t, NewBibTeXParser(strings.NewReader(tt.in)))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d results, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("result %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestBibTeXInvalidBytes(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"@misc{a, title = {x\x00y}}\n@misc{b}", `error@1: NUL byte in field "title" of entry "a" (line 1)`},
		{"@misc{a, note = \"x\x00y\"}\n@misc{b}", `error@1: NUL byte in field "note" of entry "a" (line 1)`},
		{"@misc{a, title = {x\xffy}}\n@misc{b}", `error@1: invalid UTF-8 in field "title" of entry "a"`},
		{"@misc{a, note = {\xc3}}\n@misc{b}", `error@1: invalid UTF-8 in field "note" of entry "a"`},
		{"@misc{a\xff, title = {x}}\n@misc{b}", `error@1: invalid UTF-8 in the key of an @misc entry`},
		{"@misc{a\x00, title = {x}}\n@misc{b}", `error@1: expected "," after the key of entry "a" (line 1), found a NUL byte`},
		{"@string{s = {\xff}}\n@misc{b}", `error@1: invalid UTF-8 or NUL byte in @string "s"`},
	}
	for _, tt := range tests {
		got := bibSummarize(t, NewBibTeXParser(strings.NewReader(tt.in)))
		if len(got) != 2 || !strings.HasPrefix(got[0], tt.want) || got[1] != "b@2" {
			t.Errorf("%q: got %q, want [%q b@2]", tt.in, got, tt.want)
		}
	}
	// Invalid bytes outside entries and in comments are ignored (a NUL
	// byte before the first entry is not: TestNotTheFormat).
	got := bibSummarize(t, NewBibTeXParser(strings.NewReader("\xff\n@comment{\xff}\n\x00\n@misc{b}")))
	if len(got) != 1 || got[0] != "b@4" {
		t.Errorf("got %q", got)
	}
}

// bibRepeatReader yields n bytes of c.
type bibRepeatReader struct {
	c byte
	n int64
}

func (r *bibRepeatReader) Read(b []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > r.n {
		b = b[:r.n]
	}
	for i := range b {
		b[i] = r.c
	}
	r.n -= int64(len(b))
	return len(b), nil
}

func TestBibTeXTooLong(t *testing.T) {
	tests := []struct {
		name string
		in   io.Reader
		want []string
	}{
		{"entry over MaxRecordBytes",
			io.MultiReader(strings.NewReader("@misc{a}\n@misc{big,\n title = {"),
				&bibRepeatReader{'x', MaxRecordBytes}, strings.NewReader("}}\n@misc{b}\n")),
			[]string{"a@1", `error@2: entry "big" is longer than 8388608 bytes`, "b@4"}},
		{"100 MB line in an entry",
			io.MultiReader(strings.NewReader("@misc{big, title = {"),
				&bibRepeatReader{'x', 100 << 20}, strings.NewReader("}}\n@misc{b}\n")),
			[]string{`error@1: entry "big" is longer than 8388608 bytes`, "b@2"}},
		{"100 MB line outside entries",
			io.MultiReader(&bibRepeatReader{'x', 100 << 20}, strings.NewReader("\n@misc{b}\n")),
			[]string{"b@2"}},
		{"100 MB rest-of-line comment",
			io.MultiReader(strings.NewReader("@comment "), &bibRepeatReader{'x', 100 << 20}, strings.NewReader("\n@misc{b}\n")),
			[]string{"b@2"}},
		{"100 MB of newlines in an entry",
			io.MultiReader(strings.NewReader("@misc{big,"), &bibRepeatReader{'\n', 100 << 20}, strings.NewReader("@misc{b}\n")),
			[]string{`error@1: entry "big" is longer than 8388608 bytes`, fmt.Sprintf("b@%d", 100<<20+1)}},
		{"macro concatenation past the limit",
			strings.NewReader("@string{s = {" + strings.Repeat("x", 1<<20) + "}}\n@misc{a, title = " +
				strings.Repeat("s # ", 9) + "s}\n@misc{b}"),
			[]string{`error@2: field "title" of entry "a" is longer than 8388608 bytes`, "b@3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bibSummarize(t, NewBibTeXParser(tt.in))
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("result %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestBibTeXDeepNesting(t *testing.T) {
	const n = 1 << 20
	in := "@misc{deep, title = {" + strings.Repeat("{", n) + "x" + strings.Repeat("}", n) + "}}\n" +
		"@misc{deepq, title = \"" + strings.Repeat("{", n) + "\"" + strings.Repeat("}", n) + "\"}\n"
	p := NewBibTeXParser(strings.NewReader(in))
	for _, key := range []string{"deep", "deepq"} {
		rec, err := p.Next()
		if err != nil {
			t.Fatal(err)
		}
		if rec.Key != key || len(rec.Title) != 2*n+1 {
			t.Errorf("got key %q, title of %d bytes", rec.Key, len(rec.Title))
		}
	}
	if _, err := p.Next(); err != io.EOF {
		t.Errorf("got %v, want io.EOF", err)
	}
}

type bibFailingReader struct{ r io.Reader }

func (f bibFailingReader) Read(b []byte) (int, error) {
	n, err := f.r.Read(b)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestBibTeXReadError(t *testing.T) {
	for _, in := range []string{"@misc{a}\n", "@misc{a}\n@misc{b, title = {x"} {
		p := NewBibTeXParser(bibFailingReader{strings.NewReader(in)})
		rec, err := p.Next()
		if err != nil || rec.Key != "a" {
			t.Fatalf("got %v, %v", rec, err)
		}
		_, err = p.Next()
		if err == nil || err == io.EOF || IsRecordError(err) {
			t.Fatalf("got %v, want the read error", err)
		}
		if _, err2 := p.Next(); err2 != err {
			t.Errorf("second call: got %v, want %v again", err2, err)
		}
	}
}

func TestBibTeXFields(t *testing.T) {
	in := `@string{J = "Journal of Tests"}
@string{jan = "Januar"}
@Article{k,
  Title = {A} # " " # {title},
  JOURNAL = j,
  MONTH = jan,
  YEAR = 1999,
  Number = {4},
  Issue = {ignored},
  Pages = "1--2",
  DOI = "10.1/x",
  URL = {http://x},
  Abstract = {An   abstract},
  Editor = {E. Ditor},
  Author = {Knuth, Donald E. and Jean-Pierre van der Berg},
  Translator = {Trans, Lator and Other, T.},
  Publisher = {ACM},
  Location = {Ignored, since address comes first},
  Address = {New York, NY},
}`
	p := NewBibTeXParser(strings.NewReader(in))
	rec, err := p.Next()
	if err != nil {
		t.Fatal(err)
	}
	want := &Record{
		Line: 3, Key: "k", Type: "article", Markup: MarkupLaTeX, Title: "A title",
		Authors: []Person{{Family: "Knuth", Given: "Donald E."}, {Family: "van der Berg", Given: "Jean-Pierre"}},
		Editors: []Person{{Family: "Ditor", Given: "E."}},
		Year:    1999, Month: 1, Venue: "Journal of Tests", Volume: "", Issue: "4",
		Pages: "1--2", DOI: "10.1/x", URL: "http://x", Abstract: "An abstract",
		Translators: []Person{{Family: "Trans", Given: "Lator"}, {Family: "Other", Given: "T."}},
		Publisher:   "ACM", Address: "New York, NY",
	}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("got  %+v\nwant %+v", rec, want)
	}
}

func TestParseDateParts(t *testing.T) {
	years := map[string]int{"2006": 2006, "{2006}": 2006, "c. 1999": 1999, "2006a": 2006,
		"": 0, "in press": 0, "20060": 0, "850": 850, "1996--1997": 1996}
	for in, want := range years {
		if got := bibYear(in); got != want {
			t.Errorf("bibYear(%q) = %d, want %d", in, got, want)
		}
	}
	months := map[string]int{"1": 1, "01": 1, "12": 12, "13": 0, "0": 0, "May": 5, "may": 5,
		"Sept.": 9, "sep": 9, "September": 9, "{Oct}": 10, "January--February": 1, "Ma": 0,
		"Spring": 0, "": 0, "March 12": 3, "decembre": 0, "Dec.": 12}
	for in, want := range months {
		if got := bibMonth(in); got != want {
			t.Errorf("bibMonth(%q) = %d, want %d", in, got, want)
		}
	}
	dates := map[string][2]int{"2006": {2006, 0}, "2006-05": {2006, 5}, "2006-05-12": {2006, 5},
		"2006-05-12/2006-06-01": {2006, 5}, "2006/2007": {2006, 0}, "../2007-02": {2007, 2},
		"2006/..": {2006, 0}, "2006-21": {2006, 0}, "2006-05-12T10:00:00": {2006, 5},
		"": {0, 0}, "May 2006": {0, 0}, "-0044-03-15": {0, 0}, "206": {0, 0}}
	for in, want := range dates {
		if y, m := bibDate(in); y != want[0] || m != want[1] {
			t.Errorf("bibDate(%q) = %d, %d, want %v", in, y, m, want)
		}
	}
}

func TestBibTeXCrossrefBuffers(t *testing.T) {
	// More children than the pending buffer holds, all before a parent
	// that never comes: every one is returned, none twice.
	var b strings.Builder
	n := maxPending + 10
	for i := range n {
		fmt.Fprintf(&b, "@inproceedings{c%d, crossref = {p%d}}\n", i, i%3)
	}
	b.WriteString("@proceedings{p1, title = {Parent One}, year = 2000}\n")
	p := NewBibTeXParser(strings.NewReader(b.String()))
	seen := map[string]bool{}
	resolved := 0
	for {
		rec, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if seen[rec.Key] {
			t.Fatalf("%s returned twice", rec.Key)
		}
		seen[rec.Key] = true
		if rec.Venue == "Parent One" {
			resolved++
		}
	}
	if len(seen) != n+1 {
		t.Errorf("got %d records, want %d", len(seen), n+1)
	}
	if resolved < maxPending/3-10 {
		t.Errorf("only %d children resolved", resolved)
	}
}

// bibCorpusPath finds the ACL Anthology corpus next to the repository
// (../../../shared from internal/importer, as on the build machines).
func bibCorpusPath(t testing.TB) string {
	path := filepath.Join("..", "..", "..", "shared", "data", "corpus", "acl-anthology.bib.gz")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	return path
}

func TestBibTeXCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the full corpus in -short mode")
	}
	f, err := os.Open(bibCorpusPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	p := NewBibTeXParser(zr)
	n, withAuthors := 0, 0
	prevLine := 0
	for {
		rec, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d records: %v", n, err)
		}
		if rec.Line <= prevLine || rec.Key == "" || rec.Title == "" || rec.Venue == "" || rec.URL == "" {
			t.Fatalf("bad record %+v after line %d", rec, prevLine)
		}
		prevLine = rec.Line
		if len(rec.Authors) > 0 {
			withAuthors++
		}
		n++
	}
	if n != 71244 {
		t.Errorf("got %d records, want 71244", n)
	}
	if withAuthors != 70545 {
		t.Errorf("got %d records with authors, want 70545", withAuthors)
	}
}

func BenchmarkBibTeX(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "bibtex", "acl-excerpt.bib"))
	if err != nil {
		b.Fatal(err)
	}
	if path := filepath.Join("..", "..", "..", "shared", "data", "corpus", "acl-anthology.bib.gz"); !testing.Short() {
		if f, err := os.Open(path); err == nil {
			zr, err := gzip.NewReader(f)
			if err == nil {
				if all, err := io.ReadAll(zr); err == nil {
					data = all
				}
			}
			f.Close()
		}
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p := NewBibTeXParser(bytes.NewReader(data))
		for {
			_, err := p.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
