package ftsquery

import (
	"database/sql"

	"path/filepath"
	"strings"
	"testing"
)

// snippetDocs add to bm25Docs rows longer than a snippet, with sentences,
// so that the passage has to be chosen, moved to a sentence start and cut.
var snippetDocs = [][3]string{
	{"Neural Machine Translation of Rare Words with Subword Units",
		"Neural machine translation (NMT) models typically operate with a fixed vocabulary, but translation is an open-vocabulary problem. Previous work addresses the translation of out-of-vocabulary words by backing off to a dictionary. In this paper, we introduce a simpler and more effective approach, making the NMT model capable of open-vocabulary translation by encoding rare and unknown words as sequences of subword units. This is based on the intuition that various word classes are translatable via smaller units than words: for instance names (via character copying or transliteration), compounds (via compositional translation), and cognates and loanwords (via phonological and morphological transformations).",
		"Sennrich, Rico; Haddow, Barry; Birch, Alexandra"},
	{"Effective Approaches to Attention-based Neural Machine Translation",
		"An attentional mechanism has lately been used to improve neural machine translation (NMT) by selectively focusing on parts of the source sentence during translation. However, there has been little work exploring useful architectures for attention-based NMT. This paper examines two simple and effective classes of attentional mechanism: a global approach which always attends to all source words and a local one that only looks at a subset of source words at a time.   We demonstrate the effectiveness of both approaches on the WMT translation tasks between English and German in both directions.",
		"Luong, Thang; Pham, Hieu; Manning, Christopher D."},
	{"A Study: of Colons. And Stops", "one two three four five six seven eight nine ten: eleven twelve thirteen. fourteen fifteen sixteen seventeen eighteen nineteen twenty.twenty-one twenty-two : twenty-three twenty-four twenty-five twenty-six twenty-seven twenty-eight twenty-nine thirty", "Nobody, N."},
}

