package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/catalog-dev/catalog/internal/dbgen"
)

// Check is the outcome of one of catalog doctor's checks.
type Check struct {
	// Name is short and stable: schema, integrity, foreign keys, fts index,
	// triggers, authors.
	Name string
	// Problem says what is wrong; "" when the check passed.
	Problem string
	// Detail says what was checked, for a check that passed.
	Detail string
	// Repairable means Repair fixes the problem.
	Repairable bool
}

// OK reports whether the check passed.
func (c Check) OK() bool { return c.Problem == "" }

// Doctor checks the database: the schema version, SQLite's own integrity
// and foreign-key checks, the full-text index against the papers table,
// the triggers that keep it in step, and papers.authors against
// authorship (and editorship, for a paper without authors). It changes
// nothing. An error means a check could not run
// for a reason outside the file (a canceled context, a locked database).
func (s *Store) Doctor(ctx context.Context) ([]Check, error) {
	schema, applied, err := s.checkSchema(ctx)
	if err != nil {
		return nil, err
	}
	checks := []Check{schema}
	if len(applied) == 0 {
		return checks, nil // no catalog tables to look at
	}
	for _, check := range []func(context.Context) (Check, error){
		s.checkIntegrity,
		s.checkForeignKeys,
		s.checkFTSIndex,
		func(ctx context.Context) (Check, error) { return s.checkTriggers(ctx, applied) },
		func(ctx context.Context) (Check, error) { return s.checkIndexes(ctx, applied) },
		func(ctx context.Context) (Check, error) { return s.checkVenues(ctx, applied) },
		func(ctx context.Context) (Check, error) { return s.checkAuthors(ctx, applied) },
	} {
		c, err := check(ctx)
		if err != nil {
			return checks, err
		}
		checks = append(checks, c)
	}
	return checks, nil
}

// checkSchema compares the applied migrations with those this binary
// embeds, and returns the applied versions.
func (s *Store) checkSchema(ctx context.Context) (Check, []int64, error) {
	c := Check{Name: "schema"}
	list, err := s.Migrations(ctx)
	if err != nil {
		return c, nil, err
	}
	var applied []int64
	var pending []string
	for _, m := range list {
		if m.Applied {
			applied = append(applied, m.Version)
		} else {
			pending = append(pending, m.Name)
		}
	}
	current, latest, err := s.Version(ctx)
	if err != nil {
		return c, nil, err
	}
	switch {
	case len(applied) == 0:
		c.Problem = fmt.Sprintf("no migration applied (latest is %d): run 'catalog migrate up'", latest)
	case len(pending) > 0:
		c.Problem = fmt.Sprintf("version %d of %d, pending: %s: run 'catalog migrate up'", current, latest, strings.Join(pending, ", "))
	default:
		c.Detail = fmt.Sprintf("version %d of %d", current, latest)
	}
	return c, applied, nil
}

// checkIntegrity runs PRAGMA integrity_check, which reads the whole file.
// https://www.sqlite.org/pragma.html#pragma_integrity_check
func (s *Store) checkIntegrity(ctx context.Context) (Check, error) {
	c := Check{Name: "integrity", Detail: "PRAGMA integrity_check"}
	lines, err := s.pragmaRows(ctx, "PRAGMA integrity_check(10)")
	switch {
	case ctx.Err() != nil:
		return c, ctx.Err()
	case err != nil:
		c.Problem = fmt.Sprintf("cannot run: %v: restore a backup, or try sqlite3's .recover", explain(err))
	case len(lines) != 1 || lines[0] != "ok":
		c.Problem = strings.Join(lines, "; ") + ": restore a backup, or try sqlite3's .recover"
	}
	return c, nil
}

