package ftsquery

import (
	"database/sql"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// bm25Docs are rows for the bm25 tests: real titles, with repeats, accents,
// hyphens, digits and non-Latin text, so that tokenizing and folding
// matter.
var bm25Docs = [][3]string{
	{"Attention Is All You Need", "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks. We propose a new simple network architecture, the Transformer, based solely on attention mechanisms.", "Vaswani, Ashish; Shazeer, Noam; Parmar, Niki"},
	{"Self-Attention with Relative Position Representations", "Relying entirely on an attention mechanism, the Transformer introduced by Vaswani et al. achieves state-of-the-art results for machine translation.", "Shaw, Peter; Uszkoreit, Jakob; Vaswani, Ashish"},
	{"BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", "We introduce a new language representation model called BERT. BERT is designed to pre-train deep bidirectional representations from unlabeled text.", "Devlin, Jacob; Chang, Ming-Wei; Lee, Kenton; Toutanova, Kristina"},
	{"Neural Machine Translation by Jointly Learning to Align and Translate", "Neural machine translation is a recently proposed approach to machine translation. Unlike the traditional statistical machine translation, the neural machine translation aims at building a single neural network.", "Bahdanau, Dzmitry; Cho, Kyunghyun; Bengio, Yoshua"},
	{"Über die Übersetzung: Maschinelle Übersetzung für Müller", "Eine Studie zur maschinellen Übersetzung (MÜLLER-Lyer) mit neuronalen Netzen; état de l'art.", "Müller, Jörg; Dvořák, Zdeněk"},
	{"GPT-4 Technical Report", "We report the development of GPT-4, a large-scale, multimodal model. GPT-4 is a Transformer-based model pre-trained to predict the next token.", "OpenAI"},
	{"Deep Residual Learning for Image Recognition", "Deeper neural networks are more difficult to train. We present a residual learning framework to ease the training of networks that are substantially deeper.", "He, Kaiming; Zhang, Xiangyu; Ren, Shaoqing; Sun, Jian"},
	{"日本語の形態素解析", "日本語 テキスト の 解析 と 機械翻訳", "Kudo, Taku"},
	{"Learning to learn by gradient descent by gradient descent", "The move from hand-designed features to learned features in machine learning has been wildly successful.", "Andrychowicz, Marcin"},
	{"Translation, translations and translators", "", "Translator, T."},
	{"A", "a a a a a a a a a", ""},
	{"Sequence to Sequence Learning with Neural Networks", "Deep Neural Networks (DNNs) are powerful models that have achieved excellent performance on difficult learning tasks.", "Sutskever, Ilya; Vinyals, Oriol; Le, Quoc V."},
}

var bm25Columns = []string{"title", "abstract", "authors"}

func bm25DB(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", filepath.Join(tb.TempDir(), "bm25.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5(title, abstract, authors, tokenize="unicode61 remove_diacritics 2")`); err != nil {
		tb.Fatal(err)
	}
	for _, d := range bm25Docs {
		if _, err := db.Exec("INSERT INTO t VALUES (?, ?, ?)", d[0], d[1], d[2]); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// TestScorerAgreesWithFTS5 ranks every match of each query both ways:
// FTS5's bm25(t, 10, 1, 4), and Scorer given the exact document counts
// and the averages record. They must agree to rounding.
func TestScorerAgreesWithFTS5(t *testing.T) {
	db := bm25DB(t)
	var block []byte
	if err := db.QueryRow("SELECT block FROM t_data WHERE id = 1").Scan(&block); err != nil {
		t.Fatal(err)
	}
	rows, tokens, ok := Averages(block)
	if !ok || rows != int64(len(bm25Docs)) || len(tokens) != 3 {
		t.Fatalf("Averages: got %d rows, %d columns, ok %v; want %d rows, 3 columns", rows, len(tokens), ok, len(bm25Docs))
	}
	var total int64
	for _, n := range tokens {
		total += n
	}
	avg := float64(total) / float64(rows)
	weights := []float64{10, 1, 4}

	tests := []struct {
		name  string
		query string
		title string // a title filter: phrases that count in the title only
	}{
		{"one word", `"translation"`, ""},
		{"bareword", `neural`, ""},
		{"two words", `"neural" "networks"`, ""},
		{"phrase", `"machine translation"`, ""},
		{"hyphenated", `"self attention"`, ""},
		{"prefix", `"transl"*`, ""},
		{"phrase prefix", `"neural net"*`, ""},
		{"accents folded", `"muller"`, ""},
		{"accents in query", `"Übersetzung"`, ""},
		{"digits", `"gpt 4"`, ""},
		{"repeated token", `"gradient descent"`, ""},
		{"author", `"vaswani"`, ""},
		{"very common", `"a"`, ""},
		{"non-Latin", `"日本語"`, ""},
		{"title filter", `"learning"`, `"deep"`},
		{"title filter only", ``, `"translation"`},
		{"escaped quote", `"l""art"`, ""},
		{"NOT", `neural NOT translation`, ""},
		{"NOT a phrase", `"neural" NOT "machine translation"`, ""},
		{"NOT a column", `networks NOT title : neural`, ""},
		{"AND", `neural AND networks`, ""},
		{"column filter", `title:neural networks`, ""},
		{"column filter, phrase", `abstract : "machine translation" neural`, ""},
		{"authors column", `authors:vaswani attention`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var phrases []Phrase
			expr := tt.query
			if tt.query != "" {
				p, ok := ParseRanked(tt.query, bm25Columns)
				if !ok {
					t.Fatalf("ParseRanked(%q): not ranked by catalog", tt.query)
				}
				phrases = p
			}
			if tt.title != "" {
				p, ok := ParseSimple(tt.title)
				if !ok {
					t.Fatalf("ParseSimple(%q): not simple", tt.title)
				}
				for i := range p {
					p[i].Column = 0
				}
				phrases = append(phrases, p...)
				if expr != "" {
					expr = "(" + expr + ") AND "
				}
				expr += "title : (" + tt.title + ")"
			}
			idf := make([]float64, len(phrases))
			for i, p := range phrases {
				var hits float64
				if err := db.QueryRow("SELECT count(*) FROM t WHERE t MATCH ?", p.String(bm25Columns)).Scan(&hits); err != nil {
					t.Fatalf("count %s: %v", p.String(bm25Columns), err)
				}
				idf[i] = IDF(float64(rows), hits)
			}
			sc := NewScorer(phrases, weights, idf, avg)
			r, err := db.Query("SELECT title, abstract, authors, bm25(t, 10.0, 1.0, 4.0) FROM t WHERE t MATCH ?", expr)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			n := 0
			for r.Next() {
				var title, abstract, authors string
				var want float64
				if err := r.Scan(&title, &abstract, &authors, &want); err != nil {
					t.Fatal(err)
				}
				n++
				if got := sc.Score(title, abstract, authors); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Errorf("%q: got %.12f, want %.12f (FTS5)", title, got, want)
				}
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatalf("%s matches nothing: not a test", expr)
			}
		})
	}
}

func TestParseSimple(t *testing.T) {
	tests := []struct {
		in   string
		want []Phrase // nil: not simple
	}{
		{`"attention"`, []Phrase{{Terms: []string{"attention"}, Column: -1}}},
		{`"self attention" "Müller"*`, []Phrase{{Terms: []string{"self", "attention"}, Column: -1}, {Terms: []string{"muller"}, Prefix: true, Column: -1}}},
		{`neural  networks*`, []Phrase{{Terms: []string{"neural"}, Column: -1}, {Terms: []string{"networks"}, Prefix: true, Column: -1}}},
		{`"a""b"`, []Phrase{{Terms: []string{"a", "b"}, Column: -1}}},
		{`foo_bar`, []Phrase{{Terms: []string{"foo", "bar"}, Column: -1}}},
		{`"a" OR "b"`, nil},
		{`a AND b`, nil},
		{`NOT a`, nil},
		{`NEAR(a b)`, nil},
		{`title : a`, nil},
		{`title:a`, nil},
		{`{title abstract}: a`, nil},
		{`^a`, nil},
		{`a + b`, nil},
		{`(a)`, nil},
		{`"unterminated`, nil},
		{`"++"`, nil},
		{``, nil},
		{`   `, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseSimple(tt.in)
			if ok != (tt.want != nil) || ok && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseSimple(%q): got %+v, %v; want %+v", tt.in, got, ok, tt.want)
			}
		})
	}
}

