// Package ftsquery turns what a user types into an FTS5 query that cannot
// fail to parse.
//
// FTS5 gives meaning to quotes, parentheses, AND/OR/NOT/NEAR, '-', '+', '*',
// '^' and "column:". A user searching for `self-attention`, `C++` or a lone
// `AND` means words, not syntax, so Plain keeps only the words, the way the
// unicode61 tokenizer will see them, and quotes each one.
// https://www.sqlite.org/fts5.html#full_text_query_syntax
package ftsquery

import (
	"strings"
	"unicode"
)

// Plain translates free text into an FTS5 query matching documents that
// contain every word. A word the tokenizer splits ("self-attention",
// "GPT-4") becomes a phrase, so its parts must be adjacent; a word ending in
// '*' is a prefix search. It returns "" when the text has no words.
//
// Stopwords ("the", "of", "for") are dropped when the text has other words:
// nearly every paper contains them, so they change which papers match very
// little, while bm25 must scan nearly the whole index to weigh them. Text
// made only of stopwords keeps them (see OnlyStopwords). A word given
// twice, in any case or accents, is kept once: it matches the same papers,
// and FTS5 would do the work of each copy for every row it ranks.
func Plain(text string) string {
	words := words(text)
	keepStop := true
	for _, w := range words {
		if !w.stop {
			keepStop = false
		}
	}
	var out []string
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		if w.stop && !keepStop || seen[w.key] {
			continue
		}
		seen[w.key] = true
		out = append(out, w.query)
	}
	return strings.Join(out, " ")
}

// OnlyStopwords reports whether text has words and all of them are
// stopwords: a search that cannot be ranked usefully.
func OnlyStopwords(text string) bool {
	words := words(text)
	for _, w := range words {
		if !w.stop {
			return false
		}
	}
	return len(words) > 0
}

type word struct {
	query string // the FTS5 form: a quoted phrase, maybe with *
	key   string // the phrase as FTS5 matches it: folded, maybe with *
	stop  bool
}

func words(text string) []word {
	var out []word
	for _, field := range strings.Fields(text) {
		prefix := strings.HasSuffix(strings.TrimRight(field, `"')]}.,;:!?`), "*")
		tokens := Tokens(field)
		if len(tokens) == 0 {
			continue
		}
		q := `"` + strings.Join(tokens, " ") + `"`
		key := phraseKey(tokens)
		if prefix {
			q += "*"
			key += "*"
		}
		out = append(out, word{query: q, key: key, stop: !prefix && len(tokens) == 1 && stopwords[strings.ToLower(tokens[0])]})
	}
	return out
}

// stopwords is Lucene's English stop set (EnglishAnalyzer).
var stopwords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"but": true, "by": true, "for": true, "if": true, "in": true, "into": true, "is": true,
	"it": true, "no": true, "not": true, "of": true, "on": true, "or": true, "such": true,
	"that": true, "the": true, "their": true, "then": true, "there": true, "these": true,
	"they": true, "this": true, "to": true, "was": true, "will": true, "with": true,
}

// Tokens splits text the way FTS5's unicode61 tokenizer does: runs of
// letters, digits and private-use characters, everything else a separator.
func Tokens(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !isTokenChar(r) })
}

func isTokenChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Mn, r)
}
