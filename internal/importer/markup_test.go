package importer

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestCleanPlainText: text from formats without LaTeX keeps LaTeX's
// special characters as written, and is LaTeX-decoded only where a value
// holds LaTeX that nothing else means.
func TestCleanPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ann~Marie", "Ann~Marie"},
		{`C:\new\table`, `C:\new\table`},
		{`C:\path\t\u0041`, `C:\path\t\u0041`},
		{"it's 'quoted'", "it's 'quoted'"},
		{"`Right' Right?", "`Right' Right?"},
		{"Real Time -- A Unified Approach", "Real Time -- A Unified Approach"},
		{"{PF} and {K}ernel", "{PF} and {K}ernel"},
		{"costs $5 and $10", "costs $5 and $10"},
		{"50% off", "50% off"},
		{"  a \t b\n c ", "a b c"},
		{"e\u0301", "é"},
		// HTML, as CSL-JSON and OpenAlex carry it
		{"<i>E. coli</i> &amp; friends", "E. coli & friends"},
		{"Garc&#237;a-Molina", "García-Molina"},
		{"a<b", "a<b"},
		{"AT&T", "AT&T"},
		// LaTeX that only LaTeX means: the value is decoded as LaTeX
		{`B\"{u}nz`, "Bünz"},
		{`Dynamics \& Control`, "Dynamics & Control"},
		{`\emph{Anderson} acceleration -- fast`, "Anderson acceleration – fast"},
		{`estimating $k$-ary distributions`, "estimating k-ary distributions"},
		{`minimum $\ell_1$-norm`, `minimum $\ell_1$-norm`},
		{"``Factual'' or not", "“Factual” or not"},
		{`{\o}ster`, "øster"},
		{`Erd\H{o}s`, "Erdős"},
	}
	for _, tt := range tests {
		if got := CleanPlainText(tt.in); got != tt.want {
			t.Errorf("CleanPlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkupByFormat normalizes records of each format: only BibTeX, and
// files of other formats that carry LaTeX (as exports converted from
// BibTeX do), are LaTeX-decoded. CleanText once decoded every format, so a
// CSL-JSON "Ann~Marie" became "Ann Marie" and "C:\new\table" "C:newtable".
func TestMarkupByFormat(t *testing.T) {
	tests := []struct {
		name      string
		parser    func(io.Reader) Parser
		in        string
		title     string
		firstName string // the first author's display name
	}{
		{"bibtex", func(r io.Reader) Parser { return NewBibTeXParser(r) },
			"@article{a, title = {A title -- {ABC} `quoted'}, author = {Smith, Ann~Marie}}",
			"A title – ABC ‘quoted’", "Smith, Ann Marie"},
		{"csljson-plain", func(r io.Reader) Parser { return NewCSLJSONParser(r) },
			`[{"title": "Paths like C:\\new\\table -- {ABC} 'quoted' <i>x</i>", "author": [{"family": "Smith", "given": "Ann~Marie"}]}]`,
			"Paths like C:\\new\\table -- {ABC} 'quoted' x", "Smith, Ann~Marie"},
		{"csljson-from-bibtex", func(r io.Reader) Parser { return NewCSLJSONParser(r) },
			`{"title": "Real Time -- A {K}ernel", "author": [{"family": "B\\\"{u}nz", "given": "Ann~Marie"}]}` + "\n",
			"Real Time – A Kernel", "Bünz, Ann Marie"},
		{"ris", func(r io.Reader) Parser { return NewRISParser(r) },
			"TY  - JOUR\nTI  - It's C:\\new\\table ~ 1 -- 2\nAU  - O'Brien, Ann~Marie\nER  - \n",
			"It's C:\\new\\table ~ 1 -- 2", "O'Brien, Ann~Marie"},
		{"openalex", func(r io.Reader) Parser { return NewOpenAlexParser(r) },
			`{"id": "https://openalex.org/W1", "title": "The <i>E. coli</i> 'genome' ~ 5 Mb", "authorships": [{"author": {"display_name": "H&#233;ctor Garc&#237;a-Molina"}}]}` + "\n",
			"The E. coli 'genome' ~ 5 Mb", "García-Molina, Héctor"},
		{"profile", func(r io.Reader) Parser { return NewProfileParser(r) },
			"Owner, An\nA title -- with ~ and 'quotes'\nSmith, Ann~Marie\nAbstract.\n",
			"A title -- with ~ and 'quotes'", "Smith, Ann~Marie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := SniffMarkup(tt.parser(strings.NewReader(tt.in)))
			rec, err := p.Next()
			if err != nil {
				t.Fatal(err)
			}
			paper, err := Normalize(rec)
			if err != nil {
				t.Fatal(err)
			}
			if paper.Title != tt.title {
				t.Errorf("title: got %q, want %q", paper.Title, tt.title)
			}
			if len(paper.Authors) == 0 || paper.Authors[0].Name != tt.firstName {
				t.Errorf("authors: got %+v, want first %q", paper.Authors, tt.firstName)
			}
			if _, err := p.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("after the record: got %v, want io.EOF", err)
			}
		})
	}
}

// TestSniffMarkupOrder: the records read ahead come out in order, record
// errors and all, and a fatal error stops the stream.
func TestSniffMarkupOrder(t *testing.T) {
	in := "{\"title\": \"one\"}\nnot json\n{\"title\": \"two \\\\emph{x}\"}\n{\"title\": \"three -- x\"}\n"
	p := SniffMarkup(NewCSLJSONParser(strings.NewReader(in)))
	var got []string
	for {
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			got = append(got, "error "+err.Error())
			continue
		}
		paper, err := Normalize(rec)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, paper.Title)
	}
	want := []string{"one", "error line 2: invalid JSON: invalid character 'o' in literal null (expecting 'u')", "two x", "three – x"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}
