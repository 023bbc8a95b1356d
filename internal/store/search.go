package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/catalog-dev/catalog/internal/dbgen"
)

// Hit is one search result.
type Hit struct {
	ID      int64    `json:"id"`
	Year    int      `json:"year,omitempty"`
	Title   string   `json:"title"`
	Authors []string `json:"authors"`
	Snippet string   `json:"snippet"`
	// Score is FTS5's bm25 rank (title 10, authors 4, abstract 1); lower
	// is better, as in SQLite.
	Score float64 `json:"score"`
}

// SearchOptions shape a search.
type SearchOptions struct {
	Limit, Offset       int
	MarkOpen, MarkClose string // around matched words in the snippet
	Ellipsis            string // where the snippet cuts text
	AuthorsPerHit       int    // 0: all
}

// ErrQuerySyntax wraps an FTS5 query that does not parse.
var ErrQuerySyntax = errors.New("bad search syntax")

// Search runs an FTS5 MATCH expression and returns hits ranked by relevance,
// each with its authors in order and a snippet.
func (s *Store) Search(ctx context.Context, match string, opt SearchOptions) ([]Hit, error) {
	rows, err := s.Q.SearchPapers(ctx, dbgen.SearchPapersParams{
		MarkOpen: opt.MarkOpen, MarkClose: opt.MarkClose, Ellipsis: opt.Ellipsis,
		Match: match, Limit: int64(opt.Limit), Offset: int64(opt.Offset),
	})
	if err != nil {
		return nil, searchError(err)
	}
	hits := make([]Hit, 0, len(rows))
	for _, r := range rows {
		h := Hit{ID: r.ID, Year: int(r.Year.Int64), Title: r.Title, Snippet: r.Snippet, Score: r.Score}
		authors, err := s.Q.ListPaperAuthors(ctx, r.ID)
		if err != nil {
			return nil, explain(err)
		}
		h.Authors = make([]string, 0, len(authors))
		for _, a := range authors {
			h.Authors = append(h.Authors, a.Name)
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// searchError tells a query the user got wrong from a failure of the
// database.
func searchError(err error) error {
	// The statement is fixed and prepared: a plain SQLITE_ERROR from it
	// can only come from the MATCH expression.
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_ERROR {
		msg := strings.TrimPrefix(se.Error(), "SQL logic error: ")
		msg = strings.TrimSuffix(msg, " (1)")
		return fmt.Errorf("%w: %s", ErrQuerySyntax, msg)
	}
	return explain(err)
}
