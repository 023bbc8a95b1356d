package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/catalog-dev/catalog/internal/store"
)

const authorsUsage = `List authors with their number of papers, most papers first, or one
author's co-authors.

Usage:
  catalog authors [flags] [NAME]
  catalog authors --coauthors NAME [flags]

NAME is "Family, Given", "Given Family" or a family name alone; case and
accents do not matter, and the given name may be shortened ("Chan, C").
Without NAME every author is listed.

With --coauthors, NAME must mean one author: the only one it matches, or
the one whose name it is exactly. When several authors match (two Dai with
different given names, say), they are listed and the command fails: add
the given name.

Flags:
  --coauthors NAME  list the people who wrote papers with NAME, most shared
                    papers first
  --limit N         list at most N authors (default 50; 0: no limit)
  --offset N        skip the first N
  --json            print a JSON array: id, name, papers (shared papers for
                    --coauthors), first_year, last_year (null when no
                    paper has a year)
  --db PATH         the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog authors
  catalog authors dai
  catalog authors --coauthors "Chan, Chi-Min"
  catalog authors --json --limit 0 > authors.json
`

func runAuthors(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "authors", authorsUsage)
	var coauthors onceString
	fs.Var(&coauthors, "coauthors", "")
	var limit, offset int
	addLimitFlags(fs, &limit, &offset, 50)
	asJSON := fs.Bool("json", false, "")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := checkLimit("authors", limit, offset); err != nil {
		return err
	}
	if coauthors.set && strings.HasPrefix(coauthors.value, "-") {
		// "--coauthors --limit 3 NAME": the flag package took --limit
		// for the NAME.
		return usagef("authors: --coauthors takes the NAME right after it, got the flag %s: write --coauthors NAME", quote(coauthors.value))
	}
	if coauthors.set && len(rest) > 0 {
		return usagef("authors: --coauthors takes the NAME; drop %s", quote(strings.Join(rest, " ")))
	}
	var filter *store.NameFilter
	if name := strings.Join(rest, " "); coauthors.set || name != "" {
		if coauthors.set {
			name = coauthors.value
		}
		n, err := parseName("authors: ", name)
		if err != nil {
			return err
		}
		filter = &n
	}

	st, err := openStore(ctx, e, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer st.Close()

	var list []store.AuthorCount
	header := "PAPERS"
	if coauthors.set {
		a, err := st.ResolveAuthor(ctx, *filter)
		var amb *store.AmbiguousError
		switch {
		case errors.As(err, &amb):
			hint := "name one of them exactly:\n" + candidates(amb.Authors)
			if more := amb.Matches - len(amb.Authors); more > 0 {
				hint += fmt.Sprintf("\n  and %d more: catalog authors --limit 0 %s", more, filter.Family)
			}
			return &hintError{err: fmt.Errorf("authors --coauthors: %w", err), hint: hint}
		case errors.Is(err, store.ErrNotFound):
			return &hintError{
				err:  fmt.Errorf("authors --coauthors: no author matches %s", quote(filter.Name)),
				hint: "list the authors whose family name it is with: catalog authors " + filter.Family,
			}
		case err != nil:
			return err
		}
		fmt.Fprintf(e.stderr, "catalog: co-authors of %s (%s)\n", a.Name, nPapers(a.Papers))
		if list, err = st.Coauthors(ctx, a.ID, limit, offset); err != nil {
			return err
		}
		header = "SHARED"
	} else if list, err = st.Authors(ctx, filter, limit, offset); err != nil {
		return err
	}

	if *asJSON {
		return newJSONEncoder(e.stdout, true).Encode(jsonAuthors(list))
	}
	if len(list) == 0 {
		if filter != nil && !coauthors.set {
			fmt.Fprintf(e.stderr, "catalog: no authors match %s\n", quote(filter.Name))
		} else {
			fmt.Fprintf(e.stderr, "catalog: no authors\n")
		}
		return nil
	}
	writeAuthors(e.stdout, header, list)
	return nil
}

// writeAuthors prints authors as a table: count (right-aligned), years,
// name.
func writeAuthors(w io.Writer, header string, list []store.AuthorCount) {
	cw, yw := len(header), len("YEARS")
	for _, a := range list {
		cw = max(cw, len(fmt.Sprint(a.Papers)))
		yw = max(yw, len(years(a.FirstYear, a.LastYear)))
	}
	fmt.Fprintf(w, "%*s  %-*s  NAME\n", cw, header, yw, "YEARS")
	for _, a := range list {
		fmt.Fprintf(w, "%*d  %-*s  %s\n", cw, a.Papers, yw, years(a.FirstYear, a.LastYear), a.Name)
	}
}

// candidates lists ambiguous authors for a hint, one per line.
func candidates(list []store.AuthorCount) string {
	var b strings.Builder
	for i, a := range list {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "  %s (%s)", a.Name, nPapers(a.Papers))
	}
	return b.String()
}

func nPapers(n int) string { return plural(int64(n), "paper", "papers") }

// years formats a span of years: 2019-2023, 2021, or "" when unknown.
func years(first, last int) string {
	switch {
	case first == 0 && last == 0:
		return ""
	case first == last:
		return fmt.Sprint(first)
	default:
		return fmt.Sprintf("%d-%d", first, last)
	}
}
