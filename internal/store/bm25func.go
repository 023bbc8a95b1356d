package store

import (
	"database/sql/driver"
	"fmt"
	"sync"

	"modernc.org/sqlite"

	"github.com/catalog-dev/catalog/internal/ftsquery"
)

// bm25Func is the SQL name of catalog's own bm25 inside its connections:
// catalog_bm25(scorer, id, title, abstract, authors) is the score of a row
// by the ftsquery.Scorer registered as scorer (registerScorer), for the
// statements that rank a window of matches in SQL (RankMatches). Like
// catalog_fold it exists only in catalog's connections.
//
// The text arguments are read where SQLite holds them (the driver's
// VolatileArgs: no copy into Go strings, valid for the call only), so a
// statement that ranks 250 matches copies out only the page it returns;
// reading the candidates into Go to rank them cost as much as scoring them.
// The function also counts the rows it scores and keeps the oldest id, the
// window's size and reach, from which Search estimates a phrase's documents
// without another walk of its matches.
const bm25Func = "catalog_bm25"

// scoring is a Scorer registered for one statement, and what it saw.
type scoring struct {
	sc     *ftsquery.Scorer
	n      int64 // rows scored
	oldest int64 // the least id scored; 0 before the first
}

// scorings are the Scorers registered for statements running now, by id.
// A Scorer keeps buffers between calls, so each belongs to one statement,
// whose rows are scored one at a time on the goroutine that steps it.
var scorings = struct {
	sync.Mutex
	m    map[int64]*scoring
	next int64
}{m: make(map[int64]*scoring)}

// registerScorer makes sc available to catalog_bm25 as the id returned,
// until release is called.
func registerScorer(sc *ftsquery.Scorer) (id int64, s *scoring, release func()) {
	s = &scoring{sc: sc}
	scorings.Lock()
	scorings.next++
	id = scorings.next
	scorings.m[id] = s
	scorings.Unlock()
	return id, s, func() {
		scorings.Lock()
		delete(scorings.m, id)
		scorings.Unlock()
	}
}

func init() {
	sqlite.MustRegisterFunction(bm25Func, &sqlite.FunctionImpl{
		NArgs:        5,
		VolatileArgs: true, // the strings are only read during the call
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			key, _ := args[0].(int64)
			scorings.Lock()
			s := scorings.m[key]
			scorings.Unlock()
			if s == nil {
				return nil, fmt.Errorf("%s: no scorer %v", bm25Func, args[0])
			}
			id, _ := args[1].(int64)
			var text [3]string
			for i, a := range args[2:] {
				switch v := a.(type) {
				case string:
					text[i] = v
				case nil:
				default:
					return nil, fmt.Errorf("%s: column %d is %T, not text", bm25Func, i+1, a)
				}
			}
			s.n++
			if s.oldest == 0 || id < s.oldest {
				s.oldest = id
			}
			return s.sc.Score(text[0], text[1], text[2]), nil
		},
	})
}
