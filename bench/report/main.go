// Command report turns the measurements bench/run collected into
// bench/out/results.json and a Markdown summary (results.md, and standard
// output).
//
//	report -in measurements.tsv -json results.json -md results.md -config rounds=3 -config synth_papers=1000000
//
// The input has one value per line, "NAME<TAB>UNIT<TAB>VALUE"; a name seen
// more than once (one line per round) is one measurement with several
// values. report adds the ratios the targets are stated in (from the
// medians) and checks the targets.
//
// results.json (format "catalog-bench/1"):
//
//	{
//	  "format": "catalog-bench/1",
//	  "machine": {"nproc": 2, "kernel": "6.1.0", "go": "go1.26.8", "date": "2025-01-01T00:00:00Z", "cpu": "...", "loadavg": "..."},
//	  "config": {"rounds": "3", ...},
//	  "measurements": [
//	    {"name": "corpus.import.seconds", "unit": "s", "values": [61.2, 60.8, 62.0], "median": 61.2,
//	     "target": "< 240", "met": true}
//	  ]
//	}
//
// "target" and "met" appear only on measurements that have a target, and
// "reduced_scale": true on those measured on a smaller database than the
// target is for (a run with CORPUS_LIMIT or another N).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

type measurement struct {
	Name   string    `json:"name"`
	Unit   string    `json:"unit"`
	Values []float64 `json:"values"`
	Median float64   `json:"median"`
	Target string    `json:"target,omitempty"`
	Met    *bool     `json:"met,omitempty"`
	// ReducedScale: measured on a smaller database than the target is
	// stated for (CORPUS_LIMIT or N set), so "met" says little.
	ReducedScale bool `json:"reduced_scale,omitempty"`
}

type machine struct {
	NProc   int    `json:"nproc"`
	Kernel  string `json:"kernel"`
	Go      string `json:"go"`
	Date    string `json:"date"`
	CPU     string `json:"cpu,omitempty"`
	LoadAvg string `json:"loadavg,omitempty"`
	MemMB   int    `json:"mem_mb,omitempty"`
}

type results struct {
	Format       string            `json:"format"`
	Machine      machine           `json:"machine"`
	Config       map[string]string `json:"config"`
	Measurements []*measurement    `json:"measurements"`
}

// target is a goal of the issue, on one measurement.
type target struct {
	name  string  // measurement
	op    string  // "<", "<=", ">="
	value float64 // in the measurement's unit
	what  string  // the row of the summary table
	db    string  // the database it is stated for: "corpus" (both corpora, whole) or "synth" (1M papers)
}

var targets = []target{
	{"corpus.import.vs_sqlite_utils", "<", 1.0, "corpora import time / sqlite-utils insert + enable-fts", "corpus"},
	{"corpus.import.vs_floor", "<=", 1.5, "corpora import time / sqlite3 shell floor (.import + rebuild)", "corpus"},
	{"corpus.reimport.speedup", ">=", 5, "re-import of the corpora: times faster than the first import", "corpus"},
	{"corpus.import.peak_rss", "<", 300, "peak RSS, corpora import", "corpus"},
	{"synth.import.seconds", "<", 240, "import of 1M synthetic papers", "synth"},
	{"synth.import.peak_rss", "<", 300, "peak RSS, 1M synthetic papers import", "synth"},
	{"search.corpus.all.p50", "<", 2, "search p50 on the corpora (~230k papers)", "corpus"},
	{"search.corpus.all.p99", "<", 20, "search p99 on the corpora (~230k papers)", "corpus"},
	{"search.synth.all.p99", "<", 50, "search p99 at 1M papers", "synth"},
}

// fullScale reports whether the run measured db at the size its targets
// are stated for.
func fullScale(db string, cfg map[string]string) bool {
	if db == "synth" {
		return cfg["synth_papers"] == "" || cfg["synth_papers"] == "1000000"
	}
	return cfg["corpus_limit"] == "" || cfg["corpus_limit"] == "0"
}

// ratios are derived from medians: name = a / b.
var ratios = []struct{ name, a, b string }{
	{"corpus.import.vs_sqlite_utils", "corpus.import.seconds", "sqlite_utils.load.seconds"},
	{"corpus.import.vs_floor", "corpus.import.seconds", "floor.load.seconds"},
	{"corpus.reimport.speedup", "corpus.import.seconds", "corpus.reimport.seconds"},
}