// checkForeignKeys runs PRAGMA foreign_key_check: rows that reference a row
// that does not exist.
// https://www.sqlite.org/pragma.html#pragma_foreign_key_check
func (s *Store) checkForeignKeys(ctx context.Context) (Check, error) {
	c := Check{Name: "foreign keys", Detail: "PRAGMA foreign_key_check"}
	rows, err := s.DB.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		c.Problem = fmt.Sprintf("cannot run: %v", explain(err))
		return c, nil
	}
	defer rows.Close()
	type link struct{ table, parent string }
	counts := map[link]int{}
	var order []link
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return c, err
		}
		l := link{table, parent}
		if counts[l] == 0 {
			order = append(order, l)
		}
		counts[l]++
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		c.Problem = fmt.Sprintf("cannot run: %v", explain(err))
		return c, nil
	}
	var parts []string
	c.Repairable = len(order) > 0
	for _, l := range order {
		rows := "rows point"
		if counts[l] == 1 {
			rows = "row points"
		}
		parts = append(parts, fmt.Sprintf("%d %s %s to a missing %s row", counts[l], l.table, rows, l.parent))
		// Rows left behind by a deletion are what Repair removes; any
		// other dangling reference is damage it cannot undo.
		c.Repairable = c.Repairable && danglingRepaired[l.table]
	}
	if len(parts) > 0 {
		c.Problem = strings.Join(parts, "; ")
	}
	return c, nil
}

// danglingRepaired are the tables whose rows Repair deletes when they
// point to a missing row: what a paper, author or source deleted by a
// client without foreign keys (the sqlite3 shell's default) leaves.
var danglingRepaired = map[string]bool{"authorship": true, "editorship": true, "paper_sources": true}

// repairDangling deletes the rows danglingRepaired names (editorship's
// from schema 00009 on).
func repairDangling(ctx context.Context, q *dbgen.Queries, editorship bool) ([]string, error) {
	var done []string
	if editorship {
		n, err := q.DeleteDanglingEditorship(ctx)
		if err != nil {
			return nil, fmt.Errorf("delete dangling editorship rows: %w", err)
		}
		if n > 0 {
			done = append(done, fmt.Sprintf("deleted %s whose paper or person is gone", plural(n, "editorship row", "editorship rows")))
		}
	}
	n, err := q.DeleteDanglingAuthorship(ctx)
	if err != nil {
		return nil, fmt.Errorf("delete dangling authorship rows: %w", err)
	}
	if n > 0 {
		done = append(done, fmt.Sprintf("deleted %s whose paper or author is gone", plural(n, "authorship row", "authorship rows")))
	}
	n, err = q.DeleteDanglingPaperSources(ctx)
	if err != nil {
		return nil, fmt.Errorf("delete dangling paper_sources rows: %w", err)
	}
	if n > 0 {
		done = append(done, fmt.Sprintf("deleted %s whose paper or source is gone (importing the source again brings its records back)", plural(n, "paper_sources row", "paper_sources rows")))
	}
	return done, nil
}

// plural is n with the noun's singular or plural form.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// checkFTSIndex compares the full-text index with the papers table.
func (s *Store) checkFTSIndex(ctx context.Context) (Check, error) {
	c := Check{Name: "fts index", Detail: "papers_fts matches papers"}
	err := s.Q.CheckFTSIndex(ctx)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return c, ctx.Err()
	case isCorrupt(err):
		c.Problem, c.Repairable = "the full-text index does not match the papers table", true
	case isBusy(err):
		return c, explain(err)
	default:
		c.Problem, c.Repairable = fmt.Sprintf("cannot check the full-text index: %v", err), true
	}
	return c, nil
}

// checkTriggers looks for the triggers the applied migrations create, with
// the SQL they create them with.
func (s *Store) checkTriggers(ctx context.Context, applied []int64) (Check, error) {
	c := Check{Name: "triggers"}
	want, err := migrationTriggers(applied)
	if err != nil {
		return c, err
	}
	missing, altered, err := triggerDrift(ctx, s.DB, want)
	if err != nil {
		return c, err
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing: "+strings.Join(missing, ", "))
	}
	if len(altered) > 0 {
		parts = append(parts, "not as the migrations define them: "+strings.Join(altered, ", "))
	}
	if len(parts) > 0 {
		c.Problem, c.Repairable = strings.Join(parts, "; "), true
	} else {
		c.Detail = strings.Join(slices.Sorted(maps.Keys(want)), ", ")
	}
	return c, nil
}

