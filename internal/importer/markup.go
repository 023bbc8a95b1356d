package importer

import "strings"

// Markup is the markup a record's text carries.
type Markup uint8

const (
	// MarkupPlain is plain Unicode text that may hold HTML tags and
	// character references (CSL-JSON's rich text, OpenAlex, RIS and profile
	// lists): cleaned by CleanPlainText.
	MarkupPlain Markup = iota
	// MarkupLaTeX is BibTeX's text: LaTeX (and stray HTML), cleaned by
	// CleanText. Records of other formats carry it when their file does
	// (SniffMarkup).
	MarkupLaTeX
)

// Read-ahead bounds of SniffMarkup.
const (
	sniffRecords = 100
	sniffBytes   = 1 << 20
)

// SniffMarkup returns a parser that gives p's records, marked MarkupLaTeX
// when p's file carries LaTeX: when one of its first records (up to 100,
// or 1 MB of text) has a value plainHasLaTeX finds LaTeX in. Files
// converted from BibTeX keep its markup throughout (the ML Anthology's
// CSL-JSON writes "--" for a dash, "{K}ernel", TeX's quotes and, in other
// records, "\emph{...}" and "$\ell_1$"), and only the file as a whole tells
// that its "--" is LaTeX's en dash rather than two hyphens. Other files
// stay plain text, where a value is LaTeX-decoded only when it holds LaTeX
// itself (CleanPlainText). Records of BibTeX, already MarkupLaTeX, pass
// unchanged.
func SniffMarkup(p Parser) Parser { return &markupSniffer{p: p} }

type markupSniffer struct {
	p       Parser
	decided bool
	markup  Markup
	ahead   []sniffed // read ahead while deciding, served first
}

type sniffed struct {
	rec *Record
	err error
}

func (s *markupSniffer) Next() (*Record, error) {
	if !s.decided {
		s.decide()
	}
	var rec *Record
	var err error
	if len(s.ahead) > 0 {
		rec, err = s.ahead[0].rec, s.ahead[0].err
		s.ahead[0] = sniffed{}
		s.ahead = s.ahead[1:]
	} else {
		rec, err = s.p.Next()
	}
	if rec != nil && s.markup == MarkupLaTeX {
		rec.Markup = MarkupLaTeX
	}
	return rec, err
}

// decide reads records ahead until one carries LaTeX, the bounds are
// reached, or the parser stops (io.EOF or a fatal error, kept to be served
// in turn).
func (s *markupSniffer) decide() {
	s.decided = true
	size := 0
	for n := 0; n < sniffRecords && size < sniffBytes; n++ {
		rec, err := s.p.Next()
		s.ahead = append(s.ahead, sniffed{rec, err})
		if err != nil && !IsRecordError(err) {
			return
		}
		if rec == nil {
			continue
		}
		if recordHasLaTeX(rec) {
			s.markup = MarkupLaTeX
			return
		}
		size += len(rec.Title) + len(rec.Abstract) + len(rec.Venue)
	}
}

// recordHasLaTeX reports whether a text field or name of rec holds LaTeX.
func recordHasLaTeX(rec *Record) bool {
	if rec.Markup == MarkupLaTeX {
		return true
	}
	for _, s := range [...]string{rec.Title, rec.Abstract, rec.Venue} {
		if plainHasLaTeX(s) {
			return true
		}
	}
	for _, p := range rec.Authors {
		if plainHasLaTeX(p.Family) || plainHasLaTeX(p.Given) {
			return true
		}
	}
	return false
}

// clean cleans text that carries m.
func (m Markup) clean(s string) string {
	if m == MarkupLaTeX {
		return CleanText(s)
	}
	return CleanPlainText(s)
}

// plainHasLaTeX reports whether text from a format without LaTeX holds
// LaTeX markup that only LaTeX can mean:
//
//   - a backslash before a command CleanText knows, with a brace before or
//     after it (\emph{x}, {\o}, \v{Z}): without one, "\t", "\u" or "\path"
//     in plain text are more likely an escape or a file's path;
//   - a backslash before an accent symbol followed by a letter or a brace
//     (\"u, \'{e}), or before an escaped special (\&, \%, \_, \{);
//   - math: a "$" followed by a letter or a backslash and closed by a "$"
//     that no space precedes ($k$-ary, $\ell_1$); prices ("$5 and $10")
//     are not math;
//   - TeX's opening double quote, two backquotes.
//
// A backslash before an unknown word (C:\new\table), a tilde, braces or
// dashes alone are not evidence: plain text has them too.
func plainHasLaTeX(s string) bool {
	noDollar := false // no "$" past the one being looked at
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				continue
			}
			b := s[i+1]
			if latexIsLetter(b) {
				j := i + 1
				for j < len(s) && latexIsLetter(s[j]) {
					j++
				}
				if _, ok := latexCommands[s[i+1:j]]; ok {
					if (i > 0 && s[i-1] == '{') || (j < len(s) && s[j] == '{') {
						return true
					}
				}
				i = j - 1
				continue
			}
			if latexSymbolAccents[b] != 0 && i+2 < len(s) && (latexIsLetter(s[i+2]) || s[i+2] == '{') {
				return true
			}
			switch b {
			case '&', '%', '$', '#', '_', '{', '}':
				return true
			}
		case '$':
			if noDollar || i+1 >= len(s) || !(latexIsLetter(s[i+1]) || s[i+1] == '\\') {
				continue
			}
			end := strings.IndexByte(s[i+1:], '$')
			if end < 0 {
				noDollar = true
				continue
			}
			if s[i+end] != ' ' {
				return true
			}
		case '`':
			if i+1 < len(s) && s[i+1] == '`' {
				return true
			}
		}
	}
	return false
}
