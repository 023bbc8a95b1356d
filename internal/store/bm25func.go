package store

import (
	"database/sql/driver"
	"fmt"
	"sync"

	"modernc.org/sqlite"

	"github.com/catalog-dev/catalog/internal/ftsquery"
)

// bm25Func is the SQL name of catalog's own bm25 inside its connections:
// catalog_bm25(scorer, title, abstract, authors) is the score of a row
// by the ftsquery.Scorer registered as scorer (registerScorer), for the
// statements that rank a window of matches in SQL (RankMatches). Like
// catalog_fold it exists only in catalog's connections.
//
// The text arguments are read where SQLite holds them (the driver's
// VolatileArgs: no copy into Go strings, valid for the call only), so a
// statement that ranks 500 matches copies out only the page it returns;
// reading the candidates into Go to rank them cost as much as scoring them.
const bm25Func = "catalog_bm25"

// scorers are the Scorers registered for statements running now, by id.
// A Scorer keeps buffers between calls, so each belongs to one statement.
var scorers = struct {
	sync.Mutex
	m    map[int64]*ftsquery.Scorer
	next int64
}{m: make(map[int64]*ftsquery.Scorer)}

// registerScorer makes sc available to catalog_bm25 as the id returned,
// until release is called.
func registerScorer(sc *ftsquery.Scorer) (id int64, release func()) {
	scorers.Lock()
	scorers.next++
	id = scorers.next
	scorers.m[id] = sc
	scorers.Unlock()
	return id, func() {
		scorers.Lock()
		delete(scorers.m, id)
		scorers.Unlock()
	}
}

func init() {
	sqlite.MustRegisterFunction(bm25Func, &sqlite.FunctionImpl{
		NArgs:        4,
		VolatileArgs: true, // the strings are only read during the call
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			id, _ := args[0].(int64)
			scorers.Lock()
			sc := scorers.m[id]
			scorers.Unlock()
			if sc == nil {
				return nil, fmt.Errorf("%s: no scorer %v", bm25Func, args[0])
			}
			var text [3]string
			for i, a := range args[1:] {
				switch v := a.(type) {
				case string:
					text[i] = v
				case nil:
				default:
					return nil, fmt.Errorf("%s: column %d is %T, not text", bm25Func, i+1, a)
				}
			}
			return sc.Score(text[0], text[1], text[2]), nil
		},
	})
}
