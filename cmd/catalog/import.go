package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/catalog-dev/catalog/internal/importer"
	"github.com/catalog-dev/catalog/internal/store"
)

const importUsage = `Import papers into the catalog.

Usage:
  catalog import [flags] FILE...

Reads each FILE ("-" is standard input; .gz files are read directly; a pipe
such as <(zcat refs.bib.gz) or a FIFO is read too) and adds its papers. Duplicates merge: a paper already in the catalog, from this file
or another, gets the new source recorded and its missing fields filled.
Importing the same file again changes nothing.

The whole command is one transaction: if any record is invalid, nothing is
imported and the error names the file, line and cause. If another import
is writing the catalog, this one says so and waits for it to finish,
however long it takes (Ctrl-C stops waiting, and imports nothing).

Formats, detected from the content and the file name:
  profile   an author-profile list: owner line, then title / authors / abstract lines
  bibtex    BibTeX and BibLaTeX (.bib)
  csljson   CSL-JSON, an array or one item per line (.json, .jsonl)
  ris       RIS (.ris), also Web of Science tagged exports
  openalex  OpenAlex works, one per line

Text is read as UTF-8, or as the encoding a UTF-16 byte order mark or
JabRef's "% Encoding: NAME" line names. A file that is not UTF-8 and has
no such mark is read as Windows-1252 (Latin-1's superset, what most
BibTeX files that are not UTF-8 hold), with a warning naming the line.

Flags:
  --format NAME    read every FILE as this format instead of detecting it
  --encoding NAME  read every FILE in this encoding: utf-8, utf-16 (with a
                   byte order mark, else big-endian), utf-16le, utf-16be,
                   windows-1252 (also latin1 and iso-8859-1, read as it),
                   iso-8859-15, iso-8859-2, windows-1250, macintosh
  --skip-invalid   import the valid records and report each invalid one
  -q, --quiet      print nothing but errors (and a notice when it must wait
                   for another import to finish)
  --db PATH        the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog import profile.txt
  catalog import --skip-invalid anthology.bib.gz zotero.json
  curl -s https://example.org/refs.ris | catalog import --format ris -
`

type importOptions struct {
	format      string
	encoding    string
	skipInvalid bool
	quiet       bool
}

// importHeapLimit is the soft limit on the Go heap during an import (unless
// GOMEMLIMIT sets one): the duplicate and author maps of a million-paper
// import are well under it, and the garbage the parsers make is collected
// before the heap doubles past them. With SQLite's page cache and sorts
// this keeps the import's peak RSS under 300 MB (bench/RESULTS.md).
const importHeapLimit = 128 << 20

func runImport(ctx context.Context, e *env, args []string) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(importHeapLimit)
	}
	var opt importOptions
	fs := newFlags(e, "import", importUsage)
	fs.StringVar(&opt.format, "format", "", "")
	fs.StringVar(&opt.encoding, "encoding", "", "")
	fs.BoolVar(&opt.skipInvalid, "skip-invalid", false, "")
	fs.BoolVar(&opt.quiet, "quiet", false, "")
	fs.BoolVar(&opt.quiet, "q", false, "")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("import: no FILE given")
	}
	if opt.format != "" && !importer.KnownFormat(opt.format) {
		return usagef("import: unknown --format %s (want one of %s)", quote(opt.format), strings.Join(importer.Formats, ", "))
	}
	if opt.encoding != "" && !importer.KnownEncoding(opt.encoding) {
		return usagef("import: unknown --encoding %q (want one of %s)", opt.encoding, strings.Join(importer.Encodings, ", "))
	}
	stdinUses := 0
	for _, f := range files {
		if f == "-" {
			stdinUses++
		}
	}
	if stdinUses > 1 {
		return usagef("import: standard input (-) named more than once")
	}

	// Open every input before touching the database, so that a missing
	// file fails fast.
	inputs := make([]*importer.Input, 0, len(files))
	defer func() {
		for _, in := range inputs {
			in.Close()
		}
	}()
	for _, name := range files {
		in, err := importer.OpenInputContext(ctx, name, e.stdin, importer.InputOptions{Format: opt.format, Encoding: opt.encoding})
		if err != nil {
			return interrupted(ctx, err)
		}
		inputs = append(inputs, in)
	}

	st, err := openStore(ctx, e, store.Options{})
	if err != nil {
		return interrupted(ctx, err)
	}
	committed := false
	defer func() {
		// An import into a new path that fails leaves no empty catalog
		// there, which read commands would take for the user's.
		if committed {
			st.Close()
		} else {
			st.Discard()
		}
	}()
	im, err := st.BeginImport(ctx)
	if err != nil {
		return interrupted(ctx, err)
	}
	defer func() {
		if !committed {
			im.Rollback()
		}
	}()
	type result struct {
		name  string
		stats store.SourceStats
	}
	var results []result
	prog := startProgress(e, opt.quiet, inputs)
	defer prog.end()
	for _, in := range inputs {
		prog.file(in.Name, in.Size, in.BytesRead)
		stats, err := importOne(ctx, e, im, in, opt, prog)
		if err != nil {
			if ctx.Err() != nil {
				return &interruptedError{"import " + in.Name}
			}
			hint := "nothing was imported"
			var fe *importer.FormatError
			switch {
			case importer.IsRecordError(err):
				hint += "; fix the record, or rerun with --skip-invalid to import the valid ones"
			case errors.As(err, &fe) && in.Looks != "" && in.Looks != in.Format:
				hint += fmt.Sprintf("; its content looks like %s: try --format %s", in.Looks, in.Looks)
			case errors.As(err, &fe):
				hint += "; check that it is the file you meant, or name its format with --format"
			}
			return &hintError{err: fmt.Errorf("import %s: %w", in.Name, err), hint: hint}
		}
		results = append(results, result{in.Name, stats})
	}
	im.Progress = prog.phase("indexing for search")
	if err := im.Commit(ctx); err != nil {
		if ctx.Err() != nil {
			return &interruptedError{"import"}
		}
		return err
	}
	committed = true
	prog.end()
	if !opt.quiet {
		for _, r := range results {
			fmt.Fprintf(e.stderr, "%s\n", summary(r.name, r.stats))
			if r.stats.Records == 0 {
				fmt.Fprintf(e.stderr, "catalog: warning: %s: no records found\n", r.name)
			}
		}
	}
	return nil
}

