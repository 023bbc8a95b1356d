package ftsquery

import (
	"bytes"
	"math"
	"math/bits"
	"slices"
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
	return parse(expr, nil, false)
}

// ParseRanked reads an FTS5 expression that catalog can rank itself:
// phrases joined by AND, written or implicit, each maybe restricted to one
// of columns ("title : x", "authors:wang") and maybe excluded by NOT ("a
// NOT b"). phrases are the ones bm25 scores, each with its column: not the
// excluded ones, which have no instance in a row the expression matches
// and so add nothing to its score (fts5_aux.c). In FTS5's grammar phrases
// side by side (implicit AND) bind tightest, then NOT, then AND: "a b NOT
// c" is a and b without c, but "a NOT b c" is a without (b and c), where c
// counts when present, so a NOT must be followed by one phrase and then an
// operator or the end. Anything else (OR, NEAR, parentheses, column sets,
// ^, +, a column not in columns) gives ok false, as does an expression
// with no phrase left to score.
func ParseRanked(expr string, columns []string) (phrases []Phrase, ok bool) {
	return parse(expr, columns, true)
}

// parse is ParseSimple, and with ops (AND, NOT and column filters from
// columns) ParseRanked.
func parse(expr string, columns []string, ops bool) (phrases []Phrase, ok bool) {
	if strings.IndexByte(expr, 0) >= 0 || !utf8.ValidString(expr) {
		return nil, false // FTS5 reads a C string, and bytes, not runes
	}
	for _, r := range expr {
		if !knownRune(r) {
			return nil, false
		}
	}
	var (
		negate  bool // the next phrase follows NOT
		column  = -1 // the next phrase's column filter
		after   bool // an operator or a column filter waits for its phrase
		negated bool // the last phrase followed NOT: an operator must come next
	)
	i := 0
	for {
		for i < len(expr) && isSpace(expr[i]) {
			i++
		}
		if i == len(expr) {
			return phrases, len(phrases) > 0 && !after
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
			case "AND", "NOT":
				if !ops || len(phrases) == 0 && !negate && text == "AND" || after {
					return nil, false
				}
				negated = false
				if text == "NOT" {
					if len(phrases) == 0 && !negate {
						return nil, false // NOT needs a left operand
					}
					negate = true
				}
				after = true
				continue
			case "OR", "NEAR":
				return nil, false
			}
			k := i
			for k < len(expr) && isSpace(expr[k]) {
				k++
			}
			if k < len(expr) && expr[k] == ':' {
				// A column filter.
				if !ops || column >= 0 {
					return nil, false
				}
				column = slices.IndexFunc(columns, func(name string) bool { return strings.EqualFold(name, text) })
				if column < 0 {
					return nil, false
				}
				i = k + 1
				after = true
				continue
			}
		default:
			return nil, false
		}
		if negated {
			// "a NOT b c" is a NOT (b c): implicit AND binds tighter than
			// NOT, and c would be scored where it is found.
			return nil, false
		}
		p := Phrase{Column: column}
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
		if !negate {
			phrases = append(phrases, p)
		}
		negated = negate
		negate, column, after = false, -1, false
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
	finds   []asciiFind     // how countASCII finds each phrase
	folded  map[rune]string // Fold of the non-ASCII letters seen
}

// asciiFind is how countASCII looks for a phrase: by the byte at offset
// at of its first term, the one of its letters or digits least frequent
// in English text, in lower and upper case (the same for a digit). ok is
// false for a phrase with a non-ASCII term, which a text countASCII reads
// cannot hold.
type asciiFind struct {
	ok           bool
	at           int
	lower, upper byte
}

// letterRarity ranks the ASCII letters and digits by their frequency in
// English text, rarest first: the byte countASCII searches for is the
// rarest of the term's, so that it stops at few places that are not the
// term ('z' of "optimization" rather than its 'o').
const letterRarity = "zqxjkvbpygfwmucldrhsnioate"

