package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"catalog": func() {
			os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the end-to-end transcripts in testdata/script: each is a
// short session of catalog commands with their input files inline.
func TestScripts(t *testing.T) {
	seed, err := filepath.Abs("../../internal/importer/testdata/profile/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The shipped sample, as the README's first command imports it.
	sample, err := filepath.Abs("../../sample/profile-chan-chi-min.txt")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("SEED", seed)
			e.Setenv("SAMPLE", sample)
			e.Setenv("IMPORTER_TESTDATA", filepath.Dir(filepath.Dir(seed)))
			e.Setenv("CATALOG_DB", "")
			// Bytes no one types, for messages that must escape them.
			e.Setenv("BINARY", "\x01\xff")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sql": cmdSQL,
		},
	})
}

// cmdSQL runs a query on a database file and prints its rows, one per line,
// columns separated by '|', as the sqlite3 shell does:
//
//	sql catalog.db 'SELECT count(*) FROM papers'
func cmdSQL(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sql DBFILE QUERY")
	}
	db, err := sql.Open("sqlite", ts.MkAbs(args[0]))
	ts.Check(err)
	defer db.Close()
	rows, err := db.Query(args[1])
	if neg {
		if err == nil {
			ts.Fatalf("query succeeded")
		}
		return
	}
	ts.Check(err)
	defer rows.Close()
	cols, err := rows.Columns()
	ts.Check(err)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out strings.Builder
	for rows.Next() {
		ts.Check(rows.Scan(ptrs...))
		for i, v := range vals {
			if i > 0 {
				out.WriteByte('|')
			}
			if v != nil {
				fmt.Fprintf(&out, "%v", v)
			}
		}
		out.WriteByte('\n')
	}
	ts.Check(rows.Err())
	ts.Stdout().Write([]byte(out.String()))
}
