package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitNames splits a BibTeX author or editor field into people. Names are
// separated by the word "and" (any case) with white space on both sides, at
// brace depth 0: "{Barnes and Noble}" is one name. Empty names are dropped,
// and so is the name "others" ("... and others", BibTeX's way to write "et
// al."): a Person has no place to mark it, and it names nobody. Each name is
// parsed with ParseName.
//
// At most MaxAuthors+1 people are returned: enough for a caller to see that
// a field is over the limit, without unbounded work on a hostile field.
func SplitNames(field string) []Person {
	var people []Person
	add := func(raw string) {
		raw = strings.TrimSpace(raw)
		if raw == "" || strings.EqualFold(raw, "others") || len(people) > MaxAuthors {
			return
		}
		p := ParseName(raw)
		if p.Family == "" && p.Given == "" && p.Suffix == "" {
			return
		}
		people = append(people, p)
	}
	depth := 0
	start := 0
	for i := 0; i < len(field); i++ {
		switch b := field[i]; b {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case ' ', '\t', '\n', '\r':
			if depth != 0 || i+4 >= len(field) {
				continue
			}
			if field[i+1]|0x20 == 'a' && field[i+2]|0x20 == 'n' && field[i+3]|0x20 == 'd' && bibIsNameSpace(field[i+4]) {
				add(field[start:i])
				if len(people) > MaxAuthors {
					return people
				}
				start = i + 4
				i += 3
			}
		}
	}
	add(field[start:])
	return people
}

func bibIsNameSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r'
}

// bibNameToken is one word of a name: raw[start:end], with the separator that
// precedes it (0 for the first word of a part, ' ' for white space, '~' or
// '-').
type bibNameToken struct {
	start, end int
	sep        byte
}

// ParseName splits one name into its parts with BibTeX's rules (btxdoc,
// "Tame the BeaST", bibtex.web):
//
//   - the name is split at commas at brace depth 0: no comma is
//     "First von Last", one is "von Last, First", two are
//     "von Last, Jr, First" (further commas stay in First);
//   - words are separated by white space, "~" or "-" at brace depth 0;
//   - a word is lower case (a "von" word) when its first letter at brace
//     depth 0 is lower case; a brace group met before any letter is skipped,
//     unless it is a special character ("{\'e}cole", "{\o}"), whose case is
//     that of the foreign letter (\o, \ss ...) or of the first letter inside.
//     Unlike BibTeX, which only knows ASCII, non-ASCII letters count too
//     ("Émile" is upper case, "élan" lower case);
//   - without commas, von runs from the first lower-case word to the last
//     lower-case word before the last word; Last is what follows (at least
//     the last word) and First what precedes. Without a von part, Last is the
//     last word plus any words joined to it by hyphens;
//   - with commas, von is the words of the first part up to its last
//     lower-case word (but never the last word), and Last the rest; both
//     go to Family, so only the part matters here.
//
// Family is von and Last together ("de la Fontaine"), Given is First, Suffix
// is Jr. Two extensions serve display names (OpenAlex, CSL, RIS), where
// BibTeX would make the suffix a Last or First name: when the name has no
// Jr part, a generational suffix word (Jr, Jr., Sr, Sr., II, III, IV) that
// ends the von Last part after another word goes to Suffix ("Henry Ford
// Jr.", "Ford Jr., Henry"), and so does a suffix word that is all there is
// after a single comma ("Martin Luther King, Jr.", "Ford, Jr."). A name that
// is one brace group, "{Barnes and Noble, Inc.}", is Literal with Family the
// text inside the braces (a special character such as "{\'E}" is not such a
// group). Parts are raw source text, trimmed; nothing is cleaned.
func ParseName(raw string) Person {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Person{}
	}
	if inner, ok := bibWholeGroup(raw); ok {
		return Person{Family: strings.TrimSpace(inner), Literal: true}
	}

	toks, commas, ncomma := bibTokenizeName(raw)
	if len(toks) == 0 {
		return Person{}
	}
	word := func(k int) string { return raw[toks[k].start:toks[k].end] }
	span := func(from, to int) string {
		if from >= to {
			return ""
		}
		return strings.TrimSpace(raw[toks[from].start:toks[to-1].end])
	}
	rest := func(k int) string { // the text from token k to the end
		if k >= len(toks) {
			return ""
		}
		return strings.TrimSpace(raw[toks[k].start:])
	}

	var p Person
	n := len(toks)
	if ncomma == 1 && commas[0] == n-1 && commas[0] >= 1 && bibIsSuffix(word(n-1)) {
		// "Martin Luther King, Jr." / "Ford, Jr.": a display name with its
		// suffix after a comma, not "Last, First".
		p.Suffix = word(n - 1)
		n--
		if n == 1 {
			p.Family = word(0)
			return p
		}
		ncomma = 0
	}
	switch ncomma {
	case 0:
		// A trailing suffix word ("Henry Ford Jr.") is split off first.
		if p.Suffix == "" && n >= 2 && toks[n-1].sep == ' ' && bibIsSuffix(word(n-1)) {
			p.Suffix = word(n - 1)
			n--
		}
		vonStart := -1
		for k := 0; k < n-1; k++ {
			if bibIsVon(word(k)) {
				vonStart = k
				break
			}
		}
		if vonStart < 0 {
			// No von: Last is the last word plus words hyphenated to it.
			vonStart = n - 1
			for vonStart > 0 && toks[vonStart].sep == '-' {
				vonStart--
			}
		}
		p.Given = span(0, vonStart)
		p.Family = span(vonStart, n)
	default:
		lastEnd := commas[0]
		if ncomma == 1 {
			p.Given = rest(commas[0])
		} else {
			p.Suffix = span(commas[0], commas[1])
			p.Given = rest(commas[1])
		}
		// "Ford Jr., Henry": a suffix word ending the von Last part.
		if ncomma == 1 && lastEnd >= 2 && toks[lastEnd-1].sep == ' ' && bibIsSuffix(word(lastEnd-1)) {
			p.Suffix = word(lastEnd - 1)
			lastEnd--
		}
		// von and Last together are the whole first part.
		p.Family = span(0, lastEnd)
	}
	return p
}

