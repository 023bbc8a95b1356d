package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/catalog-dev/catalog/internal/store"
)

const migrateUsage = `Show or change the database schema version.

Usage:
  catalog migrate [status]              list migrations and which are applied
  catalog migrate up [VERSION]          apply pending migrations (up to VERSION)
  catalog migrate down [--yes] [VERSION]
                                        roll back the newest migration (or down to VERSION)

Every other command applies pending migrations itself when it opens the
database. A database migrated by a newer catalog is refused, never changed.

Rolling back a migration that created tables or columns drops them. When
that would drop what the catalog holds (down to 0 drops every paper,
author and source), migrate down says what and changes nothing unless
--yes is given. Export the catalog first if you may want it back.

Flags:
  --yes       roll back even when it drops what the catalog holds
  --db PATH   the catalog database (default $CATALOG_DB, else ./catalog.db)

Examples:
  catalog migrate
  catalog migrate up
  catalog migrate down 7
`

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate", migrateUsage)
	yes := fs.Bool("yes", false, "")
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

	// Only "up" may create a catalog; status and down read what is there.
	st, err := openStore(ctx, e, store.Options{NoMigrate: true, MustExist: action != "up"})
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
		if err := refuseLoss(ctx, e, st, version, *yes); err != nil {
			return err
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

// refuseLoss stops a migrate down that would drop what the catalog holds,
// unless the user said --yes, and names what would be dropped either way.
func refuseLoss(ctx context.Context, e *env, st *store.Store, version int64, yes bool) error {
	loss, err := st.DownLoss(ctx, version)
	if err != nil || len(loss) == 0 {
		return err
	}
	parts := make([]string, len(loss))
	for i, l := range loss {
		parts[i] = l.String()
	}
	what := strings.Join(parts, "; ")
	if yes {
		fmt.Fprintf(e.stderr, "catalog: dropping what the catalog holds (--yes): %s\n", what)
		return nil
	}
	return &hintError{
		err:  fmt.Errorf("migrate down to version %d would drop what the catalog holds: %s; nothing was changed", version, what),
		hint: "rerun with --yes to drop it; 'catalog export -o backup.bib' first keeps a copy",
	}
}
