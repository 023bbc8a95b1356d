package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/catalog-dev/catalog/internal/store"
)

const migrateUsage = `Show or change the database schema version.

Usage:
  catalog migrate [status]        list migrations and which are applied
  catalog migrate up [VERSION]    apply pending migrations (up to VERSION)
  catalog migrate down [VERSION]  roll back the newest migration (or down to VERSION; 0 is empty)

Every other command applies pending migrations itself when it opens the
database. A database migrated by a newer catalog is refused, never changed.

Flags:
  --db PATH   the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog migrate
  catalog migrate down 0 && catalog migrate up
`

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate", migrateUsage)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	action := "status"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	version := int64(-1)
	if len(rest) > 1 || (action == "status" && len(rest) > 0) {
		return usagef("migrate: too many arguments")
	}
	if len(rest) == 1 {
		version, err = strconv.ParseInt(rest[0], 10, 64)
		if err != nil || version < 0 {
			return usagef("migrate: VERSION must be a number >= 0, got %s", quote(rest[0]))
		}
	}
	if action != "status" && action != "up" && action != "down" {
		return usagef("migrate: unknown action %s (want status, up or down)", quote(action))
	}

	st, err := store.Open(ctx, e.dbPath, store.Options{NoMigrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	var done []string
	switch action {
	case "up":
		if version < 0 {
			version = 0
		}
		done, err = st.MigrateUp(ctx, version)
	case "down":
		if version < 0 {
			if version, err = previousVersion(ctx, st); err != nil {
				return err
			}
		}
		done, err = st.MigrateDown(ctx, version)
	}
	for _, name := range done {
		fmt.Fprintf(e.stderr, "%s %s\n", action, name)
	}
	if err != nil {
		return err
	}
	if action != "status" {
		if len(done) == 0 {
			fmt.Fprintf(e.stderr, "nothing to migrate %s\n", action)
		}
		return nil
	}
	list, err := st.Migrations(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
	for _, m := range list {
		at := "pending"
		if m.Applied {
			at = m.At
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", m.Version, m.Name, at)
	}
	return tw.Flush()
}

// previousVersion is the applied version just below the current one: where
// "migrate down" with no VERSION goes.
func previousVersion(ctx context.Context, st *store.Store) (int64, error) {
	list, err := st.Migrations(ctx)
	if err != nil {
		return 0, err
	}
	var applied []int64
	for _, m := range list {
		if m.Applied {
			applied = append(applied, m.Version)
		}
	}
	if len(applied) < 2 {
		return 0, nil
	}
	return applied[len(applied)-2], nil
}
