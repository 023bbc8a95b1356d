package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// bibFuzzSnippets are small seeds reaching the parser's corners.
var bibFuzzSnippets = []string{
	"@misc{a, title = {x}}",
	"@article(a, title = \"x {y} z\" # jan, year = 2000)",
	"@string{s = {S}}@misc{b, title = s # s}",
	"@comment{x}@comment x\n@preamble{\"x\"}",
	"@misc{a, title = {x\n@misc{b}",
	"@misc{c, crossref = {p}}\n@book{p, title = {P}}",
	"@book{p, title = {P}}\n@misc{c, crossref = {P}}",
	"@misc{a, date = {2006-05/2007}, month = {may}}",
	"@misc{a, author = {de la Fontaine, Jean and {Barnes and Noble} and others}}",
	"@misc{a,\r\n % c\r\n title = {x}\r\n}",
	"@misc{a, title = {\x00}}",
	"@misc{a, title = {\xff}}",
	"x@y @ @{ @a{",
}

// bibFuzzSeeds adds the BibTeX test files (the big ones cut to 2 KiB at an
// entry boundary) and the snippets. Small seeds keep the executions, and
// the minimization of new inputs, fast.
func bibFuzzSeeds(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "bibtex", "*.bib"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > 2<<10 {
			data = data[:2<<10]
			if i := bytes.LastIndex(data, []byte("\n@")); i > 0 {
				data = data[:i+1]
			}
		}
		f.Add(data)
	}
	for _, s := range bibFuzzSnippets {
		f.Add([]byte(s))
	}
}

// bibDrain reads every result of a parser over data as text, checking the
// Parser contract on the way.
func bibDrain(t *testing.T, data []byte, r io.Reader) []string {
	p := NewBibTeXParser(r)
	lines := bytes.Count(data, []byte("\n")) + 1
	var out []string
	for calls := 0; ; calls++ {
		if calls > len(data)+3 {
			t.Fatalf("no end after %d calls on %d bytes", calls, len(data))
		}
		rec, err := p.Next()
		if err == io.EOF {
			if _, err := p.Next(); err != io.EOF {
				t.Fatalf("Next after io.EOF returned %v", err)
			}
			return out
		}
		if err != nil {
			var fe *FormatError
			if errors.As(err, &fe) {
				// Not BibTeX: the parser stops there.
				if fe.Line < 1 || fe.Line > lines {
					t.Fatalf("error line %d outside 1..%d: %v", fe.Line, lines, err)
				}
				if _, err2 := p.Next(); err2 != err {
					t.Fatalf("Next after %v returned %v", err, err2)
				}
				return append(out, "fatal "+err.Error())
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("fatal error from an in-memory reader: %v", err)
			}
			if pe.Line < 1 || pe.Line > lines {
				t.Fatalf("error line %d outside 1..%d: %v", pe.Line, lines, err)
			}
			out = append(out, "error "+err.Error())
			continue
		}
		if rec == nil {
			t.Fatal("nil record without error")
		}
		if rec.Line < 1 || rec.Line > lines {
			t.Fatalf("record line %d outside 1..%d", rec.Line, lines)
		}
		for _, s := range []string{rec.Key, rec.Title, rec.Venue, rec.Volume, rec.Issue, rec.Pages, rec.DOI, rec.URL, rec.Abstract} {
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
				t.Fatalf("invalid UTF-8 or NUL in record %+v", rec)
			}
		}
		if rec.Month < 0 || rec.Month > 12 {
			t.Fatalf("month %d", rec.Month)
		}
		out = append(out, fmt.Sprintf("%+v", *rec))
	}
}

// FuzzBibTeX checks that the parser never panics, always ends, gives lines
// within the input, and does not depend on how the input is split into
// reads.
func FuzzBibTeX(f *testing.F) {
	bibFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := bibDrain(t, data, bytes.NewReader(data))
		bytewise := bibDrain(t, data, iotest.OneByteReader(bytes.NewReader(data)))
		if strings.Join(whole, "\n") != strings.Join(bytewise, "\n") {
			t.Fatalf("results depend on read sizes:\nwhole:\n%s\nbyte by byte:\n%s",
				strings.Join(whole, "\n"), strings.Join(bytewise, "\n"))
		}
	})
}

// FuzzCleanText checks that CleanText never panics and that from valid
// UTF-8 it makes valid, NFC, trimmed text with single spaces.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		`{\"u}ber {B}ERT $\alpha$ $3$ --- \url{x~y} \href{a}{b}`,
		`\'{\i} \v{Z} \c c \b{} \~{} {\o} \ss \framework{} \\ \& ''q'' `, "`a' ``b''",
		`<i>x</i> <jats:p>y</jats:p> &amp; &#x2014; a<b`, "$$x$$ $ $ \\",
		"{{{{x}}}} }}} {{{", "\u00a0\u2003x\ty\n", "e\u0301\u0301",
		`Ann~Marie C:\new\table $5 and $k$-ary`, "``a'' <i>b</i> &amp; \\emph{c}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, clean := range []struct {
			name string
			f    func(string) string
		}{{"CleanText", CleanText}, {"CleanPlainText", CleanPlainText}} {
			out := clean.f(s)
			if !utf8.ValidString(s) {
				continue
			}
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: invalid UTF-8", clean.name, s, out)
			}
			if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
				t.Fatalf("%s(%q) = %q: spaces not collapsed", clean.name, s, out)
			}
			if !norm.NFC.IsNormalString(out) {
				t.Fatalf("%s(%q) = %q: not NFC", clean.name, s, out)
			}
		}
	})
}

// FuzzParseName checks that ParseName and SplitNames never panic and keep
// valid UTF-8 input valid, with trimmed parts.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{
		"Jean de La Fontaine", "de la Fontaine, Jr., Jean", "{Barnes and Noble, Inc.}",
		"{\\'E}mile Zola", "Jean-Pierre van der Berg", "A and B and others",
		"{\\relax Ch}ristopher", ", , ,", "{ {", "} }", "Ford, Jr.", "x~-~y",
		"{Bell, II}, EDWARD", "{TUG} BOARD \\llap{\\raise 0.5ex\\hbox{x}}", "GARC&#237;A, H",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		people := append(SplitNames(s), ParseName(s))
		if !utf8.ValidString(s) {
			return
		}
		for _, p := range people {
			for _, part := range []string{p.Family, p.Given, p.Suffix} {
				if !utf8.ValidString(part) {
					t.Fatalf("%q: invalid UTF-8 in %+v", s, p)
				}
				if strings.TrimSpace(part) != part {
					t.Fatalf("%q: untrimmed part in %+v", s, p)
				}
			}
			for _, m := range []Markup{MarkupLaTeX, MarkupPlain} {
				a, _ := normalizePerson(p, m)
				if !utf8.ValidString(a.Name) || !norm.NFC.IsNormalString(a.Name) {
					t.Fatalf("%q: name %q not valid NFC", s, a.Name)
				}
			}
		}
	})
}