// FuzzParseSimple: whatever ParseSimple accepts, FTS5 accepts too, and the
// phrases it read, written back as FTS5 syntax, match the same rows.
func FuzzParseSimple(f *testing.F) {
	for _, s := range []string{`"a"`, `a b*`, `"a""b"`, `"self attention"`, `x OR y`, `"é"`, "\x1a", `_`, `a"b"`, `"a"*"b"`, `Müller`} {
		f.Add(s)
	}
	db := bm25DB(f)
	ids := func(t *testing.T, expr string) ([]int64, error) {
		rows, err := db.Query("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", expr)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out, rows.Err()
	}
	f.Fuzz(func(t *testing.T, expr string) {
		phrases, ok := ParseSimple(expr)
		if !ok {
			return
		}
		want, err := ids(t, expr)
		if err != nil {
			t.Fatalf("ParseSimple accepts %q, FTS5 does not: %v", expr, err)
		}
		var back string
		for _, p := range phrases {
			back += p.String(bm25Columns) + " "
		}
		got, err := ids(t, back)
		if err != nil {
			t.Fatalf("%q read as %q: FTS5 rejects it: %v", expr, back, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q read as %q: matches %v, want %v", expr, back, got, want)
		}
	})
}

func TestParseRanked(t *testing.T) {
	title := func(terms ...string) Phrase { return Phrase{Terms: terms, Column: 0} }
	any := func(terms ...string) Phrase { return Phrase{Terms: terms, Column: -1} }
	tests := []struct {
		in   string
		want []Phrase // nil: not ranked by catalog
	}{
		{`a b`, []Phrase{any("a"), any("b")}},
		{`a AND b`, []Phrase{any("a"), any("b")}},
		{`learning NOT the`, []Phrase{any("learning")}},
		{`"language model" NOT neural`, []Phrase{any("language", "model")}},
		{`a b NOT c AND d NOT e*`, []Phrase{any("a"), any("b"), any("d")}},
		{`a NOT b c`, nil},
		{`title:"graph neural"`, []Phrase{title("graph", "neural")}},
		{`TITLE : graph* nets`, []Phrase{{Terms: []string{"graph"}, Prefix: true, Column: 0}, any("nets")}},
		{`authors:wang AND learning`, []Phrase{{Terms: []string{"wang"}, Column: 2}, any("learning")}},
		{`a NOT title:b`, []Phrase{any("a")}},
		{`NOT a`, nil},
		{`a NOT`, nil},
		{`a AND`, nil},
		{`AND a`, nil},
		{`a AND NOT b`, nil},
		{`a NOT NOT b`, nil},
		{`a OR b`, nil},
		{`NEAR(a b)`, nil},
		{`venue:a`, nil},
		{`title:`, nil},
		{`title: title: a`, nil},
		{`{title abstract}: a`, nil},
		{`-title: a`, nil},
		{`title:(a b)`, nil},
		{`a + b`, nil},
		{`^a`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseRanked(tt.in, bm25Columns)
			if ok != (tt.want != nil) || ok && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseRanked(%q): got %+v, %v; want %+v", tt.in, got, ok, tt.want)
			}
		})
	}
}

