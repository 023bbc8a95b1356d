package main

import (
	"encoding/json"
	"io"

	"github.com/catalog-dev/catalog/internal/store"
)

// The JSON that catalog prints has one shape per kind of object: every
// field is always there, null when the catalog does not know it (a
// paper without a venue, a hit of a listing, which has no score), so a
// script reads .venue without first asking whether it exists. These types
// are that shape; the store's own types leave empty fields out.

// hitJSON is one hit of query --format json/jsonl.
type hitJSON struct {
	ID      int64    `json:"id"`
	Title   string   `json:"title"`
	Authors []string `json:"authors"`
	Year    *int     `json:"year"`
	Venue   *string  `json:"venue"`
	DOI     *string  `json:"doi"`
	// Snippet: null for a listing without search text, or a paper
	// without an abstract.
	Snippet *string `json:"snippet"`
	// Score: bm25, lower is better; null for a listing without search
	// text.
	Score   *float64           `json:"score"`
	Explain *store.Explanation `json:"explain"` // null without --explain
}

func jsonHit(h store.Hit) hitJSON {
	j := hitJSON{
		ID: h.ID, Title: h.Title, Authors: h.Authors,
		Year: optInt(h.Year), Venue: optString(h.Venue), DOI: optString(h.DOI),
		Snippet: optString(h.Snippet), Explain: h.Explain,
	}
	if j.Authors == nil {
		j.Authors = []string{}
	}
	if h.Score != 0 {
		j.Score = &h.Score
	}
	return j
}

func jsonHits(hits []store.Hit) []hitJSON {
	out := make([]hitJSON, len(hits))
	for i, h := range hits {
		out[i] = jsonHit(h)
	}
	return out
}

// paperJSON is one paper of show --json.
type paperJSON struct {
	ID          int64        `json:"id"`
	Title       string       `json:"title"`
	Authors     []authorJSON `json:"authors"`
	Editors     []authorJSON `json:"editors"`
	Translators []authorJSON `json:"translators"`
	Year        *int         `json:"year"`
	Month       *int         `json:"month"`
	Venue       *string      `json:"venue"`
	Volume      *string      `json:"volume"`
	Issue       *string      `json:"issue"`
	Pages       *string      `json:"pages"`
	DOI         *string      `json:"doi"`
	URL         *string      `json:"url"`
	Type        *string      `json:"type"`
	CitationKey *string      `json:"citation_key"`
	Abstract    *string      `json:"abstract"`
	Publisher   *string      `json:"publisher"`
	Address     *string      `json:"address"`
	Sources     []sourceJSON `json:"sources"`
}

type authorJSON struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	Family *string `json:"family"`
	Given  *string `json:"given"`
}

type sourceJSON struct {
	Path        string  `json:"path"`
	Format      string  `json:"format"`
	Record      int     `json:"record"`
	Line        int     `json:"line"`
	Action      string  `json:"action"`
	MatchedOn   *string `json:"matched_on"` // doi or title, for a merge
	CitationKey *string `json:"citation_key"`
	ImportedAt  string  `json:"imported_at"`
}

func jsonPaper(p *store.Paper) paperJSON {
	j := paperJSON{
		ID: p.ID, Title: p.Title, Authors: make([]authorJSON, len(p.Authors)),
		Year: optInt(p.Year), Month: optInt(p.Month), Venue: optString(p.Venue),
		Volume: optString(p.Volume), Issue: optString(p.Issue), Pages: optString(p.Pages),
		DOI: optString(p.DOI), URL: optString(p.URL), Type: optString(p.Type),
		CitationKey: optString(p.CitationKey), Abstract: optString(p.Abstract),
		Sources: make([]sourceJSON, len(p.Sources)),
	}
	people := func(list []store.Author) []authorJSON {
		out := make([]authorJSON, len(list))
		for i, a := range list {
			out[i] = authorJSON{ID: a.ID, Name: a.Name, Family: optString(a.Family), Given: optString(a.Given)}
		}
		return out
	}
	j.Authors, j.Editors, j.Translators = people(p.Authors), people(p.Editors), people(p.Translators)
	j.Publisher, j.Address = optString(p.Publisher), optString(p.Address)
	for i, s := range p.Sources {
		j.Sources[i] = sourceJSON{
			Path: s.Path, Format: s.Format, Record: s.Record, Line: s.Line, Action: s.Action,
			MatchedOn: optString(s.MatchedOn), CitationKey: optString(s.CitationKey), ImportedAt: s.ImportedAt,
		}
	}
	return j
}

// authorCountJSON is one author of authors --json.
type authorCountJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Papers    int    `json:"papers"` // shared papers, for --coauthors
	FirstYear *int   `json:"first_year"`
	LastYear  *int   `json:"last_year"`
}

func jsonAuthors(list []store.AuthorCount) []authorCountJSON {
	out := make([]authorCountJSON, len(list))
	for i, a := range list {
		out[i] = authorCountJSON{ID: a.ID, Name: a.Name, Papers: a.Papers,
			FirstYear: optInt(a.FirstYear), LastYear: optInt(a.LastYear)}
	}
	return out
}

// statsJSON is stats --json.
type statsJSON struct {
	Papers          int64            `json:"papers"`
	Authors         int64            `json:"authors"`
	Authorships     int64            `json:"authorships"`
	Sources         int64            `json:"sources"`
	SourceRecords   int64            `json:"source_records"`
	Merges          int64            `json:"merges"`
	FirstYear       *int             `json:"first_year"`
	LastYear        *int             `json:"last_year"`
	PapersPerFormat map[string]int64 `json:"papers_per_format"`
	DatabaseBytes   int64            `json:"database_bytes"`
	WALBytes        int64            `json:"wal_bytes"`
}

func jsonStats(s *store.Stats) statsJSON {
	j := statsJSON{
		Papers: s.Papers, Authors: s.Authors, Authorships: s.Authorships, Sources: s.Sources,
		SourceRecords: s.SourceRecords, Merges: s.Merges, FirstYear: optInt(s.FirstYear), LastYear: optInt(s.LastYear),
		PapersPerFormat: s.PapersPerFormat, DatabaseBytes: s.DatabaseBytes, WALBytes: s.WALBytes,
	}
	if j.PapersPerFormat == nil {
		j.PapersPerFormat = map[string]int64{}
	}
	return j
}

// optString is s, or nil (null) for "".
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optInt is n, or nil (null) for 0: no year, month or count is 0.
func optInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// newJSONEncoder writes JSON for people and scripts alike: indented (for
// one value) and without HTML escapes (titles hold < and &).
func newJSONEncoder(w io.Writer, indent bool) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc
}