// checkIndexes looks for the indexes and views the applied migrations
// create, as they create them: an index dropped by hand made every
// command fail ("no such index") that doctor said all was well with.
func (s *Store) checkIndexes(ctx context.Context, applied []int64) (Check, error) {
	c := Check{Name: "indexes", Detail: "the indexes and views of the migrations"}
	var parts []string
	for _, kind := range []string{"index", "view"} {
		want, err := migrationObjects(applied, kind)
		if err != nil {
			return c, err
		}
		missing, altered, err := objectDrift(ctx, s.DB, kind, want)
		if err != nil {
			return c, err
		}
		if len(missing) > 0 {
			parts = append(parts, kind+" missing: "+strings.Join(missing, ", "))
		}
		if len(altered) > 0 {
			parts = append(parts, kind+" not as the migrations define it: "+strings.Join(altered, ", "))
		}
	}
	if len(parts) > 0 {
		c.Problem, c.Repairable = strings.Join(parts, "; "), true
	}
	return c, nil
}

// venuesVersion is the migration that made the venues table.
const venuesVersion = 6

// checkVenues looks for venues of papers missing from the venues table,
// which a --venue filter reads to find a venue's papers: emptied by hand,
// the filter found nothing.
func (s *Store) checkVenues(ctx context.Context, applied []int64) (Check, error) {
	c := Check{Name: "venues", Detail: "every paper's venue is in venues"}
	if !slices.Contains(applied, venuesVersion) {
		return c, nil
	}
	n, err := s.Q.CountMissingVenues(ctx)
	if err != nil {
		return c, explain(err)
	}
	if n > 0 {
		c.Problem = fmt.Sprintf("%s of papers missing from the venues table (a --venue filter cannot find their papers)", plural(n, "venue", "venues"))
		c.Repairable = true
	}
	return c, nil
}

// staleShown bounds the papers a failed authors check names.
const staleShown = 3

// editorsVersion is the migration that adds editorship: from it on, a
// paper without authors keeps its editors' names in papers.authors.
const editorsVersion = 9

// checkAuthors compares papers.authors, the author string the full-text
// index holds, with the ordered names in authorship (or, for a paper
// without authors, editorship: the paper_names view).
func (s *Store) checkAuthors(ctx context.Context, applied []int64) (Check, error) {
	c := Check{Name: "authors", Detail: "papers.authors matches authorship"}
	count, stale := s.Q.CountStaleAuthors, s.Q.StaleAuthors
	if slices.Contains(applied, editorsVersion) {
		c.Detail = "papers.authors matches authorship, or editorship for a paper without authors"
		count = s.Q.CountStaleNames
		stale = func(ctx context.Context, limit int64) ([]dbgen.StaleAuthorsRow, error) {
			rows, err := s.Q.StaleNames(ctx, limit)
			out := make([]dbgen.StaleAuthorsRow, len(rows))
			for i, r := range rows {
				out[i] = dbgen.StaleAuthorsRow(r)
			}
			return out, err
		}
	}
	n, err := count(ctx)
	if err != nil {
		return c, explain(err)
	}
	if n == 0 {
		return c, nil
	}
	rows, err := stale(ctx, staleShown)
	if err != nil {
		return c, explain(err)
	}
	var ex []string
	for _, r := range rows {
		ex = append(ex, fmt.Sprintf("paper %d has %q, authorship says %q", r.ID, r.Kept, r.Listed))
	}
	more := ""
	if n > int64(len(rows)) {
		more = ", ..."
	}
	noun := "papers have an author string"
	if n == 1 {
		noun = "paper has an author string"
	}
	c.Problem = fmt.Sprintf("%d %s that differs from authorship (%s%s)", n, noun, strings.Join(ex, "; "), more)
	c.Repairable = true
	return c, nil
}

