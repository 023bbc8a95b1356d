package ftsquery

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on the search text a user gives, plain words or --fts syntax,
// counted after Plain or Collapse has dropped repeated words and phrases.
// FTS5's work grows with each phrase (and with each word a prefix
// stands for), once per row it ranks, so a query beyond them is refused
// instead of run: on the corpora, 3,000 phrases joined by OR took 84 s.
// Within them a search of the corpora takes at most a few seconds
// (bench/RESULTS.md); a title, or an abstract's words, fit.
const (
	// MaxQueryBytes bounds the text as typed, before any parsing.
	MaxQueryBytes = 8192
	// MaxPhrases bounds the words and quoted phrases ("a b" is one).
	MaxPhrases = 64
	// MaxTerms bounds the words of every phrase together.
	MaxTerms = 256
	// MaxPrefixes bounds the prefixes (trans*): FTS5 reads the list of
	// every word in the index that starts with one (c* OR s*: 1 s each).
	MaxPrefixes = 4
)

// LimitError is a query beyond one of the limits.
type LimitError struct {
	What     string // "bytes", "phrases", "words", "prefixes"
	Got, Max int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("too many %s in the search: %d, at most %d", e.What, e.Got, e.Max)
}

// CheckText refuses search text longer than MaxQueryBytes; it runs before
// the text is parsed.
func CheckText(text string) error {
	if len(text) > MaxQueryBytes {
		return &LimitError{What: "bytes", Got: len(text), Max: MaxQueryBytes}
	}
	return nil
}

// Check refuses an FTS5 expression (what Plain or Collapse wrote) with
// more phrases, words or prefixes than the limits allow.
func Check(expr string) error {
	var phrases, terms, prefixes int
	for _, it := range scan(expr) {
		if it.kind != phraseItem {
			continue
		}
		phrases++
		terms += len(Tokens(it.text))
		if it.prefix {
			prefixes++
		}
	}
	switch {
	case phrases > MaxPhrases:
		return &LimitError{What: "words or phrases", Got: phrases, Max: MaxPhrases}
	case terms > MaxTerms:
		return &LimitError{What: "words in its phrases", Got: terms, Max: MaxTerms}
	case prefixes > MaxPrefixes:
		return &LimitError{What: "prefixes (word*)", Got: prefixes, Max: MaxPrefixes}
	}
	return nil
}

// Collapse drops the phrases an FTS5 expression repeats, where that
// cannot change what it matches: in an expression of phrases (each maybe
// with a column filter or a trailing *) joined by AND, written or
// implicit, and OR, a phrase repeated within an AND group, or a group
// repeated, goes ("learning learning" is "learning"; "a b OR b a OR a" is
// "a b OR a"). Phrases are compared as FTS5 reads them: folded, with
// their column and prefix. Any other expression (NOT, NEAR, parentheses,
// ^, +, column sets) is returned as it is, as is one with nothing
// repeated. FTS5 spent time on each copy, for every row (a word 12,000
// times: 9 s).
func Collapse(expr string) string {
	if strings.IndexByte(expr, 0) >= 0 || !utf8.ValidString(expr) {
		return expr // FTS5 reads bytes: "\xbcA" is not the word "A"
	}
	items := scan(expr)
	var (
		groups [][]item // OR of ANDs of phrases
		group  []item
		col    = -1 // index in items of the pending column name
		wait   = true
	)
	for i, it := range items {
		switch it.kind {
		case phraseItem:
			if col >= 0 {
				it.column = strings.ToLower(items[col].text)
				it.src = items[col].src + " : " + it.src
				col = -1
			}
			group = append(group, it)
			wait = false
		case columnItem:
			col = i
		case andItem:
			if wait || col >= 0 {
				return expr
			}
			wait = true
		case orItem:
			if wait || col >= 0 {
				return expr
			}
			groups = append(groups, group)
			group, wait = nil, true
		default:
			return expr
		}
	}
	if wait || col >= 0 {
		return expr
	}
	groups = append(groups, group)

	dropped := false
	seenGroup := map[string]bool{}
	var out []string
	for _, g := range groups {
		seen := map[string]bool{}
		var keys, srcs []string
		for _, it := range g {
			k := it.key()
			if seen[k] {
				dropped = true
				continue
			}
			seen[k] = true
			keys = append(keys, k)
			srcs = append(srcs, it.src)
		}
		gk := strings.Join(slices.Sorted(slices.Values(keys)), "\x00")
		if seenGroup[gk] {
			dropped = true
			continue
		}
		seenGroup[gk] = true
		out = append(out, strings.Join(srcs, " "))
	}
	if !dropped {
		return expr
	}
	return strings.Join(out, " OR ")
}

