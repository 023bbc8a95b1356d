package main

import (
	"strings"
	"testing"
)

// TestQueriesFile checks that the committed query set parses and keeps
// its shape: at least 200 queries, every class, the common words.
func TestQueriesFile(t *testing.T) {
	qs, err := readQueries("../queries.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 200 {
		t.Errorf("%d queries, want at least 200", len(qs))
	}
	classes := map[string]int{}
	texts := map[string]bool{}
	for _, q := range qs {
		classes[q.class]++
		texts[q.text] = true
	}
	for _, c := range strings.Fields("common mid rare two multi phrase prefix fts author year mixed") {
		if classes[c] == 0 {
			t.Errorf("no query of class %s", c)
		}
	}
	for _, w := range []string{"the", "learning", "model", "neural"} {
		if !texts[w] {
			t.Errorf("no query for %q", w)
		}
	}
}

func TestParseQuery(t *testing.T) {
	q, err := parseQuery("mixed\tlearning\tauthor:Chan, Chi-Min\tyear:2019-2021\tsort:year")
	if err != nil {
		t.Fatal(err)
	}
	if q.text != "learning" || q.opt.Author == nil || q.opt.Author.Family != "chan" ||
		q.opt.YearFrom != 2019 || q.opt.YearTo != 2021 {
		t.Errorf("got %+v", q)
	}
	for _, bad := range []string{"onlyclass", "c\t\tyear:20x9", "c\tx\tcolor:red", "c\t"} {
		if _, err := parseQuery(bad); err == nil {
			t.Errorf("parseQuery(%q): no error", bad)
		}
	}
	if from, to, err := parseYears("2019-"); err != nil || from != 2019 || to != 0 {
		t.Errorf("parseYears(2019-) = %d, %d, %v", from, to, err)
	}
}
