package ftsquery

import (
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

func TestPlain(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"attention", `"attention"`},
		{"attention is all", `"attention" "all"`},
		{"the", `"the"`},
		{"of the", `"of" "the"`},
		{"the transformer", `"transformer"`},
		{"the*", `"the"*`},
		{"state-of-the-art", `"state of the art"`},
		{"self-attention", `"self attention"`},
		{"C++", `"C"`},
		{`unbalanced "quote`, `"unbalanced" "quote"`},
		{"AND", `"AND"`},
		{"graph OR NOT tree", `"graph" "tree"`},
		{"NEAR(a b)", `"NEAR a" "b"`},
		{"title:bert", `"title bert"`},
		{"transform*", `"transform"*`},
		{"transform*.", `"transform"*`},
		{"GPT-4*", `"GPT 4"*`},
		{"Müller", `"Müller"`},
		{"日本語 テキスト", `"日本語" "テキスト"`},
		{"++ -- **", ``},
		{"", ``},
		{"  spaced\tout\n", `"spaced" "out"`},
		// A word given twice is kept once, in any case or accents.
		{"learning learning LEARNING", `"learning"`},
		{"Müller muller deep MULLER", `"Müller" "deep"`},
		{"the the", `"the"`},
		{"self-attention self attention Self-Attention", `"self attention" "self" "attention"`},
		{"trans* trans trans*", `"trans"* "trans"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Plain(tt.in); got != tt.want {
				t.Errorf("Plain(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// ftsDB opens an FTS5 table configured like the catalog's.
func ftsDB(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", filepath.Join(tb.TempDir(), "fts.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	_, err = db.Exec(`CREATE VIRTUAL TABLE t USING fts5(title, abstract, authors, tokenize="unicode61 remove_diacritics 2");
		INSERT INTO t VALUES ('Self-Attention with Relative Positions', 'C++ and Müller', 'Shaw, Peter')`)
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

// FuzzPlain: whatever the user types, Plain's output is a valid FTS5 query,
// with no phrase repeated.
func FuzzPlain(f *testing.F) {
	for _, s := range append([]string{"self-attention", "C++", `"`, "AND", "a OR b", "NEAR(x y, 2)", "title:x", "x*", "^x", "-x", "(x", "x)", "'", "\x00", "é\u0301", "\U0010ffff", "a\u200bb", "a A á"}, hostileQueries...) {
		f.Add(s)
	}
	db := ftsDB(f)
	stmt, err := db.Prepare("SELECT count(*) FROM t WHERE t MATCH ?")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := Plain(text)
		if q == "" {
			return
		}
		var n int
		if err := stmt.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("Plain(%q) = %q: FTS5 rejects it: %v", text, q, err)
		}
		// Nothing repeated is left for FTS5 to do twice.
		if c := Collapse(q); c != q {
			t.Errorf("Plain(%q) = %q, which Collapse makes %q", text, q, c)
		}
	})
}

func TestPlainMatches(t *testing.T) {
	db := ftsDB(t)
	for _, text := range []string{"self-attention", "C++", "muller", "MÜLLER", "relat*", "shaw", `positions"`} {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM t WHERE t MATCH ?", Plain(text)).Scan(&n); err != nil || n != 1 {
			t.Errorf("%q: got %d matches, %v; want 1", text, n, err)
		}
	}
}

func TestOnlyStopwords(t *testing.T) {
	for text, want := range map[string]bool{"the": true, "of the": true, "The, AND": true, "the model": false, "": false, "++": false, "the*": false} {
		if got := OnlyStopwords(text); got != want {
			t.Errorf("OnlyStopwords(%q): got %v, want %v", text, got, want)
		}
	}
}