// Repair rebuilds, in one transaction, what Doctor finds wrong and can be
// rebuilt from the rest of the file: it recreates missing or altered
// triggers from the migrations' SQL, rewrites papers.authors from
// authorship, and rebuilds the full-text index when it does not match
// the papers table, and deletes authorship and paper_sources rows whose
// paper, author or source is gone. It returns what it did, nothing when
// all was well. Damage to the file itself (integrity) is beyond it.
func (s *Store) Repair(ctx context.Context) ([]string, error) {
	list, err := s.Migrations(ctx)
	if err != nil {
		return nil, err
	}
	var applied []int64
	for _, m := range list {
		if m.Applied {
			applied = append(applied, m.Version)
		}
	}
	if len(applied) == 0 {
		return nil, nil
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("repair: %w", explain(err))
	}
	defer tx.Rollback()
	done, err := repair(ctx, tx, s.Q.WithTx(tx), applied)
	if err != nil {
		return nil, fmt.Errorf("repair: %w", explain(err))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("repair: %w", explain(err))
	}
	return done, nil
}

func repair(ctx context.Context, tx *sql.Tx, q *dbgen.Queries, applied []int64) ([]string, error) {
	var done []string
	// Views first: the triggers and the author strings' repair read them.
	for _, kind := range []string{"view", "index", "trigger"} {
		want, err := migrationObjects(applied, kind)
		if err != nil {
			return nil, err
		}
		missing, altered, err := objectDrift(ctx, tx, kind, want)
		if err != nil {
			return nil, err
		}
		for _, name := range slices.Concat(missing, altered) {
			if _, err := tx.ExecContext(ctx, "DROP "+kind+" IF EXISTS "+name); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, want[name]); err != nil {
				return nil, fmt.Errorf("recreate %s %s: %w", kind, name, err)
			}
			done = append(done, "recreated "+kind+" "+name)
		}
	}
	if slices.Contains(applied, venuesVersion) {
		n, err := q.AddMissingVenues(ctx)
		if err != nil {
			return nil, fmt.Errorf("add missing venues: %w", err)
		}
		if n > 0 {
			if err := q.FoldVenues(ctx); err != nil {
				return nil, fmt.Errorf("fold venues: %w", err)
			}
			done = append(done, fmt.Sprintf("added %s to the venues table", plural(n, "venue", "venues")))
		}
	}
	editorship := slices.Contains(applied, editorsVersion)
	dangling, err := repairDangling(ctx, q, editorship)
	if err != nil {
		return nil, err
	}
	done = append(done, dangling...)
	rebuild := func() error {
		if err := q.RebuildFTSIndex(ctx); err != nil {
			return fmt.Errorf("rebuild the full-text index: %w", err)
		}
		done = append(done, "rebuilt the full-text index")
		return nil
	}
	rebuilt := false
	// The update trigger reindexes each paper whose author string changes;
	// on an index too damaged for that, rebuild first.
	repairAuthors := q.RepairAuthors
	if editorship {
		repairAuthors = q.RepairNames
	}
	n, err := repairAuthors(ctx)
	if err != nil && isCorrupt(err) {
		if err := rebuild(); err != nil {
			return nil, err
		}
		rebuilt = true
		n, err = repairAuthors(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("rewrite author strings: %w", err)
	}
	if n > 0 {
		papers := "papers"
		if n == 1 {
			papers = "paper"
		}
		done = append(done, fmt.Sprintf("rewrote the author string of %d %s from authorship", n, papers))
	}
	if !rebuilt {
		err := q.CheckFTSIndex(ctx)
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			if err := rebuild(); err != nil {
				return nil, err
			}
		}
	}
	return done, nil
}

// querier is what triggerDrift needs of a *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// triggerDrift lists the triggers of want that the database lacks, and
// those whose SQL differs from want's (whitespace aside).
func triggerDrift(ctx context.Context, db querier, want map[string]string) (missing, altered []string, err error) {
	return objectDrift(ctx, db, "trigger", want)
}

