package ftsquery

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// token is one token of a column's text: its bytes [start, end) and its
// folded form.
type token struct {
	start, end int
	folded     string
}

// tokenize splits text as unicode61 does (Tokens), keeping each token's
// byte offsets. ASCII is tested by table, and a token of ASCII letters
// and digits in lower case is its own folded form (no copy).
func tokenize(text string) []token {
	return tokenizeInto(make([]token, 0, len(text)/6+1), text, nil)
}

// termStarts are the first bytes of terms, a flag per byte value.
type termStarts [256]bool

// starts are the first bytes of the phrases' terms.
func starts(phrases []Phrase) *termStarts {
	var t termStarts
	for _, p := range phrases {
		for _, term := range p.Terms {
			t[term[0]] = true
		}
	}
	return &t
}

// tokenizeInto is tokenize appending to toks. With first (not nil), an
// ASCII token whose first letter, lower-cased, starts no term is left
// unfolded: it cannot be a term or start with one, folded or not (terms
// are folded: no capitals), and most tokens of a text are such.
func tokenizeInto(toks []token, text string, first *termStarts) []token {
	start := -1
	ascii, upper := true, false // of the token from start
	for i := 0; i <= len(text); {
		tok, size := false, 1
		if i < len(text) {
			if b := text[i]; b < utf8.RuneSelf {
				tok = asciiFold[b] != 0
				upper = upper || b >= 'A' && b <= 'Z'
			} else {
				var r rune
				r, size = utf8.DecodeRuneInString(text[i:])
				tok = isTokenChar(r)
				ascii = ascii && !tok
			}
		}
		switch {
		case tok && start < 0:
			start = i
		case !tok && start >= 0:
			t := text[start:i]
			switch {
			case !ascii:
				t = Fold(t)
			case !upper:
			case first != nil && !first[asciiFold[t[0]]]:
			default:
				t = strings.ToLower(t)
			}
			toks = append(toks, token{start, i, t})
			start, ascii, upper = -1, true, false
		case !tok:
			upper = false
		}
		i += size
	}
	return toks
}

// tokenBufs holds Snippet's token buffers.
var tokenBufs = sync.Pool{New: func() any { return new([]token) }}

// instance is one phrase instance in a row, as FTS5's xInst gives it.
type instance struct {
	phrase, col, pos int
}

// Matches reports whether a row whose columns hold these texts matches
// every phrase (each in its column, if it has one).
func Matches(phrases []Phrase, columns ...string) bool {
	found := make([]bool, len(phrases))
	n := 0
	for c, text := range columns {
		toks := tokenize(text)
		for p, ph := range phrases {
			if found[p] || ph.Column >= 0 && ph.Column != c {
				continue
			}
			if phraseIn(ph, toks, 0) >= 0 {
				found[p] = true
				n++
			}
		}
	}
	return n == len(phrases)
}

// phraseIn is the first token position, from, at which the phrase's terms
// are the tokens; -1 if none.
func phraseIn(ph Phrase, toks []token, from int) int {
	last := len(ph.Terms) - 1
at:
	for i := from; i+last < len(toks); i++ {
		for j, term := range ph.Terms {
			tok := toks[i+j].folded
			if tok != term && !(j == last && ph.Prefix && strings.HasPrefix(tok, term)) {
				continue at
			}
		}
		return i
	}
	return -1
}

// Snippet is FTS5's snippet(t, -1, open, close, ellipsis, nToken) for a
// row whose columns hold these texts and a query of these phrases: the
// passage of at most nToken tokens, in the column where it is best, with
// the most distinct phrases (then the most instances), moved to start a
// sentence when that scores as well, with each instance between open and
// close. It ports fts5SnippetFunction (fts5_aux.c), so that a search that
// ranks without FTS5 (one with prefixes, which FTS5 answers by merging
// every matching term's doclist, even for one row) shows the same
// passages; TestSnippetAgreesWithFTS5 checks it against the engine.
func Snippet(phrases []Phrase, columns []string, open, close, ellipsis string, nToken int) string {
	return SnippetColumn(phrases, columns, -1, open, close, ellipsis, nToken)
}

