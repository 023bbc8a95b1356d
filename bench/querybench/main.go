// Command querybench measures search latency on a catalog database: the
// time to get the top 20 ranked hits with their authors and snippets,
// through the same code that `catalog query` runs (the words through
// ftsquery.Plain, or as FTS5 syntax for --fts; the filters as
// store.SearchOptions; store.Search, with the store's default rank window).
//
//	querybench -db catalog.db -queries bench/queries.txt -warmup 1 -rounds 5 -label corpus -tsv m.tsv
//
// The queries file is described in its own header (bench/queries.txt).
// Each round runs every query once, in file order, on one open store; the
// warm-up rounds are not measured. It prints p50, p95, p99 and max per
// query class and overall, and with -tsv appends them as measurements
// ("search.LABEL.CLASS.p50<TAB>ms<TAB>1.23") for bench/report. -slow N
// lists the N slowest queries. What it does not time: starting a process
// and opening the database, which every `catalog query` also pays.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/catalog-dev/catalog/internal/ftsquery"
	"github.com/catalog-dev/catalog/internal/store"
)

type query struct {
	line  int
	class string
	text  string
	fts   bool
	opt   store.SearchOptions
	raw   string
}

func main() {
	dbPath := flag.String("db", "", "catalog database (required)")
	file := flag.String("queries", "bench/queries.txt", "queries file")
	rounds := flag.Int("rounds", 5, "measured rounds")
	warmup := flag.Int("warmup", 1, "unmeasured rounds first")
	limit := flag.Int("limit", 20, "hits per query")
	label := flag.String("label", "db", "name of the database in measurement names")
	tsv := flag.String("tsv", "", "append measurements to this file")
	slow := flag.Int("slow", 10, "list this many slowest queries (by median)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured rounds to this file")
	window := flag.Int("window", store.DefaultRankWindow, "rank at most this many of the newest matches (store.RankWindow; 0: all)")
	flag.Parse()
	if *dbPath == "" || *rounds < 1 || *warmup < 0 || *limit < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*dbPath, *file, *rounds, *warmup, *limit, *label, *tsv, *slow, *cpuprofile, *window); err != nil {
		fmt.Fprintf(os.Stderr, "querybench: %v\n", err)
		os.Exit(1)
	}
}

