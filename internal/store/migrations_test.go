package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// TestEveryMigrationDownAndUp takes each embedded migration, newest first,
// down and up again on a populated catalog, and checks after every step
// that the tables of the migrations below it keep every row (in the
// columns those migrations give them: a migration may add columns), that the
// schema is the one a fresh database has at that version, and that the
// full-text index and its triggers are sound. It reads the list of
// migrations from the embedded files, so new ones are covered as they are
// added.
func TestEveryMigrationDownAndUp(t *testing.T) {
	ctx := context.Background()
	versions := embeddedVersions(t)
	latest := versions[len(versions)-1]

	// The schema each version has, from a fresh database.
	fresh, _ := openTempNoMigrate(t)
	schemaAt := map[int64][]string{0: schemaObjects(t, fresh.DB)}
	columnsAt := map[int64]map[string][]string{0: tableColumns(t, fresh.DB)}
	for _, v := range versions {
		if _, err := fresh.MigrateUp(ctx, v); err != nil {
			t.Fatalf("fresh database: up to %d: %v", v, err)
		}
		schemaAt[v] = schemaObjects(t, fresh.DB)
		columnsAt[v] = tableColumns(t, fresh.DB)
	}

	s, _ := openTemp(t)
	populate(t, s, "first")
	for i := len(versions) - 1; i >= 0; i-- {
		v, prev := versions[i], int64(0)
		if i > 0 {
			prev = versions[i-1]
		}
		t.Run(fmt.Sprintf("%05d", v), func(t *testing.T) {
			before := tableDigestsOf(t, s.DB, columnsAt[prev])

			if _, err := s.MigrateDown(ctx, prev); err != nil {
				t.Fatalf("down to %d: %v", prev, err)
			}
			if got := schemaObjects(t, s.DB); !slices.Equal(got, schemaAt[prev]) {
				t.Errorf("schema after down to %d:\n got %v\nwant %v (a fresh database at %d)", prev, got, schemaAt[prev], prev)
			}
			kept := tableDigestsOf(t, s.DB, columnsAt[prev])
			for table, digest := range kept {
				if digest != before[table] {
					t.Errorf("down to %d: table %s changed (%s, was %s)", prev, table, digest, before[table])
				}
			}
			checkSchemaSound(t, s, prev)

			if _, err := s.MigrateUp(ctx, 0); err != nil {
				t.Fatalf("up again from %d: %v", prev, err)
			}
			if got := schemaObjects(t, s.DB); !slices.Equal(got, schemaAt[latest]) {
				t.Errorf("schema after up again:\n got %v\nwant %v", got, schemaAt[latest])
			}
			after := tableDigestsOf(t, s.DB, columnsAt[prev])
			for table, digest := range kept {
				if after[table] != digest {
					t.Errorf("up again: table %s changed (%s, was %s)", table, after[table], digest)
				}
			}
			checkSchemaSound(t, s, latest)
			if problems := failed(t, s); len(problems) > 0 {
				t.Errorf("doctor after up again: problems %v", problems)
			}
			// The catalog takes new papers and finds them.
			populate(t, s, fmt.Sprintf("after%d", v))
		})
	}
}

// populate imports a few papers as a new source, some merging into the
// papers already there.
func populate(t *testing.T, s *Store, tag string) {
	t.Helper()
	fresh := importer.Record{Title: "Migrations keep " + tag, Year: 2024,
		Authors: people("Keeper, Rows", "Müller, Jürgen"), Abstract: "Kept across down and up."}
	importPapers(t, s, SourceInfo{Path: tag + ".bib", SHA256: tag, Format: "bibtex"},
		paper(t, attention), paper(t, bert), paper(t, muller), paper(t, fresh))
	hits, err := s.Search(context.Background(), `"`+tag+`"`, SearchOptions{Limit: 5})
	if err != nil || len(hits) != 1 {
		t.Fatalf("search %q after import: %v, %v", tag, hits, err)
	}
}

// checkSchemaSound checks, at version v (0: empty), the FTS index and
// that every trigger the migrations up to v create is there as written.
func checkSchemaSound(t *testing.T, s *Store, v int64) {
	t.Helper()
	var applied []int64
	for _, m := range embeddedVersions(t) {
		if m <= v {
			applied = append(applied, m)
		}
	}
	want, err := migrationTriggers(applied)
	if err != nil {
		t.Fatal(err)
	}
	missing, altered, err := triggerDrift(context.Background(), s.DB, want)
	if err != nil || len(missing)+len(altered) > 0 {
		t.Errorf("version %d: triggers missing %v, altered %v, %v", v, missing, altered, err)
	}
	if n := count(t, s.DB, "SELECT count(*) FROM sqlite_schema WHERE name = 'papers_fts'"); n == 1 {
		checkIntegrity(t, s.DB) // the file and the index
		return
	}
	var res string
	if err := s.DB.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Errorf("version %d: integrity_check: %q, %v", v, res, err)
	}
}

func embeddedVersions(t *testing.T) []int64 {
	t.Helper()
	names, err := fs.Glob(migrationsFS(), "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded migrations: %v, %v", names, err)
	}
	var out []int64
	for _, name := range names {
		prefix, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			t.Fatalf("migration %s: %v", name, err)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func openTempNoMigrate(t *testing.T) (*Store, string) {
	t.Helper()
	path := t.TempDir() + "/fresh.db"
	s, err := Open(context.Background(), path, Options{NoMigrate: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// schemaObjects lists the schema as "type name: sql" lines, goose's table
// aside, whitespace collapsed.
func schemaObjects(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_schema
		WHERE name <> ? AND name NOT LIKE 'sqlite_%' ORDER BY type, name`, versionTable)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			t.Fatal(err)
		}
		out = append(out, typ+" "+name+": "+strings.Join(strings.Fields(def), " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// tableDigests returns a digest of every ordinary table's rows (FTS shadow
// tables included, virtual tables and goose's table left out), so that two
// calls tell whether any row changed.
func tableDigests(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	return tableDigestsOf(t, db, tableColumns(t, db))
}

// tableDigestsOf returns a digest of the rows of the tables of cols, in
// the columns cols names for each.
func tableDigestsOf(t *testing.T, db *sql.DB, cols map[string][]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for table, c := range cols {
		out[table] = tableDigest(t, db, table, c)
	}
	return out
}

// tableColumns lists the columns of every ordinary table (see
// tableDigests).
func tableColumns(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	rows, err := db.Query(`SELECT m.name, c.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS c
		WHERE m.type = 'table' AND m.name <> ? AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE 'CREATE VIRTUAL%'
		ORDER BY m.name, c.cid`, versionTable)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func tableDigest(t *testing.T, db *sql.DB, table string, columns []string) string {
	t.Helper()
	rows, err := db.Query(`SELECT "` + strings.Join(columns, `", "`) + `" FROM "` + table + `"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var lines []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%q", vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(h[:6]))
}
