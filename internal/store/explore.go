package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/catalog-dev/catalog/internal/dbgen"
	"github.com/catalog-dev/catalog/internal/importer"
)

// Paper is one full record: every field, its authors in order and, when
// asked for, the source records behind it.
type Paper struct {
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Authors     []Author `json:"authors"`
	Year        int      `json:"year,omitempty"`
	Month       int      `json:"month,omitempty"`
	Venue       string   `json:"venue,omitempty"`
	Volume      string   `json:"volume,omitempty"`
	Issue       string   `json:"issue,omitempty"`
	Pages       string   `json:"pages,omitempty"`
	DOI         string   `json:"doi,omitempty"`
	URL         string   `json:"url,omitempty"`
	Type        string   `json:"type,omitempty"`
	CitationKey string   `json:"citation_key,omitempty"`
	Abstract    string   `json:"abstract,omitempty"`
	// Editors and Translators are the people in those roles, in order.
	Editors     []Author      `json:"editors,omitempty"`
	Translators []Author      `json:"translators,omitempty"`
	Publisher   string        `json:"publisher,omitempty"`
	Address     string        `json:"address,omitempty"` // the publisher's place
	Sources     []PaperSource `json:"sources,omitempty"`
}

// Author is one person on a paper or in the catalog.
type Author struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`             // "Family, Given" (", Suffix" before Given when there is one)
	Family string `json:"family,omitempty"` // family name, or the whole corporate name
	Given  string `json:"given,omitempty"`
}

// Suffix returns the generational suffix ("Jr.") that Name carries between
// family and given names, or "". The database keeps it only in Name.
func (a Author) Suffix() string {
	rest, ok := strings.CutPrefix(a.Name, a.Family+", ")
	if !ok {
		return ""
	}
	if a.Given == "" {
		return rest
	}
	suffix, ok := strings.CutSuffix(rest, ", "+a.Given)
	if !ok {
		return ""
	}
	return suffix
}

// PaperSource is one source record behind a paper.
type PaperSource struct {
	Path        string `json:"path"`
	Format      string `json:"format"`
	Record      int    `json:"record"`
	Line        int    `json:"line"`
	Action      string `json:"action"`               // added or merged
	MatchedOn   string `json:"matched_on,omitempty"` // doi or title, for a merge
	CitationKey string `json:"citation_key,omitempty"`
	ImportedAt  string `json:"imported_at"`
}

// ErrNotFound means no paper or author answers to a reference.
var ErrNotFound = errors.New("not found")

// FindPapers returns the ids of the papers ref names: a number is a paper
// id, a DOI (in any of its spellings: doi:, https://doi.org/...) a DOI, and
// anything else a citation key that the paper or one of its source records
// carries. Several papers can share a DOI or a key.
func (s *Store) FindPapers(ctx context.Context, ref string) ([]int64, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if _, err := s.Q.GetPaper(ctx, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, nil
			}
			return nil, explain(err)
		}
		return []int64{id}, nil
	}
	if doi := importer.NormalizeDOI(ref); doi != "" {
		ids, err := s.Q.PaperIDsByDOI(ctx, optString(doi))
		if err != nil || len(ids) > 0 {
			return ids, explain(err)
		}
	}
	ids, err := s.Q.PaperIDsByCitationKey(ctx, optString(ref))
	return ids, explain(err)
}

// Paper returns one paper with its authors in order and, with sources, the
// source records behind it. It returns ErrNotFound for an unknown id.
func (s *Store) Paper(ctx context.Context, id int64, sources bool) (*Paper, error) {
	r, err := s.Q.GetPaper(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("paper %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, explain(err)
	}
	pr := paperFrom(r)
	p := &pr
	authors, err := s.Q.ListPaperAuthors(ctx, id)
	if err != nil {
		return nil, explain(err)
	}
	p.Authors = make([]Author, 0, len(authors))
	for _, a := range authors {
		p.Authors = append(p.Authors, Author{ID: a.ID, Name: a.Name, Family: a.Family, Given: a.Given})
	}
	editors, err := s.Q.ListPaperEditors(ctx, id)
	if err != nil {
		return nil, explain(err)
	}
	for _, e := range editors {
		a := Author{ID: e.ID, Name: e.Name, Family: e.Family, Given: e.Given}
		if e.Role == roleTranslator {
			p.Translators = append(p.Translators, a)
		} else {
			p.Editors = append(p.Editors, a)
		}
	}
	if !sources {
		return p, nil
	}
	rows, err := s.Q.ListPaperSources(ctx, id)
	if err != nil {
		return nil, explain(err)
	}
	for _, r := range rows {
		p.Sources = append(p.Sources, PaperSource{
			Path: r.Path, Format: r.Format, Record: int(r.Record), Line: int(r.Line),
			Action: r.Action, MatchedOn: r.MatchedOn.String, CitationKey: r.CitationKey.String,
			ImportedAt: r.ImportedAt,
		})
	}
	return p, nil
}

// AuthorCount is an author with the number of papers they are on (or, as
// a co-author, share) and the years those papers span (0 when unknown).
type AuthorCount struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Papers    int    `json:"papers"`
	FirstYear int    `json:"first_year,omitempty"`
	LastYear  int    `json:"last_year,omitempty"`
	key       string // name_key
}

// Authors lists authors, most papers first; name (nil: everyone) keeps
// those it matches. limit < 1 lists all.
func (s *Store) Authors(ctx context.Context, name *NameFilter, limit, offset int) ([]AuthorCount, error) {
	lim, off := int64(limit), int64(max(offset, 0))
	if limit < 1 {
		lim = -1
	}
	var out []AuthorCount
	add := func(id int64, name string, papers, first, last int64, key string) {
		out = append(out, AuthorCount{ID: id, Name: name, Papers: int(papers),
			FirstYear: int(first), LastYear: int(last), key: key})
	}
	if name != nil {
		rows, err := s.Q.ListAuthorsNamed(ctx, dbgen.ListAuthorsNamedParams{
			Family: name.Family, Given: optString(name.Given), Limit: lim, Offset: off})
		if err != nil {
			return nil, explain(err)
		}
		for _, r := range rows {
			add(r.ID, r.Name, r.Papers, r.FirstYear, r.LastYear, r.NameKey)
		}
		return out, nil
	}
	last := int64(math.MaxInt64) // every author
	if limit >= 1 {
		last = off + lim - 1
	}
	rows, err := s.Q.ListAuthors(ctx, dbgen.ListAuthorsParams{Limit: lim, Offset: off, Last: last})
	if err != nil {
		return nil, explain(err)
	}
	for _, r := range rows {
		add(r.ID, r.Name, r.Papers, r.FirstYear, r.LastYear, r.NameKey)
	}
	return out, nil
}

// AmbiguousError means a name matched several authors where one was needed.
type AmbiguousError struct {
	Name string
	// Matches is how many authors the name matches; Authors lists the
	// first of them, most papers first (at most maxCandidates).
	Matches int
	Authors []AuthorCount
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches %d authors", e.Name, e.Matches)
}

// maxCandidates bounds the authors an AmbiguousError lists.
const maxCandidates = 20

// ResolveAuthor finds the one author a name means: the only author the
// filter matches or, among several, the one whose name is exactly that
// (same folded family and given name). Otherwise it returns an
// *AmbiguousError listing the candidates, or ErrNotFound.
func (s *Store) ResolveAuthor(ctx context.Context, name NameFilter) (AuthorCount, error) {
	found, err := s.Authors(ctx, &name, maxCandidates+1, 0)
	if err != nil {
		return AuthorCount{}, err
	}
	switch len(found) {
	case 0:
		return AuthorCount{}, fmt.Errorf("author %q: %w", name.Name, ErrNotFound)
	case 1:
		return found[0], nil
	}
	exact := name.Family + "|" + name.Given
	var same []AuthorCount
	for _, a := range found {
		if a.key == exact {
			same = append(same, a)
		}
	}
	if len(same) == 1 {
		return same[0], nil
	}
	matches, err := s.Q.CountAuthorsNamed(ctx, dbgen.CountAuthorsNamedParams{Family: name.Family, Given: optString(name.Given)})
	if err != nil {
		return AuthorCount{}, explain(err)
	}
	return AuthorCount{}, &AmbiguousError{Name: name.Name, Matches: int(matches), Authors: found[:min(len(found), maxCandidates)]}
}

// Coauthors lists the people who wrote papers with author id, most shared
// papers first. limit < 1 lists all.
func (s *Store) Coauthors(ctx context.Context, id int64, limit, offset int) ([]AuthorCount, error) {
	arg := dbgen.ListCoauthorsParams{AuthorID: id, Limit: int64(limit), Offset: int64(max(offset, 0))}
	if limit < 1 {
		arg.Limit = -1
	}
	rows, err := s.Q.ListCoauthors(ctx, arg)
	if err != nil {
		return nil, explain(err)
	}
	out := make([]AuthorCount, 0, len(rows))
	for _, r := range rows {
		out = append(out, AuthorCount{ID: r.ID, Name: r.Name, Papers: int(r.Papers),
			FirstYear: int(r.FirstYear), LastYear: int(r.LastYear)})
	}
	return out, nil
}

// Stats are the catalog's counts and size.
type Stats struct {
	Papers        int64 `json:"papers"`
	Authors       int64 `json:"authors"`
	Authorships   int64 `json:"authorships"`
	Sources       int64 `json:"sources"`
	SourceRecords int64 `json:"source_records"`
	// Merges counts source records merged into a paper already there.
	Merges    int64 `json:"merges"`
	FirstYear int   `json:"first_year,omitempty"`
	LastYear  int   `json:"last_year,omitempty"`
	// PapersPerFormat counts papers with a source record of each format.
	PapersPerFormat map[string]int64 `json:"papers_per_format"`
	// DatabaseBytes is page_count * page_size: the database as SQLite
	// sees it, WAL included; WALBytes is the -wal file on disk.
	DatabaseBytes int64 `json:"database_bytes"`
	WALBytes      int64 `json:"wal_bytes"`
}

// Stats counts what the catalog holds.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	c, err := s.Q.CatalogCounts(ctx)
	if err != nil {
		return nil, explain(err)
	}
	st := &Stats{
		Papers: c.Papers, Authors: c.Authors, Authorships: c.Authorships,
		Sources: c.Sources, SourceRecords: c.SourceRecords, Merges: c.Merges,
		FirstYear: int(c.FirstYear), LastYear: int(c.LastYear),
		PapersPerFormat: map[string]int64{},
	}
	formats, err := s.Q.PapersPerFormat(ctx)
	if err != nil {
		return nil, explain(err)
	}
	for _, f := range formats {
		st.PapersPerFormat[f.Format] = f.Papers
	}
	// PRAGMAs are beyond sqlc's SQLite parser; these two read, never write.
	var pages, pageSize int64
	if err := s.DB.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return nil, explain(err)
	}
	if err := s.DB.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return nil, explain(err)
	}
	st.DatabaseBytes = pages * pageSize
	if fi, err := os.Stat(s.Path + "-wal"); err == nil {
		st.WALBytes = fi.Size()
	}
	return st, nil
}