// reported are the measurements of the summary table besides the targets.
var reported = []struct{ name, what string }{
	{"corpus.import.seconds", "corpora import time"},
	{"corpus.records", "records in the corpora files"},
	{"corpus.import.records_per_s", "corpora import rate"},
	{"corpus.reimport.seconds", "corpora re-import time"},
	{"floor.load.seconds", "sqlite3 shell floor load time"},
	{"floor.load.peak_rss", "peak RSS, sqlite3 shell floor"},
	{"sqlite_utils.load.seconds", "sqlite-utils insert + enable-fts time"},
	{"sqlite_utils.load.peak_rss", "peak RSS, sqlite-utils"},
	{"corpus.db.bytes_per_paper", "bytes per paper, corpora"},
	{"corpus.papers", "papers, corpora"},
	{"corpus.authors", "authors, corpora"},
	{"corpus.authorships", "authorships, corpora"},
	{"corpus.merged_records", "records merged, corpora"},
	{"corpus.db.bytes", "database size, corpora"},
	{"synth.papers", "papers, synthetic"},
	{"synth.import.seconds", "synthetic import time"},
	{"synth.import.papers_per_s", "synthetic import rate"},
	{"synth.db.bytes_per_paper", "bytes per paper, synthetic"},
	{"synth.db.bytes", "database size, synthetic"},
	{"search.synth.all.p50", "search p50, synthetic"},
	{"search.synth.all.p99", "search p99, synthetic"},
}

type configFlag map[string]string

func (c configFlag) String() string { return "" }
func (c configFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want KEY=VALUE")
	}
	c[k] = val
	return nil
}

func main() {
	in := flag.String("in", "", "measurements file (NAME<TAB>UNIT<TAB>VALUE lines)")
	jsonOut := flag.String("json", "", "write results.json here")
	mdOut := flag.String("md", "", "write the Markdown summary here (it is printed too)")
	cfg := configFlag{}
	flag.Var(cfg, "config", "KEY=VALUE recorded in results.json (repeatable)")
	flag.Parse()
	if *in == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*in, *jsonOut, *mdOut, cfg); err != nil {
		fmt.Fprintf(os.Stderr, "report: %v\n", err)
		os.Exit(1)
	}
}

func run(in, jsonOut, mdOut string, cfg map[string]string) error {
	ms, err := read(in)
	if err != nil {
		return err
	}
	byName := map[string]*measurement{}
	for _, m := range ms {
		byName[m.Name] = m
	}
	for _, r := range ratios {
		a, b := byName[r.a], byName[r.b]
		if a == nil || b == nil || b.Median == 0 {
			continue
		}
		v := a.Median / b.Median
		m := &measurement{Name: r.name, Unit: "ratio", Values: []float64{v}, Median: v}
		ms = append(ms, m)
		byName[m.Name] = m
	}
	for _, t := range targets {
		if m := byName[t.name]; m != nil {
			ok := met(m.Median, t.op, t.value)
			m.Target, m.Met = fmt.Sprintf("%s %g", t.op, t.value), &ok
			m.ReducedScale = !fullScale(t.db, cfg)
		}
	}
	res := results{Format: "catalog-bench/1", Machine: describeMachine(), Config: cfg, Measurements: ms}
	if jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	var md strings.Builder
	writeMarkdown(&md, res, byName)
	fmt.Print(md.String())
	if mdOut != "" {
		return os.WriteFile(mdOut, []byte(md.String()), 0o644)
	}
	return nil
}

func met(v float64, op string, t float64) bool {
	switch op {
	case "<":
		return v < t
	case "<=":
		return v <= t
	case ">=":
		return v >= t
	}
	return false
}

func read(path string) ([]*measurement, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ms []*measurement
	idx := map[string]*measurement{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s:%d: want NAME<TAB>UNIT<TAB>VALUE", path, line)
		}
		v, err := strconv.ParseFloat(fields[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		m := idx[fields[0]]
		if m == nil {
			m = &measurement{Name: fields[0], Unit: fields[1]}
			idx[m.Name] = m
			ms = append(ms, m)
		}
		m.Values = append(m.Values, v)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, m := range ms {
		m.Median = median(m.Values)
	}
	return ms, nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func describeMachine() machine {
	m := machine{NProc: runtime.NumCPU(), Date: time.Now().UTC().Format(time.RFC3339)}
	if out, err := exec.Command("nproc").Output(); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			m.NProc = n
		}
	}
	if out, err := exec.Command("uname", "-r").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		m.Go = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.Atoi(f[1])
				m.MemMB = kb / 1024
			}
		}
	}
	return m
}

