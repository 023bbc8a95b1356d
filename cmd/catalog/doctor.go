package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/catalog-dev/catalog/internal/store"
)

const doctorUsage = `Check the catalog database, and repair what can be rebuilt.

Usage:
  catalog doctor [--repair]

Prints one line per check, "ok" or "problem", and exits 1 if any check
finds a problem:
  schema        the schema version against the migrations this catalog knows
  integrity     SQLite's PRAGMA integrity_check over the whole file
  foreign keys  PRAGMA foreign_key_check: no row points to a missing row
  fts index     the full-text index matches the papers table
  triggers      the triggers that keep the index and the venues in step
                are there, as the migrations define them
  authors       papers.authors, the author string the index holds, matches
                the authors in authorship

doctor does not apply pending migrations (catalog migrate up does) and
never creates a database.

Flags:
  --repair   recreate missing or altered triggers, delete authorship and
             paper_sources rows whose paper, author or source is gone
             (left by a deletion in a client without foreign keys; a
             re-import of the source then brings its records back),
             rewrite author strings from authorship and rebuild the
             full-text index if it does not match, in one transaction;
             then check again
  --db PATH  the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog doctor
  catalog doctor --repair
`

func runDoctor(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "doctor", doctorUsage)
	repair := fs.Bool("repair", false, "")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("doctor: unexpected argument %s", quote(rest[0]))
	}
	st, err := openStore(ctx, e, store.Options{NoMigrate: true, MustExist: true})
	if err != nil {
		return err
	}
	defer st.Close()

	checks, err := st.Doctor(ctx)
	if err != nil {
		return fmt.Errorf("doctor: %w", err)
	}
	if *repair && repairable(checks) {
		done, err := st.Repair(ctx)
		if err != nil {
			return err
		}
		for _, d := range done {
			fmt.Fprintf(e.stderr, "repaired: %s\n", d)
		}
		if checks, err = st.Doctor(ctx); err != nil {
			return fmt.Errorf("doctor: %w", err)
		}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	problems := 0
	for _, c := range checks {
		if c.OK() {
			fmt.Fprintf(tw, "ok\t%s\t%s\n", c.Name, c.Detail)
		} else {
			problems++
			fmt.Fprintf(tw, "problem\t%s\t%s\n", c.Name, c.Problem)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if problems == 0 {
		return nil
	}
	err = fmt.Errorf("doctor: %d of %d checks found a problem", problems, len(checks))
	if repairable(checks) {
		return &hintError{err: err, hint: "run 'catalog doctor --repair' to rebuild what it found wrong"}
	}
	return err
}

func repairable(checks []store.Check) bool {
	for _, c := range checks {
		if !c.OK() && c.Repairable {
			return true
		}
	}
	return false
}
