package store

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

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
	// and deterministic, so SQLite may use it in indexes and constant
	// folding. Its argument is read where SQLite holds it (VolatileArgs: a
	// venue filter calls it for each paper it walks past, tens of
	// thousands for a common venue); foldCached copies what it keeps.
	sqlite.MustRegisterFunction(foldFunc, &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		VolatileArgs:  true,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case nil:
				return nil, nil
			case string:
				return foldCached(v), nil
			case []byte:
				return foldCached(string(v)), nil
			default:
				return importer.Fold(fmt.Sprint(v)), nil
			}
		},
	})
}

// foldCache remembers recent folds: a venue filter folds the venue of every
// row it looks at, and a catalog has a few thousand distinct venues over
// hundreds of thousands of rows. A lookup is about 20 times cheaper than
// the fold (NFKD). It is emptied when it reaches foldCacheSize entries, so
// it stays small whatever it is asked.
var foldCache = struct {
	sync.Mutex
	m map[string]string
}{m: make(map[string]string)}

const foldCacheSize = 1 << 14

// foldCached is importer.Fold through foldCache. s may be memory SQLite
// owns (catalog_fold's argument): it is copied before it is kept, and the
// fold returned is always a string of its own.
func foldCached(s string) string {
	foldCache.Lock()
	f, ok := foldCache.m[s]
	foldCache.Unlock()
	if ok {
		return f
	}
	s = strings.Clone(s)
	f = importer.Fold(s)
	foldCache.Lock()
	if len(foldCache.m) >= foldCacheSize {
		clear(foldCache.m)
	}
	foldCache.m[s] = f
	foldCache.Unlock()
	return f
}
