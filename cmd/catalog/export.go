package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/catalog-dev/catalog/internal/export"
	"github.com/catalog-dev/catalog/internal/store"
)

const exportUsage = `Write papers out as BibTeX, CSL-JSON or CSV.

Usage:
  catalog export [flags] [TEXT...]

Without TEXT or filters, the whole catalog is written; with them, the papers
catalog query would find (all of them, not a page), in the same order.

BibTeX is UTF-8 (BibLaTeX/biber and LaTeX read it), with LaTeX's special
characters escaped, authors as "Family, Given and ...", corporate names in
braces, and a unique citation key per entry: the paper's own key, or
family-year-word (chan-2023-chateval), with -2, -3 ... when taken.
CSL-JSON is an array of items (Zotero, Pandoc, citeproc). What catalog
exports, catalog imports back to the same papers and authors.

Flags:
  --format F           bibtex (default), csljson or csv
  -o, --output FILE    write to FILE (replaced whole, only once complete)
                       instead of standard output
` + selectionFlags + `  --limit N            write at most N papers (default: all)
  --offset N           skip the first N
  --db PATH            the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog export > catalog.bib
  catalog export --format csljson -o refs.json --author "Chan, Chi-Min"
  catalog export --format csv --year 2020- language models > recent.csv
`

// exportFormats are the --format values of catalog export.
var exportFormats = []string{"bibtex", "csljson", "csv"}

func runExport(ctx context.Context, e *env, args []string) error {
	var sel selection
	fs := newFlags(e, "export", exportUsage)
	sel.addFlags(fs)
	format := fs.String("format", "bibtex", "")
	var output string
	fs.StringVar(&output, "output", "", "")
	fs.StringVar(&output, "o", "", "")
	limit := fs.Int("limit", 0, "")
	offset := fs.Int("offset", 0, "")
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if !slices.Contains(exportFormats, *format) {
		return usagef("export: unknown --format %q (want one of %s)", *format, strings.Join(exportFormats, ", "))
	}
	if *limit < 0 || *offset < 0 {
		return usagef("export: --limit and --offset must not be negative")
	}
	match, so, err := sel.build("export", words)
	if err != nil {
		return err
	}
	text := strings.Join(words, " ")
	if len(words) > 0 && match == "" {
		return usagef("export: no words to search for in %q", text)
	}

	st, err := store.Open(ctx, e.dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	st.RankWindow = sel.rank
	so.Limit, so.Offset = *limit, *offset
	sn, ids, err := selectPapers(ctx, st, match, so)
	if err != nil {
		return err
	}
	defer sn.Close()
	write := func(w io.Writer) error {
		return writePapers(ctx, sn.Store, *format, w, ids)
	}
	if output == "" || output == "-" {
		err = write(e.stdout)
	} else {
		err = writeFileAtomic(output, write)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(ids) == 0 && (len(words) > 0 || sel.hasFilter()) {
		fmt.Fprintf(e.stderr, "catalog: no papers match %s\n", describeSelection(text, sel))
	} else if output != "" && output != "-" {
		fmt.Fprintf(e.stderr, "%s: %s written (%s)\n", output, nPapers(len(ids)), *format)
	}
	return nil
}

// selectPapers selects the papers of a search (Store.Select) in a
// snapshot of their own, for writePapers: an import that commits
// meanwhile shows in none of them. The caller closes the snapshot.
func selectPapers(ctx context.Context, st *store.Store, match string, so store.SearchOptions) (*store.Snapshot, []int64, error) {
	sn, err := st.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	ids, err := sn.Select(ctx, match, so)
	if err != nil {
		sn.Close()
		return nil, nil, searchHint(err)
	}
	return sn, ids, nil
}

// searchHint adds to a search the user wrote wrong where to read FTS5's
// syntax.
func searchHint(err error) error {
	if errors.Is(err, store.ErrQuerySyntax) {
		return &hintError{err: err, hint: "see https://www.sqlite.org/fts5.html#full_text_query_syntax, or drop --fts to search plain words"}
	}
	return err
}

// writePapers writes the papers ids names, in that order, to w in format,
// each as it is read.
func writePapers(ctx context.Context, st *store.Store, format string, w io.Writer, ids []int64) error {
	own, err := st.CitationKeys(ctx, ids)
	if err != nil {
		return err
	}
	out, err := export.NewWriter(format, w, export.NewKeyMaker(own))
	if err != nil {
		return err
	}
	if err := st.EachPaper(ctx, ids, out.Write); err != nil {
		return err
	}
	return out.Close()
}

// writeFileAtomic writes path through a temporary file in the same folder,
// renamed over it once complete: an interrupted export never leaves half a
// file in place of a good one.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename, there is nothing to remove
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
