package importer

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Paper is a Record in the form the database stores: clean text, identity
// keys, and authors in order.
type Paper struct {
	Title       string
	TitleSource string // the source's title when it differs from Title
	TitleKey    string // Fold(Title): the identity key for duplicate detection
	Year        int
	Month       int
	Venue       string
	Volume      string
	Issue       string
	Pages       string
	DOI         string // NormalizeDOI'd; empty when the source has none
	URL         string
	Abstract    string
	// AbstractSource is the abstract as the source wrote it (LaTeX, HTML),
	// kept when it differs from Abstract.
	AbstractSource string
	EntryType      string
	CitationKey    string
	Authors        []Author
	// Warnings are what the importer should tell about the record (the
	// caller adds its file and line): the record was imported, but not as
	// the source meant it ("record has no title").
	Warnings []string `json:",omitempty"`
	// Editors and Translators are the people in those roles, in order
	// (the same Author values as authors: one person whatever the role).
	Editors     []Author `json:",omitempty"`
	Translators []Author `json:",omitempty"`
	Publisher   string   `json:",omitempty"`
	Address     string   `json:",omitempty"`
}

// Author is one person (or corporate name) in clean form.
type Author struct {
	Name      string // display form: "Family, Given" (with ", Suffix" before Given when present)
	Family    string
	Given     string
	Key       string // identity: folded family|given[|suffix]
	FamilyKey string // folded family name
}

// Normalize cleans a Record into a Paper. A record without a title is a
// paper all the same, as BibTeX only warns about it: its Title and
// TitleKey are "" and a warning says so (such a paper is never matched by
// title, see SameWork). Normalize fails when the record has nothing that
// tells the work (no title, no authors, no DOI, no URL) or too many
// authors; the caller reports that with the record's file and line.
func Normalize(rec *Record) (*Paper, error) {
	m := rec.Markup
	p := &Paper{
		Title:       m.clean(rec.Title),
		Year:        rec.Year,
		Month:       rec.Month,
		Venue:       m.clean(rec.Venue),
		Volume:      collapse(rec.Volume),
		Issue:       collapse(rec.Issue),
		Pages:       cleanPages(m.clean(rec.Pages)),
		DOI:         NormalizeDOI(rec.DOI),
		URL:         strings.TrimSpace(rec.URL),
		Abstract:    m.clean(rec.Abstract),
		EntryType:   strings.ToLower(strings.TrimSpace(rec.Type)),
		CitationKey: strings.TrimSpace(rec.Key),
		Publisher:   m.clean(rec.Publisher),
		Address:     m.clean(rec.Address),
	}
	p.TitleKey = Fold(p.Title)
	if src := collapse(rec.Title); src != p.Title {
		p.TitleSource = src
	}
	if src := collapse(rec.Abstract); src != p.Abstract {
		p.AbstractSource = src
	}
	if p.Year < 0 || p.Year > 9999 {
		p.Year = 0
	}
	if p.Month < 1 || p.Month > 12 {
		p.Month = 0
	}
	for _, role := range []struct {
		name   string
		people []Person
	}{{"authors", rec.Authors}, {"editors", rec.Editors}, {"translators", rec.Translators}} {
		if len(role.people) > MaxAuthors {
			return nil, fmt.Errorf("record has %d %s, more than the limit of %d", len(role.people), role.name, MaxAuthors)
		}
	}
	p.Authors = normalizePeople(rec.Authors, m)
	p.Editors = normalizePeople(rec.Editors, m)
	p.Translators = normalizePeople(rec.Translators, m)
	if p.Title == "" {
		if len(p.Authors) == 0 && len(p.Editors) == 0 && p.DOI == "" && p.URL == "" {
			return nil, fmt.Errorf("record has no title, no authors and no DOI or URL: nothing to tell the work by")
		}
		p.Warnings = append(p.Warnings, "record has no title; imported untitled")
	}
	return p, nil
}

// normalizePeople cleans a list of names, leaving out those with nothing
// in them.
func normalizePeople(people []Person, m Markup) []Author {
	out := make([]Author, 0, len(people))
	for _, person := range people {
		if a, ok := normalizePerson(person, m); ok {
			out = append(out, a)
		}
	}
	return out
}

// NormalizePerson cleans one name: LaTeX decoded, NFC, whitespace collapsed,
// ALL-CAPS words in title case ("DAI, Zheqi" becomes "Dai, Zheqi"). It
// reports false for a name with nothing left in it.
//
// The identity key folds case, diacritics and punctuation but keeps every
// letter of the given names: "Wu, Y." and "Wu, Yonghui" get different keys,
// because initials are not proof of identity.
func NormalizePerson(person Person) (Author, bool) {
	return normalizePerson(person, MarkupLaTeX)
}

// normalizePerson is NormalizePerson for a name from a format with markup m.
func normalizePerson(person Person, m Markup) (Author, bool) {
	var family, given string
	if person.Literal {
		family, given = m.clean(person.Family), m.clean(person.Given)
	} else {
		family, given = cleanName(person.Family, m, 2), cleanName(person.Given, m, 3)
	}
	suffix := m.clean(person.Suffix)
	if family == "" {
		// A single name ("Plato") or a given name only: it is the family.
		family, given = given, ""
	}
	if family == "" {
		return Author{}, false
	}
	a := Author{Family: family, Given: given, FamilyKey: Fold(family)}
	if a.FamilyKey == "" {
		// Nothing but punctuation or symbols: keep the text as its own key.
		a.FamilyKey = strings.ToLower(family)
	}
	a.Key = a.FamilyKey + "|" + Fold(given)
	a.Name = family
	if suffix != "" {
		a.Key += "|" + Fold(suffix)
		a.Name += ", " + suffix
	}
	if given != "" {
		a.Name += ", " + given
	}
	return a, true
}

