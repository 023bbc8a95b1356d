package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// versionTable is goose's bookkeeping table.
const versionTable = "goose_db_version"

func (s *Store) provider() (*goose.Provider, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, s.DB, migrationsFS(),
		goose.WithTableName(versionTable), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// checkVersion refuses, without writing anything, a database that another
// program owns (tables but no goose version table) or that a newer catalog
// has migrated past what this binary knows.
func checkVersion(ctx context.Context, db *sql.DB) error {
	var tables, versioned int
	err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = ?)
		FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`, versionTable).Scan(&tables, &versioned)
	if err != nil {
		return explain(err)
	}
	if versioned == 0 {
		if tables > 0 {
			noun := "tables"
			if tables == 1 {
				noun = "table"
			}
			return fmt.Errorf("not a catalog database: it has %d %s but no %s table", tables, noun, versionTable)
		}
		return nil
	}
	var current int64
	err = db.QueryRowContext(ctx, `SELECT coalesce(max(version_id), 0) FROM `+versionTable+` WHERE is_applied`).Scan(&current)
	if err != nil {
		return explain(err)
	}
	latest, err := latestVersion()
	if err != nil {
		return err
	}
	if current > latest {
		return fmt.Errorf("%w: the file is at schema version %d, this catalog knows up to %d; upgrade catalog", ErrSchemaTooNew, current, latest)
	}
	return nil
}

// latestVersion is the newest migration this binary embeds, from the
// goose file names (NNNNN_name.sql).
func latestVersion() (int64, error) {
	names, err := fs.Glob(migrationsFS(), "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, name := range names {
		prefix, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: name does not start with a version number", name)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// MigrationState is one migration's status.
type MigrationState struct {
	Version int64
	Name    string
	Applied bool
	At      string // when it was applied, RFC 3339, or ""
}

// Migrations lists every migration this binary knows and whether it is
// applied to the database.
func (s *Store) Migrations(ctx context.Context) ([]MigrationState, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", explain(err))
	}
	out := make([]MigrationState, 0, len(st))
	for _, m := range st {
		ms := MigrationState{Version: m.Source.Version, Name: baseName(m.Source.Path), Applied: m.State == goose.StateApplied}
		if ms.Applied {
			ms.At = m.AppliedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
		out = append(out, ms)
	}
	return out, nil
}

// MigrateUp applies pending migrations up to version (0: all). It returns the
// migrations applied.
func (s *Store) MigrateUp(ctx context.Context, version int64) ([]string, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	var res []*goose.MigrationResult
	err = s.oneConn(func() error {
		if version == 0 {
			res, err = p.Up(ctx)
		} else {
			res, err = p.UpTo(ctx, version)
		}
		return err
	})
	return names(res), explainMigration(err)
}

// MigrateDown rolls back migrations down to version (the result keeps
// version applied; 0 rolls back everything). It returns the migrations
// rolled back.
func (s *Store) MigrateDown(ctx context.Context, version int64) ([]string, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	var res []*goose.MigrationResult
	err = s.oneConn(func() error {
		res, err = p.DownTo(ctx, version)
		return err
	})
	return names(res), explainMigration(err)
}

// Version returns the schema version of the database and the newest this
// binary knows.
func (s *Store) Version(ctx context.Context) (current, latest int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	return current, latest, explain(err)
}

func explainMigration(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("migrate: %w", explain(err))
}

func names(res []*goose.MigrationResult) []string {
	out := make([]string, 0, len(res))
	for _, r := range res {
		out = append(out, baseName(r.Source.Path))
	}
	return out
}

func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}

// oneConn runs f, a migration, with the pool held to one connection. A
// migration that must run outside goose's transaction (-- +goose NO
// TRANSACTION: 00010 rebuilds a table with foreign keys off, which no
// transaction can switch) turns a pragma off, begins, commits and turns
// it on again in separate statements, and goose runs each on the pool:
// they must all reach the same connection.
func (s *Store) oneConn(f func() error) error {
	s.DB.SetMaxOpenConns(1)
	defer s.DB.SetMaxOpenConns(0)
	return f()
}
