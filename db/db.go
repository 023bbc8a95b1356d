// Package db holds the catalog's SQL: goose migrations, which the binary
// embeds and runs on open, and the sqlc query files generated into
// internal/dbgen.
package db

import "embed"

// Migrations holds the goose migration files, migrations/NNNNN_name.sql.
//
//go:embed migrations/*.sql
var Migrations embed.FS