// summary is the one line printed per imported file. "(already
// imported)" says why nothing changed: the file was imported before and
// none of its records added or merged anything this time.
func summary(name string, s store.SourceStats) string {
	n := func(k int, one, many string) string { return plural(int64(k), one, many) }
	line := fmt.Sprintf("%s: %s: %s added, %d merged, %d unchanged; %s added",
		name, n(s.Records, "record", "records"), n(s.Added, "paper", "papers"), s.Merged, s.Unchanged,
		n(s.AuthorsAdded, "author", "authors"))
	if s.Skipped > 0 {
		line += "; " + n(s.Skipped, "invalid record", "invalid records") + " skipped"
	}
	if s.Known && s.Added == 0 && s.Merged == 0 {
		line += " (already imported)"
	}
	return line
}

// parsed is one record on its way from the parser to the database, or a
// note about the input (its encoding) to print.
type parsed struct {
	n     int // ordinal in the file, 1-based
	line  int
	paper *importer.Paper
	err   error // a record error (with line) or a fatal one
	note  string
}

// importOne streams one file into the import: a goroutine parses and
// normalizes while this one writes, so both cores work.
func importOne(ctx context.Context, e *env, im *store.Import, in *importer.Input, opt importOptions, prog *progress) (store.SourceStats, error) {
	if err := im.StartSource(ctx, store.SourceInfo{
		Path: in.Name, SHA256: in.SHA256, Format: in.Format, Size: in.Size,
	}); err != nil {
		return store.SourceStats{}, err
	}
	if im.SkipUnchanged() { // imported before, every record in place
		return im.EndSource(ctx)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan parsed, 256)
	go func() {
		defer close(ch)
		n := 0
		for {
			rec, err := in.Parser.Next()
			for _, note := range in.Notes() {
				select {
				case ch <- parsed{note: note}:
				case <-ctx.Done():
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			item := parsed{err: err}
			if err == nil {
				n++
				item.n, item.line = n, rec.Line
				if !im.Known(n) { // a re-imported record needs no normalizing
					// Normalize's error is the record's, not the parser's:
					// it must not end the loop below, which stops on a
					// parser error that is not a record error.
					paper, nerr := importer.Normalize(rec)
					if nerr != nil {
						item.err = &importer.ParseError{Line: rec.Line, Msg: nerr.Error()}
					}
					item.paper = paper
				}
			} else if importer.IsRecordError(err) {
				n++
				item.n = n
			}
			select {
			case ch <- item:
			case <-ctx.Done():
				return
			}
			if err != nil && !importer.IsRecordError(err) {
				return
			}
		}
	}()
	ownerSet := false
	for item := range ch {
		if err := ctx.Err(); err != nil {
			return store.SourceStats{}, err
		}
		if !ownerSet {
			ownerSet = true
			if err := im.SetOwner(ctx, in.Owner()); err != nil {
				return store.SourceStats{}, err
			}
		}
		if item.note != "" {
			fmt.Fprintf(e.stderr, "catalog: warning: %s: %s\n", in.Name, item.note)
			continue
		}
		if item.err != nil {
			if opt.skipInvalid && importer.IsRecordError(item.err) {
				im.Skip()
				fmt.Fprintf(e.stderr, "catalog: warning: %s: %s (skipped)\n", in.Name, item.err)
				continue
			}
			return store.SourceStats{}, item.err
		}
		if err := im.Add(ctx, item.n, item.line, item.paper); err != nil {
			return store.SourceStats{}, fmt.Errorf("record at line %d: %w", item.line, err)
		}
		if item.paper != nil {
			for _, w := range item.paper.Warnings {
				fmt.Fprintf(e.stderr, "catalog: warning: %s: line %d: %s\n", in.Name, item.line, w)
			}
		}
		prog.record()
	}
	if err := ctx.Err(); err != nil {
		return store.SourceStats{}, err
	}
	if !ownerSet {
		if err := im.SetOwner(ctx, in.Owner()); err != nil {
			return store.SourceStats{}, err
		}
	}
	return im.EndSource(ctx)
}

// interrupted says that nothing was imported when Ctrl-C stopped the import
// before it began writing.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &interruptedError{"import"}
	}
	return err
}

// interruptedError is an import that a signal (Ctrl-C, SIGTERM) stopped:
// run takes it for context.Canceled and exits 130, and its text has none
// of Go's words for it ("context canceled").
type interruptedError struct{ what string }

func (e *interruptedError) Error() string { return e.what + ": nothing was imported" }

func (e *interruptedError) Is(target error) bool { return target == context.Canceled }