// FuzzParseRanked: whatever ParseRanked accepts, FTS5 accepts too, and
// for every row it matches, Scorer's bm25 of the phrases read (with exact
// document counts) is FTS5's bm25 of the expression.
func FuzzParseRanked(f *testing.F) {
	for _, s := range []string{`a NOT b`, `title:neural networks`, `authors : vaswani AND "attention"`, `neural NOT abstract:networks*`, `x OR y`, `"machine translation" NOT statistical`} {
		f.Add(s)
	}
	db := bm25DB(f)
	var block []byte
	if err := db.QueryRow("SELECT block FROM t_data WHERE id = 1").Scan(&block); err != nil {
		f.Fatal(err)
	}
	rows, tokens, _ := Averages(block)
	var total int64
	for _, n := range tokens {
		total += n
	}
	avg := float64(total) / float64(rows)
	f.Fuzz(func(t *testing.T, expr string) {
		phrases, ok := ParseRanked(expr, bm25Columns)
		if !ok {
			return
		}
		idf := make([]float64, len(phrases))
		for i, p := range phrases {
			var hits float64
			if err := db.QueryRow("SELECT count(*) FROM t WHERE t MATCH ?", p.String(bm25Columns)).Scan(&hits); err != nil {
				t.Fatalf("%q: phrase %s: %v", expr, p.String(bm25Columns), err)
			}
			idf[i] = IDF(float64(rows), hits)
		}
		sc := NewScorer(phrases, []float64{10, 1, 4}, idf, avg)
		r, err := db.Query("SELECT title, abstract, authors, bm25(t, 10.0, 1.0, 4.0) FROM t WHERE t MATCH ?", expr)
		if err != nil {
			t.Fatalf("ParseRanked accepts %q, FTS5 does not: %v", expr, err)
		}
		defer r.Close()
		for r.Next() {
			var title, abstract, authors string
			var want float64
			if err := r.Scan(&title, &abstract, &authors, &want); err != nil {
				t.Fatal(err)
			}
			if got := sc.Score(title, abstract, authors); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%q on %q: got %.12f, want %.12f (FTS5)", expr, title, got, want)
			}
		}
		if err := r.Err(); err != nil {
			t.Fatalf("ParseRanked accepts %q, FTS5 does not: %v", expr, err)
		}
	})
}

