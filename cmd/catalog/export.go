package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/catalog-dev/catalog/internal/export"
	"github.com/catalog-dev/catalog/internal/store"
)

var exportUsage = `Write papers out as BibTeX, CSL-JSON, CSV or JSON.

Usage:
  catalog export [flags] [TEXT...]

Without TEXT or filters, the whole catalog is written; with them, the papers
catalog query would find (all of them, not a page), in the same order.

BibTeX is UTF-8 (BibLaTeX/biber and LaTeX read it), with LaTeX's special
characters escaped, authors as "Family, Given and ...", corporate names in
braces, and a unique citation key per entry: the paper's own key, or
family-year-word (chan-2023-chateval), with -2, -3 ... when taken.
CSL-JSON is an array of items (Zotero, Pandoc, citeproc). What catalog
exports, catalog imports back to the same papers and authors. csv has a
column per field; json (an array) and jsonl (one object a line) are the
papers as catalog show --json prints them, sources included; table is
catalog query's table.

Flags:
` + outputFlagsHelp("bibtex", 0) + `  -o, --output FILE    write to FILE instead of standard output: a file is
                       replaced whole, only once complete, keeping its mode;
                       a symbolic link's target is written; a FIFO or a
                       device is written in place
` + selectionFlags + `  --db PATH            the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog export > catalog.bib
  catalog export --format csljson -o refs.json --author "Chan, Chi-Min"
  catalog export --format csv --year 2020- language models > recent.csv
`

func runExport(ctx context.Context, e *env, args []string) error {
	var sel selection
	fs := newFlags(e, "export", exportUsage)
	sel.addFlags(fs)
	var out outputFlags
	out.add(fs, 0)
	var output string
	fs.StringVar(&output, "output", "", "")
	fs.StringVar(&output, "o", "", "")
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := out.check("export", "bibtex"); err != nil {
		return err
	}
	format := &out.format
	match, so, err := sel.build("export", words)
	if err != nil {
		return err
	}
	text := strings.Join(words, " ")
	if len(words) > 0 && match == "" {
		return usagef("export: no words to search for in %s", quote(text))
	}

	st, err := openStore(ctx, e, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer st.Close()
	st.RankWindow = sel.rank
	if output != "" && output != "-" {
		if err := notTheCatalog(output, e.dbPath); err != nil {
			return err
		}
	}
	so.Limit, so.Offset = out.limit, out.offset
	ids, err := st.Select(ctx, match, so)
	if errors.Is(err, store.ErrQuerySyntax) {
		return &hintError{err: err, hint: "see https://www.sqlite.org/fts5.html#full_text_query_syntax, or drop --fts to search plain words"}
	}
	if err != nil {
		return err
	}
	// json and jsonl are show --json's papers, with their sources.
	withSources := *format == "json" || *format == "jsonl"
	papers, err := loadPapersWith(ctx, st, ids, withSources)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		switch *format {
		case "csljson":
			return export.CSLJSON(w, papers)
		case "csv":
			return export.CSVWith(w, papers, export.CSVOptions{SpreadsheetSafe: out.safeCSV})
		case "json", "jsonl":
			return writePapersJSON(w, papers, *format == "jsonl")
		case "table":
			return writePapersTable(w, papers, w == e.stdout && e.stdoutTTY)
		}
		return export.BibTeX(w, papers)
	}
	if output == "" || output == "-" {
		err = write(e.stdout)
	} else {
		err = writeOutput(ctx, output, write)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(papers) == 0 && (len(words) > 0 || sel.hasFilter()) {
		fmt.Fprintf(e.stderr, "catalog: no papers match %s\n", describeSelection(text, sel))
	} else if output != "" && output != "-" {
		fmt.Fprintf(e.stderr, "%s: %s written (%s)\n", output, nPapers(len(papers)), *format)
	}
	return nil
}

// notTheCatalog refuses an output path that is the catalog's own file (or
// its write-ahead log, shared memory or journal), through any link or
// spelling: export would replace the database with its own export.
func notTheCatalog(output, dbPath string) error {
	out, err := os.Stat(output)
	if err != nil {
		return nil // a new file (or one writeOutput will report)
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if db, err := os.Stat(dbPath + suffix); err == nil && os.SameFile(out, db) {
			what := "the catalog database"
			if suffix != "" {
				what = "a file of the catalog database (" + suffix[1:] + ")"
			}
			return &hintError{
				err:  fmt.Errorf("export: %s is %s; nothing was written", output, what),
				hint: "name another file with -o",
			}
		}
	}
	return nil
}

// writePapersJSON writes papers as show --json does: an array, or with
// lines one object a line.
func writePapersJSON(w io.Writer, papers []store.Paper, lines bool) error {
	if !lines {
		out := make([]paperJSON, len(papers))
		for i := range papers {
			out[i] = jsonPaper(&papers[i])
		}
		return newJSONEncoder(w, true).Encode(out)
	}
	enc := newJSONEncoder(w, false)
	for i := range papers {
		if err := enc.Encode(jsonPaper(&papers[i])); err != nil {
			return err
		}
	}
	return nil
}

// writePapersTable writes papers as query's table (without snippets).
func writePapersTable(w io.Writer, papers []store.Paper, header bool) error {
	hits := make([]store.Hit, len(papers))
	for i, p := range papers {
		hits[i] = store.Hit{ID: p.ID, Year: p.Year, Title: p.Title}
		for _, a := range p.Authors {
			hits[i].Authors = append(hits[i].Authors, a.Name)
		}
	}
	writeHits(w, hits, header)
	return nil
}
