package store

import (
	"context"
	"database/sql"
	"strings"
)

// batchRows is how many rows one multi-row INSERT of a rowBatch writes.
const batchRows = 256

// rowBatch holds rows for one table until there are batchRows of them and
// writes them in one INSERT. An import writes four or five authorship rows
// and a provenance row per record; one statement each cost about 3 µs of
// database/sql and driver overhead on top of the insert itself, 1.2 million
// times for the corpora. The rows a batch holds are invisible to queries
// until flush, so the import flushes before it reads the table.
//
// These statements are written here, not by sqlc: sqlc has no multi-row
// INSERT of a variable number of rows.
type rowBatch struct {
	insert string // "INSERT INTO t (a, b, c) VALUES "
	row    string // "(?,?,?)"
	cols   int
	args   []any
	full   *sql.Stmt // prepared for batchRows rows, on first use
}

func newRowBatch(table string, cols ...string) *rowBatch {
	return &rowBatch{
		insert: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		row:    "(" + strings.Repeat("?,", len(cols)-1) + "?)",
		cols:   len(cols),
	}
}

// add queues one row (len(vals) == the columns) and writes the batch when
// it is full.
func (b *rowBatch) add(ctx context.Context, conn *sql.Conn, vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) < b.cols*batchRows {
		return nil
	}
	return b.flush(ctx, conn)
}

// flush writes the rows queued.
func (b *rowBatch) flush(ctx context.Context, conn *sql.Conn) error {
	n := len(b.args) / b.cols
	if n == 0 {
		return nil
	}
	var err error
	if n == batchRows {
		if b.full == nil {
			if b.full, err = conn.PrepareContext(ctx, b.sql(n)); err != nil {
				return err
			}
		}
		_, err = b.full.ExecContext(ctx, b.args...)
	} else {
		_, err = conn.ExecContext(ctx, b.sql(n), b.args...)
	}
	clear(b.args) // drop the references to the strings
	b.args = b.args[:0]
	return err
}

func (b *rowBatch) sql(n int) string { return multiRowSQL(b.insert, b.row, n) }

// multiRowSQL is insert followed by n copies of row, comma-separated.
func multiRowSQL(insert, row string, n int) string {
	var sb strings.Builder
	sb.Grow(len(insert) + n*(len(row)+1))
	sb.WriteString(insert)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// close releases the prepared statement; queued rows are dropped.
func (b *rowBatch) close() {
	if b.full != nil {
		b.full.Close()
		b.full = nil
	}
	b.args = b.args[:0]
}
