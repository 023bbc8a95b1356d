// Package export writes papers out of the catalog as BibTeX, CSL-JSON and
// CSV: store.Paper values in, bytes out; no SQL.
//
// What is written reads back through catalog's own importer to the same
// titles, authors (in order), years and DOIs: text is the catalog's clean
// Unicode, escaped where BibTeX or LaTeX would read it as markup.
package export

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/catalog-dev/catalog/internal/importer"
)

// TeX escapes clean text for a braced BibTeX value: the characters LaTeX
// reads as markup become commands that print them (\& \% \$ \# \_ \{ \}
// \textbackslash{} \textasciitilde{} \textasciicircum{} \textless{}
// \textasciigrave{}), ligatures that would merge are split (two hyphens or
// two apostrophes become -{}- and '{}'), and Unicode stays as it is (biber
// and LaTeX read UTF-8). Math that the importer kept verbatim ($\alpha$) is
// written as math again. Braces are escaped in pairs (\{ \}); an unpaired
// one is written \textbraceleft{} or \textbraceright{}, since BibTeX
// counts the brace of \{ too and the value would not close.
func TeX(s string) string {
	return tex(s, false)
}

// TeXTitle is TeX for a title: besides escaping, words with a capital
// after their first letter (BERT, ChatEval, GPT-4) are braced so that
// bibliography styles that lower-case titles leave them alone.
func TeXTitle(s string) string {
	return tex(s, true)
}

func tex(s string, protect bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	paired := pairedBraces(s)
	i := 0
	for i < len(s) {
		if s[i] == '$' {
			if end := keptMath(s, i); end > 0 {
				b.WriteString(s[i:end])
				i = end
				continue
			}
		}
		if protect && (i == 0 || s[i-1] == ' ') {
			if end := wordEnd(s, i); needsProtection(s[i:end]) {
				b.WriteByte('{')
				for k := i; k < end; {
					k = texChar(&b, s, k, paired)
				}
				b.WriteByte('}')
				i = end
				continue
			}
		}
		i = texChar(&b, s, i, paired)
	}
	return b.String()
}

// texChar writes the escaped character at s[i] and returns the index of
// the next one.
func texChar(b *strings.Builder, s string, i int, paired map[int]bool) int {
	c := s[i]
	switch c {
	case '&', '%', '$', '#', '_':
		b.WriteByte('\\')
		b.WriteByte(c)
	case '{', '}':
		switch {
		case paired[i]:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '{':
			b.WriteString(`\textbraceleft{}`)
		default:
			b.WriteString(`\textbraceright{}`)
		}
	case '\\':
		b.WriteString(`\textbackslash{}`)
	case '~':
		b.WriteString(`\textasciitilde{}`)
	case '^':
		b.WriteString(`\textasciicircum{}`)
	case '<':
		// An HTML tag name after it would be read as a tag.
		b.WriteString(`\textless{}`)
	case '`':
		// LaTeX, and the importer, read a bare one as a left quote.
		b.WriteString(`\textasciigrave{}`)
	case '-', '\'':
		b.WriteByte(c)
		if i+1 < len(s) && s[i+1] == c {
			b.WriteString("{}")
		}
	default:
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		return i + size
	}
	return i + 1
}

// wordEnd returns the end of the word starting at s[i]: the next space, or
// a '$' (math is never inside a protected word).
func wordEnd(s string, i int) int {
	for j := i; j < len(s); j++ {
		if s[j] == ' ' || s[j] == '$' {
			return j
		}
	}
	return len(s)
}

// needsProtection reports whether a title word has an upper-case letter
// after its first letter.
func needsProtection(w string) bool {
	first := true
	for _, r := range w {
		if !unicode.IsLetter(r) {
			continue
		}
		if !first && unicode.IsUpper(r) {
			return true
		}
		first = false
	}
	return false
}

// keptMath returns the end of a $...$ span at s[i] that looks like math (a
// command, sub- or superscript or group in it) and that the importer keeps
// verbatim, or -1. Any other dollar is escaped, which always reads back.
func keptMath(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '$')
	if j <= 0 {
		return -1
	}
	span := s[i : i+1+j+1]
	if !strings.ContainsAny(span, `\^_{`) {
		return -1
	}
	depth := 0
	for k := 0; k < len(span); k++ {
		switch span[k] {
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return -1
			}
		}
	}
	if depth != 0 || importer.CleanText(span) != span {
		return -1
	}
	return i + len(span)
}

// pairedBraces returns the positions of the braces in s that have a
// partner, outside math spans that keptMath will write as they are.
func pairedBraces(s string) map[int]bool {
	var paired map[int]bool
	var open []int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '$':
			if end := keptMath(s, i); end > 0 {
				i = end - 1
			}
		case '{':
			open = append(open, i)
		case '}':
			if len(open) > 0 {
				if paired == nil {
					paired = make(map[int]bool)
				}
				paired[open[len(open)-1]] = true
				paired[i] = true
				open = open[:len(open)-1]
			}
		}
	}
	return paired
}
