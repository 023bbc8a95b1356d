package importer

import "strings"

// Candidate is what the duplicate check needs to know about a paper already
// in the catalog.
type Candidate struct {
	TitleKey   string
	Year       int
	DOI        string
	Volume     string
	Issue      string
	Pages      string
	FamilyKeys []string
}

// Match reasons, stored in paper_sources.matched_on.
const (
	MatchDOI   = "doi"
	MatchTitle = "title"
)

// SameWork decides whether p describes the same work as c, and on what
// grounds. The rules, in order:
//
//  1. The same DOI is the same work, unless the titles clearly disagree:
//     then the DOI is one shared by many records (a proceedings volume's DOI
//     on every paper of it) and identifies nothing.
//  2. Otherwise the same title key (case, diacritics, punctuation, LaTeX and
//     braces removed) is the same work when the years are compatible (equal,
//     or one unknown), nothing conflicts (different DOIs, volumes, issues or
//     pages veto, as in Zotero), and the author lists share at least one
//     family name. Generic titles ("Introduction", a column that runs in every
//     issue) thus stay apart unless the same people wrote them in the same
//     year and place. An untitled paper (title key "") is never the same
//     work by title; by DOI, only as another untitled one (rule 1).
func SameWork(p *Paper, c *Candidate) (reason string, ok bool) {
	if p.DOI != "" && p.DOI == c.DOI {
		if p.TitleKey == c.TitleKey || titleOverlap(p.TitleKey, c.TitleKey) >= 0.5 {
			return MatchDOI, true
		}
		return "", false
	}
	if p.TitleKey == "" || p.TitleKey != c.TitleKey {
		return "", false
	}
	if p.Year != 0 && c.Year != 0 && p.Year != c.Year {
		return "", false
	}
	if conflict(p.DOI, c.DOI) || conflict(p.Volume, c.Volume) || conflict(p.Issue, c.Issue) || conflict(p.Pages, c.Pages) {
		return "", false
	}
	for _, a := range p.Authors {
		for _, k := range c.FamilyKeys {
			if a.FamilyKey == k {
				return MatchTitle, true
			}
		}
	}
	return "", false
}

// conflict reports whether two identifiers are both known and differ.
func conflict(a, b string) bool {
	return a != "" && b != "" && !strings.EqualFold(a, b)
}

// titleOverlap is the share of the shorter title's words found in the other
// (title keys are already folded and space-separated).
func titleOverlap(a, b string) float64 {
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	set := make(map[string]bool, len(wb))
	for _, w := range wb {
		set[w] = true
	}
	n := 0
	for _, w := range wa {
		if set[w] {
			n++
		}
	}
	return float64(n) / float64(len(wa))
}