// countTokens is Scorer.count done the plain way, a token at a time with
// Tokens and Fold, a phrase matching where its terms are the tokens in a
// row: the reference the fast path is checked against.
func (s *Scorer) countTokens(c int, w float64, text string) (tokens int) {
	toks := Tokens(text)
	for i := range toks {
		toks[i] = Fold(toks[i])
	}
	for p, ph := range s.phrases {
		if ph.Column >= 0 && ph.Column != c {
			continue
		}
		last := len(ph.Terms) - 1
	at:
		for i := 0; i+last < len(toks); i++ {
			for j, term := range ph.Terms {
				tok := toks[i+j]
				if tok != term && !(j == last && ph.Prefix && strings.HasPrefix(tok, term)) {
					continue at
				}
			}
			s.freq[p] += w
		}
	}
	return len(toks)
}

// TestScorerPathsAgree: the fast path and the token-at-a-time path must
// count the same tokens and phrase instances.
func TestScorerPathsAgree(t *testing.T) {
	texts := []string{"", "a", "A a a", "  a-a--a  ", "self-attention, Self Attention; selfattention", "GPT-4 and gpt 4 and GPT4",
		"transformers transform transformed trans", "x1 x12 x", "the the the", "learning to learn by gradient descent by gradient descent",
		// ASCII letters with non-ASCII separators, across the eight-byte
		// words the ASCII path reads, and texts it must refuse.
		"Self\u2014Attention \u201cself attention\u201d\u00a0SELF\u2009attention", "12345678self attention1234567 self\tattention",
		"abcdefg\u00e9 self attention", "self attention caf\u00e9", "\u00c9lan self-attention", "a\u0301 self attention", "x\xffself attention"}
	for _, d := range bm25Docs {
		texts = append(texts, d[:]...)
	}
	queries := []string{`"a"`, `"a a"`, `"self attention"`, `"self attention"*`, `"elan"`, `"cafe"`, `"gpt 4"`, `"transform"*`, `"x1"*`, `"the the"`, `"gradient descent" "by"`, `"learn"* "descent"`, `"muller"`}
	for _, q := range queries {
		phrases, ok := ParseSimple(q)
		if !ok {
			t.Fatalf("ParseSimple(%q): not simple", q)
		}
		for _, text := range texts {
			checkScorerPaths(t, phrases, q, text)
		}
	}
}

