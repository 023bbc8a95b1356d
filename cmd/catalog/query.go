package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/catalog-dev/catalog/internal/export"
	"github.com/catalog-dev/catalog/internal/store"
)

var queryUsage = `Search the catalog, best matches first.

Usage:
  catalog query [flags] [TEXT...]

TEXT is plain words: every word must appear in the title, the abstract or
the author names, in any case and with or without accents ("muller" finds
"Müller"). Punctuation is not syntax: self-attention, C++ or a lone AND are
searched as words. A word ending in * matches as a prefix (transform*).

Ranking is FTS5's bm25 with the title weighted above the author names and
the abstract. Filters narrow the search; with filters and no TEXT, every
paper that passes them is listed, newest first.

Formats: table is for people (matched words in bold on a terminal, in
[brackets] otherwise). json (an array) and jsonl (one object a line) are
hits: id, title, authors (in order), year, venue, doi, snippet (matched
words in <mark>...</mark>), score (bm25; lower is better) and explain;
every field is always there, null when unknown. csv is the same columns
with a header row. bibtex and csljson are the hits' whole papers, as
catalog export writes them.

Flags:
` + selectionFlags + outputFlagsHelp("table", 20) + `  --explain            show why each hit ranks where it does: the search and
                       filters run, and each hit's bm25 by column (title,
                       abstract, authors)
  --db PATH            the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog query safe reinforcement learning
  catalog query --author "Chan, Chi-Min" --year 2023-2025 agents
  catalog query --first-author chan --sort year
  catalog query --venue "neural information" --title diffusion
  catalog query --limit 5 --json muller
  catalog query --format bibtex --author vaswani > refs.bib
  catalog query --explain multi-agent debate
  catalog query --fts 'title:"language model" NOT survey'
`

type queryOptions struct {
	selection
	outputFlags
	explain bool
}

func runQuery(ctx context.Context, e *env, args []string) error {
	var opt queryOptions
	fs := newFlags(e, "query", queryUsage)
	opt.addFlags(fs)
	opt.outputFlags.add(fs, 20)
	fs.BoolVar(&opt.explain, "explain", false, "")
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 && !opt.hasFilter() {
		return usagef("query: no search TEXT given, and no filter")
	}
	if err := opt.outputFlags.check("query", "table"); err != nil {
		return err
	}
	if opt.explain && (opt.format == "bibtex" || opt.format == "csljson") {
		return usagef("query: --explain has nothing to add to --format %s; use another --format", opt.format)
	}
	match, so, err := opt.build("query", words)
	if err != nil {
		return err
	}
	text := strings.Join(words, " ")
	if len(words) > 0 && match == "" {
		if opt.format == "json" {
			fmt.Fprintln(e.stdout, "[]")
		}
		fmt.Fprintf(e.stderr, "catalog: no words to search for in %s\n", quote(text))
		return nil
	}

	st, err := openStore(ctx, e, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer st.Close()
	st.RankWindow = opt.rank

	so.Limit, so.Offset, so.Ellipsis, so.Explain = opt.limit, opt.offset, "…", opt.explain
	switch {
	case opt.format == "json" || opt.format == "jsonl":
		so.MarkOpen, so.MarkClose = "<mark>", "</mark>"
	case e.styled():
		so.MarkOpen, so.MarkClose = "\x1b[1m", "\x1b[0m"
	default:
		so.MarkOpen, so.MarkClose = "[", "]"
	}
	if opt.format == "bibtex" || opt.format == "csljson" {
		return queryPapers(ctx, e, st, opt.format, match, so, text, opt.selection)
	}
	explained := false
	explainOnce := func() {
		if opt.explain && !explained {
			w := e.stderr
			if opt.format == "table" {
				w = e.stdout
			}
			writeExplanation(w, store.MatchExpr(match, so.Filters), so, st.RankWindow)
		}
		explained = true
	}
	hw := newHitWriter(opt.format, e.stdout, opt.explain, opt.safeCSV, e.stdoutTTY)
	n := 0
	err = st.SearchEach(ctx, match, so, func(h *store.Hit) error {
		explainOnce() // before the first hit, where the table shows it
		n++
		return hw.write(h)
	})
	if err != nil {
		return searchHint(err)
	}
	explainOnce()
	if err := hw.close(); err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(e.stderr, "catalog: no papers match %s\n", describeSelection(text, opt.selection))
	}
	return nil
}

