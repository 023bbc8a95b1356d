package export

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/catalog-dev/catalog/internal/importer"
	"github.com/catalog-dev/catalog/internal/store"
)

// Keys returns a citation key for each paper, unique among them without
// regard to case (BibTeX compares keys that way). A paper keeps its own
// key, cleaned of characters a key cannot hold, unless an earlier paper has
// it; a paper without one gets family-year-word: the first author's family
// name, the year and the first word of the title that is not a stop word,
// folded to lower case without accents (chan-2023-chateval). A key that is
// taken gets -2, -3 ... appended. KeyMaker gives the same keys a paper at
// a time.
func Keys(papers []store.Paper) []string {
	km := keyMaker(papers)
	keys := make([]string, len(papers))
	for i := range papers {
		keys[i] = km.Next(&papers[i])
	}
	return keys
}

// KeyMaker gives the keys Keys gives, one paper at a time, for papers
// written as they are read: it knows every paper's own key from the
// start, so that a generated key never takes one a later paper has.
type KeyMaker struct {
	own  []string // cleaned; "" where another paper keeps that key, or none
	used map[string]bool
	next int
}

// NewKeyMaker reserves the papers' own keys (their citation keys, "" for
// none, in the order the papers will come).
func NewKeyMaker(own []string) *KeyMaker {
	k := &KeyMaker{own: make([]string, len(own)), used: make(map[string]bool, len(own))}
	// Own keys first, so that a generated key never takes one a paper had.
	for i, key := range own {
		c := CleanKey(key)
		if c != "" && !k.used[strings.ToLower(c)] {
			k.own[i] = c
			k.used[strings.ToLower(c)] = true
		}
	}
	return k
}

// Next returns the key of the next paper, p (the papers in the order
// NewKeyMaker was given their keys).
func (k *KeyMaker) Next(p *store.Paper) string {
	i := k.next
	k.next++
	if i < len(k.own) && k.own[i] != "" {
		return k.own[i]
	}
	base := CleanKey(p.CitationKey)
	if base == "" {
		base = MakeKey(*p)
	}
	key := base
	for n := 2; k.used[strings.ToLower(key)]; n++ {
		key = base + "-" + strconv.Itoa(n)
	}
	k.used[strings.ToLower(key)] = true
	return key
}

// CleanKey keeps the characters of a citation key that BibTeX and biber
// accept in every position: letters, digits and - _ : . / +. Other runs
// become one '-'.
func CleanKey(key string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(key) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_:./+", r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// stopWords are skipped when a key takes the first word of a title.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "on": true, "of": true, "in": true,
	"for": true, "and": true, "to": true, "with": true, "from": true,
	"at": true, "by": true, "is": true, "are": true, "towards": true,
	"toward": true, "via": true, "do": true, "does": true, "what": true,
	"how": true, "why": true, "when": true, "can": true, "we": true,
}

// MakeKey builds family-year-word for a paper (see Keys); parts that are
// missing are left out, and a paper with nothing to go by is "paper-ID".
func MakeKey(p store.Paper) string {
	var parts []string
	if len(p.Authors) > 0 {
		if f := strings.ReplaceAll(importer.Fold(p.Authors[0].Family), " ", ""); f != "" {
			parts = append(parts, f)
		}
	}
	if p.Year != 0 {
		parts = append(parts, strconv.Itoa(p.Year))
	}
	for _, w := range strings.Fields(importer.Fold(p.Title)) {
		if !stopWords[w] {
			parts = append(parts, w)
			break
		}
	}
	if len(parts) == 0 || len(parts) == 1 && p.Year != 0 {
		parts = append([]string{"paper"}, strconv.FormatInt(p.ID, 10))
		if p.Year != 0 {
			parts = append(parts, strconv.Itoa(p.Year))
		}
	}
	return strings.Join(parts, "-")
}