// SnippetColumn is FTS5's snippet(t, col, ...): Snippet from column col
// only (-1: any). A row without a match in col gets col's first nToken
// tokens, as FTS5 gives them.
func SnippetColumn(phrases []Phrase, columns []string, col int, open, close, ellipsis string, nToken int) string {
	toks := make([][]token, len(columns))
	n := 0
	for _, text := range columns {
		n += len(text)/6 + 1
	}
	// The columns' tokens, one after another, in a buffer kept for the
	// next snippet: a page makes twenty, each of a few hundred tokens.
	bp := tokenBufs.Get().(*[]token)
	defer tokenBufs.Put(bp)
	buf := slices.Grow((*bp)[:0], n)
	defer func() { *bp = buf[:0] }()
	first := starts(phrases)
	var insts []instance
	for c, text := range columns {
		from := len(buf)
		buf = tokenizeInto(buf, text, first)
		toks[c] = buf[from:len(buf):len(buf)]
		for p, ph := range phrases {
			if ph.Column >= 0 && ph.Column != c {
				continue
			}
			for i := phraseIn(ph, toks[c], 0); i >= 0; i = phraseIn(ph, toks[c], i+1) {
				insts = append(insts, instance{p, c, i})
			}
		}
	}
	// xInst's order: by position in the row, then by phrase.
	slices.SortFunc(insts, func(a, b instance) int {
		return cmp.Or(cmp.Compare(a.col, b.col), cmp.Compare(a.pos, b.pos), cmp.Compare(a.phrase, b.phrase))
	})
	size := func(p int) int { return len(phrases[p].Terms) }
	seen := make([]bool, len(phrases))
	// score is fts5SnippetScore: the passage of nToken tokens from pos in
	// column c scores 1000 for each phrase in it and 1 for each repeat;
	// adj is where to start it so that its instances sit in the middle.
	score := func(c, docSize, pos int) (score, adj int) {
		clear(seen)
		first, last := -1, 0
		for _, in := range insts {
			if in.col != c || in.pos < pos || in.pos >= pos+nToken {
				continue
			}
			if seen[in.phrase] {
				score++
			} else {
				score += 1000
			}
			seen[in.phrase] = true
			if first < 0 {
				first = in.pos
			}
			last = in.pos + size(in.phrase)
		}
		adj = first - (nToken-(last-first))/2
		if adj+nToken > docSize {
			adj = docSize - nToken
		}
		return score, max(adj, 0)
	}

	bestCol, bestStart, bestScore, colSize := max(col, 0), 0, 0, 0
	for c, text := range columns {
		if col >= 0 && c != col {
			continue
		}
		docSize := len(toks[c])
		sentences := sentenceStarts(text, toks[c])
		for _, in := range insts {
			if in.col != c {
				continue
			}
			s, adj := score(c, docSize, in.pos)
			if s > bestScore {
				bestScore, bestCol, bestStart, colSize = s, c, adj, docSize
			}
			if len(sentences) > 0 && docSize > nToken {
				jj := 0
				for ; jj < len(sentences)-1; jj++ {
					if sentences[jj+1] > in.pos {
						break
					}
				}
				if sentences[jj] < in.pos {
					s, _ := score(c, docSize, sentences[jj])
					if sentences[jj] == 0 {
						s += 120
					} else {
						s += 100
					}
					if s > bestScore {
						bestScore, bestCol, bestStart, colSize = s, c, sentences[jj], docSize
					}
				}
			}
		}
	}
	if colSize == 0 {
		colSize = len(toks[bestCol])
	}

	var out strings.Builder
	if bestStart > 0 {
		out.WriteString(ellipsis)
	}
	h := highlighter{
		in: columns[bestCol], open: open, close: close, out: &out,
		rangeStart: bestStart, rangeEnd: bestStart + nToken - 1,
		iter: cinstIter{insts: insts, col: bestCol, size: size},
	}
	h.iter.next()
	for h.iter.start >= 0 && h.iter.start < bestStart {
		h.iter.next()
	}
	for pos, t := range toks[bestCol] {
		h.token(pos, t.start, t.end)
	}
	if h.isOpen {
		out.WriteString(close)
	}
	if h.rangeEnd >= colSize-1 {
		out.WriteString(h.in[h.off:])
	} else {
		out.WriteString(ellipsis)
	}
	return out.String()
}

// sentenceStarts are the positions of the tokens that start a sentence
// (fts5SentenceFinderCb): the first, and each one after a '.' or ':' and
// white space.
func sentenceStarts(text string, toks []token) []int {
	var starts []int
	for pos, t := range toks {
		if pos == 0 {
			starts = append(starts, 0)
			continue
		}
		i := t.start - 1
		for i >= 0 && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
			i--
		}
		if i != t.start-1 && i >= 0 && (text[i] == '.' || text[i] == ':') {
			starts = append(starts, pos)
		}
	}
	return starts
}

// cinstIter walks a column's phrase instances, those that overlap
// coalesced into one (fts5CInstIterNext): start and end are the first and
// last token of the current one, -1 when there are no more.
type cinstIter struct {
	insts      []instance
	col        int
	size       func(phrase int) int
	i          int
	start, end int
}

func (it *cinstIter) next() {
	it.start, it.end = -1, -1
	for ; it.i < len(it.insts); it.i++ {
		in := it.insts[it.i]
		if in.col != it.col {
			continue
		}
		end := in.pos - 1 + it.size(in.phrase)
		switch {
		case it.start < 0:
			it.start, it.end = in.pos, end
		case in.pos <= it.end:
			it.end = max(it.end, end)
		default:
			return
		}
	}
}

// highlighter copies the tokens [rangeStart, rangeEnd] of a column's text
// with each coalesced instance between open and close (fts5HighlightCb).
type highlighter struct {
	in, open, close      string
	out                  *strings.Builder
	rangeStart, rangeEnd int
	iter                 cinstIter
	off                  int // in is copied up to here
	isOpen               bool
}

func (h *highlighter) token(pos, start, end int) {
	if pos < h.rangeStart || pos > h.rangeEnd {
		return
	}
	if h.rangeStart > 0 && pos == h.rangeStart {
		h.off = start
	}
	if h.isOpen && (pos <= h.iter.start || h.iter.start < 0) && start > h.off {
		h.out.WriteString(h.close)
		h.isOpen = false
	}
	if pos == h.iter.start && !h.isOpen {
		h.out.WriteString(h.in[h.off:start])
		h.out.WriteString(h.open)
		h.off = start
		h.isOpen = true
	}
	if pos == h.iter.end {
		if !h.isOpen {
			h.out.WriteString(h.open)
			h.isOpen = true
		}
		h.out.WriteString(h.in[h.off:end])
		h.off = end
		h.iter.next()
	}
	if pos == h.rangeEnd {
		if h.isOpen {
			if h.iter.start >= 0 && pos >= h.iter.start {
				h.out.WriteString(h.in[h.off:end])
				h.off = end
			}
			h.out.WriteString(h.close)
			h.isOpen = false
		}
		h.out.WriteString(h.in[h.off:end])
		h.off = end
	}
}
