package importer

import (
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// TestNotTheFormat gives each parser input of another format: it must say
// so, with the line, and stop (a *FormatError, not a record error that
// --skip-invalid would skip). A RIS parser given BibTeX once found no
// records (exit 0), and an OpenAlex parser given CSL-JSON imported its
// items without authors.
func TestNotTheFormat(t *testing.T) {
	const (
		bib      = "% refs\n\n@article{knuth84, title = {Literate Programming}, author = {Knuth, Donald}}\n"
		ris      = "TY  - JOUR\nTI  - Literate Programming\nAU  - Knuth, Donald\nER  - \n"
		csl      = `[{"id": "knuth84", "type": "article-journal", "title": "Literate Programming", "author": [{"family": "Knuth", "given": "Donald"}], "issued": {"date-parts": [[1984]]}}]`
		cslLines = `{"id": "knuth84", "title": "Literate Programming", "author": [{"family": "Knuth", "given": "Donald"}]}` + "\n"
		openalex = `{"id": "https://openalex.org/W1", "title": "Literate Programming", "publication_year": 1984, "authorships": [{"author": {"display_name": "Donald Knuth"}}]}` + "\n"
		profile  = "Knuth, Donald\nLiterate Programming\nKnuth, Donald\nAn abstract.\n"
		binary   = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x00\x01\xff"
	)
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(ris)
	if err != nil {
		t.Fatal(err)
	}
	parsers := map[string]func(io.Reader) Parser{
		"bibtex":   func(r io.Reader) Parser { return NewBibTeXParser(r) },
		"ris":      func(r io.Reader) Parser { return NewRISParser(r) },
		"csljson":  func(r io.Reader) Parser { return NewCSLJSONParser(r) },
		"openalex": func(r io.Reader) Parser { return NewOpenAlexParser(r) },
		"profile":  func(r io.Reader) Parser { return NewProfileParser(r) },
	}
	tests := []struct {
		parser, name, in string
		want             string // the error; "" for records read without one
	}{
		{"ris", "bibtex", bib, `not a RIS file: line 1: expected a tag line such as "TY  - JOUR", found "% refs"`},
		{"ris", "csl-json", csl, `not a RIS file: line 1: expected a tag line such as "TY  - JOUR", found "[{\"id\": \"knuth84\", \"type\": \"article-jour"...`},
		{"ris", "utf-16 without a byte order mark", utf16, "not a RIS file: line 1: " + nulMsg},
		{"ris", "binary", binary, "not a RIS file: line 1: " + nulMsg},
		{"ris", "many lines before a tag", strings.Repeat("text\n", 101) + ris, `not a RIS file: line 1: expected a tag line such as "TY  - JOUR", found "text", and no tag line in the 100 lines with text after it`},
		{"ris", "a header before the tags", "Provider: X\nContent: text/plain\n\n" + ris, ""},
		{"bibtex", "ris", ris, `not a BibTeX file: line 1: expected entries such as "@article{key, ...}", found "TY  - JOUR" and no entry after it`},
		{"bibtex", "csl-json", "\n" + cslLines, `not a BibTeX file: line 2: expected entries such as "@article{key, ...}", found "{\"id\": \"knuth84\", \"title\": \"Literate Pro"... and no entry after it`},
		{"bibtex", "binary", binary, "not a BibTeX file: line 1: " + nulMsg},
		{"bibtex", "utf-16 without a byte order mark", "@\x00a\x00", "not a BibTeX file: line 1: " + nulMsg},
		{"bibtex", "an email address", "mail me@example.org\n", `not a BibTeX file: line 1: expected entries such as "@article{key, ...}", found "mail me" and no entry after it`},
		{"bibtex", "comments only", "% nothing yet\n\n", ""},
		{"bibtex", "text then entries", "Knuth's references\n" + bib, ""},
		{"csljson", "bibtex", bib, `not a CSL-JSON file: line 1: expected a JSON array or object, found "% refs"`},
		{"csljson", "ris", "\n" + ris, `not a CSL-JSON file: line 2: expected a JSON array or object, found "TY  - JOUR"`},
		{"csljson", "binary", binary, "not a CSL-JSON file: line 1: " + nulMsg},
		{"csljson", "openalex", openalex, `not a CSL-JSON file: line 1: the item is an OpenAlex work ("authorships", "publication_year"), not CSL-JSON`},
		{"openalex", "csl-json", csl, `not an OpenAlex file: line 1: the item has none of OpenAlex's fields ("authorships", "publication_year", an openalex.org id ...): it is a CSL-JSON item ("author", "issued")`},
		{"openalex", "csl-json lines", cslLines, `not an OpenAlex file: line 1: the item has none of OpenAlex's fields ("authorships", "publication_year", an openalex.org id ...): it is a CSL-JSON item ("author", "issued")`},
		{"openalex", "bibtex", bib, `not an OpenAlex file: line 1: expected a JSON array or object, found "% refs"`},
		{"profile", "bibtex", "@article{knuth84,\n  title = {x},\n}\n", `not an author-profile list: line 1: expected the profile owner as "Family, Given", found "@article{knuth84,"`},
		{"profile", "ris", ris, `not an author-profile list: line 1: expected the profile owner as "Family, Given", found "TY  - JOUR"`},
		{"profile", "csl-json", cslLines, `not an author-profile list: line 1: expected the profile owner as "Family, Given", found "{\"id\": \"knuth84\", \"title\": \"Literate Pro"...`},
		{"profile", "binary", binary, "not an author-profile list: line 1: " + nulMsg},
		{"bibtex", "itself", bib, ""},
		{"ris", "itself", ris, ""},
		{"csljson", "itself", csl, ""},
		{"openalex", "itself", openalex, ""},
		{"profile", "itself", profile, ""},
	}
	for _, tt := range tests {
		t.Run(tt.parser+"/"+tt.name, func(t *testing.T) {
			p := parsers[tt.parser](strings.NewReader(tt.in))
			var got error
			for range 1000 {
				_, err := p.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					got = err
					break
				}
			}
			switch {
			case tt.want == "" && got != nil:
				t.Fatalf("got %v, want no error", got)
			case tt.want == "":
				return
			case got == nil:
				t.Fatalf("got no error, want %q", tt.want)
			case got.Error() != tt.want:
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			var fe *FormatError
			if !errors.As(got, &fe) || IsRecordError(got) {
				t.Errorf("%v is not a *FormatError, or is a record error", got)
			}
			if _, err := p.Next(); err != got {
				t.Errorf("Next after %v: got %v, want the same error", got, err)
			}
		})
	}
}

// TestLaterItemsNotTheFormat: after items of the format, one of another is a
// record error, naming its line.
func TestLaterItemsNotTheFormat(t *testing.T) {
	csl := `{"id": "a", "title": "A", "author": [{"family": "Knuth"}]}`
	oa := `{"id": "https://openalex.org/W1", "title": "B", "authorships": []}`
	tests := []struct {
		name string
		p    Parser
		want []string
	}{
		{"openalex in csljson", NewCSLJSONParser(strings.NewReader(csl + "\n" + oa + "\n" + csl + "\n")),
			[]string{"1:A", "!2", "3:A"}},
		{"csljson in openalex", NewOpenAlexParser(strings.NewReader(oa + "\n" + csl + "\n" + oa + "\n")),
			[]string{"1:B", "!2", "3:B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outline(t, tt.p); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