// run measures; profileTo is the -cpuprofile file ("" for none) and
// rankWindow the store's RankWindow.
func run(dbPath, file string, rounds, warmup, limit int, label, tsv string, slow int, profileTo string, rankWindow int) error {
	ctx := context.Background()
	if _, err := os.Stat(dbPath); err != nil {
		return err // store.Open would create an empty catalog
	}
	queries, err := readQueries(file)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	st.RankWindow = rankWindow

	times := make([][]time.Duration, len(queries)) // per query, one per round
	hits := make([]int, len(queries))
	for round := 0; round < warmup+rounds; round++ {
		if round == warmup && profileTo != "" {
			f, err := os.Create(profileTo)
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer func() {
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
		for i, q := range queries {
			start := time.Now()
			n, err := search(ctx, st, q, limit)
			d := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s:%d: %s: %w", file, q.line, q.raw, err)
			}
			hits[i] = n
			if round >= warmup {
				times[i] = append(times[i], d)
			}
		}
	}

	// Per class and overall, over every (query, round) sample.
	byClass := map[string][]time.Duration{}
	var classes []string
	var all []time.Duration
	zero := 0
	for i, q := range queries {
		if _, ok := byClass[q.class]; !ok {
			classes = append(classes, q.class)
		}
		byClass[q.class] = append(byClass[q.class], times[i]...)
		all = append(all, times[i]...)
		if hits[i] == 0 {
			zero++
		}
	}
	classes = append(classes, "all")
	byClass["all"] = all
	counts := map[string]int{"all": len(queries)}
	for _, q := range queries {
		counts[q.class]++
	}

	fmt.Printf("%s: %d queries (%d with no hit), %d rounds after %d warm-up, top %d with authors and snippets\n",
		dbPath, len(queries), zero, rounds, warmup, limit)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\tqueries\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	var out strings.Builder
	for _, c := range classes {
		s := stats(byClass[c])
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t\n", c, counts[c], s.p50, s.p95, s.p99, s.max)
		for _, m := range []struct {
			name string
			v    float64
		}{{"p50", s.p50}, {"p95", s.p95}, {"p99", s.p99}, {"max", s.max}} {
			fmt.Fprintf(&out, "search.%s.%s.%s\tms\t%.3f\n", label, c, m.name, m.v)
		}
	}
	fmt.Fprintf(&out, "search.%s.queries\tcount\t%d\n", label, len(queries))
	fmt.Fprintf(&out, "search.%s.no_hit_queries\tcount\t%d\n", label, zero)
	tw.Flush()

	if slow > 0 {
		idx := make([]int, len(queries))
		med := make([]float64, len(queries))
		for i := range idx {
			idx[i] = i
			med[i] = stats(times[i]).p50
		}
		slices.SortStableFunc(idx, func(a, b int) int { return -cmpFloat(med[a], med[b]) })
		fmt.Printf("slowest (median ms, hits, class, query):\n")
		for _, i := range idx[:min(slow, len(idx))] {
			fmt.Printf("  %8.2f  %5d  %-14s %s\n", med[i], hits[i], queries[i].class, queries[i].raw)
		}
	}

	if tsv != "" {
		f, err := os.OpenFile(tsv, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, out.String()); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return nil
}

// search runs one query the way catalog query does and returns the number
// of hits. Everything from the user's words to the hits is timed. The words
// become the FTS5 expression and options as selection.build does in
// cmd/catalog/filters.go (package main, so not importable): keep the two in
// step.
func search(ctx context.Context, st *store.Store, q query, limit int) (int, error) {
	opt := q.opt
	match := q.text
	if !q.fts {
		match = ftsquery.Plain(q.text)
		opt.NewestFirst = ftsquery.OnlyStopwords(q.text) && q.opt.Title == ""
	}
	opt.Limit = limit
	opt.MarkOpen, opt.MarkClose, opt.Ellipsis = "[", "]", "…"
	if q.text != "" && match == "" {
		return 0, errors.New("no words to search for") // catalog query stops here too
	}
	hits, err := st.Search(ctx, match, opt)
	return len(hits), err
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

type summary struct{ p50, p95, p99, max float64 }

// stats gives percentiles in milliseconds (nearest rank).
func stats(d []time.Duration) summary {
	if len(d) == 0 {
		return summary{}
	}
	ms := make([]float64, len(d))
	for i, v := range d {
		ms[i] = float64(v) / float64(time.Millisecond)
	}
	slices.Sort(ms)
	pct := func(p float64) float64 {
		k := int(math.Ceil(p/100*float64(len(ms)))) - 1
		return ms[min(max(k, 0), len(ms)-1)]
	}
	return summary{pct(50), pct(95), pct(99), ms[len(ms)-1]}
}

// readQueries reads the queries file: see bench/queries.txt's header.
func readQueries(path string) ([]query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []query
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" || strings.HasPrefix(strings.TrimSpace(raw), "#") {
			continue
		}
		q, err := parseQuery(raw)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		q.line = line
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no queries", path)
	}
	return qs, nil
}

// parseQuery reads "CLASS<TAB>TEXT[<TAB>OPTION]...".
func parseQuery(raw string) (query, error) {
	fields := strings.Split(raw, "\t")
	if len(fields) < 2 {
		return query{}, errors.New("want CLASS<TAB>TEXT[<TAB>OPTION]...")
	}
	q := query{class: strings.TrimSpace(fields[0]), text: strings.TrimSpace(fields[1]), raw: strings.Join(fields[1:], " ")}
	if q.class == "" {
		return query{}, errors.New("no class")
	}
	for _, o := range fields[2:] {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "fts" {
			q.fts = true
			continue
		}
		key, val, ok := strings.Cut(o, ":")
		if !ok {
			return query{}, fmt.Errorf("option %q: want NAME:VALUE or fts", o)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "author", "first-author":
			n, err := store.ParseNameFilter(val)
			if err != nil {
				return query{}, fmt.Errorf("%s: %w", key, err)
			}
			if key == "author" {
				q.opt.Author = &n
			} else {
				q.opt.FirstAuthor = &n
			}
		case "year":
			from, to, err := parseYears(val)
			if err != nil {
				return query{}, fmt.Errorf("year: %w", err)
			}
			q.opt.YearFrom, q.opt.YearTo = from, to
		case "venue":
			q.opt.Venue = val
		case "title":
			q.opt.Title = val
		case "sort":
			switch val {
			case "relevance":
				q.opt.Sort = store.ByRelevance
			case "year":
				q.opt.Sort = store.ByYear
			default:
				return query{}, fmt.Errorf("sort: want relevance or year, got %q", val)
			}
		default:
			return query{}, fmt.Errorf("unknown option %q", key)
		}
	}
	if q.text == "" && q.opt.Author == nil && q.opt.FirstAuthor == nil && q.opt.YearFrom == 0 &&
		q.opt.YearTo == 0 && q.opt.Venue == "" && q.opt.Title == "" {
		return query{}, errors.New("no text and no filter")
	}
	return q, nil
}

// parseYears reads a year option as catalog query --year does: "2019",
// "2019-2021", "2019-" or "-2021".
func parseYears(s string) (from, to int, err error) {
	lo, hi, isRange := strings.Cut(s, "-")
	year := func(v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 9999 {
			return 0, fmt.Errorf("%q is not a year", v)
		}
		return n, nil
	}
	if !isRange {
		y, err := year(s)
		return y, y, err
	}
	if strings.TrimSpace(lo) != "" {
		if from, err = year(lo); err != nil {
			return 0, 0, err
		}
	}
	if strings.TrimSpace(hi) != "" {
		if to, err = year(hi); err != nil {
			return 0, 0, err
		}
	}
	if from == 0 && to == 0 {
		return 0, 0, fmt.Errorf("%q has no year", s)
	}
	return from, to, nil
}
