package ftsquery

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// repeat joins n copies of s with sep.
func repeat(s, sep string, n int) string {
	return strings.Repeat(s+sep, n-1) + s
}

// words joins n different words w0, w1 ... with sep, each with suffix.
func wordsN(n int, suffix, sep string) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("w%d%s", i, suffix)
	}
	return strings.Join(w, sep)
}

func TestCollapse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"learning", "learning"},
		{"learning learning", "learning"},
		{repeat("learning", " ", 12000), "learning"},
		{`"neural network" OR "Neural Network" OR "neural  network"`, `"neural network"`},
		{repeat(`"neural network"`, " OR ", 3000), `"neural network"`},
		{"a b OR b a OR a", "a b OR a"},
		{"a AND a AND b", "a b"},
		{"Müller muller MULLER", "Müller"},
		{"title:x title : x abstract:x", "title : x abstract : x"},
		{"x* x x*", "x* x"},
		// Nothing repeated: as it is.
		{"a AND b", "a AND b"},
		{"title:x abstract:x", "title:x abstract:x"},
		// Not this grammar: as it is, repeated or not.
		{"a NOT a", "a NOT a"},
		{"NEAR(a a, 2)", "NEAR(a a, 2)"},
		{"(a OR a) b", "(a OR a) b"},
		{"a + a", "a + a"},
		{"{title abstract}: a a", "{title abstract}: a a"},
		{"^a a", "^a a"},
		{"a OR", "a OR"},
		{"OR a a", "OR a a"},
		{"a AND AND a", "a AND AND a"},
		{"title: OR a", "title: OR a"},
		{`"unterminated a a`, `"unterminated a a`},
		// FTS5 reads bytes and folds a few letters its own way: only what
		// it surely reads alike collapses.
		{"A \xbcA", "A \xbcA"},
		{"ſ s", "ſ s"},
		{"µ µ", "µ"},
		{"", ""},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		t.Run(name, func(t *testing.T) {
			if got := Collapse(tt.in); got != tt.want {
				t.Errorf("Collapse: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, expr string
		what       string // "" for none
	}{
		{"one word", `"learning"`, ""},
		{"phrases at the limit", wordsN(MaxPhrases, "", " OR "), ""},
		{"phrases past the limit", wordsN(MaxPhrases+1, "", " OR "), "words or phrases"},
		{"quoted and bare", wordsN(MaxPhrases/2, "", " ") + ` "x y" ` + wordsN(MaxPhrases/2, "", " "), "words or phrases"},
		{"operators are not phrases", wordsN(MaxPhrases, "", " AND NOT "), ""},
		{"columns are not phrases", repeat("title : x", " ", MaxPhrases), ""},
		{"column sets are not phrases", "{title abstract authors}: " + wordsN(MaxPhrases, "", " "), ""},
		{"NEAR and its distance are not phrases", "NEAR(" + wordsN(MaxPhrases, "", " ") + ", 10)", ""},
		{"terms at the limit", repeat(`"`+wordsN(MaxTerms/4, "", " ")+`"`, " OR ", 4), ""},
		{"terms past the limit", `"` + wordsN(MaxTerms+1, "", " ") + `"`, "words in its phrases"},
		{"prefixes at the limit", wordsN(MaxPrefixes, "*", " OR "), ""},
		{"prefixes past the limit", wordsN(MaxPrefixes+1, "*", " OR "), "prefixes (word*)"},
		{"a phrase's prefix", `"a b"* "c d"*`, ""},
		{"unterminated", `"` + wordsN(MaxTerms+1, "", " "), "words in its phrases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.expr)
			var le *LimitError
			switch {
			case tt.what == "" && err != nil:
				t.Errorf("got %v, want none", err)
			case tt.what != "" && (!errors.As(err, &le) || le.What != tt.what):
				t.Errorf("got %v, want a limit on %s", err, tt.what)
			}
		})
	}
	if err := CheckText(strings.Repeat("x", MaxQueryBytes)); err != nil {
		t.Errorf("CheckText at the limit: %v", err)
	}
	err := CheckText(strings.Repeat("x", MaxQueryBytes+1))
	if want := fmt.Sprintf("too many bytes in the search: %d, at most %d", MaxQueryBytes+1, MaxQueryBytes); err == nil || err.Error() != want {
		t.Errorf("CheckText past the limit: got %v, want %q", err, want)
	}
}

// hostileQueries are the shapes of query the limits are for: repeated
// words and phrases, long OR lists, many prefixes, long phrases.
var hostileQueries = []string{
	repeat("learning", " ", 1000),
	repeat(`"neural network"`, " OR ", 300),
	repeat("learning", " AND ", 100),
	wordsN(100, "", " OR "),
	wordsN(10, "*", " OR "),
	`"` + repeat("the", " ", 300) + `"`,
	repeat("title:x", " ", 50) + " OR " + repeat("abstract : x*", " ", 50),
}

// FuzzCollapse: whatever the expression, Collapse's output matches the
// same rows as it in FTS5 (and parses when it does), has nothing left to
// collapse, and Check and scan read it without trouble.
func FuzzCollapse(f *testing.F) {
	for _, s := range append([]string{`a a`, `a OR a`, `title:a title : a`, `"a b" OR "A B" c`, `a* a`, `a NOT a`, `NEAR(a a, 3) OR x`, `{title}: a a`, `"`, `a:`, `OR`, `a OR OR a`}, hostileQueries...) {
		f.Add(s)
	}
	db := bm25DB(f)
	stmt, err := db.Prepare("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid")
	if err != nil {
		f.Fatal(err)
	}
	rowids := func(expr string) ([]int64, error) {
		rows, err := stmt.Query(expr)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	f.Fuzz(func(t *testing.T, expr string) {
		got := Collapse(expr)
		_ = Check(got)
		if again := Collapse(got); again != got {
			t.Errorf("Collapse(%q) = %q, and again %q", expr, got, again)
		}
		if got == expr {
			return
		}
		want, err := rowids(expr)
		if err != nil {
			return // FTS5 rejects the original: nothing to keep
		}
		have, err := rowids(got)
		if err != nil {
			t.Fatalf("Collapse(%q) = %q: FTS5 rejects it: %v", expr, got, err)
		}
		if !slices.Equal(have, want) {
			t.Errorf("Collapse(%q) = %q matches %v, the original %v", expr, got, have, want)
		}
	})
}

// BenchmarkCollapseAndCheck: the largest text the limits let through is
// read in linear time.
func BenchmarkCollapseAndCheck(b *testing.B) {
	text := repeat("learning", " ", MaxQueryBytes/9)
	for b.Loop() {
		if err := Check(Collapse(text)); err != nil {
			b.Fatal(err)
		}
	}
}
