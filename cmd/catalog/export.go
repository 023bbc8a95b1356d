package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	sn, ids, err := selectPapers(ctx, st, match, so)
	if err != nil {
		return err
	}
	defer sn.Close()
	write := func(w io.Writer) error {
		return writePapers(ctx, sn.Store, *format, w, ids, paperOutput{safeCSV: out.safeCSV, header: w == e.stdout && e.stdoutTTY})
	}
	if output == "" || output == "-" {
		err = write(e.stdout)
	} else {
		err = writeOutput(ctx, output, write)
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

// paperOutput tunes writePapers: CSV cells made safe for spreadsheets
// (--safe-csv), and the table's header line (on a terminal).
type paperOutput struct {
	safeCSV, header bool
}

// writePapers writes the papers ids names, in that order, to w in format,
// each as it is read: bibtex, csljson and csv by export's writers; json
// and jsonl as show --json's papers, sources included; table as query's.
func writePapers(ctx context.Context, st *store.Store, format string, w io.Writer, ids []int64, po paperOutput) error {
	switch format {
	case "json", "jsonl":
		return writePapersJSON(ctx, st, w, ids, format == "jsonl")
	case "table":
		return writePapersTable(ctx, st, w, ids, po.header)
	}
	own, err := st.CitationKeys(ctx, ids)
	if err != nil {
		return err
	}
	out, err := export.NewWriter(format, w, export.NewKeyMaker(own), export.CSVOptions{SpreadsheetSafe: po.safeCSV})
	if err != nil {
		return err
	}
	if err := st.EachPaper(ctx, ids, out.Write); err != nil {
		return err
	}
	return out.Close()
}

// notTheCatalog refuses an output path that is the catalog's own file (or
// its write-ahead log, shared memory or journal), through any link or
// spelling: export would replace the database with its own export.
func notTheCatalog(output, dbPath string) error {
	// By name first: the -journal (or -wal) of a catalog that has none
	// now would be taken by SQLite for its own, and deleted or replayed.
	absOut, err1 := filepath.Abs(output)
	absDB, err2 := filepath.Abs(dbPath)
	if err1 == nil && err2 == nil {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if absOut == absDB+suffix {
				return catalogFileError(output, suffix)
			}
		}
	}
	out, err := os.Stat(output)
	if err != nil {
		return nil // a new file (or one writeOutput will report)
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if db, err := os.Stat(dbPath + suffix); err == nil && os.SameFile(out, db) {
			return catalogFileError(output, suffix)
		}
	}
	return nil
}

// catalogFileError refuses output, the catalog's file with suffix.
func catalogFileError(output, suffix string) error {
	what := "the catalog database"
	if suffix != "" {
		what = "a file of the catalog database (" + suffix[1:] + ")"
	}
	return &hintError{
		err:  fmt.Errorf("export: %s is %s; nothing was written", output, what),
		hint: "name another file with -o",
	}
}

// writePapersJSON writes the papers as show --json does, one at a time
// with their sources: an array (each item indented as json.Encoder writes
// it inside one), or with lines one object a line.
func writePapersJSON(ctx context.Context, st *store.Store, w io.Writer, ids []int64, lines bool) error {
	ew := &export.ErrWriter{W: w}
	bw := bufio.NewWriter(ew)
	var item bytes.Buffer
	enc := newJSONEncoder(bw, false)
	if !lines {
		enc = newJSONEncoder(&item, false)
		enc.SetIndent("  ", "  ")
	}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := st.Paper(ctx, id, true)
		if err != nil {
			return err
		}
		item.Reset()
		if err := enc.Encode(jsonPaper(p)); err != nil {
			return err
		}
		if !lines {
			if i == 0 {
				bw.WriteString("[\n  ")
			} else {
				bw.WriteString(",\n  ")
			}
			bw.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		}
		if ew.Err != nil {
			return ew.Err
		}
	}
	switch {
	case !lines && len(ids) == 0:
		bw.WriteString("[]\n")
	case !lines:
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// writePapersTable writes the papers as query's table (without snippets).
func writePapersTable(ctx context.Context, st *store.Store, w io.Writer, ids []int64, header bool) error {
	hw := newHitWriter("table", w, false, false, header)
	err := st.EachPaper(ctx, ids, func(p *store.Paper) error {
		h := store.Hit{ID: p.ID, Year: p.Year, Title: p.Title}
		for _, a := range p.Authors {
			h.Authors = append(h.Authors, a.Name)
		}
		return hw.write(&h)
	})
	if err != nil {
		return err
	}
	return hw.close()
}