// queryPapers writes the papers a query finds as BibTeX or CSL-JSON, each
// as it is read, as catalog export does.
func queryPapers(ctx context.Context, e *env, st *store.Store, format, match string, so store.SearchOptions, text string, sel selection) error {
	sn, ids, err := selectPapers(ctx, st, match, so)
	if err != nil {
		return err
	}
	defer sn.Close()
	if len(ids) == 0 {
		fmt.Fprintf(e.stderr, "catalog: no papers match %s\n", describeSelection(text, sel))
	}
	return writePapers(ctx, sn.Store, format, e.stdout, ids, paperOutput{})
}

// hitWriter writes hits in a --format of catalog query as they come
// (Store.SearchEach), buffered; write returns the first error of the
// output underneath once it is known, so that a search stops writing (and
// reading) into a closed pipe.
type hitWriter struct {
	format  string
	ew      *export.ErrWriter
	bw      *bufio.Writer
	explain bool
	safe    bool // csv: text cells through export.SafeCell (--safe-csv)
	header  bool // table: a line naming the columns first (on a terminal)
	n       int
	csv     *csv.Writer
	json    *json.Encoder
	item    bytes.Buffer
}

func newHitWriter(format string, w io.Writer, explain, safe, header bool) *hitWriter {
	hw := &hitWriter{format: format, ew: &export.ErrWriter{W: w}, explain: explain, safe: safe, header: header}
	hw.bw = bufio.NewWriter(hw.ew)
	switch format {
	case "json":
		// Each hit as json.Encoder with SetIndent("", "  ") writes it
		// inside an array.
		hw.json = json.NewEncoder(&hw.item)
		hw.json.SetIndent("  ", "  ")
	case "jsonl":
		hw.json = json.NewEncoder(hw.bw)
	case "csv":
		hw.csv = csv.NewWriter(hw.bw)
		hw.csv.Write(csvHitsHeader(explain))
	}
	if hw.json != nil {
		hw.json.SetEscapeHTML(false)
	}
	return hw
}

func (hw *hitWriter) write(h *store.Hit) error {
	hw.n++
	switch hw.format {
	case "json":
		hw.item.Reset()
		if err := hw.json.Encode(jsonHit(*h)); err != nil {
			return err
		}
		if hw.n == 1 {
			hw.bw.WriteString("[\n  ")
		} else {
			hw.bw.WriteString(",\n  ")
		}
		hw.bw.Write(bytes.TrimSuffix(hw.item.Bytes(), []byte("\n")))
	case "jsonl":
		if err := hw.json.Encode(jsonHit(*h)); err != nil {
			return err
		}
	case "csv":
		hw.csv.Write(csvHitRow(h, hw.explain, hw.safe))
	default:
		if hw.n == 1 && hw.header {
			fmt.Fprintf(hw.bw, "%6s  %-4s  %s\n", "ID", "YEAR", "TITLE")
		}
		writeHit(hw.bw, h, hw.n == 1)
	}
	return hw.ew.Err
}

func (hw *hitWriter) close() error {
	switch {
	case hw.format == "json" && hw.n == 0:
		hw.bw.WriteString("[]\n")
	case hw.format == "json":
		hw.bw.WriteString("\n]\n")
	case hw.format == "csv":
		hw.csv.Flush()
		if err := hw.csv.Error(); err != nil {
			return err
		}
	}
	return hw.bw.Flush()
}

// describeSelection names what was searched for in a message.
func describeSelection(text string, s selection) string {
	var parts []string
	if text != "" {
		parts = append(parts, quote(text))
	}
	for _, f := range []struct {
		name string
		v    onceString
	}{{"--author", s.author}, {"--first-author", s.firstAuthor}, {"--title", s.title}, {"--venue", s.venue}, {"--year", s.year}} {
		if f.v.set {
			parts = append(parts, f.name+" "+quote(f.v.value))
		}
	}
	return strings.Join(parts, " ")
}