// cleanPages writes page ranges with a hyphen, whatever dash the source
// used ("12--15" in plain text, "12–15" from LaTeX's "--").
func cleanPages(s string) string {
	if !strings.ContainsAny(s, "–—-") {
		return s
	}
	s = strings.NewReplacer("–", "-", "—", "-").Replace(s)
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return s
}

// fixCaps rewrites words written in capitals only, of at least minLetters
// letters, in title case: "DAI" -> "Dai", "O'BRIEN-SMITH" -> "O'Brien-Smith".
// Mixed-case words ("McDonald", "van"), short ones and initials ("M.A.",
// "J.-P.") stay, and so do generational numerals (II, III, IV) and words
// with a letter whose
// case the source protected (protected[k] for out[k], as cleanName tracks
// them; nil protects nothing). out's words are separated by single spaces.
func fixCaps(out []byte, protected []bool, minLetters int) []byte {
	var res []byte // nil until a word changes
	for start := 0; start < len(out); {
		end := bytes.IndexByte(out[start:], ' ')
		if end < 0 {
			end = len(out)
		} else {
			end += start
		}
		word := out[start:end]
		if capsWord(word, protected, start, minLetters) {
			if res == nil {
				res = append(make([]byte, 0, len(out)), out[:start]...)
			}
			res = titleCase(res, word)
		} else if res != nil {
			res = append(res, word...)
		}
		if end < len(out) && res != nil {
			res = append(res, ' ')
		}
		start = end + 1
	}
	if res == nil {
		return out
	}
	return res
}

// capsWord reports whether word, at out[at:], is one fixCaps rewrites.
func capsWord(word []byte, protected []bool, at, minLetters int) bool {
	letters, upper := 0, 0
	adjacent := false // two letters in a row: a word, not initials ("M.A.")
	prevLetter := false
	for k := 0; k < len(word); {
		r, size := utf8.DecodeRune(word[k:])
		k += size
		if !unicode.IsLetter(r) {
			prevLetter = prevLetter && unicode.Is(unicode.Mn, r)
			continue
		}
		if protected != nil && protected[at+k-size] {
			return false
		}
		letters++
		if unicode.IsUpper(r) {
			upper++
		}
		adjacent = adjacent || prevLetter
		prevLetter = true
	}
	if letters < minLetters || upper != letters || !adjacent {
		return false
	}
	switch string(bytes.Trim(word, ".,;:()")) {
	case "II", "III", "IV":
		return false
	}
	return true
}

// titleCase appends word to dst with its first letter, and each letter
// after a hyphen or an apostrophe, in title case and the others in lower
// case.
func titleCase(dst, word []byte) []byte {
	start := true
	for k := 0; k < len(word); {
		r, size := utf8.DecodeRune(word[k:])
		k += size
		if unicode.IsLetter(r) {
			if start {
				r = unicode.ToTitle(r)
			} else {
				r = unicode.ToLower(r)
			}
			dst = utf8.AppendRune(dst, r)
			start = false
			continue
		}
		dst = utf8.AppendRune(dst, r)
		start = r == '-' || r == '\'' || r == '’'
	}
	return dst
}

// foldSpecial maps letters that Unicode does not decompose into a base
// letter plus marks.
var foldSpecial = map[rune]string{
	'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l", 'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'đ': "d", 'Đ': "d",
	'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i", 'ħ': "h", 'Ħ': "h",
}

// Fold returns the identity form of text: case, diacritics and punctuation
// removed, runs of anything but letters and digits turned into one space.
// SQLite's lower() and NOCASE fold ASCII only, so keys are computed here.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if m, ok := foldSpecial[r]; ok {
				b.WriteString(m)
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		default:
			space = true
		}
	}
	return b.String()
}

// NormalizeDOI returns a DOI in its canonical form: lowercase, without a
// resolver or "doi:" prefix. Anything that is not a DOI ("10." prefix and a
// slash) gives "".
func NormalizeDOI(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, prefix := range []string{"https://", "http://"} {
		s = strings.TrimPrefix(s, prefix)
	}
	for _, prefix := range []string{"dx.doi.org/", "doi.org/", "doi:", "doi "} {
		s = strings.TrimPrefix(s, prefix)
	}
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "10.") || !strings.Contains(s, "/") || strings.ContainsAny(s, " \t\n") {
		return ""
	}
	return s
}

// collapsed reports whether s has no leading or trailing white space and
// no white space but single ' ' characters: whether strings.Fields and
// strings.Join would give s back. Most fields are (collapse took 1.5 s of
// the corpora's import splitting and joining them anyway).
func collapsed(s string) bool {
	prevSpace := true // no leading space
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ':
				if prevSpace {
					return false
				}
				prevSpace = true
			case asciiSpace[c]:
				return false
			default:
				prevSpace = false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += size
		prevSpace = false
	}
	return !prevSpace || s == ""
}

// asciiSpace marks the ASCII white space of unicode.IsSpace other than ' '.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

// collapse trims and collapses whitespace runs to one space, in NFC.
func collapse(s string) string {
	if s == "" {
		return ""
	}
	if !collapsed(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return norm.NFC.String(s)
}
