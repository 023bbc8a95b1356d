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
// taken gets -2, -3 ... appended.
func Keys(papers []store.Paper) []string {
	keys := make([]string, len(papers))
	used := make(map[string]bool, len(papers))
	// Own keys first, so that a generated key never takes one a paper had.
	for i, p := range papers {
		k := CleanKey(p.CitationKey)
		if k != "" && !used[strings.ToLower(k)] {
			keys[i] = k
			used[strings.ToLower(k)] = true
		}
	}
	for i, p := range papers {
		if keys[i] != "" {
			continue
		}
		base := CleanKey(p.CitationKey)
		if base == "" {
			base = MakeKey(p)
		}
		k := base
		for n := 2; used[strings.ToLower(k)]; n++ {
			k = base + "-" + strconv.Itoa(n)
		}
		keys[i] = k
		used[strings.ToLower(k)] = true
	}
	return keys
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
