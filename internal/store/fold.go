package store

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"

	"github.com/catalog-dev/catalog/internal/importer"
)

// foldFunc is the SQL name of importer.Fold inside catalog's connections.
// SQLite's lower(), LIKE and NOCASE fold ASCII only, so a filter that must
// treat 'Zürich' and 'zurich' alike calls the Go folding that built the
// identity keys. The sqlite3 shell does not have it: the views and
// everything a user may paste never use it, only catalog's own queries.
const foldFunc = "catalog_fold"

func init() {
	// Registered on the driver, so every connection catalog opens has it,
	// and deterministic, so SQLite may use it in indexes and constant folding.
	sqlite.MustRegisterDeterministicScalarFunction(foldFunc, 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return importer.Fold(v), nil
		case []byte:
			return importer.Fold(string(v)), nil
		default:
			return importer.Fold(fmt.Sprint(v)), nil
		}
	})
}
