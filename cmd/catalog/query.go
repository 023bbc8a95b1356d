package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/catalog-dev/catalog/internal/ftsquery"
	"github.com/catalog-dev/catalog/internal/store"
)

const queryUsage = `Search the catalog, best matches first.

Usage:
  catalog query [flags] TEXT...

TEXT is plain words: every word must appear in the title, the abstract or
the author names, in any case and with or without accents ("muller" finds
"Müller"). Punctuation is not syntax: self-attention, C++ or a lone AND are
searched as words. A word ending in * matches as a prefix (transform*).

Ranking is FTS5's bm25 with the title weighted above the author names and
the abstract.

Flags:
  --limit N   show at most N hits (default 20)
  --offset N  skip the first N hits
  --json      print one JSON array: id, title, authors (in order), year,
              snippet (matched words in <mark>...</mark>), score (bm25; lower is better)
  --fts       TEXT is an FTS5 query: "phrases", prefix*, OR, NOT, NEAR(a b, 5),
              column filters (title: abstract: authors:)
  --db PATH   the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog query safe reinforcement learning
  catalog query --limit 5 --json muller
  catalog query --fts 'title:"language model" NOT survey'
`

type queryOptions struct {
	limit, offset int
	json, fts     bool
}

func runQuery(ctx context.Context, e *env, args []string) error {
	var opt queryOptions
	fs := newFlags(e, "query", queryUsage)
	fs.IntVar(&opt.limit, "limit", 20, "")
	fs.IntVar(&opt.offset, "offset", 0, "")
	fs.BoolVar(&opt.json, "json", false, "")
	fs.BoolVar(&opt.fts, "fts", false, "")
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return usagef("query: no search TEXT given")
	}
	if opt.limit < 1 {
		return usagef("query: --limit must be at least 1, got %d", opt.limit)
	}
	if opt.offset < 0 {
		return usagef("query: --offset must not be negative, got %d", opt.offset)
	}
	text := strings.Join(words, " ")
	match := text
	if !opt.fts {
		match = ftsquery.Plain(text)
	}
	if match == "" {
		if opt.json {
			fmt.Fprintln(e.stdout, "[]")
		}
		fmt.Fprintf(e.stderr, "catalog: no words to search for in %q\n", text)
		return nil
	}

	st, err := store.Open(ctx, e.dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()

	so := store.SearchOptions{Limit: opt.limit, Offset: opt.offset, Ellipsis: "…"}
	tty := isTerminal(e.stdout)
	switch {
	case opt.json:
		so.MarkOpen, so.MarkClose = "<mark>", "</mark>"
	case tty:
		so.MarkOpen, so.MarkClose = "\x1b[1m", "\x1b[0m"
	default:
		so.MarkOpen, so.MarkClose = "[", "]"
	}
	hits, err := st.Search(ctx, match, so)
	if errors.Is(err, store.ErrQuerySyntax) {
		return &hintError{err: err, hint: "see https://www.sqlite.org/fts5.html#full_text_query_syntax, or drop --fts to search plain words"}
	}
	if err != nil {
		return err
	}
	if opt.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(hits)
	}
	if len(hits) == 0 {
		fmt.Fprintf(e.stderr, "catalog: no papers match %q\n", text)
		return nil
	}
	writeHits(e.stdout, hits)
	return nil
}

// writeHits prints hits for people: id, year and title on one line, the
// first authors and the snippet indented below.
func writeHits(w io.Writer, hits []store.Hit) {
	for i, h := range hits {
		if i > 0 {
			fmt.Fprintln(w)
		}
		year := "    "
		if h.Year != 0 {
			year = strconv.Itoa(h.Year)
		}
		fmt.Fprintf(w, "%6d  %s  %s\n", h.ID, year, h.Title)
		if len(h.Authors) > 0 {
			fmt.Fprintf(w, "              %s\n", firstAuthors(h.Authors, 3))
		}
		if h.Snippet != "" {
			fmt.Fprintf(w, "              %s\n", h.Snippet)
		}
	}
}

// firstAuthors lists up to n authors, then "et al. (N authors)".
func firstAuthors(authors []string, n int) string {
	if len(authors) <= n {
		return strings.Join(authors, "; ")
	}
	return fmt.Sprintf("%s; et al. (%d authors)", strings.Join(authors[:n], "; "), len(authors))
}