func format(v float64, unit string) string {
	switch unit {
	case "s":
		if v >= 120 {
			return fmt.Sprintf("%.1f s (%dm%02ds)", v, int(v)/60, int(v)%60)
		}
		return fmt.Sprintf("%.2f s", v)
	case "ms":
		return fmt.Sprintf("%.2f ms", v)
	case "MB":
		return fmt.Sprintf("%.0f MB", v)
	case "ratio":
		return fmt.Sprintf("%.2fx", v)
	case "count":
		return fmt.Sprintf("%.0f", v)
	case "B":
		if v >= 10<<20 {
			return fmt.Sprintf("%.0f MB", v/(1<<20))
		}
		return fmt.Sprintf("%.0f B", v)
	}
	return fmt.Sprintf("%.4g %s", v, unit)
}

func values(m *measurement) string {
	if len(m.Values) < 2 {
		return ""
	}
	parts := make([]string, len(m.Values))
	for i, v := range m.Values {
		parts[i] = strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strings.Join(parts, ", ")
}

func writeMarkdown(w io.Writer, res results, byName map[string]*measurement) {
	mc := res.Machine
	fmt.Fprintf(w, "## catalog benchmark, %s\n\n", mc.Date)
	fmt.Fprintf(w, "Machine: %d cores (%s), %d MB, Linux %s, %s; load average at the end %s.\n", mc.NProc, mc.CPU, mc.MemMB, mc.Kernel, mc.Go, mc.LoadAvg)
	if len(res.Config) > 0 {
		keys := make([]string, 0, len(res.Config))
		for k := range res.Config {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + res.Config[k]
		}
		fmt.Fprintf(w, "Run: %s.\n", strings.Join(parts, " "))
	}
	reduced := false
	fmt.Fprintf(w, "\n| target | goal | papers | measured (median) | met |\n|---|---|---|---|---|\n")
	for _, t := range targets {
		m := byName[t.name]
		papers := "-"
		if p := byName[t.db+".papers"]; p != nil {
			papers = strconv.FormatFloat(p.Median, 'f', 0, 64)
		}
		if m == nil {
			fmt.Fprintf(w, "| %s | %s %g | %s | not measured | |\n", t.what, t.op, t.value, papers)
			continue
		}
		verdict := "not met"
		if *m.Met {
			verdict = "met"
		}
		if m.ReducedScale {
			verdict += " *"
			reduced = true
		}
		goal := fmt.Sprintf("%s %g %s", t.op, t.value, m.Unit)
		if m.Unit == "ratio" {
			goal = fmt.Sprintf("%s %gx", t.op, t.value)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", t.what, goal, papers, format(m.Median, m.Unit), verdict)
	}
	if reduced {
		fmt.Fprintf(w, "\n\\* measured at reduced scale (CORPUS_LIMIT or N set): the target is for the full size.\n")
	}
	fmt.Fprintf(w, "\n| measurement | median | rounds |\n|---|---|---|\n")
	for _, r := range reported {
		if m := byName[r.name]; m != nil {
			fmt.Fprintf(w, "| %s | %s | %s |\n", r.what, format(m.Median, m.Unit), values(m))
		}
	}
	// Search by class, one row per database.
	for _, db := range []string{"corpus", "synth"} {
		var classes []string
		for _, m := range res.Measurements {
			if rest, ok := strings.CutPrefix(m.Name, "search."+db+"."); ok && strings.HasSuffix(rest, ".p50") {
				classes = append(classes, strings.TrimSuffix(rest, ".p50"))
			}
		}
		if len(classes) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nSearch latency, %s database (ms; top 20 with authors and snippets):\n\n", db)
		fmt.Fprintf(w, "| class | p50 | p95 | p99 | max |\n|---|---|---|---|---|\n")
		for _, c := range classes {
			row := []string{c}
			for _, p := range []string{"p50", "p95", "p99", "max"} {
				v := "-"
				if m := byName["search."+db+"."+c+"."+p]; m != nil {
					v = strconv.FormatFloat(m.Median, 'f', 2, 64)
				}
				row = append(row, v)
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
		}
	}
}