func snippetDB(tb testing.TB) *sql.DB {
	db := bm25DB(tb)
	for _, d := range snippetDocs {
		if _, err := db.Exec("INSERT INTO t VALUES (?, ?, ?)", d[0], d[1], d[2]); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// TestSnippetAgreesWithFTS5 computes the snippet of every match of each
// query both ways, FTS5's snippet() and Snippet, at several lengths; and
// checks that Matches finds exactly FTS5's matches.
func TestSnippetAgreesWithFTS5(t *testing.T) {
	db := snippetDB(t)
	queries := []string{
		`"translation"`, `neural`, `"neural" "networks"`, `"machine translation"`, `"self attention"`,
		`"transl"*`, `"neural net"*`, `"muller"`, `"gpt 4"`, `"gradient descent"`, `"a"`, `"日本語"`,
		`"nmt" "translation"`, `"words" "source"`, `"the"`, `"twenty"*`, `"twenty" "one"`, `"one" "two"`,
		`"attention" "mechanism" "neural"`, `"subword"`, `"sennrich"`, `"t"*`, `"a"*`, `"in" "this" "paper"`,
	}
	for _, q := range queries {
		phrases, ok := ParseSimple(q)
		if !ok {
			t.Fatalf("ParseSimple(%q): not simple", q)
		}
		for _, n := range []int{1, 3, 8, 24, 64} {
			// -1: the best column; 1: the abstract's passage, or its
			// opening when only the title or authors match.
			for _, col := range []int{-1, 0, 1, 2} {
				rows, err := db.Query("SELECT title, abstract, authors, snippet(t, ?, '[', ']', '…', ?) FROM t WHERE t MATCH ?", col, n, q)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var cols [3]string
					var want string
					if err := rows.Scan(&cols[0], &cols[1], &cols[2], &want); err != nil {
						t.Fatal(err)
					}
					got := SnippetColumn(phrases, cols[:], col, "[", "]", "…", n)
					if col < 0 {
						got = Snippet(phrases, cols[:], "[", "]", "…", n)
					}
					if got != want {
						t.Errorf("%s, column %d, %d tokens, in %q:\n got %q\nwant %q (FTS5)", q, col, n, cols[0], got, want)
					}
				}
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
			}
		}
		var want int
		if err := db.QueryRow("SELECT count(*) FROM t WHERE t MATCH ?", q).Scan(&want); err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, d := range append(append([][3]string{}, bm25Docs...), snippetDocs...) {
			if Matches(phrases, d[:]...) {
				got++
			}
		}
		if got != want {
			t.Errorf("%s: Matches finds %d rows, FTS5 %d", q, got, want)
		}
	}
}

// FuzzSnippet: for any simple query and any text, Matches agrees with
// FTS5 on whether the row matches, and Snippet with snippet() on the
// passage.
func FuzzSnippet(f *testing.F) {
	f.Add(`"a"`, "a b. c a: a", "x", 4)
	f.Add(`"self attention"*`, "Self-Attentional self attention. Self attention", "self", 3)
	f.Add(`x1* "y"`, "x1 x12 x", "y y y y", 2)
	f.Add(`"twenty"*`, snippetDocs[2][1], "", 24)
	db, err := sql.Open("sqlite", filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize="unicode61 remove_diacritics 2")`); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q, a, b string, n int) {
		phrases, ok := ParseSimple(q)
		if !ok || !knownText(a) || !knownText(b) {
			return
		}
		n = 1 + abs(n)%64
		if _, err := db.Exec("DELETE FROM t"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO t VALUES (?, ?)", a, b); err != nil {
			t.Fatal(err)
		}
		var want sql.NullString
		err := db.QueryRow("SELECT snippet(t, -1, '[', ']', '…', ?) FROM t WHERE t MATCH ?", n, q).Scan(&want)
		matched := err == nil
		if err != nil && err != sql.ErrNoRows {
			return // a query FTS5 refuses (too deep, too long): not this test
		}
		if got := Matches(phrases, a, b); got != matched {
			t.Fatalf("%s in %q, %q: Matches %v, FTS5 %v", q, a, b, got, matched)
		}
		if !matched {
			return
		}
		if got := Snippet(phrases, []string{a, b}, "[", "]", "…", n); got != want.String {
			t.Fatalf("%s, %d tokens, in %q, %q:\n got %q\nwant %q (FTS5)", q, n, a, b, got, want.String)
		}
		// The second column's snippet, whether it matches there or not.
		if err := db.QueryRow("SELECT snippet(t, 1, '[', ']', '…', ?) FROM t WHERE t MATCH ?", n, q).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := SnippetColumn(phrases, []string{a, b}, 1, "[", "]", "…", n); got != want.String {
			t.Fatalf("%s, column 1, %d tokens, in %q, %q:\n got %q\nwant %q (FTS5)", q, n, a, b, got, want.String)
		}
	})
}

// knownText: text whose characters this package reads as FTS5 does
// (knownRune), with no NUL, which FTS5 treats as the end.
func knownText(s string) bool {
	if strings.IndexByte(s, 0) >= 0 {
		return false
	}
	for _, r := range s {
		if !knownRune(r) {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// FuzzTokenize: tokenize finds Tokens' tokens, at their offsets, each
// folded by Fold.
func FuzzTokenize(f *testing.F) {
	for _, text := range []string{"", "Ab c", "GPT-4 über Ünïcödé, x\xffy", "日本語 テキスト", "a\u0301b", snippetDocs[0][1]} {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		toks := tokenize(text)
		want := Tokens(text)
		if len(toks) != len(want) {
			t.Fatalf("%q: %d tokens, want %d (%q)", text, len(toks), len(want), want)
		}
		for i, tok := range toks {
			if got := text[tok.start:tok.end]; got != want[i] || tok.folded != Fold(want[i]) {
				t.Fatalf("%q: token %d is %q folded %q, want %q folded %q", text, i, got, tok.folded, want[i], Fold(want[i]))
			}
		}
	})
}
