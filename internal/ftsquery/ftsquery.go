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
func Plain(text string) string {
	var out []string
	for _, field := range strings.Fields(text) {
		prefix := strings.HasSuffix(strings.TrimRight(field, `"')]}.,;:!?`), "*")
		tokens := Tokens(field)
		if len(tokens) == 0 {
			continue
		}
		q := `"` + strings.Join(tokens, " ") + `"`
		if prefix {
			q += "*"
		}
		out = append(out, q)
	}
	return strings.Join(out, " ")
}

// Tokens splits text the way FTS5's unicode61 tokenizer does: runs of
// letters, digits and private-use characters, everything else a separator.
func Tokens(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !isTokenChar(r) })
}

func isTokenChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Mn, r)
}