// checkScorerPaths counts text's tokens and the phrases' instances in it
// by each path (countASCII when it takes the text, countFolded, and the
// reference countTokens) and fails if they differ.
func checkScorerPaths(t *testing.T, phrases []Phrase, q, text string) {
	t.Helper()
	ref := NewScorer(phrases, nil, nil, 1)
	m := ref.countTokens(0, 1, text)
	folded := NewScorer(phrases, nil, nil, 1)
	if n := folded.countFolded(0, 1, text); n != m || !reflect.DeepEqual(folded.freq, ref.freq) {
		t.Errorf("%s in %q: folding path %d tokens, counts %v; token path %d tokens, counts %v", q, text, n, folded.freq, m, ref.freq)
	}
	ascii := NewScorer(phrases, nil, nil, 1)
	n, ok := ascii.countASCII(0, 1, text)
	if !ok {
		if !slices.ContainsFunc([]rune(text), func(r rune) bool { return r >= utf8.RuneSelf && isTokenChar(r) }) {
			t.Errorf("%q: the ASCII path refused a text whose letters and digits are ASCII", text)
		}
		if slices.ContainsFunc(ascii.freq, func(f float64) bool { return f != 0 }) {
			t.Errorf("%q: the ASCII path refused the text after counting %v", text, ascii.freq)
		}
		return
	}
	if n != m || !reflect.DeepEqual(ascii.freq, ref.freq) {
		t.Errorf("%s in %q: ASCII path %d tokens, counts %v; token path %d tokens, counts %v", q, text, n, ascii.freq, m, ref.freq)
	}
}

// FuzzScorerPaths: for any simple query and any text, the two counting
// paths agree.
func FuzzScorerPaths(f *testing.F) {
	f.Add(`"a a"`, "a a a")
	f.Add(`"self attention"*`, "Self-Attentional self attention")
	f.Add(`x1*`, "x1 x12 x")
	f.Add(`"abc def"`, "xx ABC-def, abc—DEF; abcdef abc déf “abc” def12345678 ABC")
	f.Fuzz(func(t *testing.T, q, text string) {
		phrases, ok := ParseSimple(q)
		if !ok {
			return
		}
		if strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Mn, r) }) {
			return // a combining mark alone is a token to one, not the other
		}
		checkScorerPaths(t, phrases, q, text)
	})
}

// BenchmarkScorer scores the test rows (mostly ASCII) for a two-word
// query: the per-candidate cost of Search's own ranking.
func BenchmarkScorer(b *testing.B) {
	phrases, _ := ParseSimple(`"neural" "network"*`)
	sc := NewScorer(phrases, []float64{10, 1, 4}, []float64{1, 2}, 100)
	var size int64
	for _, d := range bm25Docs {
		size += int64(len(d[0]) + len(d[1]) + len(d[2]))
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, d := range bm25Docs {
			sc.Score(d[0], d[1], d[2])
		}
	}
}

// TestKnownRunesAgreeWithFTS5: for every character ParseSimple accepts,
// Tokens and Fold read "a<c>a" as the engine's tokenizer does.
func TestKnownRunesAgreeWithFTS5(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "runes.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5(x, tokenize="unicode61 remove_diacritics 2");
		CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for r := rune(0x80); r <= 0xd7a3; r++ {
		if !knownRune(r) {
			continue
		}
		checked++
		if _, err := tx.Exec("INSERT INTO t (rowid, x) VALUES (?, ?)", r, "a"+string(r)+"a"); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	engine := map[rune][]string{}
	rows, err := db.Query("SELECT doc, term FROM v ORDER BY doc, offset")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r rune
		var term string
		if err := rows.Scan(&r, &term); err != nil {
			t.Fatal(err)
		}
		engine[r] = append(engine[r], term)
	}
	rows.Close()
	bad := 0
	for r := rune(0x80); r <= 0xd7a3; r++ {
		if !knownRune(r) {
			continue
		}
		var ours []string
		for _, tok := range Tokens("a" + string(r) + "a") {
			ours = append(ours, Fold(tok))
		}
		if !reflect.DeepEqual(ours, engine[r]) {
			if bad++; bad <= 10 {
				t.Errorf("U+%04X %q: ours %q, FTS5 %q", r, string(r), ours, engine[r])
			}
		}
	}
	if checked < 20000 {
		t.Errorf("checked %d characters: not a test", checked)
	}
}
