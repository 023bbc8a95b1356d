package main

import (
	"flag"
	"slices"
	"strconv"
	"strings"
)

// outputFormats are the --format values of query and export: one set, so
// that what one command writes the other writes too. query writes hits
// (its table, json, jsonl and csv carry the snippet and the score);
// export writes whole papers.
var outputFormats = []string{"table", "json", "jsonl", "csv", "bibtex", "csljson"}

// outputFlags are the flags that query and export share besides the
// selection: what to write and how much of it. They mean the same in
// both, and --limit and --offset the same in authors too.
type outputFlags struct {
	format        string
	json          bool
	limit, offset int
	safeCSV       bool // export.SafeCell on text cells
}

// outputFlagsHelp is the help text for the flags add defines; def is
// the command's default --format, limit its default --limit (0: none).
func outputFlagsHelp(def string, limit int) string {
	limitDefault := "no limit"
	if limit > 0 {
		limitDefault = strconv.Itoa(limit)
	}
	formats := strings.Join(outputFormats[:len(outputFormats)-1], ", ") + " or " + outputFormats[len(outputFormats)-1]
	return `  --format F           ` + formats + `
                       (default ` + def + `)
  --json               the same as --format json
  --limit N            at most N papers (default: ` + limitDefault + `); 0 is no limit
  --offset N           skip the first N
  --safe-csv           for a CSV file a spreadsheet will open: a text cell
                       that starts with = + - @ (which a spreadsheet would
                       run as a formula) gets a ' in front
`
}

// add defines the flags; limit is the default --limit (0: no limit).
func (o *outputFlags) add(fs *flag.FlagSet, limit int) {
	fs.StringVar(&o.format, "format", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.BoolVar(&o.safeCSV, "safe-csv", false, "")
	addLimitFlags(fs, &o.limit, &o.offset, limit)
}

// addLimitFlags defines --limit and --offset.
func addLimitFlags(fs *flag.FlagSet, limit, offset *int, def int) {
	fs.IntVar(limit, "limit", def, "")
	fs.IntVar(offset, "offset", 0, "")
}

// check validates the flags for cmd and settles the format (def when none
// is given).
func (o *outputFlags) check(cmd, def string) error {
	if err := checkLimit(cmd, o.limit, o.offset); err != nil {
		return err
	}
	switch {
	case o.json && o.format != "" && o.format != "json":
		return usagef("%s: --json and --format %s disagree", cmd, o.format)
	case o.json:
		o.format = "json"
	case o.format == "":
		o.format = def
	case !slices.Contains(outputFormats, o.format):
		return usagef("%s: unknown --format %s (want one of %s)", cmd, quote(o.format), strings.Join(outputFormats, ", "))
	}
	if o.safeCSV && o.format != "csv" {
		return usagef("%s: --safe-csv is for --format csv, not %s", cmd, o.format)
	}
	return nil
}

// checkLimit refuses a negative --limit or --offset. --limit 0 is no
// limit in every command.
func checkLimit(cmd string, limit, offset int) error {
	if limit < 0 {
		return usagef("%s: --limit must not be negative (0 is no limit), got %d", cmd, limit)
	}
	if offset < 0 {
		return usagef("%s: --offset must not be negative, got %d", cmd, offset)
	}
	return nil
}