// bibTokenizeName splits a name into words at white space, "~" and "-" at
// brace depth 0, and notes after how many words each of the first two
// depth-0 commas falls. Further commas are left inside the words' gaps (and
// so inside First).
func bibTokenizeName(raw string) (toks []bibNameToken, commas [2]int, ncomma int) {
	depth := 0
	start := -1
	sep := byte(0)
	flush := func(end int) {
		if start >= 0 {
			toks = append(toks, bibNameToken{start: start, end: end, sep: sep})
			start = -1
			sep = ' '
		}
	}
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if depth == 0 {
			switch b {
			case ' ', '\t', '\n', '\r', '~', '-':
				flush(i)
				if b == '-' || (b == '~' && sep != '-') {
					sep = b
				}
				continue
			case ',':
				if ncomma < 2 {
					flush(i)
					commas[ncomma] = len(toks)
					ncomma++
					sep = 0
					continue
				}
			}
		}
		switch b {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(raw))
	return toks, commas, ncomma
}

// bibIsVon reports whether a name word starts with a lower-case letter by
// BibTeX's rules (see ParseName).
func bibIsVon(w string) bool {
	depth := 0
	for i := 0; i < len(w); {
		b := w[i]
		switch {
		case b == '{':
			if depth == 0 && i+1 < len(w) && w[i+1] == '\\' {
				if lower, ok := bibSpecialCharCase(w[i:]); ok {
					return lower
				}
				return false
			}
			depth++
			i++
		case b == '}':
			if depth > 0 {
				depth--
			}
			i++
		case depth > 0:
			i++
		case b < utf8.RuneSelf:
			if b >= 'a' && b <= 'z' {
				return true
			}
			if b >= 'A' && b <= 'Z' {
				return false
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(w[i:])
			if unicode.IsLower(r) {
				return true
			}
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				return false
			}
			i += size
		}
	}
	return false
}

// bibSpecialCharCase decides the case of a special character "{\...}" at the
// start of s: a foreign letter control word gives its own case, otherwise
// the first letter inside the group does. ok is false when the group has no
// letter at all.
func bibSpecialCharCase(s string) (lower, ok bool) {
	i := 2 // past "{\"
	j := i
	for j < len(s) && latexIsLetter(s[j]) {
		j++
	}
	switch s[i:j] {
	case "OE", "AE", "AA", "O", "L", "SS", "DH", "TH", "NG", "DJ":
		return false, true
	case "i", "j", "oe", "ae", "aa", "o", "l", "ss", "dh", "th", "ng", "dj":
		return true, true
	}
	if j == i && j < len(s) {
		j++ // a control symbol such as \' or \"
	}
	depth := 1
	for k := j; k < len(s) && depth > 0; {
		b := s[k]
		switch {
		case b == '{':
			depth++
		case b == '}':
			depth--
		case b >= 'a' && b <= 'z':
			return true, true
		case b >= 'A' && b <= 'Z':
			return false, true
		case b >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[k:])
			if unicode.IsLower(r) {
				return true, true
			}
			if unicode.IsUpper(r) {
				return false, true
			}
			k += size
			continue
		}
		k++
	}
	return false, false
}

// bibWholeGroup reports whether s is one brace group "{...}" (not a special
// character such as "{\'E}") and returns its inside.
func bibWholeGroup(s string) (string, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || s[1] == '\\' {
		return "", false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 && i != len(s)-1 {
				return "", false
			}
		}
	}
	if depth != 0 {
		return "", false
	}
	return s[1 : len(s)-1], true
}

func bibIsSuffix(w string) bool {
	switch w {
	case "Jr", "Jr.", "jr", "jr.", "Sr", "Sr.", "sr.", "II", "III", "IV":
		return true
	}
	return false
}
