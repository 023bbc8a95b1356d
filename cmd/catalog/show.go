package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/catalog-dev/catalog/internal/store"
)

const showUsage = `Show papers in full: every field, the authors (and editors, translators)
in order, the abstract, and every source record the paper came from.

Usage:
  catalog show [--json] REF...

REF is a paper id (as catalog query shows it), a DOI (10.1234/x, doi:...,
https://doi.org/...) or a citation key from any source (BibTeX key, CSL id,
RIS ID; any case). A DOI or key that several papers share shows each. A
REF that names no paper is reported after the papers the others name,
and the command exits 1.

Flags:
  --json      print a JSON array of the papers, with their sources; every
              field is always there, null when unknown
  --db PATH   the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog show 7
  catalog show 10.18653/v1/2020.acl-main.1
  catalog show --json vaswani2017attention | jq '.[0].authors'
`

func runShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "show", showUsage)
	asJSON := fs.Bool("json", false, "")
	refs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return usagef("show: no paper given (an id, a DOI or a citation key)")
	}
	st, err := openStore(ctx, e, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer st.Close()

	// Every paper found is shown, and a reference that names none is
	// reported after them: one typo among several refs does not hide the
	// others.
	var ids []int64
	var missing []string
	for _, ref := range refs {
		found, err := st.FindPapers(ctx, ref)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			missing = append(missing, quote(ref))
		}
		ids = append(ids, found...)
	}
	papers := make([]*store.Paper, 0, len(ids))
	for _, id := range ids {
		p, err := st.Paper(ctx, id, true)
		if err != nil {
			return err
		}
		papers = append(papers, p)
	}
	if *asJSON {
		out := make([]paperJSON, len(papers))
		for i, p := range papers {
			out[i] = jsonPaper(p)
		}
		if err := newJSONEncoder(e.stdout, true).Encode(out); err != nil {
			return err
		}
	} else {
		for i, p := range papers {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			writePaper(e.stdout, p)
		}
	}
	if len(missing) > 0 {
		what := "no paper has this id, DOI or citation key"
		if len(missing) > 1 {
			what = "no paper has these ids, DOIs or citation keys"
		}
		return &hintError{
			err:  fmt.Errorf("show %s: %s", strings.Join(missing, ", "), what),
			hint: "find it with: catalog query WORDS (ids are the first column)",
		}
	}
	return nil
}

// displayTitle is a paper's title for people: a paper imported from a
// record without one is "(untitled)". Data formats (JSON, CSV) keep "".
func displayTitle(title string) string {
	if title == "" {
		return "(untitled)"
	}
	return title
}

// writePaper prints one paper for people.
func writePaper(w io.Writer, p *store.Paper) {
	fmt.Fprintf(w, "%s\n\n", displayTitle(p.Title))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(name, value string) {
		if value != "" {
			fmt.Fprintf(tw, "%s\t%s\n", name, value)
		}
	}
	row("id", strconv.FormatInt(p.ID, 10))
	people := func(role string, list []store.Author) {
		for i, a := range list {
			if i > 0 {
				role = ""
			}
			row(role, fmt.Sprintf("%d. %s", i+1, a.Name))
		}
	}
	people("authors", p.Authors)
	people("editors", p.Editors)
	people("translators", p.Translators)
	date := ""
	if p.Year != 0 {
		date = strconv.Itoa(p.Year)
		if p.Month != 0 {
			date += fmt.Sprintf("-%02d", p.Month)
		}
	}
	row("year", date)
	row("venue", p.Venue)
	row("publisher", p.Publisher)
	row("address", p.Address)
	row("volume", p.Volume)
	row("issue", p.Issue)
	row("pages", p.Pages)
	row("doi", p.DOI)
	row("url", p.URL)
	row("type", p.Type)
	row("key", p.CitationKey)
	tw.Flush()
	if p.Abstract != "" {
		fmt.Fprintf(w, "\nabstract\n")
		for _, line := range wrap(p.Abstract, 76) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if len(p.Sources) > 0 {
		fmt.Fprintf(w, "\nsources\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, s := range p.Sources {
			action := s.Action
			if s.MatchedOn != "" {
				action += " on " + s.MatchedOn
			}
			fmt.Fprintf(tw, "  %s\t%s\trecord %d, line %d\t%s\t%s", s.Path, s.Format, s.Record, s.Line, action, s.ImportedAt)
			if s.CitationKey != "" {
				fmt.Fprintf(tw, "\tkey %s", s.CitationKey)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}
}

// wrap splits text into lines of at most width runes, at spaces (a longer
// word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		wn := len([]rune(word))
		if n > 0 && n+1+wn > width {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(word)
		n += wn
	}
	if n > 0 {
		lines = append(lines, line.String())
	}
	return lines
}