func newASCIIFind(terms [][]byte) asciiFind {
	for _, t := range terms {
		for _, b := range t {
			if b >= utf8.RuneSelf {
				return asciiFind{}
			}
		}
	}
	first := terms[0]
	best, rank := 0, len(letterRarity)+1
	for i, b := range first {
		r := strings.IndexByte(letterRarity, b)
		if r < 0 {
			r = 3 // a digit: about as rare as j
		}
		if r < rank {
			best, rank = i, r
		}
	}
	b := first[best]
	f := asciiFind{ok: true, at: best, lower: b, upper: b}
	if b >= 'a' && b <= 'z' {
		f.upper = b - 'a' + 'A'
	}
	return f
}

// NewScorer prepares to score phrases; weights and idf are per column and
// per phrase, avgLen is the average row length in tokens (all columns).
func NewScorer(phrases []Phrase, weights, idf []float64, avgLen float64) *Scorer {
	terms := make([][][]byte, len(phrases))
	finds := make([]asciiFind, len(phrases))
	for i, p := range phrases {
		for _, t := range p.Terms {
			terms[i] = append(terms[i], []byte(t))
		}
		finds[i] = newASCIIFind(terms[i])
	}
	return &Scorer{
		phrases: phrases, weights: weights, idf: idf, avgLen: avgLen,
		freq: make([]float64, len(phrases)), terms: terms, finds: finds,
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
// and returns the column's length in tokens. A text whose letters and
// digits are all ASCII, as most titles, abstracts and author lists are, is
// read in place (countASCII); any other, countFolded folds into s.buf
// as the tokenizer would see it (ASCII letters and digits lower-cased by a
// table, other letters by Fold, separators as 0) while counting tokens,
// then finds each phrase's first term with bytes.Index: most text is
// ASCII, and this runs at a few hundred MB/s where a token at a time
// (countTokens, in the tests) runs at tens.
func (s *Scorer) count(c int, w float64, text string) (tokens int) {
	if tokens, ok := s.countASCII(c, w, text); ok {
		return tokens
	}
	return s.countFolded(c, w, text)
}

// countFolded is count for any text (see count).
func (s *Scorer) countFolded(c int, w float64, text string) (tokens int) {
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

// countASCII is count for a text whose letters and digits are all ASCII
// (any other character in it a separator to the tokenizer): it counts the
// tokens eight bytes at a time and finds each phrase's first term by its
// rarest byte (asciiFind) with IndexByte, in either case, reading the text
// in place. Folding a text
// into a buffer a byte at a time (countFolded) cost three quarters of
// scoring. ok is false, and nothing is counted, when the text has a
// non-ASCII letter, digit or mark: countFolded reads it.
func (s *Scorer) countASCII(c int, w float64, text string) (tokens int, ok bool) {
	tokens, ok = asciiTokens(text)
	if !ok {
		return 0, false
	}
	for p := range s.phrases {
		ph := &s.phrases[p]
		if ph.Column >= 0 && ph.Column != c {
			continue
		}
		f := s.finds[p]
		if !f.ok {
			continue // a term with other letters: not in this text
		}
		terms := s.terms[p]
		nextLower, nextUpper := indexFrom(text, f.lower, f.at), indexFrom(text, f.upper, f.at)
		for {
			i := min(nextLower, nextUpper)
			if i == len(text) {
				break
			}
			if i == nextLower {
				nextLower = indexFrom(text, f.lower, i+1)
			}
			if i == nextUpper {
				nextUpper = indexFrom(text, f.upper, i+1)
			}
			start := i - f.at // where the term would start
			if start > 0 && isASCIIAlnum(text[start-1]) {
				continue // inside a token
			}
			if phraseAtASCII(text, start, terms, ph.Prefix) {
				s.freq[p] += w
			}
		}
	}
	return tokens, true
}

// indexFrom is the index of the first c in text at or after from, or
// len(text).
func indexFrom(text string, c byte, from int) int {
	if from >= len(text) {
		return len(text)
	}
	if i := strings.IndexByte(text[from:], c); i >= 0 {
		return from + i
	}
	return len(text)
}

func isASCIIAlnum(b byte) bool { return asciiFold[b] != 0 }

// phraseAtASCII reports whether a phrase's terms start at text[start], the
// start of a token, in a text countASCII reads: terms are matched against
// the text folded byte by byte, and anything but an ASCII letter or digit
// separates tokens.
func phraseAtASCII(text string, start int, terms [][]byte, prefix bool) bool {
	k := start
	last := len(terms) - 1
	for j, term := range terms {
		for k < len(text) && !isASCIIAlnum(text[k]) {
			k++
		}
		if len(text)-k < len(term) {
			return false
		}
		for m, b := range term {
			if asciiFold[text[k+m]] != b {
				return false
			}
		}
		k += len(term)
		if j == last && prefix {
			return true
		}
		if k < len(text) && isASCIIAlnum(text[k]) {
			return false // the token goes on: not this term
		}
	}
	return true
}

// SWAR constants: a byte repeated in each of a word's eight bytes.
const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// asciiTokens counts the tokens of a text whose letters and digits are
// all ASCII, as unicode61 splits it: runs of ASCII letters and digits.
// Eight bytes at a time, each byte's high bit set where it is a letter or
// digit (by range tests that cannot carry across bytes, the bytes being
// below 0x80), a token starting where such a byte follows one that is
// not. A word with a non-ASCII byte is read a character at a time: ok is
// false at the first non-ASCII letter, digit or mark.
func asciiTokens(text string) (tokens int, ok bool) {
	var prev uint64 // the high bit of the previous byte's test, at bit 7
	i := 0
	for i < len(text) {
		for len(text)-i >= 16 {
			// Two words at a time, while neither has a non-ASCII byte.
			x := load64(text, i)
			y := load64(text, i+8)
			if (x|y)&swarHigh != 0 {
				break
			}
			tx, ty := asciiTokenBytes(x), asciiTokenBytes(y)
			tokens += bits.OnesCount64(tx&^(tx<<8|prev)) + bits.OnesCount64(ty&^(ty<<8|tx>>56))
			prev = ty >> 56
			i += 16
		}
		if len(text)-i >= 8 {
			x := load64(text, i)
			if x&swarHigh == 0 {
				tok := asciiTokenBytes(x)
				tokens += bits.OnesCount64(tok &^ (tok<<8 | prev))
				prev = tok >> 56
				i += 8
				continue
			}
		}
		// A byte at a time, to the end of the word and of the character
		// that ends there.
		end := min(i+8, len(text))
		for i < end {
			b := text[i]
			if b < utf8.RuneSelf {
				t := uint64(0)
				if isASCIIAlnum(b) {
					t = 0x80
				}
				if t != 0 && prev == 0 {
					tokens++
				}
				prev = t
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if isTokenChar(r) {
				return 0, false
			}
			prev = 0
			i += size
		}
	}
	return tokens, true
}

// load64 is text[i:i+8] as a little-endian word (one load: the compiler
// combines the bytes).
func load64(text string, i int) uint64 {
	return uint64(text[i]) | uint64(text[i+1])<<8 | uint64(text[i+2])<<16 | uint64(text[i+3])<<24 |
		uint64(text[i+4])<<32 | uint64(text[i+5])<<40 | uint64(text[i+6])<<48 | uint64(text[i+7])<<56
}

// asciiTokenBytes marks, in eight ASCII bytes, those that are letters or
// digits: each one's high bit set, every other bit clear. The range tests
// cannot carry from byte to byte, the bytes being below 0x80.
func asciiTokenBytes(x uint64) uint64 {
	l := x | 0x20*swarOnes // letters to lower case; nothing else lands in a-z
	letter := (l + (0x80-'a')*swarOnes) &^ (l + (0x7f-'z')*swarOnes)
	digit := (x + (0x80-'0')*swarOnes) &^ (x + (0x7f-'9')*swarOnes)
	return (letter | digit) & swarHigh
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
