package store

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

// derivedTables are tables a migration's Down may drop without losing
// anything users put in the catalog: what they hold is rebuilt from the
// other tables (the full-text index from papers, the vocabulary reads the
// index, venues are papers.venue folded) when the migration is applied
// again.
var derivedTables = map[string]bool{"papers_fts": true, "papers_fts_vocab": true, "venues": true}

// Statements in a Down section that drop rows: a table, a column, or rows
// (with the WHERE clause that picks them, up to the statement's end); and
// those that create a table, which a table rebuilt in place (copied aside,
// dropped, created anew and filled again) is.
var (
	dropTableRE   = regexp.MustCompile(`(?i)\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?["\[]?(\w+)`)
	dropColumnRE  = regexp.MustCompile(`(?i)\bALTER\s+TABLE\s+["\[]?(\w+)["\]]?\s+DROP\s+(?:COLUMN\s+)?["\[]?(\w+)`)
	deleteRE      = regexp.MustCompile(`(?is)\bDELETE\s+FROM\s+["\[]?(\w+)["\]]?(?:\s+(WHERE\s.*?))?;`)
	createTableRE = regexp.MustCompile(`(?i)\bCREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["\[]?(\w+)`)
)

// Loss is what rolling back one migration would drop.
type Loss struct {
	Migration string   // its file name
	What      []string // "papers (10 rows)", "papers.editor (3 values)"
}

func (l Loss) String() string {
	return l.Migration + " drops " + strings.Join(l.What, ", ")
}

// DownLoss reports what MigrateDown(version) would drop that users put in
// the catalog: for each applied migration above version, the rows of the
// tables its Down drops (but derivedTables), the values of the columns it
// drops and the rows it deletes, where there are any. catalog migrate
// down refuses to run without --yes when this is not empty. The
// statements are read from the migrations themselves, so a new migration
// is covered without a list to keep in step.
func (s *Store) DownLoss(ctx context.Context, version int64) ([]Loss, error) {
	list, err := s.Migrations(ctx)
	if err != nil {
		return nil, err
	}
	var out []Loss
	for _, m := range slices.Backward(list) {
		if !m.Applied || m.Version <= version {
			continue
		}
		src, err := fs.ReadFile(migrationsFS(), m.Name)
		if err != nil {
			return nil, err
		}
		loss := Loss{Migration: m.Name}
		for _, d := range downDrops(string(src)) {
			n, err := s.countRows(ctx, d)
			if err != nil {
				return nil, fmt.Errorf("count what %s drops: %w", m.Name, explain(err))
			}
			if n == 0 {
				continue
			}
			switch {
			case d.column != "":
				loss.What = append(loss.What, fmt.Sprintf("%s.%s (%s)", d.table, d.column, plural(n, "value", "values")))
			default:
				loss.What = append(loss.What, fmt.Sprintf("%s (%s)", d.table, plural(n, "row", "rows")))
			}
		}
		if len(loss.What) > 0 {
			out = append(out, loss)
		}
	}
	return out, nil
}

// dropped is a table, a column of one, or the rows of a table a WHERE
// clause picks, that a Down section drops.
type dropped struct{ table, column, where string }

// downDrops lists what the Down section of a goose migration drops that
// is not derived. A table the section also creates is being rebuilt (or
// is a scratch copy), not dropped; the rows it deletes from it first are.
func downDrops(src string) []dropped {
	_, down, ok := strings.Cut(src, "-- +goose Down")
	if !ok {
		return nil
	}
	// Comments, and the blocks goose runs as one statement (trigger
	// bodies, whose statements run later, on other rows), are left out.
	var lines []string
	block := false
	for line := range strings.Lines(down) {
		switch t := strings.TrimSpace(line); {
		case t == "-- +goose StatementBegin":
			block = true
		case t == "-- +goose StatementEnd":
			block = false
		case !block && !strings.HasPrefix(t, "--"):
			lines = append(lines, line)
		}
	}
	down = strings.Join(lines, "")
	created := map[string]bool{}
	for _, m := range createTableRE.FindAllStringSubmatch(down, -1) {
		created[m[1]] = true
	}
	var out []dropped
	for _, m := range dropTableRE.FindAllStringSubmatch(down, -1) {
		if !derivedTables[m[1]] && !created[m[1]] {
			out = append(out, dropped{table: m[1]})
		}
	}
	for _, m := range deleteRE.FindAllStringSubmatch(down, -1) {
		d := dropped{table: m[1], where: strings.TrimSpace(m[2])}
		if !derivedTables[m[1]] && !slices.Contains(out, dropped{table: m[1]}) && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, m := range dropColumnRE.FindAllStringSubmatch(down, -1) {
		out = append(out, dropped{table: m[1], column: m[2]})
	}
	return out
}

// countRows counts what d drops: a table's rows, those its WHERE clause
// picks, or a column's non-NULL values. The SQL comes from the embedded
// migrations, never from input.
func (s *Store) countRows(ctx context.Context, d dropped) (int64, error) {
	q := `SELECT count(*) FROM "` + d.table + `"`
	switch {
	case d.column != "":
		q = `SELECT count("` + d.column + `") FROM "` + d.table + `"`
	case d.where != "":
		q = `SELECT count(*) FROM "` + d.table + `" AS "` + d.table + `" ` + d.where
	}
	var n int64
	err := s.DB.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}
