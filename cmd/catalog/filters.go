package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/catalog-dev/catalog/internal/ftsquery"
	"github.com/catalog-dev/catalog/internal/importer"
	"github.com/catalog-dev/catalog/internal/store"
)

// selection is what query and export pick papers by: search text and
// filters, from the same flags.
type selection struct {
	author, firstAuthor, title, venue, year onceString
	sort                                    string
	fts                                     bool
	rank                                    int // Store.RankWindow
}

// selectionFlags is the help text for the flags addFlags defines.
const selectionFlags = `  --author NAME        papers with this author at any position: "Family, Given",
                       "Given Family" or a family name; case and accents do not
                       matter, and the given name may be shortened ("Chan, C")
  --first-author NAME  papers whose first author is NAME
  --title WORDS        every word must be in the title
  --venue TEXT         the venue (journal, proceedings) contains TEXT, from the
                       start of a word, in any case and with or without accents
  --year Y             published in year Y, or a range: 2019-2021, 2019-, -2021
  --sort ORDER         relevance (default; without TEXT: newest first) or year
                       (newest first, ties by relevance)
  --fts                TEXT is an FTS5 query: "phrases", prefix*, OR, NOT,
                       NEAR(a b, 5), column filters (title: abstract: authors:)
                       TEXT (and --title) may have at most 8192 bytes, 64 words
                       or phrases, 256 words in its phrases and 4 prefixes;
                       a word or phrase given twice counts once
  --rank N             when more than N papers match, rank the N newest
                       (default 200); 0 ranks every match, which takes longer
                       for common words
`

func (s *selection) addFlags(fs *flag.FlagSet) {
	fs.Var(&s.author, "author", "")
	fs.Var(&s.firstAuthor, "first-author", "")
	fs.Var(&s.title, "title", "")
	fs.Var(&s.venue, "venue", "")
	fs.Var(&s.year, "year", "")
	fs.StringVar(&s.sort, "sort", "relevance", "")
	fs.BoolVar(&s.fts, "fts", false, "")
	fs.IntVar(&s.rank, "rank", store.DefaultRankWindow, "")
}

// hasFilter reports whether any filter flag was given.
func (s *selection) hasFilter() bool {
	return s.author.set || s.firstAuthor.set || s.title.set || s.venue.set || s.year.set
}

// build checks the flags and returns the FTS5 expression for words ("" for
// none) and the search options they ask for. Mistakes are usage errors.
func (s *selection) build(cmd string, words []string) (match string, opt store.SearchOptions, err error) {
	if s.rank < 0 {
		return "", opt, usagef("%s: --rank must not be negative, got %d", cmd, s.rank)
	}
	switch s.sort {
	case "relevance":
		opt.Sort = store.ByRelevance
	case "year":
		opt.Sort = store.ByYear
	default:
		return "", opt, usagef("%s: unknown --sort %s (want relevance or year)", cmd, quote(s.sort))
	}
	if s.author.set {
		n, err := parseName(cmd+": --author: ", s.author.value)
		if err != nil {
			return "", opt, err
		}
		opt.Author = &n
	}
	if s.firstAuthor.set {
		n, err := parseName(cmd+": --first-author: ", s.firstAuthor.value)
		if err != nil {
			return "", opt, err
		}
		opt.FirstAuthor = &n
	}
	if s.title.set {
		title, err := ftsExpr(s.title.value, false)
		if err != nil {
			return "", opt, usagef("%s: --title: %v", cmd, err)
		}
		if title == "" {
			return "", opt, usagef("%s: --title %s has no words", cmd, quote(s.title.value))
		}
		opt.Title = s.title.value
	}
	if s.venue.set {
		if importer.Fold(s.venue.value) == "" {
			return "", opt, usagef("%s: --venue %s has no words", cmd, quote(s.venue.value))
		}
		opt.Venue = s.venue.value
	}
	if s.year.set {
		opt.YearFrom, opt.YearTo, err = parseYears(s.year.value)
		if err != nil {
			return "", opt, usagef("%s: --year: %v", cmd, err)
		}
	}
	text := strings.Join(words, " ")
	if match, err = ftsExpr(text, s.fts); err != nil {
		return "", opt, usagef("%s: %v", cmd, err)
	}
	if !s.fts {
		// Only stopwords ("the", "of the"): nothing to rank by, and bm25
		// would weigh a word in nearly every paper. Newest matches first.
		opt.NewestFirst = ftsquery.OnlyStopwords(text) && s.title.value == ""
	}
	return match, opt, nil
}

// parseName reads a NAME argument; a mistake is a usage error that starts
// with prefix and quotes the name as quote does (the store's %q neither
// shortens it nor is meant for messages of the command line).
func parseName(prefix, name string) (store.NameFilter, error) {
	n, err := store.ParseNameFilter(name)
	if err != nil {
		return n, usagef("%sno name in %s: want \"Family, Given\", \"Given Family\" or a family name", prefix, quote(strings.TrimSpace(name)))
	}
	return n, nil
}

// ftsExpr is the FTS5 expression for search text: plain words (Plain), or
// with fts FTS5 syntax as typed (Collapse drops what it repeats). Text
// beyond ftsquery's limits is refused: its length as typed, then the
// phrases of the expression.
func ftsExpr(text string, fts bool) (string, error) {
	if err := ftsquery.CheckText(text); err != nil {
		return "", err
	}
	match := ftsquery.Collapse(text)
	if !fts {
		match = ftsquery.Plain(text)
	}
	return match, ftsquery.Check(match)
}

// parseYears reads --year: "2019", "2019-2021", "2019-" (and later) or
// "-2021" (and earlier); an en dash works as well as a hyphen. Open sides
// are 0.
func parseYears(s string) (from, to int, err error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "–", "-"))
	lo, hi, isRange := strings.Cut(s, "-")
	year := func(v string) (int, error) {
		v = strings.TrimSpace(v)
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 9999 || strings.HasPrefix(v, "+") {
			return 0, fmt.Errorf("%s is not a year", quote(v))
		}
		return n, nil
	}
	bad := fmt.Errorf("want a year (2019) or a range (2019-2021, 2019-, -2021), got %s", quote(s))
	if !isRange {
		y, err := year(s)
		if err != nil {
			return 0, 0, bad
		}
		return y, y, nil
	}
	if strings.TrimSpace(lo) == "" && strings.TrimSpace(hi) == "" {
		return 0, 0, bad
	}
	if strings.TrimSpace(lo) != "" {
		if from, err = year(lo); err != nil {
			return 0, 0, bad
		}
	}
	if strings.TrimSpace(hi) != "" {
		if to, err = year(hi); err != nil {
			return 0, 0, bad
		}
	}
	if from != 0 && to != 0 && from > to {
		return 0, 0, fmt.Errorf("range %s ends before it starts", quote(s))
	}
	return from, to, nil
}

// onceString is a string flag that may be given once: a second --author
// is more likely a mistake than a wish for the last one.
type onceString struct {
	value string
	set   bool
}

func (o *onceString) String() string { return o.value }

func (o *onceString) Set(v string) error {
	if o.set {
		return errors.New("given more than once")
	}
	o.value, o.set = v, true
	return nil
}
