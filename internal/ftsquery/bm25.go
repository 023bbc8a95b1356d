package ftsquery

import (
	"bytes"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Phrase is one phrase of a simple FTS5 query: folded tokens that must
// appear in this order, the last one maybe as a prefix.
type Phrase struct {
	Terms  []string // folded like the index folds: lower case, no diacritics
	Prefix bool     // the last term is a prefix ("transform"*)
	Column int      // the only column it may match in; -1 for any
}

// String is the phrase as FTS5 syntax, with its column filter if any;
// columns names the columns by index.
func (p Phrase) String(columns []string) string {
	s := `"` + strings.Join(p.Terms, " ") + `"`
	if p.Prefix {
		s += "*"
	}
	if p.Column >= 0 {
		s = columns[p.Column] + " : " + s
	}
	return s
}

// ParseSimple reads an FTS5 expression that is nothing but phrases joined
// by the implicit AND ("a" "b c"*, or barewords): every query Plain writes
// is one. Anything else (OR, NOT, NEAR, parentheses, column filters, ^, +)
// gives ok false, and the caller leaves ranking to FTS5. Each phrase gets
// column -1.
func ParseSimple(expr string) (phrases []Phrase, ok bool) {
	if strings.IndexByte(expr, 0) >= 0 || !utf8.ValidString(expr) {
		return nil, false // FTS5 reads a C string, and bytes, not runes
	}
	for _, r := range expr {
		if !knownRune(r) {
			return nil, false
		}
	}
	i := 0
	for {
		for i < len(expr) && isSpace(expr[i]) {
			i++
		}
		if i == len(expr) {
			return phrases, len(phrases) > 0
		}
		var text string
		switch c := expr[i]; {
		case c == '"':
			var b strings.Builder
			i++
			for {
				j := strings.IndexByte(expr[i:], '"')
				if j < 0 {
					return nil, false // unterminated: FTS5 fails on it
				}
				b.WriteString(expr[i : i+j])
				i += j + 1
				if i < len(expr) && expr[i] == '"' { // "" is a quote
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			text = b.String()
		case isBareword(c):
			j := i
			for j < len(expr) && isBareword(expr[j]) {
				j++
			}
			text = expr[i:j]
			i = j
			switch text {
			case "AND", "OR", "NOT", "NEAR":
				return nil, false
			}
		default:
			return nil, false
		}
		p := Phrase{Column: -1}
		for _, tok := range Tokens(text) {
			term := Fold(tok)
			if term == "" {
				return nil, false // a lone combining mark: leave it to FTS5
			}
			p.Terms = append(p.Terms, term)
		}
		if i < len(expr) && expr[i] == '*' {
			p.Prefix = true
			i++
		}
		if len(p.Terms) == 0 || len(p.Terms) > 64 {
			return nil, false
		}
		if i < len(expr) && !isSpace(expr[i]) && expr[i] != '"' {
			return nil, false // "a"b, "a":, "a"( ...: not this grammar
		}
		phrases = append(phrases, p)
	}
}

// knownRune reports whether FTS5's tokenizer and this package are sure to
// read r alike (TestKnownRunesAgreeWithFTS5 checks every one against the
// engine): ASCII; Latin letters with their diacritics below U+0370, but
// for a dozen FTS5 folds otherwise (µ, long s, letters with two marks) and
// the combining marks, some of which FTS5 reads as separators; and the
// main CJK, kana and Hangul blocks, which neither folds. A query with any
// other character is ranked by FTS5 itself.
func knownRune(r rune) bool {
	switch {
	case r < 0x80:
		return true
	case r < 0x370:
		return !unicode.Is(unicode.Mn, r) && !foldsOtherwise[r]
	case r >= 0x4e00 && r <= 0x9fcc, r >= 0x3041 && r <= 0x3096, r >= 0x30a1 && r <= 0x30fa, r >= 0xac00 && r <= 0xd7a3:
		return true
	}
	return false
}

// foldsOtherwise are the Latin letters FTS5's remove_diacritics folds
// differently from a canonical decomposition.
var foldsOtherwise = map[rune]bool{
	0xb5: true, 0x17f: true, 0x1e0: true, 0x1e1: true, 0x1e2: true, 0x1e3: true,
	0x1ee: true, 0x1ef: true, 0x1fc: true, 0x1fd: true, 0x1fe: true, 0x1ff: true,
}

// isBareword is FTS5's bareword byte: A-Z a-z 0-9 _, 0x1a, or any byte of
// a non-ASCII character.
func isBareword(c byte) bool {
	return c >= 0x80 || c == '_' || c == 0x1a || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Fold lower-cases a token and strips the diacritics of its Latin letters,
// as the catalog's tokenizer (unicode61 remove_diacritics 2) does for the
// index. Other scripts are only lower-cased: a canonical decomposition
// would split Hangul syllables and kana with voicing marks, which FTS5
// keeps whole.
func Fold(tok string) string {
	ascii := true
	for i := 0; i < len(tok); i++ {
		if tok[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(tok)
	}
	var b strings.Builder
	for _, r := range tok {
		if r < utf8.RuneSelf || r >= 0x370 {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(unicode.ToLower(d))
			}
		}
	}
	return b.String()
}

// BM25 parameters, FTS5's: https://www.sqlite.org/fts5.html#the_bm25_function
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// IDF is FTS5's inverse document frequency of a phrase found in hits of
// rows rows (fts5_aux.c): never below 1e-6, so a phrase in most rows still
// counts a little.
func IDF(rows, hits float64) float64 {
	idf := math.Log((rows - hits + 0.5) / (hits + 0.5))
	if idf <= 0 {
		idf = 1e-6
	}
	return idf
}

// Scorer computes FTS5's bm25() for documents it is given the text of, so
// that a search can rank a bounded set of candidates without FTS5's own
// bm25, which counts each phrase's documents by reading its whole doclist
// on every query. The formula and constants are fts5_aux.c's; the
// document frequencies (IDF) and the average row length come from the
// caller. Tokens are found and folded as unicode61 does, so the term
// frequencies and the row length agree with the index.
type Scorer struct {
	phrases []Phrase
	weights []float64
	idf     []float64
	avgLen  float64
	freq    []float64
	buf     []byte
	terms   [][][]byte      // the phrases' terms as bytes
	folded  map[rune]string // Fold of the non-ASCII letters seen
}

// NewScorer prepares to score phrases; weights and idf are per column and
// per phrase, avgLen is the average row length in tokens (all columns).
func NewScorer(phrases []Phrase, weights, idf []float64, avgLen float64) *Scorer {
	terms := make([][][]byte, len(phrases))
	for i, p := range phrases {
		for _, t := range p.Terms {
			terms[i] = append(terms[i], []byte(t))
		}
	}
	return &Scorer{
		phrases: phrases, weights: weights, idf: idf, avgLen: avgLen,
		freq: make([]float64, len(phrases)), terms: terms,
	}
}

// Score is bm25 of the row whose columns hold these texts: negative,
// lower is better, as FTS5 returns it.
func (s *Scorer) Score(columns ...string) float64 {
	return s.ScoreCounts(s.Counts(columns...))
}

// Counts are what bm25 reads of a row: each phrase's instances, weighted
// by column, and the row's length in tokens. freq is the Scorer's own,
// overwritten by the next call. A row matches a query of these phrases
// when each has an instance (and the weights are positive).
func (s *Scorer) Counts(columns ...string) (freq []float64, rowLen int) {
	clear(s.freq)
	for c, text := range columns {
		w := 1.0
		if c < len(s.weights) {
			w = s.weights[c]
		}
		rowLen += s.count(c, w, text)
	}
	return s.freq, rowLen
}

// ScoreCounts is bm25 of a row with these counts (Counts).
func (s *Scorer) ScoreCounts(freq []float64, rowLen int) float64 {
	score := 0.0
	norm := bm25K1 * (1 - bm25B + bm25B*float64(rowLen)/s.avgLen)
	for p, f := range freq {
		score += s.idf[p] * (f * (bm25K1 + 1)) / (f + norm)
	}
	return -score
}

// SetIDF replaces the phrases' inverse document frequencies, for counts
// taken before they were known.
func (s *Scorer) SetIDF(idf []float64) { s.idf = idf }

// asciiFold maps a byte to itself lower-cased if it is an ASCII letter or
// digit, and to 0 otherwise: a separator, or part of a non-ASCII character
// (countASCII gives up on those).
var asciiFold = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			t[c] = byte(c)
		case c >= 'A' && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

// count adds the phrases' instances in column c, weighted w, to s.freq,
// and returns the column's length in tokens. It folds the text into s.buf
// as the tokenizer would see it (ASCII letters and digits lower-cased by a
// table, other letters by Fold, separators as 0) while counting tokens,
// then finds each phrase's first term with bytes.Index: most text is
// ASCII, and this runs at a few hundred MB/s where a token at a time
// (countTokens, in the tests) runs at tens.
func (s *Scorer) count(c int, w float64, text string) (tokens int) {
	buf := s.buf[:0]
	prev := byte(0)
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			f := asciiFold[b]
			if prev == 0 && f != 0 {
				tokens++
			}
			buf = append(buf, f)
			prev = f
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !isTokenChar(r) {
			buf = append(buf, 0)
			prev = 0
			continue
		}
		if prev == 0 {
			tokens++
		}
		f, ok := s.folded[r]
		if !ok {
			f = Fold(string(r))
			if s.folded == nil {
				s.folded = make(map[rune]string)
			}
			s.folded[r] = f
		}
		buf = append(buf, f...)
		prev = 1 // inside a token, even if r folds to nothing
	}
	s.buf = buf
	for p := range s.phrases {
		ph := &s.phrases[p]
		if ph.Column >= 0 && ph.Column != c {
			continue
		}
		first := s.terms[p][0]
		for at := 0; ; {
			j := bytes.Index(buf[at:], first)
			if j < 0 {
				break
			}
			start := at + j
			at = start + 1
			if start > 0 && buf[start-1] != 0 {
				continue // inside a token
			}
			if phraseAt(buf, start, s.terms[p], ph.Prefix) {
				s.freq[p] += w
			}
		}
	}
	return tokens
}

// phraseAt reports whether a phrase's terms start at buf[start], the
// start of a token (buf as countASCII folds it).
func phraseAt(buf []byte, start int, terms [][]byte, prefix bool) bool {
	k := start
	last := len(terms) - 1
	for j, term := range terms {
		for k < len(buf) && buf[k] == 0 {
			k++
		}
		if !bytes.HasPrefix(buf[k:], term) {
			return false
		}
		k += len(term)
		if j == last && prefix {
			return true
		}
		if k < len(buf) && buf[k] != 0 {
			return false // the token goes on: not this term
		}
	}
	return true
}

// Averages decodes FTS5's averages record (the %_data row with id 1): the
// number of rows, then the total number of tokens in each column, as
// SQLite varints. https://sqlite.org/src/file?name=ext/fts5/fts5_index.c
func Averages(block []byte) (rows int64, tokens []int64, ok bool) {
	var vals []int64
	for len(block) > 0 {
		v, n := varint(block)
		if n == 0 {
			return 0, nil, false
		}
		vals = append(vals, int64(v))
		block = block[n:]
	}
	if len(vals) == 0 {
		return 0, nil, false
	}
	return vals[0], vals[1:], true
}

// varint decodes an SQLite varint: big-endian, 7 bits a byte while the
// high bit is set, and all 8 bits of a ninth byte. n is 0 if b ends early.
func varint(b []byte) (v uint64, n int) {
	for i := 0; i < 8; i++ {
		if i == len(b) {
			return 0, 0
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	if len(b) < 9 {
		return 0, 0
	}
	return v<<8 | uint64(b[8]), 9
}