// objectDrift is triggerDrift for any kind of object (migrationObjects).
func objectDrift(ctx context.Context, db querier, kind string, want map[string]string) (missing, altered []string, err error) {
	rows, err := db.QueryContext(ctx, "SELECT name, sql FROM sqlite_schema WHERE type = ?", kind)
	if err != nil {
		return nil, nil, explain(err)
	}
	defer rows.Close()
	have := map[string]string{}
	for rows.Next() {
		var name string
		var def sql.NullString
		if err := rows.Scan(&name, &def); err != nil {
			return nil, nil, err
		}
		have[name] = def.String
	}
	if err := rows.Err(); err != nil {
		return nil, nil, explain(err)
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		def, ok := have[name]
		switch {
		case !ok:
			missing = append(missing, name)
		case sameSQL(def, want[name]):
		default:
			altered = append(altered, name)
		}
	}
	return missing, altered, nil
}

// sameSQL compares two statements with whitespace collapsed and without a
// final semicolon.
func sameSQL(a, b string) bool {
	norm := func(s string) string {
		return strings.TrimSuffix(strings.Join(strings.Fields(s), " "), ";")
	}
	return norm(a) == norm(b)
}

var (
	createObject = regexp.MustCompile(`(?is)^CREATE\s+(?:TEMP\s+|TEMPORARY\s+|UNIQUE\s+)?(TRIGGER|INDEX|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?["\x60\[]?(\w+)["\x60\]]?(?:\s+ON\s+["\x60\[]?(\w+))?`)
	dropObject   = regexp.MustCompile(`(?is)^DROP\s+(TRIGGER|INDEX|VIEW|TABLE)\s+(?:IF\s+EXISTS\s+)?["\x60\[]?(\w+)`)
)

// migrationTriggers returns the triggers that the migrations of the given
// versions leave in place, name to CREATE TRIGGER statement, read from the
// embedded goose files: the migrations stay the one place their SQL is
// written.
func migrationTriggers(versions []int64) (map[string]string, error) {
	return migrationObjects(versions, "trigger")
}

// migrationObjects is migrationTriggers for any kind of schema object
// SQLite keeps by name: "trigger", "index" or "view". An index goes with
// its table when a migration drops the table.
func migrationObjects(versions []int64, kind string) (map[string]string, error) {
	names, err := fs.Glob(migrationsFS(), "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names) // zero-padded: name order is version order
	out := map[string]string{}
	on := map[string]string{} // object -> its table
	for _, name := range names {
		prefix, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil || !slices.Contains(versions, v) {
			continue
		}
		src, err := fs.ReadFile(migrationsFS(), name)
		if err != nil {
			return nil, err
		}
		for _, stmt := range upStatements(string(src)) {
			if m := createObject.FindStringSubmatch(stmt); m != nil && strings.EqualFold(m[1], kind) {
				out[m[2]], on[m[2]] = stmt, m[3]
			} else if m := dropObject.FindStringSubmatch(stmt); m != nil && strings.EqualFold(m[1], kind) {
				delete(out, m[2])
			} else if m != nil && strings.EqualFold(m[1], "table") {
				for obj, table := range on {
					if strings.EqualFold(table, m[2]) {
						delete(out, obj)
					}
				}
			}
		}
	}
	return out, nil
}

// upStatements splits the Up section of a goose SQL migration into
// statements as goose does: a statement ends with a line ending in ';',
// except between "-- +goose StatementBegin" and "-- +goose StatementEnd".
// Comment lines are left out.
func upStatements(src string) []string {
	var out []string
	var cur strings.Builder
	up, block := false, false
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "-- +goose ") {
			switch strings.Fields(trimmed)[2] {
			case "Up":
				up = true
			case "Down":
				flush()
				return out
			case "StatementBegin":
				flush()
				block = true
			case "StatementEnd":
				flush()
				block = false
			}
			continue
		}
		if !up || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if !block && strings.HasSuffix(trimmed, ";") {
			flush()
		}
	}
	flush()
	return out
}

func (s *Store) pragmaRows(ctx context.Context, pragma string) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		out = append(out, line)
	}
	return out, rows.Err()
}

func isCorrupt(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CORRUPT
}
