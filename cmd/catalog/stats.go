package main

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/catalog-dev/catalog/internal/store"
)

const statsUsage = `Show what the catalog holds: papers, authors, sources, merges, the years
covered and the size of the file.

Usage:
  catalog stats [--json]

Merges count source records that were merged into a paper already in the
catalog. Papers per format count each paper under every format it came
from, so they can add up to more than the papers.

Flags:
  --json      print one JSON object (first_year, last_year null when no
              paper has a year)
  --db PATH   the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog stats
  catalog stats --json | jq .papers
`

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", statsUsage)
	asJSON := fs.Bool("json", false, "")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("stats: unexpected argument %s", quote(rest[0]))
	}
	st, err := openStore(ctx, e, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return newJSONEncoder(e.stdout, true).Encode(jsonStats(s))
	}
	writeStats(e.stdout, e.dbPath, s)
	return nil
}

func writeStats(w io.Writer, path string, s *store.Stats) {
	row := func(name string, format string, args ...any) {
		fmt.Fprintf(w, "%-20s %s\n", name, fmt.Sprintf(format, args...))
	}
	row("papers", "%d", s.Papers)
	row("authors", "%d", s.Authors)
	row("authorships", "%d", s.Authorships)
	row("sources", "%s, %s", plural(s.Sources, "file", "files"), plural(s.SourceRecords, "record", "records"))
	row("merges", "%d", s.Merges)
	if y := years(s.FirstYear, s.LastYear); y != "" {
		row("years", "%s", y)
	} else {
		row("years", "none known")
	}
	formats := make([]string, 0, len(s.PapersPerFormat))
	for f := range s.PapersPerFormat {
		formats = append(formats, f)
	}
	sort.Slice(formats, func(i, j int) bool {
		a, b := s.PapersPerFormat[formats[i]], s.PapersPerFormat[formats[j]]
		return a > b || a == b && formats[i] < formats[j]
	})
	for _, f := range formats {
		row("papers from "+f, "%d", s.PapersPerFormat[f])
	}
	row("file", "%s: %s (%d bytes), write-ahead log %s", path, size(s.DatabaseBytes), s.DatabaseBytes, size(s.WALBytes))
}

// size writes a byte count for people, in powers of 1024.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