// writeExplanation tells what the search ran: the FTS5 expression, the
// filters and the order; window is the store's RankWindow.
func writeExplanation(w io.Writer, match string, so store.SearchOptions, window int) {
	if match != "" {
		fmt.Fprintf(w, "search:  papers_fts MATCH %s\n", strconv.Quote(match))
	} else {
		fmt.Fprintf(w, "search:  no text: a listing of the papers that pass the filters\n")
	}
	for _, f := range so.Filters.Describe() {
		fmt.Fprintf(w, "filter:  %s\n", f)
	}
	switch {
	case match == "":
		fmt.Fprintf(w, "order:   newest first (year, then most recently added)\n")
	case so.NewestFirst:
		fmt.Fprintf(w, "order:   newest first (year, then most recently added), unranked: the text is\n"+
			"         only stopwords\n")
	case so.Sort == store.ByYear && window == 0:
		fmt.Fprintf(w, "order:   newest first, then by score (every match ranked: --rank 0)\n")
	case so.Sort == store.ByYear:
		fmt.Fprintf(w, "order:   newest first, then by score; in a year with more than %d matches, its\n"+
			"         %d newest are ranked (--rank)\n", window, window)
	case window == 0:
		fmt.Fprintf(w, "order:   by score, best first (every match ranked: --rank 0)\n")
	case len(so.Filters.Describe()) > 0:
		fmt.Fprintf(w, "order:   by score, best first; when more than %d papers match, the %d newest\n"+
			"         matches that pass the filters are ranked (--rank)\n", window, window)
	default:
		fmt.Fprintf(w, "order:   by score, best first; when more than %d papers match, the %d newest\n"+
			"         matches are ranked (--rank)\n", window, window)
	}
	if match != "" {
		fmt.Fprintf(w, "score:   bm25 over title (weight 10), abstract (1) and authors (4); lower is\n"+
			"         better. Per column: bm25 with only that column weighted; the parts do\n"+
			"         not add up exactly, because bm25 saturates as a word repeats.\n")
	}
	fmt.Fprintln(w)
}

// writeHit prints a hit for people: id, year and title on one line, the
// first authors and the snippet indented below; a blank line before each
// hit but the first.
func writeHit(w io.Writer, h *store.Hit, first bool) {
	if !first {
		fmt.Fprintln(w)
	}
	year := "    "
	if h.Year != 0 {
		year = strconv.Itoa(h.Year)
	}
	fmt.Fprintf(w, "%6d  %s  %s\n", h.ID, year, displayTitle(h.Title))
	if len(h.Authors) > 0 {
		fmt.Fprintf(w, "              %s\n", firstAuthors(h.Authors, 3))
	}
	if h.Snippet != "" {
		fmt.Fprintf(w, "              %s\n", h.Snippet)
	}
	if x := h.Explain; x != nil {
		fmt.Fprintf(w, "              score %s: title %s, abstract %s, authors %s\n",
			score(h.Score), score(x.Title), score(x.Abstract), score(x.Authors))
	}
}

// score formats a bm25 value for people, without a "-0.00".
func score(f float64) string {
	if f > -0.005 && f < 0.005 {
		f = 0
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

// firstAuthors lists up to n authors, then "et al. (N authors)".
func firstAuthors(authors []string, n int) string {
	if len(authors) <= n {
		return strings.Join(authors, "; ")
	}
	return fmt.Sprintf("%s; et al. (%d authors)", strings.Join(authors[:n], "; "), len(authors))
}

// csvHitsHeader is the header row of hits as CSV.
func csvHitsHeader(explain bool) []string {
	header := []string{"id", "year", "title", "authors", "venue", "doi", "score"}
	if explain {
		header = append(header, "title_score", "abstract_score", "authors_score")
	}
	return header
}

// csvHitRow is a hit as a CSV row under csvHitsHeader.
func csvHitRow(h *store.Hit, explain, safe bool) []string {
	text := func(s string) string { return s }
	if safe {
		text = export.SafeCell
	}
	year := ""
	if h.Year != 0 {
		year = strconv.Itoa(h.Year)
	}
	row := []string{strconv.FormatInt(h.ID, 10), year, text(h.Title), text(strings.Join(h.Authors, "; ")), text(h.Venue), text(h.DOI), ""}
	if h.Score != 0 {
		row[6] = strconv.FormatFloat(h.Score, 'g', -1, 64)
	}
	if x := h.Explain; x != nil {
		row = append(row, strconv.FormatFloat(x.Title, 'g', -1, 64), strconv.FormatFloat(x.Abstract, 'g', -1, 64), strconv.FormatFloat(x.Authors, 'g', -1, 64))
	} else if explain {
		row = append(row, "", "", "")
	}
	return row
}