type itemKind int

const (
	phraseItem itemKind = iota // a string or bareword that is a phrase
	columnItem                 // a column name before ':'
	andItem
	orItem
	otherItem // NOT, NEAR, parentheses, ^, +, -, braces, commas, numbers in NEAR
)

// item is a piece of an FTS5 expression, as scan reads it.
type item struct {
	kind   itemKind
	text   string // a phrase's or column's text, unquoted
	src    string // as written (with a phrase's *)
	prefix bool   // a phrase followed by *
	column string // set by Collapse: the phrase's column filter, lower case
}

// key is a phrase as FTS5 matches it: its column, words and prefix.
func (it item) key() string {
	k := it.column + ":" + phraseKey(Tokens(it.text))
	if it.prefix {
		k += "*"
	}
	return k
}

// phraseKey is what two phrases of these tokens must share to match the
// same rows: their tokens folded (Fold), where the tokens have only
// characters FTS5 and Fold read alike (knownRune), else the tokens as
// they are.
func phraseKey(tokens []string) string {
	text := strings.Join(tokens, " ")
	for _, r := range text {
		if !knownRune(r) {
			return text
		}
	}
	return Fold(text)
}

// scan splits an FTS5 expression into items, following the grammar of
// https://www.sqlite.org/fts5.html#full_text_query_syntax closely enough
// to count its phrases: strings ("..." with "" for a quote) and barewords
// are phrases, but for the operators AND, OR, NOT and NEAR( ), a name
// before ':' or inside { } (columns) and the distance after a NEAR
// group's comma. It never fails: what FTS5 would reject is counted as it
// comes.
func scan(expr string) []item {
	var out []item
	braces, near := false, 0 // inside { }; depth inside NEAR( )
	afterComma := false
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case isSpace(c):
			i++
			continue
		case c == '"' || isBareword(c):
			start := i
			var text string
			if c == '"' {
				var b strings.Builder
				i++
				for i < len(expr) {
					j := strings.IndexByte(expr[i:], '"')
					if j < 0 {
						b.WriteString(expr[i:])
						i = len(expr)
						break
					}
					b.WriteString(expr[i : i+j])
					i += j + 1
					if i < len(expr) && expr[i] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				text = b.String()
			} else {
				for i < len(expr) && isBareword(expr[i]) {
					i++
				}
				text = expr[start:i]
			}
			k := i
			for k < len(expr) && isSpace(expr[k]) {
				k++
			}
			it := item{kind: phraseItem, text: text, src: expr[start:i]}
			switch {
			case c != '"' && text == "AND":
				it.kind = andItem
			case c != '"' && text == "OR":
				it.kind = orItem
			case c != '"' && text == "NOT":
				it.kind = otherItem
			case c != '"' && text == "NEAR" && k < len(expr) && expr[k] == '(':
				it.kind = otherItem
			case braces:
				it.kind = columnItem
			case k < len(expr) && expr[k] == ':':
				it.kind = columnItem
			case near > 0 && afterComma:
				it.kind = otherItem // NEAR's distance
			}
			if it.kind == phraseItem && i < len(expr) && expr[i] == '*' {
				it.prefix = true
				i++
				it.src = expr[start:i]
			}
			out = append(out, it)
			continue
		}
		switch c {
		case '{':
			braces = true
		case '}':
			braces = false
		case '(':
			if n := len(out); near > 0 || n > 0 && out[n-1].kind == otherItem && out[n-1].text == "NEAR" {
				near++
			}
		case ')':
			if near > 0 {
				near--
			}
			afterComma = false
		case ',':
			afterComma = near > 0
		}
		if c == ':' && len(out) > 0 && out[len(out)-1].kind == columnItem {
			i++ // part of the column filter
			continue
		}
		out = append(out, item{kind: otherItem, src: expr[i : i+1]})
		i++
	}
	return out
}
